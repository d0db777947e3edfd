"""Read a free-text answer into clauses of concepts, with negation, rejection and deferral.

People write "kill the AKIA", "I would not revoke it", "revoke it after the release" and
"revoking would be overkill". Word overlap alone would grade all four alike; this module
marks what is negated, rejected or put off, so the grader can tell them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutor.grading.lexicon import Lexicon, load_lexicon, stem, tokenize

DEFER = "DEFER"
# The fingerprint inside a redaction placeholder ("[REDACTED:github_token:bed69a5a]").
_FINGERPRINT = re.compile(r"^(?=.*\d)[0-9a-f]{8}$")
REF = "REF"
_PRONOUNS = {"it", "them", "that", "this", "those", "these", "one"}

_BOUNDARY = re.compile(
    r"[.!?]['\"\u2019\u201d]?(?=\s|$)|[;\n\u2022]|:(?=\s)|,(?=\s)|\s[-\u2013\u2014]+\s|\(|\)"
    r"|(?<=\bby then)(?=\s)"  # "by then" stays whole: "if he can't explain it by then"
    r"|(?<!\bby )(?=\b(?:but|however|then|instead|rather|although|though|whereas|because|since|and|unless|"
    r"except|otherwise|meanwhile|plus|if|once|so|provided|whereas)\b)"
    # "also" starts a new step, but not inside a verb: "the textbook move would also be to ..."
    r"|(?<!\bwould )(?<!\bcould )(?<!\bshould )(?<!\bwill )(?<!\bmust )(?<!\bis )"
    r"(?<!\bare )(?<!\bwas )(?=\balso\b)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?]['\"\u2019\u201d]?(?=\s|$)|\n")
_CONTRACTIONS = (
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bcan'?t\b|\bcannot\b"), "can not"),
    (re.compile(r"\bshan'?t\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\bdont\b"), "do not"),
    (re.compile(r"\bdoesnt\b"), "does not"),
    (re.compile(r"\bdidnt\b"), "did not"),
    (re.compile(r"\bwouldnt\b"), "would not"),
    (re.compile(r"\bshouldnt\b"), "should not"),
    (re.compile(r"\bisnt\b"), "is not"),
    (re.compile(r"\barent\b"), "are not"),
    (re.compile(r"\bwasnt\b"), "was not"),
    (re.compile(r"\bwont\b"), "will not"),
    # "That key isn't something I can give out": the negation belongs to the verb.
    (
        re.compile(
            r"\bnot\s+(?:something|anything|a thing)\s+(?:that\s+)?(?:i|we)(?:'d|'ll|'m)?\s+"
            r"(?:(?:can|could|would|will|am|are)\s+)?(?:(?:going|able|prepared|willing|happy)\s+to\s+)?"
        ),
        "not ",
    ),
)

_PRE_NEGATION = {
    "not",
    "no",
    "never",
    "without",
    "neither",
    "nor",
    "refus",
    "declin",
    "avoid",
    "skip",
    "stop",
    "against",
    "dont",
    "noth",  # "Nothing gets attached to the role"
}
_PRE_NEGATION_PAIRS = {("instead", "of"), ("rather", "than"), ("hold", "off"), ("no", "need")}
_POST_REJECTION = [
    tuple(stem(w) for w in cue.split())
    for cue in (
        "overkill",
        "unnecessary",
        "not necessary",
        "not needed",
        "not required",
        "not enough",
        "insufficient",
        "not sufficient",
        "not help",
        "useless",
        "pointless",
        "not fix",
        "too disruptive",
        "too risky",
        "not worth",
        "bad idea",
        "not matter",
        "not undo",
        "irrelevant",
        "not the fix",
        "not a fix",
        "no good",
        "not an option",
        "waste of time",
        "not make it safe",
        "not going to help",
        "not solve",
        "overreaction",
        "overreacting",
        "heavy-handed",
        "heavy handed",
        "not happening",
        "not going to happen",
        "not happen",
        "off the table",
        "out of the question",
        "no go",
        "non-starter",
        "nonstarter",
        "too drastic",
        "drastic",
        "premature",
        "unwarranted",
        "not warranted",
        "too much",
        "too aggressive",
        "too slow",
        "not realistic",
        "unrealistic",
        "not helpful",  # ("not useful" would stem to "not use")
        "more disruptive",
        "not justified",
        "adds noise",  # "pausing the agent right now just adds noise"
        "as bad as",
        "is risky",  # "since swapping the secret mid-week is risky"
        "be risky",
        "nightmare",  # "rotating the Stripe key mid-quarter is a nightmare"
        "makes work",  # "killing it just makes work for him on release day"
        "creates work",
        # "deleting the file alone fixes nothing"
        "fixes nothing",
        "achieves nothing",
        "does nothing",
        "changes nothing",
        "solves nothing",
        "helps nothing",
    )
]
# Adverbs that sit inside a cue without changing it ("does not really fix it").
_FILLERS = {
    "realli",
    "actual",
    "even",
    "quit",
    "exact",
    "necessarili",
    "truli",
    "fulli",
    "entir",
    "complet",
    "total",
    "ever",
    "alway",
    "certain",
    "honest",
    "rebal",
    "simpli",
    "alon",
}
# "Disabling the account would stop order intake": a bad consequence rejects the action in the
# same clause, but alone ("the loader breaking would cause damage") it rejects nothing.
_CONSEQUENCES = [
    tuple(stem(w) for w in cue.split())
    for cue in (
        "would break",
        "would just break",
        "would only break",
        "would stop",
        "would kill",
        "would disrupt",
        "would hurt",
        "would take down",
        "would mean missing",
        "would cause",
        "will break",
        "could break",  # "killing it on a Monday morning could break their pipeline"
        "might break",
        "breaks the",
        "would block",
        # "deleting throws away the evidence": the reason not to
        "throw away",
        "would lose",
        "lose the evidence",
        # "rotating means reinstalling the app": the cost of a step, named against it
        "means",
        # "removing the password needs a change ticket": the step is put behind paperwork
        "needs a change",
        "requires a change",
        "would take",
        # "giving it Contributor on prod would let any developer ...": a warning, not a step
        "would let",
        "would allow",
    )
]
_TAKE = (stem("would"), stem("take"))
_DOWN = {"down", stem("offline")}
_NOT_ANAPHORIC = {
    "doubt",
    "question",
    "matter",
    "excus",
    "only",
    "delay",
    "wait",
    "hesit",
    "time",
}
# "I don't think we should delete it" negates the deletion, across the new subject.
_RAISING = {"think", "believ", "feel", "suppos", "want", "agre", "reckon", "see", "expect"}
_ANAPHORIC_HINTS = {"do", "that", "it", "this", "would", "will", "should", "yet", "go", "happen"}
_NEW_SUBJECT = {"i", "id", "ill", "im", "ive", "we", "wed", "well", "weve", "they", "theyll"}
_ANAPHORIC_REST = {
    "do",
    "that",
    "it",
    "this",
    "so",
    "yet",
    "would",
    "will",
    "should",
    "now",
    "here",  # "I'm not doing that here"
    "either",
    "though",
    "go",
    "to",
    "happen",
    "be",
    "a",
    "an",
    "the",
    "option",
}
_HYPOTHETICAL = {
    "theori",
    "ideal",
    "normal",
    "textbook",
    "book",  # "the by-the-book move is to wake the reviewer, but ..."
    "purist",
    "purest",
    "obvious",
    "standard",
    "tempt",
    "principl",
    "paper",
    "could",
    "playbook",  # "the playbook answer is to deactivate it. But ..."
}
_CONCESSIVE_START = {"but", "howev", "though", "although"}
_GERUND_START = re.compile(r"\W*[A-Za-z]+ing\b")
# A clause opened by one of these only says where or how the clause before happens.
_ADJUNCT_START = {"in", "on", "via", "over", "through", "by", "into", "includ"}
# "... so it stays active": the reason against an action ends by keeping things as they are.
_KEEPS_GOING = {"stay", "remain"}
# The business event a fix can be put behind ("we ship first, then ...").
_SHIPS = {"ship", "releas", "deploy", "launch", "demo", "finish"}
# Steps that make a clause a fix in its own right, not the event a fix waits for.
_STEPS = {"revoke", "rotate", "delete", "deny", "investigate", "notify", "offboard"}
_CONDITION_START = {"if", "onc", "when", "after", "provid", "unless", "until", "onli"}
# "Once that's in, approve": waiting on the fix just named (an "if" only asks a question).
_AFTER_FIX = {"onc", "after", "provid"}
_HYPOTHETICAL_START = {"if", "unless", "whether", "suppos", "imagin"}
_REFUSAL_START = {"no", "none", "not", "never", "nope", "nah", "zero"}
_SIGN_OFF = {"approv", "sign", "ok", "okay", "lgtm"}
_REFUSED_OBJECTS = {"credential", "admin", "permissions", "production", "service_account"}

_DEFERRAL = re.compile(
    r"\b(?:after|post)[- ](?:(?:the |our |we |it |this |that |\w+'s )(?:[\w:]+ )?|\w+ )?"
    r"(?:release|deploy\w*|launch\w*|ship\w*|batch|batches|"
    r"rollout|go-live|cutover|demo|freeze|weekend|holiday\w*|migration|meeting|standup|sprint|"
    r"window|quarter|month|week|business hours|hours|lunch|call|board|audit|cut|close|end|"
    r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?\b)"
    r"|\b(?:until|till|til)\b"
    r"|\bthis (?:afternoon|evening)\b|\blater (?:today|this week|on)\b"
    r"|\b(?:later|tomorrow|eventually|postpon\w*|defer\w*|someday|tonight|overnight|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|weekend)\b"
    r"|\bnext (?:[\w-]+ ){0,3}?(?:week|sprint|month|quarter|release|cycle|iteration|maintenance|"
    r"window|year|day|review)\b"
    r"|\brather than (?:today|now|right away|immediately|tonight|straight away)\b"
    r"|\b(?:get|getting) (?:a)?round to\b|\bwhen (?:i|we) (?:get|have) (?:a )?(?:chance|time|minute)\b"
    r"|\b(?:hold off|wait for|wait on|wait a|when we (?:have|get) (?:time|a chance)|at some point|"
    r"end of (?:the )?(?:day|week|sprint|month)|eod|in the morning|after hours|down the line|"
    r"in a few (?:days|weeks)|some ?time|by then|in due course|around \d{1,2}[:.]\d{2})\b"
    r"|\bonce (?:that|this|it)(?: is|'s| has been)? over\b"
    r"|\b(?:once|as soon as|when) (?:the |that |this |our )?(?:\w+ )?(?:batch|run|job|build|report|reports|invoices?|"
    r"review|meeting|window|freeze)(?:es)? (?:finish\w*|is done|are done|is over|are out|is out|"
    r"is through|are through|"
    r"complete\w*|has run|ends?)\b"
    r"|\b(?:once|as soon as|the (?:minute|moment|second)) (?:the |we |it |they )?"
    r"(?:[\w:.]+ )?(?:release|deploy|ship|launch|demo|freeze|go live)\w*"
    r"|\bwhen (?:the )?(?:release|deploy|launch|demo)\w* (?:is )?(?:done|out|over|finished|complete)",
)
_DEFERRAL_GUARD = re.compile(
    r"\b(?:not|no|never|without)\b(?:\s+\S+){0,3}\s*$|\b(?:rather than|instead of)\s*$"
)
# "so I would disable it immediately": a neighbouring time phrase does not put this off.
_IMMEDIATE = re.compile(r"\b(?:now|immediately|right away|straight away|at once|asap|first)\b")
_FIRST_THING = re.compile(r"\bfirst thing\b")


@dataclass(frozen=True)
class Clause:
    """A stretch of the answer with its concepts; ``start``/``end`` index the original text."""

    start: int
    end: int
    text: str
    concepts: frozenset[str]
    deferred: bool
    sentence: int
    conditional: bool = False  # "once the sub condition is in, approve" is not a plain approval
    hypothetical: bool = False  # "if I pushed with the bot's PAT, ..." describes, does not decide


@dataclass
class _Work:
    start: int
    end: int
    text: str
    sentence: int
    stems: list[str]
    negated: list[bool]
    deferred: bool = False


def _expand(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return text


def _split(text: str) -> list[tuple[int, int, int]]:
    """(start, end, sentence index) of each clause, in order."""
    sentence_breaks = [m.end() for m in _SENTENCE_END.finditer(text)]
    cuts = sorted(
        {
            0,
            len(text),
            *(m.start() for m in _BOUNDARY.finditer(text)),
            *(m.end() for m in _BOUNDARY.finditer(text) if m.end() > m.start()),
        }
    )
    spans = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        chunk = text[a:b]
        stripped = chunk.strip(" \t\r\n.,;:!?()-\u2013\u2014\u2022")
        if not stripped:
            continue
        offset = chunk.index(stripped[0])
        start = a + offset
        sentence = sum(1 for s in sentence_breaks if s <= start)
        spans.append((start, start + len(stripped), sentence))
    return spans


_JOINERS = re.compile(r"[-_/]+")


def _split_compounds(tokens: list[str], lex: Lexicon) -> list[str]:
    """Read "release-bot", "RELBOT_GH_TOKEN" and "prod/deploy-notifier/slack" as their parts
    unless the lexicon knows the whole ("read-only", "force-push", "ci/cd")."""
    out: list[str] = []
    for token in tokens:
        if _JOINERS.search(token) and lex.stem_token(token) not in lex.words:
            parts = [p for p in _JOINERS.split(token) if p]
            out.extend(parts if len(parts) > 1 else [token])
        else:
            out.append(token)
    return out


def _find(seq: list[str], cue: tuple[str, ...]) -> int:
    n = len(cue)
    for i in range(len(seq) - n + 1):
        if tuple(seq[i : i + n]) == cue:
            return i
    return -1


# At most this many words between a phrasal verb and its particle ("turn IAM-7731 down");
# numbers do not count ("take agent-installer 4.2.1 off the download page").
_SPLIT_GAP = 3


def _particle_places(stems: list[str], verb: int) -> list[int]:
    """Where the particle of a phrasal verb at ``verb`` may stand, the object in between."""
    places: list[int] = []
    words = 0
    for j in range(verb + 1, len(stems)):
        if j > verb + 1:
            places.append(j)
        if not stems[j].isdigit():
            words += 1
            if words > _SPLIT_GAP:
                break
    return places


def _concepts(stems: list[str], negated: list[bool], lex: Lexicon) -> set[str]:
    found: set[str] = set()

    def add(concept: str, is_negated: bool) -> None:
        if is_negated and lex.flips(concept):
            found.add(lex.negate(concept))
        else:
            found.add(concept)

    skip = [False] * len(stems)
    for i in range(len(stems)):
        for n in range(min(lex.max_phrase, len(stems) - i), 1, -1):
            if tuple(stems[i : i + n]) in lex.ignored:
                for k in range(i, i + n):
                    skip[k] = True
    for i, s in enumerate(stems):
        if skip[i]:
            continue
        for n in range(min(lex.max_phrase, len(stems) - i), 1, -1):
            for concept in lex.phrases.get(tuple(stems[i : i + n]), ()):
                add(concept, negated[i])  # "no expiry" is not negated by its own "no"
        for j in _particle_places(stems, i):
            for concept in lex.split_phrases.get((s, stems[j]), ()):
                add(concept, negated[i])  # "take the workflows permission off"
            for concept, needed in lex.split_around.get((s, stems[j]), {}).items():
                between = _concepts(stems[i + 1 : j], [False] * (j - i - 1), lex)
                if needed & between:
                    add(concept, negated[i])  # "switch AKIA... off", not "switch the rule off"
        if s in lex.words:
            for concept in lex.words[s]:
                add(concept, negated[i])
        elif (
            s not in lex.stopwords and len(s) > 2 and not s.isdigit() and not _FINGERPRINT.match(s)
        ):
            found.add(f"NOT:w:{s}" if negated[i] else f"w:{s}")
    return found


_NOT_UNTIL = re.compile(r"\b(?:not|never)\s+(?:\S+\s+){1,6}?(?:before|until|till)\s+\w")
# Containment steps: "not <step> until ..." puts the step off. ("Not approving until the sub
# condition is in" waits for the fix; it stays a refusal.)
_CONTAINMENT = frozenset({"revoke", "rotate", "delete", "offboard", "kill_switch"})


def _not_until(work: _Work, expanded: str, lex: Lexicon) -> bool:
    """Whether a clause refuses a containment step only until something happens."""
    if _NOT_UNTIL.search(expanded) is None:
        return False
    # the step refused is named before "until"; what it waits for comes after
    cut = next((k for k, t in enumerate(work.stems) if t in {"befor", "until", "till"}), None)
    refused = work.stems[:cut]
    named = _concepts(refused, [False] * len(refused), lex)
    acts = {c for c in named if lex.is_action(c)}
    return bool(acts) and acts <= _CONTAINMENT


def _has_concept(stems: list[str], lex: Lexicon) -> bool:
    """Whether the words name an action or quality a rejection can apply to, phrases included
    ("taking the workflows permission off ... just adds noise")."""
    return any(lex.flips(c) for c in _concepts(stems, [False] * len(stems), lex))


def _mark_negation(work: _Work, lex: Lexicon) -> str | None:
    """Negate in place; returns 'anaphoric' when the clause rejects the clause before it."""
    stems, neg = work.stems, work.negated
    consumed = [False] * len(stems)
    for cue in _CONSEQUENCES:
        at = _find(stems, cue)
        if cue == _TAKE and not _DOWN & set(stems[at + 2 :]):
            continue  # "would take five minutes" is no harm; "would take the mailer down" is
        if at > 0 and _has_concept(stems[:at], lex):
            for k in range(at, at + len(cue)):
                consumed[k] = True
            for k in range(at):
                neg[k] = True
    for cue in _POST_REJECTION:
        at = _find(stems, cue)
        if at < 0:
            continue
        if stems[at + len(cue) : at + len(cue) + 1] == ["to"] and not _has_concept(stems[:at], lex):
            continue  # "I don't need to dig through CloudTrail" refuses what follows
        for k in range(at, at + len(cue)):
            consumed[k] = True
        if _has_concept(stems[:at], lex):
            for k in range(at):
                neg[k] = True
        else:
            return "anaphoric"
    for i, s in enumerate(stems):
        if consumed[i]:
            continue
        pair = (s, stems[i + 1]) if i + 1 < len(stems) else None
        if s in _PRE_NEGATION or pair in _PRE_NEGATION_PAIRS:
            if s == "no" and pair is not None and pair[1] in _NOT_ANAPHORIC:
                continue
            rest = stems[i + 1 :]
            if pair in _PRE_NEGATION_PAIRS and pair[0] in {"instead", "rather"}:
                rest = rest[1:]
                if rest[:1] and rest[0] in {"that", "it", "this", "do", "so"}:
                    return "anaphoric"  # "instead of that, I'd ..."
            if (
                s not in {"without", "no", "none", "nope", "nah"}
                # "I don't think I'm going to": the raising verb and its subject add nothing
                and set(rest) <= _ANAPHORIC_REST | _RAISING | _NEW_SUBJECT
                and _ANAPHORIC_HINTS & set(stems)
            ):
                return "anaphoric"  # "I won't do that", "not yet", "I wouldn't"
            raised = i + 1 < len(stems) and stems[i + 1] in _RAISING
            for k in range(i + 1, len(stems)):
                if stems[k] in _NEW_SUBJECT and not raised:
                    break  # "rather than wait I'd give it admin": the negation stops at "I'd"
                neg[k] = True
            break
    return None


# "The release has to wait", "the demo slips": the business event is put off, not the fix.
# "... so we can still ship tonight", "so the release can still go out": when the release
# happens, not when the fix does; a purpose, not a step.
_SO_IT_SHIPS = (
    r"so (?:that )?(?:we|they|you|the team|the (?:release|deploy\w*|launch|rollout)) "
    r"(?:can|could|will) (?:still )?(?:ship|release|deploy|launch|go live|go out|go|happen|proceed)\b"
)
_EVENT_WAITS = re.compile(
    r"\b(?:release|deploy\w*|launch|demo|ship\w*|rollout|go-live|cutover|feature|sprint|deadline)"
    r"\s+(?:(?:will|would|can|could|has|have|must|should|needs?|is going|may|just)\s+){0,2}"
    r"(?:to\s+)?(?:(?:have\s+to|just)\s+)?(?:wait|slip|be delayed|get delayed|be late|move)\w*"
    r"|\b" + _SO_IT_SHIPS
)
_RELEASE_PURPOSE = re.compile(r"\W*" + _SO_IT_SHIPS)
# "once they've moved", "after the teams have switched": waiting on other people's work.
_OTHERS_MOVE = re.compile(
    r"\b(?:they|he|she|the teams?|everyone|every team|all (?:the )?(?:teams|apps|services)|each team)"
    r"(?:'ve| have| are| has| is)? (?:\w+ )?(?:moved|migrated|switched|done|finished|ready|off it)\b"
)
_SOME_DAY = re.compile(r"\b(?:ever|in (?:the )?future|some ?day|again|eventually)\b")
_AFTER_THAT = re.compile(r"\b(?:after (?:that|this|which)|afterwards?)\b")


def _names_an_object(concepts: set[str], lex: Lexicon) -> bool:
    """Whether a clause names a thing the lexicon knows, beyond its verbs and "it"."""
    return any(
        c not in (DEFER, REF) and not c.startswith(("w:", "NOT:w:")) and not lex.is_action(c)
        for c in concepts
    )


def _leads_with_deferral(clause_lower: str, clock: int | None = None) -> bool:
    """Whether the clause is a time phrase ("after the release", "but only tomorrow", "at
    17:31") that can govern its neighbour, rather than a statement that mentions a time
    ("Marco is OOO until Monday", "so we don't have to come back to this later")."""
    m = _DEFERRAL.search(clause_lower)
    at = m.start() if m is not None else _late(clause_lower, clock)
    return at is not None and len(clause_lower[:at].split()) <= 2


# "waiting till 17:30 isn't an option": the delay is named only to be ruled out.
_DELAY_REJECTED = re.compile(
    r"\b(?:is|are|was) not (?:an? )?(?:option|happening|acceptable|possible|ok|okay)\b"
    r"|\b(?:off the table|out of the question|non-?starter|no go|not an option)\b"
)
# "CloudTrail for the weekend", "logins since Saturday": the period looked at, not a delay.
_PERIOD_GUARD = re.compile(r"\b(?:(?:for|over|during|across) the|since|from|on an?)\s+$")
# "a PAT expiring Friday", "valid until 18:00": when a credential dies, not a delay of the fix.
_EXPIRY = re.compile(
    r"\b(?:expir\w*|valid|good|lasts?|lives?|ttl)(?:\s+(?:on|at|by|until|till))?\s+$"
)
# "Marco's out until Monday": someone's absence, not a step put off.
_AWAY = re.compile(
    r"\b(?:is|s|are|was|were|been)\s+(?:out|away|off|ooo|on leave|on pto|on holiday|"
    r"on vacation|travelling|traveling|offline|unreachable)(?:\s+(?:until|till|through))?\s+$"
)
# "if he can't explain it by then": a negated condition still waits.
_IF_START = re.compile(r"\s*(?:if|unless)\b")
_PERIOD_WORDS = re.compile(
    r"(?:weekend|overnight|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)


# "if he can't explain the downloads by noon, I'll deactivate it": the step waits for noon.
_IF_BY = re.compile(
    r"^\W*(?:if|unless)\b.*\bby (?:noon|midday|lunch|tonight|tomorrow|(?:the )?end of|eod|cob|"
    r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?\b)"
    r"|^\W*(?:if|unless)\b.*\bwithin (?:the |an |a |the next )?(?:\d+ )?(?:hours?|minutes?|mins?|day)\b"
)


# "I deactivate it at 17:31", "paused at 3pm", "09:30 sharp": a time of day, read against the
# scenario's clock (a fact such as "used at 02:14" is never later than now).
_AT_TIME = re.compile(
    r"\b(?:at|around)\s+(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\b|\b(\d{1,2})[:.](\d{2})\s+sharp\b"
)
_CLOCK_GRACE = 10  # minutes: "at 16:45" when it is 16:40 is as good as now
_MIDDAY = re.compile(r"\b(?:noon|midday|lunch ?time)\b")


def _not_a_delay(clause_lower: str, start: int, end: int) -> bool:
    """Whether the time phrase at ``start:end`` is ruled out ("waiting till 17:30 isn't an
    option"), refused ("not until the release", while "if he can't explain it by then" still
    waits), a credential's expiry ("a PAT expiring Friday") or someone's absence ("Marco's out
    until Monday")."""
    before = clause_lower[:start]
    return bool(
        _DELAY_REJECTED.search(clause_lower, end)
        or _EXPIRY.search(before)
        or _AWAY.search(before.replace("'", " "))
        or (_DEFERRAL_GUARD.search(before) and not _IF_START.match(before))
    )


def _late(clause_lower: str, clock: int | None) -> int | None:
    """Where the clause names a time of day later than ``clock`` (minutes since midnight)."""
    if clock is None:
        return None
    for m in _AT_TIME.finditer(clause_lower):
        hour, minute = m.group(1) or m.group(4), m.group(2) or m.group(5)
        meridiem = m.group(3)
        if minute is None and meridiem is None:
            continue  # "at 5" may not be a time at all
        hours, minutes = int(hour), int(minute or 0)
        if meridiem == "pm" and hours < 12:
            hours += 12
        elif meridiem == "am" and hours == 12:
            hours = 0
        if hours > 23 or minutes > 59:
            continue
        if _not_a_delay(clause_lower, m.start(), m.end()):
            continue  # "not at 17:30", "a token that expires at 18:00"
        if hours * 60 + minutes > clock + _CLOCK_GRACE:
            return m.start()
    midday = _MIDDAY.search(clause_lower)
    if midday is not None and clock + _CLOCK_GRACE < 12 * 60:
        return midday.start()  # "probably around lunchtime, I'll deactivate the key"
    return None


def _deferred(clause_lower: str, clock: int | None = None) -> bool:
    if _EVENT_WAITS.search(clause_lower):
        return False
    if _late(clause_lower, clock) is not None:
        return True
    if _IF_BY.search(clause_lower):
        return True
    for m in _DEFERRAL.finditer(clause_lower):
        before = clause_lower[: m.start()]
        period = _PERIOD_GUARD.search(before) and _PERIOD_WORDS.match(m.group())
        if not period and not _not_a_delay(clause_lower, m.start(), m.end()):
            return True
    return False


# A clause that opens with a verb tells someone to act ("open the PR", "page the on-call").
_IMPERATIVE_START = re.compile(
    r"^\W*(?:just |then |and )?(?:open|page|merge|push|revoke|rotate|disable|delete|remove|"
    r"create|use|give|ask|call|ring|tell|report|check|review|pull|kill|cut|move|put|send|"
    r"block|deny|stop|pause|keep|leave|file|raise|escalate|suspend|deactivate|reset|add|"
    r"grant|approve|run|set|get|make|let|have|do)\b"
)
_QUOTE = re.compile(r"\"[^\"]{3,}\"|\u201c[^\u201d]{3,}\u201d|(?<![\w])'[^']{3,}'(?![\w])")
_MODAL = {"can", "could", "might", "may"}
_OTHERS = {"anyon", "anybodi", "someon", "somebodi", "everyon", "whoever", "attack"}
_FIRST_PERSON = {"i", "id", "ill", "im", "ive", "we", "wed", "well", "weve", "us", "my", "our"}
# The ones that can open a step of the learner's own after a deadline ("... I'll cut a new key")
_FIRST_PERSON_SUBJECTS = _FIRST_PERSON - {"us", "my"}


_BARE_NO_WORDS = {
    "so",
    "no",
    "nope",
    "that",
    "thats",
    "is",
    "a",
    "as",
    "well",
    "then",
    "the",
    "answer",
    "my",
    "too",
    "also",
}
_CONSIDERED = {"thought", "consid", "tempt", "contempl"}


# A clause that only acknowledges the other side: "The playbook answer is X, I know."
_ACKNOWLEDGEMENTS = {("i", "know"), ("we", "know"), ("i", "get", "it"), ("i", "understand")}


def _goes_and(works: list[_Work], i: int) -> bool:
    """Whether clause ``i`` is a refused "go" or "try" whose step is the next clause: "I would
    not go and report him" refuses the report, not the clause before."""
    return (
        i + 1 < len(works)
        and works[i + 1].sentence == works[i].sentence
        and works[i + 1].stems[:1] == ["and"]
        and works[i].stems[-2:] in (["not", "go"], ["not", "tri"], ["never", "go"])
    )


def _drop_deadline(stems: list[str]) -> list[str]:
    """Drop the event an action must beat: "snapshot it before anyone runs terraform destroy"
    and "before I reply I suspend the app" do not destroy or reply."""
    if "befor" not in stems:
        return stems
    at = stems.index("befor")
    if at > 0:
        # "to get the mailer back before 17:00 I'll cut a new key": the step resumes with its
        # own subject after the deadline (not "before anyone runs it", the event's subject)
        resume = next(
            (k for k in range(at + 2, len(stems)) if stems[k] in _FIRST_PERSON_SUBJECTS),
            None,
        )
        return stems[:at] + (stems[resume:] if resume is not None else [])
    resume = next((k for k in range(2, len(stems)) if stems[k] in _NEW_SUBJECT), len(stems))
    return stems[resume:]


_NO_WORDS = {"no", "nope", "nah"}


def _is_channel_list(stems: list[str], lex: Lexicon) -> bool:
    """A short list of alternatives with no subject or step of its own ("DM or Notion")."""
    words = set(stems)
    return (
        len(stems) <= 6
        and bool({"or", "nor", "anywher"} & words)
        and not (_FIRST_PERSON | _MODAL) & words
        and not _STEPS & _concepts(stems, [False] * len(stems), lex)
    )


def _is_bare_no(stems: list[str]) -> bool:
    return bool(_NO_WORDS & set(stems)) and set(stems) <= _BARE_NO_WORDS | _NO_WORDS


def _inside_quotes(text: str, start: int, end: int) -> bool:
    """Whether a good part of the clause is quoted ("he falls back to 'just read it out'")."""
    quoted = sum(max(0, min(end, m.end()) - max(start, m.start())) for m in _QUOTE.finditer(text))
    return quoted * 10 >= (end - start) * 4


# "The password was committed in config/", "its creds were used from 198.51.100.23",
# "the role is trusted by both clusters": what happened or what is, not what the learner does.
_PASSIVE_FACT = re.compile(
    r"\b(?:was|were|had been|has been|have been)\s+(?:\w+ly\s+)?(?:\w+ed|\w+en|made|sent|left|put|set|kept|"
    r"got|held|read|run|built|shown|found)\b"
    r"|\b(?:is|are)\s+(?:\w+ly\s+)?\w+ed\s+by\b"
    # "The key has left Secret Manager and sits in /tmp": more about the same subject
    r"|^\W*and\s+(?:still\s+)?(?:sits|sat|lives|is|are|was|were|has|had|remains)\b"
)


# "About Dmitri's token in its memory", "As for the copied key": a topic, not yet a decision.
_TOPIC = re.compile(r"^\W*(?:about|as for|as to|regarding|concerning|re:?|on the topic of)\s")
# "since Mia's post has been sitting there for 26 days": a reason, not a step.
_REASON = re.compile(r"^\W*(?:since|because|given that|given|as)\s")
# "someone used media-shared-app creds from 198.51.100.23", "CloudTrail shows it being used":
# what others did or what the evidence says, not a step of the learner's.
_OTHERS_DID = re.compile(
    r"^\W*(?:(?:and|but|so)\s+)?(?:(?:someone|somebody|an? attacker|the attacker|they|whoever)\s+"
    r"(?:\w+ed|made|took|got|ran|stole|read|sent|had|was|were)\b"
    r"|(?:the\s+|our\s+)?[\w-]+(?:\s+[\w-]+)?\s+(?:shows?|says|indicates?|suggests?|lists?|"
    # "Dana wants to force-push and wait": what someone else asks for, not a step
    r"wants? to|wanted to|would like to|(?:is )?ask(?:s|ed|ing)? (?:me |us )?(?:to|for)|"
    r"propos(?:es|ed)|suggested|(?:is )?push(?:es|ing) for|insist(?:s|ed)? on)\b)"
)
# "nobody logs into it interactively": how things are, not a step ("so nobody sees it" is a
# purpose, and stays with its action).
_NOBODY = re.compile(r"^\W*(?:nobody|no one|no-one)\b")
# "a wildcard like repo:acme/* would let every repo in": what a thing would do, a consequence
_WOULD_LET = re.compile(r"\b(?:would|could)\s+(?:let|allow|give|mean|expose|open)\b")
_INDIRECT = re.compile(r"\b(?:what|which|whether|how|who|where|when|anything|everything|if)\b")


def _continues_a_setup(stems: list[str]) -> bool:
    """Whether a clause carries on the step set up before it ("... would be to phone Tomas
    and make sure it's really him"); "... and I do it now" is a step of the learner's own."""
    return stems[:1] == ["and"] and not (_HYPOTHETICAL | _FIRST_PERSON) & set(stems)


def _states_a_fact(lower: str, stems: list[str]) -> bool:
    """A passive statement of fact; "check what mail was read" asks, so it is not one."""
    if _FIRST_PERSON & set(stems):
        return False
    m = _PASSIVE_FACT.search(lower)
    return m is not None and not _INDIRECT.search(lower[: m.start()])


# A clause opened by one of these hangs off another clause: a reason, a time or a condition,
# not a decision of its own ("after that" and "before this" are steps in a sequence).
_SUBORDINATE = re.compile(
    r"\s*(?:if|once|when|whenever|after|before|until|till|unless|provided|because|since|"
    r"as long as|although|though|whereas|while)\b(?!\s+(?:that|this|which|those)\b)",
    re.IGNORECASE,
)


def gives_a_reason(clause: Clause) -> bool:
    """Whether the clause opens as a reason ("because the tests are green", "since ...")."""
    return _REASON.search(clause.text.lower()) is not None


def is_subordinate(clause: Clause) -> bool:
    """Whether the clause opens as a reason, time or condition hanging off another clause."""
    return _SUBORDINATE.match(clause.text) is not None


def _not_a_step(lower: str, stems: list[str]) -> bool:
    """Whether the clause describes (what others can do or did, what the evidence shows, a
    fact, a topic or a reason) rather than says what the learner will do."""
    if _describes_others(stems) or _states_a_fact(lower, stems):
        return True
    if _NOBODY.search(lower) or _TOPIC.search(lower):
        return True
    mine = bool(_FIRST_PERSON & set(stems))
    return not mine and bool(
        _OTHERS_DID.search(lower) or _REASON.search(lower) or _WOULD_LET.search(lower)
    )


def _describes_others(stems: list[str]) -> bool:
    """A clause about what someone else can or could do, with no "I" or "we" deciding."""
    if _FIRST_PERSON & set(stems) or not _MODAL & set(stems):
        return False
    pairs = zip(stems, stems[1:], strict=False)
    relative = any(a in {"that", "which", "who"} and b in _MODAL for a, b in pairs)
    return relative or bool(_OTHERS & set(stems))


def analyse(text: str, lex: Lexicon | None = None, clock: int | None = None) -> list[Clause]:
    """Split ``text`` into clauses and read each one's concepts and modality; ``clock`` (the
    scenario's time of day, in minutes) lets a later time of day read as a delay."""
    lex = lex or load_lexicon()
    expanded_cache: dict[int, str] = {}
    works: list[_Work] = []
    for start, end, sentence in _split(text):
        raw = text[start:end]
        lower = _expand(raw)
        expanded_cache[len(works)] = lower
        stems = [
            s
            for s in (
                lex.stem_token(t) for t in _split_compounds(tokenize(lower.replace("'", "")), lex)
            )
            if s not in _FILLERS
        ]
        stems = _drop_deadline(stems)
        if tuple(stems) in _ACKNOWLEDGEMENTS:
            stems = []  # "..., I know." concedes a point; it tells nobody anything
        works.append(_Work(start, end, raw, sentence, stems, [False] * len(stems)))

    for i, w in enumerate(works):
        w.deferred = _deferred(expanded_cache[i], clock)
        # "Rotating the IAM key and the Snowflake password would break the loader": the cost
        # named after "and" belongs to both gerunds.
        if (
            i > 0
            and w.stems[:1] == ["and"]
            and works[i - 1].sentence == w.sentence
            and _GERUND_START.match(works[i - 1].text)
            and not any(works[i - 1].negated)
            and not _FIRST_PERSON & set(works[i - 1].stems)
            and any(_find(w.stems, cue) > 0 for cue in _CONSEQUENCES)
        ):
            works[i - 1].negated = [True] * len(works[i - 1].stems)
        if _is_bare_no(w.stems) and i > 0 and works[i - 1].sentence == w.sentence:
            # "Jonas's idea of deleting the namespace would wipe the evidence, so no."
            for prev in works[:i]:
                if prev.sentence == w.sentence:
                    prev.negated = [True] * len(prev.stems)
        if _not_until(w, expanded_cache[i], lex):
            # "I would not disable the key before hearing from Viktor": later, not never.
            w.deferred = True
        elif _mark_negation(w, lex) == "anaphoric" and not _goes_and(works, i):
            # Reject the nearest earlier clause that says something ("..., so instead of that").
            for prev in reversed(works[:i]):
                if _has_concept(prev.stems, lex):
                    prev.negated = [True] * len(prev.stems)
                    break
        elif (
            i > 0
            and w.stems
            and w.stems[0] in {"or", "nor"}
            and works[i - 1].negated[-1:] == [True]
        ):
            w.negated = [True] * len(w.stems)  # "I won't reset it or DM any password"
        elif (
            i > 0
            and works[i - 1].sentence == w.sentence
            and any(works[i - 1].negated)
            and (w.stems[:1] and w.stems[0] in _ADJUNCT_START or _is_channel_list(w.stems, lex))
        ):
            # "I can't send you the token, in a DM or anywhere else", "not sending prod xoxb,
            # DM or Notion or anywhere": where the refused step won't happen, not a new step
            w.negated = [True] * len(w.stems)
        if (
            i > 0
            and w.stems[-1:] == ["either"]
            and not any(w.negated)
            and any(works[i - 1].negated)
            and works[i - 1].sentence == w.sentence
        ):
            w.negated = [True] * len(w.stems)  # "I'm not checking it out and reading it either"
        if i > 0 and not any(w.negated) and _goes_and(works, i - 1):
            w.negated = [True] * len(w.stems)  # "I would not go and report him to security"
        if w.stems[-2:] == ["or", "not"]:
            w.negated = [True] * len(
                w.stems
            )  # "DM or not": whatever the channel, it decides nothing
        # "Ideally you'd revoke it, but ..." : the first clause is set up to be rejected.
        if i > 0 and w.stems and w.stems[0] in _CONCESSIVE_START:
            prev = works[i - 1]
            if _HYPOTHETICAL & set(prev.stems) and (
                any(n for n in w.negated)
                or w.deferred
                or {"just", "instead", "onli"} & set(w.stems)
            ):
                prev.negated = [True] * len(prev.stems)

    # "Deactivating the key is the textbook move, but Grace says a sync job may use it and I
    # don't want to break it": the reason against can come later in the sentence than "but",
    # and the setup can end the sentence before ("The playbook answer is to deactivate it.
    # But ..., so I'm not going to switch it off") or carry its own reason ("... to regenerate
    # the token because of Mia's post, but ...").
    for i, w in enumerate(works[1:], start=1):
        if not (w.stems[:1] and w.stems[0] in _CONCESSIVE_START):
            continue
        j = i - 1
        setup = []  # "... would be to phone Tomas and make sure it's really him, but ..."
        while j > 0 and works[j].sentence == w.sentence:
            if _REASON.search(works[j].text.lower()):
                pass  # "... to regenerate the token because of Mia's post, but ..."
            elif _continues_a_setup(works[j].stems):
                setup.append(j)
            else:
                break
            j -= 1
        setup.append(j)
        prev = works[j]
        if not _HYPOTHETICAL & set(prev.stems) or any(prev.negated):
            continue
        same = prev.sentence == w.sentence
        opens = (
            j == i - 1
            and prev.sentence == w.sentence - 1
            # a step set up to be rejected, not "..., which is textbook injection."
            and any(lex.is_action(c) for c in _concepts(prev.stems, prev.negated, lex))
        )
        against_here = (same or opens) and any(
            any(later.negated) or later.deferred or _KEEPS_GOING & set(later.stems)
            for later in works[i:]
            if later.sentence == w.sentence
        )
        # "..., but that means reinstalling the app. ..., so I'm not going to."
        against_next = same and any(
            any(later.negated) and _FIRST_PERSON & set(later.stems)
            for later in works[i:]
            if later.sentence == w.sentence + 1
        )
        if against_here or against_next:
            for k in setup:
                works[k].negated = [True] * len(works[k].stems)

    concept_sets = [_concepts(w.stems, w.negated, lex) for w in works]
    for w, cs in zip(works, concept_sets, strict=True):
        if _PRONOUNS & set(w.stems):
            cs.add(REF)  # "kill it": the object is the one under discussion
    acts = [any(lex.is_action(c) for c in cs) for cs in concept_sets]
    positive = [
        any(lex.is_action(c) and not c.startswith("NOT:") for c in cs) for cs in concept_sets
    ]
    flips = [any(lex.flips(c.removeprefix("NOT:")) for c in cs) for cs in concept_sets]
    deferred = [w.deferred for w in works]
    # "Check with Ana next week and raise it with security after that": after the delay too.
    for i in range(1, len(works)):
        if deferred[i - 1] and _AFTER_THAT.search(expanded_cache[i]):
            deferred[i] = True
        lead = [t for t in works[i].stems[:2] if t != "and"]
        # "The key stays active until he has moved the build on Monday, and then I deactivate
        # it": after the delay too.
        prior = i - 1 if works[i - 1].stems != ["and"] or i < 2 else i - 2
        if (
            deferred[prior]
            and works[prior].sentence == works[i].sentence
            and lead[:1] == ["then"]
            # "..., then I deactivate it first thing": first thing when the wait is over
            and not _IMMEDIATE.search(_FIRST_THING.sub("", expanded_cache[i]))
        ):
            deferred[i] = True
        # "We ship at 17:30 on the current key, then I deactivate it": after the release.
        # "Release first. At 17:35 I deactivate the key": the same, across a full stop.
        prev = works[i - 1]
        if (
            (lead[:1] == ["then"] and prev.sentence == works[i].sentence or "first" in prev.stems)
            and acts[i]
            and _SHIPS & set(prev.stems)
            and not _STEPS & concept_sets[i - 1]
            # "as long as nothing weird shows up we let the release go out": the release is
            # not what is negated
            and not any(n and s in _SHIPS for s, n in zip(prev.stems, prev.negated, strict=True))
            and not _IMMEDIATE.search(expanded_cache[i])
        ):
            deferred[i] = True
    conditional = [False] * len(works)
    leads = [_leads_with_deferral(expanded_cache[i], clock) for i in range(len(works))]

    def defer_onwards(i: int, *, joined_only: bool) -> None:
        """Put off the clauses after ``i`` in its sentence, up to one that says "now"; with
        ``joined_only``, only those joined on by "and"/"then" with no subject of their own."""
        j = i + 1
        while (
            j < len(works)
            and works[j].sentence == works[i].sentence
            and not _IMMEDIATE.search(expanded_cache[j])
            and (
                not joined_only
                or works[j].stems[:1] in (["and"], ["then"])
                and not (_FIRST_PERSON - {"and"}) & set(works[j].stems[1:2])
            )
        ):
            deferred[j] = True
            j += 1

    def timed_step(i: int) -> int | None:
        """The step a time phrase at ``i`` times: the next clause, or the one after a
        condition ("Thursday 18:00, once it's out, I revoke it")."""
        j = i + 1
        while (
            j < len(works)
            and works[j].sentence == works[i].sentence
            and works[j].stems[:1]
            and works[j].stems[0] in _CONDITION_START
        ):
            j += 1
        same = j < len(works) and works[j].sentence == works[i].sentence
        return j if same and positive[j] else None

    for i, w in enumerate(works):
        first = i == 0 or works[i - 1].sentence != w.sentence
        last = i == len(works) - 1 or works[i + 1].sentence != w.sentence
        # A time or condition clause with no action of its own governs its neighbour:
        # "After the release, revoke it." / "Revoke it once the release is out."
        # "..., and deactivate the key once they've moved": a step that waits for others.
        if (
            not first
            and w.stems[:1] in (["onc"], ["after"])
            and not positive[i]
            and not w.deferred
            and not conditional[i - 1]
            and positive[i - 1]
            and not _IMMEDIATE.search(expanded_cache[i - 1])
            and _OTHERS_MOVE.search(expanded_cache[i])
        ):
            deferred[i - 1] = True
        # "Once he has switched the nightly build over, I deactivate it": the same, condition
        # first.
        if (
            not last
            and w.stems[:1] in (["onc"], ["after"])
            and not w.deferred
            and positive[i + 1]
            and not _IMMEDIATE.search(expanded_cache[i + 1])
            and _OTHERS_MOVE.search(expanded_cache[i])
        ):
            deferred[i + 1] = True
        # "If he hasn't confirmed it by 09:30, I deactivate it": what the condition negates
        # is part of the condition, not a step. "On Monday, with a change ticket, I revoke
        # ... and take ...": a time that opens the sentence holds for all of it.
        if (
            w.deferred
            and not positive[i]
            and (leads[i] or w.stems[:1] and w.stems[0] in _CONDITION_START)
        ):
            if first and not last:
                defer_onwards(i, joined_only=False)
            elif (
                not first
                and (not positive[i - 1] or _CONDITION_START & set(works[i - 1].stems[:1]))
                and not last
                and (step := timed_step(i)) is not None
            ):
                # "Once I have the picture, probably this afternoon, I'll deactivate it": an
                # aside between a condition and the step it times
                if not _IMMEDIATE.search(expanded_cache[step]):
                    deferred[step] = True
            elif (
                not first
                and not _IMMEDIATE.search(expanded_cache[i - 1])
                and not _EVENT_WAITS.search(expanded_cache[i - 1])
            ):
                deferred[i - 1] = True  # but "so the release can still go out, later today"
                # "I'll get it revoked and cleaned out once the release is out": a step joined
                # on with no object of its own shares its time with the step it continues.
                k = i - 1
                while (
                    k > 0
                    and works[k].stems[:1] in (["and"], ["or"])
                    and works[k - 1].sentence == w.sentence
                    and not _names_an_object(concept_sets[k], lex)
                    and not _IMMEDIATE.search(expanded_cache[k - 1])
                ):
                    deferred[k - 1] = True
                    k -= 1
        # "This evening I'll revoke the sessions and take staging out of the trust": a step
        # that opens with its time passes it on to the steps joined to it; one that opens the
        # sentence ("Once the batch finishes I block the sign-in, reset the password, ...")
        # to the rest of the sentence.
        if deferred[i] and positive[i] and leads[i]:
            defer_onwards(i, joined_only=not first)
        # "Once the sub condition is in, approve": the approval depends on a real precondition.
        if (
            w.stems
            and w.stems[0] in _CONDITION_START
            and (
                flips[i]
                # "If we ever want it to write, it's a JIT grant": a rule for some day, while
                # "If it is really Daniel, read him the password" still reads it out
                or (w.stems[0] == "if" and _SOME_DAY.search(expanded_cache[i]) is not None)
                or (w.stems[0] in _AFTER_FIX and REF in concept_sets[i] and not acts[i])
            )
            and not w.deferred
        ):
            if first and not last:
                conditional[i + 1] = True
            elif not first:
                conditional[i - 1] = True

        # "Add the sub condition and I'll approve": an approval promised for after a fix.
        lead = [t for t in w.stems[:3] if t not in {"and", "then"}]
        if (
            not first
            and w.stems
            and w.stems[0] in {"and", "then"}
            # "..., then I approve" as surely as "... and I'll approve"
            and (
                lead[:1] in (["ill"], ["well"])
                or (w.stems[0] == "then" and lead[:1] in (["i"], ["we"]))
            )
            and "approve" in concept_sets[i]
        ):
            before = next(
                (
                    [t for t in p.stems if t not in {"and", "then"}]
                    for p in reversed(works[:i])
                    if p.sentence == w.sentence and set(p.stems) - {"and", "then"}
                ),
                [],
            )
            conditional[i] = bool(before) and before[0] not in _FIRST_PERSON

    # Quoted words ("he falls back to 'just read it to me'") are someone else's, not a decision.
    quoted = [_inside_quotes(text, w.start, w.end) for w in works]
    # "An outside agent that can edit branch protection can approve": what others could do.
    described = [_not_a_step(expanded_cache[i], w.stems) for i, w in enumerate(works)]
    # "..., so the release can still go out": the purpose, not a step and not a delay
    for i in range(len(works)):
        if _RELEASE_PURPOSE.match(expanded_cache[i]):
            described[i] = True
    # "Dana wants to force-push and wait till 17:30": the "and" goes on with what she wants.
    for i, w in enumerate(works[1:], start=1):
        if (
            described[i - 1]
            and works[i - 1].sentence == w.sentence
            and w.stems[:1] == ["and"]
            and not (_FIRST_PERSON | _NEW_SUBJECT) & set(w.stems[1:2])
            and _OTHERS_DID.search(expanded_cache[i - 1])
        ):
            described[i] = True
    # "No bot PAT: a push lands as the bot, zero attribution": after a refusal and a colon
    # comes its reason, unless the learner says what they do instead.
    for i, w in enumerate(works[1:], start=1):
        prev = works[i - 1]
        if (
            prev.sentence == w.sentence
            and prev.stems[:1]
            and prev.stems[0] in _REFUSAL_START
            and ":" in text[prev.end : w.start]
            and not _FIRST_PERSON & set(w.stems)
            and not _IMPERATIVE_START.match(expanded_cache[i])
        ):
            described[i] = True
    # "Give it a role on prod and anyone who pushes code there can read invoices": the
    # imperative is the "if" of a warning, not a step.
    for i, w in enumerate(works[1:], start=1):
        prev = works[i - 1]
        if (
            w.stems[:1] == ["and"]
            and w.stems[1:2]
            and w.stems[1] in _OTHERS
            and prev.sentence == w.sentence
            and prev.stems[:1]
            and prev.stems[0] not in _FIRST_PERSON
        ):
            described[i - 1] = True
    # A question ("why can the agent read prod secrets at all?") asks; it decides nothing.
    ends = {w.sentence: w.end for w in works}
    questions = [text[ends[w.sentence] : ends[w.sentence] + 1] == "?" for w in works]

    clauses: list[Clause] = []
    for i, w in enumerate(works):
        concepts = concept_sets[i]
        if "request" in concepts and "approve" in concepts and _SIGN_OFF & set(w.stems):
            # "ask a teammate to approve it" asks for a review; "ask Priya to add a wildcard"
            # still has the wildcard added
            concepts.discard("approve")
        positive_acts = {c for c in concepts if lex.is_action(c) and not c.startswith("NOT:")}
        positive_act = bool(positive_acts)
        if (
            w.stems
            and w.stems[0] in _REFUSAL_START
            and not positive_act
            and (
                concepts & _REFUSED_OBJECTS
                or "w:a/b/c" in concepts
                or w.stems[0] == "none"
                or any(c.startswith("NOT:") and not c.startswith("NOT:w:") for c in concepts)
            )
        ):
            concepts.add("deny")  # "no PAT", "no admin:org", "none of the three", "no exception"
        if w.stems[:2] == ["no", "to"] and not positive_act:
            concepts.add("deny")  # "No to the safe change"
        if w.stems and w.stems[-1] in {"no", "nope", "nah"} and not positive_acts - {"notify"}:
            concepts.add("deny")  # "I'd tell Mia no", "the answer is no"
            concepts.discard("notify")  # telling him no reports nothing
        if (
            "logs" in concepts
            and not positive_act
            and len(concepts) <= 4
            and not any(c.startswith("NOT:") for c in concepts)
        ):
            concepts.add("investigate")  # a terse "CT all regions" is a step: read those logs
        if deferred[i]:
            concepts.add(DEFER)
        clauses.append(
            Clause(
                w.start,
                w.end,
                w.text,
                frozenset(concepts),
                deferred[i],
                w.sentence,
                conditional[i],
                (bool(w.stems) and w.stems[0] in _HYPOTHETICAL_START)
                or "whether" in w.stems
                or bool(_CONSIDERED & set(w.stems))
                or questions[i]
                or quoted[i]
                or described[i],
            )
        )
    return clauses


def concept_set(text: str, lex: Lexicon | None = None) -> frozenset[str]:
    """All concepts of a short text (a rubric example), as one set."""
    out: set[str] = set()
    for clause in analyse(text, lex):
        out |= clause.concepts
    return frozenset(out)
