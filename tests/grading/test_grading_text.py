"""Clause reading: negation, rejection, deferral and conditions."""

from __future__ import annotations

import pytest

from tutor.grading.text import DEFER, analyse, concept_set


def clauses(text: str) -> list[frozenset[str]]:
    return [c.concepts for c in analyse(text)]


def test_plain_action_and_object() -> None:
    assert {"revoke", "credential"} <= concept_set("Kill the AKIA")


@pytest.mark.parametrize(
    "text",
    ["I would not revoke it", "I won't revoke it", "I wouldnt revoke it", "never revoke the key"],
)
def test_negation_flips_the_action(text: str) -> None:
    found = concept_set(text)
    assert "NOT:revoke" in found and "revoke" not in found


def test_refusing_to_grant_reads_as_deny() -> None:
    assert "deny" in concept_set("I will not grant the agent admin")


def test_negation_stops_at_a_new_subject() -> None:
    found = clauses("Rather than waiting I'd revoke the key")
    assert any("revoke" in c for c in found)


@pytest.mark.parametrize(
    "text",
    [
        "Revoking would be overkill",
        "revoking the key is unnecessary",
        "force-pushing does not help",
        "Revoking the key alone fixes nothing",
        "revoking it on its own achieves nothing",
        "Rotating the live key mid-quarter is a nightmare",
        "since swapping the secret mid-week is risky",
        "so killing it just makes work for him on release day",
    ],
)
def test_rejection_after_the_action(text: str) -> None:
    assert any(c.startswith("NOT:") for c in concept_set(text))


def test_anaphoric_rejection_reaches_back() -> None:
    found = clauses(
        "Revoking the key is the textbook answer, but I won't do that before the release."
    )
    assert "NOT:revoke" in found[0]
    here = clauses(
        "I know the textbook says deactivate the key first thing. I'm not doing that here."
    )
    assert "NOT:revoke" in here[0] and "revoke" not in here[0]


def test_a_step_that_could_break_something_is_weighed_not_taken() -> None:
    found = concept_set("killing it on a Monday morning could break their pipeline")
    assert "NOT:revoke" in found and "revoke" not in found


@pytest.mark.parametrize(
    "text",
    [
        "revoke it after the release",
        "revoke the token after Thursday's release",
        "rotate it tomorrow",
        "After the release, revoke the key.",
        "Revoke it once the release is out.",
        "leave it until 17:30",
    ],
)
def test_deferral_is_detected(text: str) -> None:
    assert any(
        DEFER in c and ("revoke" in c or "rotate" in c or "keep_active" in c) for c in clauses(text)
    )


@pytest.mark.parametrize(
    "text", ["do not wait until after the release, revoke now", "revoke it now"]
)
def test_no_deferral_when_waiting_is_refused(text: str) -> None:
    assert not any(DEFER in c and "revoke" in c for c in clauses(text))


def test_condition_with_a_real_precondition_marks_the_consequence() -> None:
    found = analyse("Once the sub condition is added, approve it.")
    assert found[-1].conditional


def test_condition_without_a_precondition_does_not() -> None:
    found = analyse("If it is really Daniel, read him the password.")
    assert not any(c.conditional for c in found)


def test_clause_spans_index_the_original_text() -> None:
    text = "Kill the AKIA now; then pull CloudTrail for it."
    for c in analyse(text):
        assert text[c.start : c.end] == c.text


def test_or_not_concedes_rather_than_decides() -> None:
    found = analyse("Secrets never go through Slack, DM or not.")
    assert all("share" not in c.concepts for c in found if c.text.startswith("DM"))


def test_once_that_is_in_conditions_the_approval() -> None:
    found = analyse("Pin the sub claim. Once that's in, approve.")
    assert found[-1].conditional


def test_quoted_words_are_someone_elses() -> None:
    found = analyse("He says 'just read the password out to me', which is a no.")
    assert any(c.hypothetical for c in found if "password" in c.text)


def test_what_anyone_could_do_is_a_description() -> None:
    found = analyse("Anyone who pushes there can read the invoices.")
    assert all(c.hypothetical for c in found if "read" in c.text)
    assert not any(c.hypothetical for c in analyse("We can read the invoices."))


def test_what_follows_before_is_the_deadline_not_an_action() -> None:
    found = analyse("Take a snapshot before anyone runs terraform destroy.")
    assert any("evidence" in c.concepts for c in found)
    assert not any("delete" in c.concepts for c in found)


def test_a_step_resumes_with_its_own_subject_after_the_deadline() -> None:
    found = analyse("To get the mailer back before 17:00 I'll revoke the old key.")
    assert "revoke" in found[0].concepts
    assert "revoke" not in analyse("Snapshot it before anyone revokes the old key.")[0].concepts


def test_first_thing_as_an_ordinal_is_not_a_deferral() -> None:
    assert not any(c.deferred for c in analyse("First thing: I disable the token."))
    assert any(c.deferred for c in analyse("I disable the token tomorrow morning."))


def test_turning_it_down_is_a_refusal() -> None:
    assert any("deny" in c.concepts for c in analyse("Turning it down."))


def test_a_trailing_so_no_rejects_what_the_sentence_proposed() -> None:
    found = analyse("Deleting the namespace would wipe the evidence, so no.")
    assert not any("delete" in c.concepts for c in found)
    assert any("NOT:delete" in c.concepts for c in found)


def test_what_i_thought_about_doing_is_not_what_i_did() -> None:
    found = analyse("I thought about checking the password out to be helpful, but no.")
    assert found[0].hypothetical


def test_a_leading_before_keeps_the_action_after_it() -> None:
    found = analyse("Before I reply at all I suspend its GitHub App installation.")
    assert "revoke" in found[0].concepts


def test_a_quoted_reply_ends_its_sentence() -> None:
    found = analyse("'Raise a ticket.' After hanging up I'd phone his manager.")
    assert found[0].sentence != found[-1].sentence


def test_telling_someone_no_reports_nothing() -> None:
    found = analyse("So I'd tell him no.")
    assert "deny" in found[0].concepts and "notify" not in found[0].concepts


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("That key isn't something I can give out", "approve"),
        ("Not something I can share, mate", "share"),
        ("It's not anything we'd rotate today", "rotate"),
    ],
)
def test_not_something_i_can_negates_the_verb(text: str, verb: str) -> None:
    found = concept_set(text)
    assert f"NOT:{verb}" in found or ("deny" in found and verb == "approve")
    assert verb not in found


def test_something_i_can_do_without_not_stays_affirmative() -> None:
    assert "share" in concept_set("That is something I can share with the owner")


def test_sending_it_back_unapproved_is_a_refusal() -> None:
    assert "deny" in concept_set("This goes back unapproved")


@pytest.mark.parametrize("no", ["nah", "nope", "no"])
def test_a_trailing_nah_rejects_what_the_sentence_proposed(no: str) -> None:
    first = clauses(f"Using the bot token, {no}. Then I revoke the token.")[0]
    assert "use" not in first and "NOT:use" in first


@pytest.mark.parametrize("text", ["Requesting changes, sorry Priya", "#2295 stays unmerged"])
def test_pull_request_review_refusals_read_as_deny(text: str) -> None:
    assert "deny" in concept_set(text)


@pytest.mark.parametrize(
    ("text", "conditional"),
    [
        ("Add a subject check for our repo and then I'll approve straight away.", True),
        ("Fix the trust policy and I'll approve it", True),
        ("I revoke the key and then I'll approve the PR.", False),
        ("It needs a five-line policy change, then we approve.", True),
        ("I look through the diff, then I approve.", False),
    ],
)
def test_an_approval_promised_after_someone_elses_fix_is_conditional(
    text: str, conditional: bool
) -> None:
    approving = [c for c in analyse(text) if "approve" in c.concepts]
    assert approving and approving[-1].conditional is conditional


def test_throwing_away_the_evidence_is_a_reason_not_to() -> None:
    reason = clauses("I'm not deleting the role, because deleting throws away the evidence.")[-1]
    assert "NOT:delete" in reason and "delete" not in reason


@pytest.mark.parametrize(
    ("text", "deferred"),
    [
        ("Honestly Dana the release has to wait a bit", False),
        ("The demo can slip", False),
        ("New creds for the deploy job so we can still ship tonight", False),
        ("The key can wait until the release is out", True),
        ("Rotate the key after the release", True),
    ],
)
def test_putting_off_the_release_is_not_putting_off_the_fix(text: str, deferred: bool) -> None:
    assert analyse(text)[-1].deferred is deferred


def test_an_imperative_followed_by_what_anyone_could_then_do_is_a_warning() -> None:
    found = analyse("Give it a role on prod and anyone who pushes code there can read invoices.")
    assert found[0].hypothetical
    assert not analyse("Give it a role on staging and tell the owner.")[0].hypothetical


def _deferred_with(text: str, concept: str) -> bool:
    return next(c for c in analyse(text) if concept in c.concepts).deferred


def test_a_delay_named_only_to_be_ruled_out_defers_nothing() -> None:
    text = "Waiting till 17:30 isn't an option, so I kill it first."
    assert not any(c.deferred for c in analyse(text))
    assert _deferred_with("Waiting till 17:30 is fine, so I kill it then.", "revoke")


@pytest.mark.parametrize(
    ("text", "deferred"),
    [
        ("Pull the CloudTrail logs for the weekend", False),
        ("Check the logins since Saturday", False),
        ("Rotating the token I'd put on the list for next sprint", True),
        ("Remove the password in Monday's change window", True),
    ],
)
def test_the_period_looked_at_is_not_a_delay(text: str, deferred: bool) -> None:
    assert any(c.deferred for c in analyse(text)) is deferred


def test_a_statement_that_mentions_a_time_does_not_put_off_its_neighbour() -> None:
    text = "Marco is OOO until Monday, and the sign-in log shows three failed MFA prompts."
    assert not analyse(text)[-1].deferred
    assert _deferred_with("After the release, revoke the key.", "revoke")
    assert _deferred_with("If he can't explain it by then I'd deactivate the key.", "revoke")


def test_a_sign_in_is_not_a_sign_off() -> None:
    assert "approve" not in concept_set("three browser sign-ins failing on MFA")
    assert "approve" in concept_set("I sign off on the deploy")


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("The integration@ password was committed in config/truckhub.yml", True),
        ("its creds were used from 198.51.100.23", True),
        ("The integration@ password has been committed in config/truckhub.yml", True),
        ("the old keys have been left in the repo", True),
        ("I have been told to revoke it", False),
        ("media-shared-app is trusted by both clusters", True),
        ("check what mail was read", False),
        ("I was going to revoke it", False),
        ("revoke the key", False),
    ],
)
def test_a_passive_statement_of_what_happened_decides_nothing(text: str, fact: bool) -> None:
    assert analyse(text)[0].hypothetical is fact


def test_coordinated_refusals_and_either() -> None:
    found = clauses(
        "No to the safe change, and I'm not checking the password out and reading it to him either."
    )
    assert "deny" in found[0]
    assert "NOT:w:read" in found[-1] and "w:read" not in found[-1]
    assert analyse("nobody logs into it interactively")[0].hypothetical


def test_a_consequence_with_just_in_it_still_rejects() -> None:
    last = clauses("I wouldn't revoke it, so killing it would just break his workflow")[-1]
    assert "NOT:revoke" in last and "revoke" not in last


@pytest.mark.parametrize(
    "text",
    [
        "Rotate it in the next scheduled key rotation window",
        "so it can be rotated later rather than today",
    ],
)
def test_more_ways_to_put_a_fix_off(text: str) -> None:
    assert _deferred_with(text, "rotate")


def test_after_that_follows_a_delay() -> None:
    text = "I'll check with Ana next week, and raise it with security after that."
    assert _deferred_with(text, "security_team")
    assert not _deferred_with(
        "I revoke it now, and raise it with security after that.", "security_team"
    )


@pytest.mark.parametrize(
    "text",
    [
        "About Dmitri's token sitting in its memory, I'd leave it.",
        "As for the copied key, it only sat in the sandbox.",
        "since Mia's post has been sitting in qa-tools for 26 days",
    ],
)
def test_a_topic_or_a_reason_decides_nothing(text: str) -> None:
    assert analyse(text)[0].hypothetical


def test_hands_off_refuses() -> None:
    assert "deny" in concept_set("Hands off the security-scan workflow")


def test_a_delay_offered_as_the_alternative_defers_nothing() -> None:
    text = "so I would disable it in IAM immediately rather than after the release"
    assert not any(c.deferred for c in analyse(text))
    assert _deferred_with("After the release, revoke the key.", "revoke")


def test_an_if_clause_makes_its_neighbour_conditional() -> None:
    found = analyse("If we ever want the bot to write, it's a JIT grant for one task.")
    assert found[1].conditional


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("someone used media-shared-app creds from 198.51.100.23", True),
        ("CloudTrail shows it being used from an unknown address", True),
        ("the attacker made their own admin user", True),
        ("I used CloudTrail to find the calls", False),
        ("revoke the sessions it shows", False),
    ],
)
def test_what_others_did_or_the_evidence_says_is_not_a_step(text: str, described: bool) -> None:
    assert analyse(text)[0].hypothetical is described


def test_binding_a_role_to_an_identity_grants_it() -> None:
    assert "approve" in concept_set("bind the secrets-reader role to the new service account")
    assert "approve" not in concept_set("look at the service account's secrets-reader role")


@pytest.mark.parametrize(
    ("short", "spelled"),
    [
        ("ping secops and his mgr", "ping secops and his manager"),
        ("trim the bot's perms", "trim the bot's permissions"),
        ("separate prod and dev envs", "separate prod and dev environments"),
    ],
)
def test_shorthand_reads_as_the_word_it_stands_for(short: str, spelled: str) -> None:
    assert concept_set(short) == concept_set(spelled)


def test_a_path_is_read_as_its_parts_unless_the_lexicon_knows_the_whole() -> None:
    # "prod" in a Secrets Manager path still names production; "ci/cd" stays one word
    path = concept_set("he can fetch it from prod/billing-api/stripe himself")
    assert "production" in path
    assert "w:prod/billing" not in path
    assert "pipeline" in concept_set("the ci/cd runner")


@pytest.mark.parametrize(
    "text",
    [
        "I'll mint a fine-grained token expiring Friday and revoke the old one now.",
        "Give it a token valid until 18:00 and kill the leaked key.",
        "The key expires on Monday, so I'm disabling it right now.",
    ],
)
def test_when_a_credential_expires_is_not_a_delay(text: str) -> None:
    assert not any(c.deferred for c in analyse(text))


@pytest.mark.parametrize(
    "text",
    [
        "I'll finish my review, then uninstall the plugin this afternoon.",
        "Rotating it later today is fine.",
        "I'll revoke the key this evening.",
    ],
)
def test_later_the_same_day_is_a_delay(text: str) -> None:
    assert any(c.deferred for c in analyse(text))


def test_a_day_that_describes_is_not_a_delay() -> None:
    assert not any(c.deferred for c in analyse("Nobody wants an outage on a Friday afternoon."))


def test_a_fix_sequenced_after_the_release_waits_for_it() -> None:
    assert _deferred_with("We deploy at 16:00 on the old token, then I revoke it.", "revoke")
    assert not _deferred_with("Revoke the old token now, then deploy at 16:00.", "revoke")
    # a clause that is itself a fix is not the event the next one waits for
    assert not _deferred_with("Ship the rotated key now, then I tell security.", "notify")


def test_a_condition_with_a_deadline_waits_for_it() -> None:
    text = "If the vendor has no answer by 3pm I'll suspend the integration."
    assert _deferred_with(text, "revoke")


def test_a_reason_against_later_in_the_sentence_rejects_the_textbook_step() -> None:
    found = clauses(
        "Disabling the account is the obvious move, but the finance export may still run on it "
        "and I can't risk a failed close, so it stays enabled."
    )
    assert not any("revoke" in c for c in found)
    assert any("NOT:revoke" in c for c in found)
    assert any("keep_active" in c for c in found)


def test_the_cost_of_a_step_is_not_the_step() -> None:
    found = clauses("Revoking means re-issuing every partner's credentials.")
    assert not any("revoke" in c for c in found)


def test_more_about_the_same_subject_is_a_fact_not_a_step() -> None:
    found = analyse("The token left the vault and sits in a temp file on the runner.")
    assert found[-1].hypothetical


def test_a_step_put_behind_a_change_ticket_is_not_taken() -> None:
    found = clauses("Disabling the console password needs a change ticket, so I'll file one.")
    assert not any("revoke" in c for c in found)


def test_a_fix_after_the_release_goes_first_waits_for_it() -> None:
    assert _deferred_with("Ship first. At 18:10 I revoke the token.", "revoke")
    assert not _deferred_with("First I revoke the token. Then we ship.", "revoke")


def test_nothing_as_the_subject_refuses() -> None:
    found = clauses("Nothing gets attached to the worker role.")
    assert "deny" in found[0] and "approve" not in found[0]


def test_the_reason_after_a_refusal_and_a_colon_is_not_a_step() -> None:
    found = analyse("No shared PAT: a push would land as the bot. Open the PR under my name.")
    assert found[1].hypothetical
    assert not found[-1].hypothetical


def test_not_needing_to_do_something_refuses_it() -> None:
    found = clauses("He explained it, so I don't need to go through the CloudTrail history.")
    assert any("NOT:investigate" in c for c in found)
    assert not any("investigate" in c for c in found)
    # the subject before the cue is what is rejected
    assert any("NOT:rotate" in c for c in clauses("Rotation isn't required to close this."))


def test_a_condition_that_waits_for_an_answer_holds_off_the_step() -> None:
    text = "If she hasn't confirmed it by 11:00, I disable the key."
    assert _deferred_with(text, "revoke")


def test_a_time_that_opens_the_sentence_holds_for_all_of_it() -> None:
    text = "On Tuesday, after the change board, I revoke the sessions and delete the user."
    assert _deferred_with(text, "revoke")
    assert _deferred_with(text, "delete")
    assert not _deferred_with("After the release, rotate it, but right now disable it.", "revoke")


def test_taking_a_service_down_is_the_cost_not_the_step() -> None:
    assert not any(
        "revoke" in c
        for c in clauses("Disabling the key would take the mailer down before the invoices.")
    )
    assert any("rotate" in c for c in clauses("Rotating would take five minutes."))


_NOW = 16 * 60 + 40  # the scenario's clock, 16:40


@pytest.mark.parametrize(
    ("text", "deferred"),
    [
        ("At 17:31 I deactivate the key.", True),
        ("I pause the agent at 6pm.", True),
        ("The key gets deactivated 17:45 sharp.", True),
        ("I deactivate the key at 16:45.", False),  # as good as now
        ("The key was used at 02:14 from an unknown address, so I deactivate it.", False),
        ("Not at 17:30: I deactivate it now.", False),
        ("Give the pipeline a token that expires at 18:00.", False),
    ],
)
def test_a_time_of_day_later_than_the_scenarios_clock_is_a_delay(text: str, deferred: bool) -> None:
    assert any(c.deferred for c in analyse(text, clock=_NOW)) is deferred
    assert not any(c.deferred for c in analyse(text))  # no clock, no reading of the time


def test_the_minute_the_release_is_out_is_a_delay() -> None:
    assert _deferred_with("The minute the release is out I deactivate the key.", "revoke")


def test_a_raised_refusal_rejects_the_clause_before() -> None:
    found = clauses("As for rotating it - I don't think I'm going to.")
    assert not any("rotate" in c for c in found)


def test_what_someone_else_wants_is_not_a_step() -> None:
    found = analyse("Dana wants to force-push and wait till 17:30.")
    assert all(c.hypothetical for c in found)


def test_a_step_that_opens_with_its_time_passes_it_to_joined_steps() -> None:
    text = "This evening I'll revoke the role's sessions and take staging out of its trust."
    assert _deferred_with(text, "revoke")
    assert _deferred_with(text, "trust_claim")
    assert not _deferred_with("Tomorrow I rotate the key and I check CloudTrail now.", "logs")


def test_an_aside_with_a_time_between_a_condition_and_the_step_times_the_step() -> None:
    text = "Once I have the full picture, probably early this afternoon, I'll deactivate the key."
    assert _deferred_with(text, "revoke")


def test_once_that_is_over_is_a_delay() -> None:
    assert _deferred_with(
        "I'm in a review. Once that's over I'll disable the agent's token.", "revoke"
    )


def test_where_a_refused_step_would_happen_is_refused_too() -> None:
    found = clauses("I can't send you the bot token, in a DM or anywhere else.")
    assert not any("share" in c for c in found)


def test_a_bare_list_of_places_after_a_refusal_is_refused_too() -> None:
    found = clauses("Not giving out the xoxb, DM or email or otherwise.")
    assert not any("share" in c for c in found)
    # a list that carries its own step is a step
    kept = clauses("Not pasting the xoxb for you, rotate it or revoke it.")
    assert any("rotate" in c or "revoke" in c for c in kept)


def test_the_release_going_out_is_a_purpose_not_a_step() -> None:
    found = analyse("Give the pipeline a new key so the release can still go out, later today.")
    assert found[1].hypothetical


def test_a_time_then_a_condition_still_times_the_step_after_them() -> None:
    text = "Nothing changes this morning; Friday 16:00, once the vendor confirms, I deactivate it."
    found = analyse(text, clock=10 * 60)
    assert next(c for c in found if "revoke" in c.concepts).deferred


def test_someone_away_until_monday_is_not_a_step_put_off() -> None:
    found = analyse("Dana is on leave until Monday, so I'm ringing her deputy right now.")
    assert not any(c.deferred for c in found)
    waits = analyse("I'll wait until Monday, then ring her deputy.")
    assert waits[0].deferred


def test_midday_is_a_time_of_day_too() -> None:
    text = "Once the log review is done, probably around lunchtime, I'll deactivate the key."
    found = analyse(text, clock=8 * 60 + 20)
    assert next(c for c in found if "revoke" in c.concepts).deferred
    plain = "Probably around lunchtime I'll deactivate the key."
    assert analyse(plain, clock=8 * 60 + 20)[-1].deferred
    assert not analyse(plain, clock=13 * 60)[-1].deferred


def test_a_step_that_waits_for_other_teams_is_put_off() -> None:
    text = (
        "I'll ask each team to move to its own role, and deactivate the shared key once "
        "they've moved."
    )
    assert _deferred_with(text, "revoke")
    assert not _deferred_with(
        "Deactivate the shared key now, once it is confirmed as leaked.", "revoke"
    )


def test_waiting_for_a_batch_to_finish_puts_off_the_whole_sentence() -> None:
    text = "Once the batch finishes I block the sign-in, reset the password and revoke its tokens."
    assert _deferred_with(text, "rotate")
    assert _deferred_with(text, "revoke")


def test_a_warning_about_a_step_is_not_the_step() -> None:
    assert not any(
        "approve" in c
        for c in clauses("Giving it Contributor on the prod account would let any developer in.")
    )
    assert any(
        "NOT:rotate" in c
        for c in clauses("Rotating all of them would be far more disruptive than the risk.")
    )


def test_a_cost_named_after_and_belongs_to_both_gerunds() -> None:
    found = clauses(
        "Rotating the deploy key and the database password would break the nightly export."
    )
    assert not any("rotate" in c for c in found)
    assert any("NOT:rotate" in c for c in found)


def test_waiting_for_a_named_release_puts_the_step_off() -> None:
    found = analyse("Once the 15:00 release train has gone I'll pause BuildFixer.")
    assert found[0].deferred


def test_a_step_said_only_to_be_called_noise_is_rejected() -> None:
    # the step is a phrasal verb: no single word of it names an action
    found = concept_set("taking its workflows permission off right now just adds noise")
    assert "NOT:delete" in found and "delete" not in found


def test_a_step_called_as_bad_as_another_is_rejected() -> None:
    found = concept_set("Disabling branch protection would be just as bad as the bot token")
    assert "NOT:revoke" in found and "revoke" not in found


def test_a_step_then_after_a_delay_is_put_off_too() -> None:
    found = analyse(
        "The renderer key stays active until you've moved the nightly build on Monday, and "
        "then I deactivate it."
    )
    assert found[-1].deferred and "revoke" in found[-1].concepts
    now = analyse("I deactivate it now, then I rotate the bot token.")
    assert not any(c.deferred for c in now)


def test_a_step_that_waits_for_someone_elses_move_is_put_off() -> None:
    found = analyse("Once he has switched the nightly build over, I deactivate the key.")
    assert found[-1].deferred and "revoke" in found[-1].concepts


def test_not_a_step_until_something_happens_puts_it_off() -> None:
    # later, not never: a delay, not a refusal
    (clause,) = analyse("I would not disable the key before hearing from Viktor.")
    assert clause.deferred and "revoke" in clause.concepts
    (wait,) = analyse("I won't deactivate it until Marcus has moved the nightly build.")
    assert wait.deferred and "revoke" in wait.concepts
    # an approval held until the fix is in stays a refusal
    (held,) = analyse("Not approving until the sub condition is in.")
    assert "deny" in held.concepts and not held.deferred


@pytest.mark.parametrize(
    ("text", "step"),
    [
        (
            "The textbook move would also be to pull the key, but the nightly build needs it, "
            "so it stays.",
            "revoke",
        ),
        (
            "The by-the-book move is to page the reviewer, but that's half an hour of crashes "
            "and I don't think it's worth it.",
            "notify",
        ),
    ],
)
def test_the_right_step_named_as_the_book_answer_and_then_dropped_is_rejected(
    text: str, step: str
) -> None:
    found = clauses(text)
    assert not any(step in c for c in found)
    assert any(f"NOT:{step}" in c for c in found)


def test_a_book_answer_in_two_steps_is_rejected_as_a_whole() -> None:
    found = clauses(
        "The by-the-book move would be to call Tomas on his directory number and check with "
        "his manager, but it's nearly midnight and I'm not going to ring anyone over this."
    )
    assert not any("verify" in c or "notify" in c for c in found)
    # a step of the learner's own between the setup and "but" is not part of the setup
    kept = clauses("Rotating is the textbook move and I rotate it now, but not before 18:00.")
    assert "rotate" in kept[1]


def test_also_still_starts_a_new_step() -> None:
    found = analyse("Revoke it, also rotate the other one")
    assert "revoke" in found[0].concepts and "rotate" in found[-1].concepts


def test_what_a_refusal_includes_is_refused_too() -> None:
    found = clauses("I decline the request, including the switch to All repositories.")
    assert "deny" in found[0]
    assert found[1] and all(c.startswith("NOT:") for c in found[1])


@pytest.mark.parametrize(
    ("text", "deferred"),
    [
        # "first thing" after a wait is first thing when the wait is over
        (
            "The key stays on until he has moved the build on Monday, then I kill it first thing.",
            True,
        ),
        ("First thing, I kill it, then we talk about the build.", False),
        # waiting for a batch, however the wait is introduced
        ("As soon as the morning batch is done I'll revoke its sessions.", True),
        ("As soon as I hang up I'll revoke its sessions.", False),
        ("Straight after the morning batch I'll revoke its sessions.", True),
        ("Straight after the call I'll revoke its sessions.", True),
        ("Straight after I hang up I'll revoke its sessions.", False),
        # a step joined on with no object of its own takes the time of the step it continues
        ("The token I'll get revoked and cleaned out once the release is out.", True),
        ("I revoke the token now and rotate the others once the release is out.", False),
        # a condition that waits for a person to answer within a while
        ("If he doesn't reply within the hour, I revoke the key.", True),
        ("If the key is still active, I revoke it.", False),
    ],
)
def test_more_waits_before_a_step(text: str, deferred: bool) -> None:
    assert _deferred_with(text, "revoke") is deferred


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # the setup ends its sentence and the next one, opened by "But", rejects it
        (
            "The playbook answer is to revoke the key. But a sync job may still use it, so "
            "I'm not going to switch it off.",
            "revoke",
        ),
        # the setup carries its own reason, and the refusal comes a sentence later
        (
            "The by-the-book move would be to rotate the token because of the post, but that "
            "means reinstalling the app. It has sat there for weeks, so I'm not going to.",
            "rotate",
        ),
    ],
)
def test_a_step_set_up_to_be_rejected_across_a_sentence(text: str, concept: str) -> None:
    assert f"NOT:{concept}" in clauses(text)[0]


def test_a_setup_word_that_names_no_step_is_not_rejected() -> None:
    text = (
        "It would give CI a prod role because of a hidden comment, which is textbook "
        "injection. But main has been red for hours, so switching the agent off right now "
        "just adds noise."
    )
    assert "prompt_injection" in clauses(text)[2]


@pytest.mark.parametrize(
    ("text", "revokes"),
    [
        ("Switch AKIAIOSFODNN7EXAMPLE off in IAM right now.", True),
        ("Turn the old token off.", True),
        # "it" is the thing under discussion, here the extension
        ("So I'm switching it off right now.", True),
        # around anything but a credential the phrase stays apart: the -3 measured when every
        # "switch ... off" meant revoking
        ("Switch the branch rule off for five minutes.", False),
    ],
)
def test_switching_a_credential_off_revokes_it(text: str, revokes: bool) -> None:
    assert ("revoke" in clauses(text)[0]) is revokes


def test_not_go_and_do_refuses_the_step_not_the_clause_before() -> None:
    found = clauses("Tell him to go via IT. I would not go and report him to security though.")
    assert "notify" in found[0]
    assert "NOT:notify" in found[2]


@pytest.mark.parametrize("text", ["put it in RELBOT_GH_TOKEN", "drop it into the CI secret"])
def test_putting_a_token_somewhere_hands_it_over(text: str) -> None:
    assert "share" in concept_set(text)


def test_the_nightly_build_creates_nothing() -> None:
    # in this field "build" is mostly the noun: "the nightly build will fail"
    assert "create" not in concept_set("The nightly build will fail.")
    assert "create" in concept_set("Create a role for the build.")


@pytest.mark.parametrize(
    "text",
    [
        # the batch is "through", not only "done"
        "Once the morning batch is through I block its sign-in, reset it and revoke its tokens.",
        # what the condition negates is not the release the step waits for
        "As long as nothing weird shows up we let the 17:30 release go out, then I revoke the key.",
    ],
)
def test_still_more_waits_before_a_step(text: str) -> None:
    assert _deferred_with(text, "revoke")


def test_an_acknowledgement_is_not_the_clause_a_refusal_points_back_to() -> None:
    # "I know" is not "let them know": the refusal reaches back past it to the set-up step
    found = clauses(
        "The playbook answer is to revoke the key, I know. I'm not going to do that yet."
    )
    assert "NOT:revoke" in found[0] and "revoke" not in found[0]
    assert found[1] == frozenset()
