"""The offline rubric grader: the embedded default, deterministic and model-free.

Each criterion and mistake is matched through its examples: an example's concepts must be
covered by one clause (or two neighbouring clauses of a sentence) of the answer, with the
same polarity, and for a time-critical criterion not deferred. Evidence is the learner's own
words from the matching clause.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from tutor.grading import semantic
from tutor.grading.calibration import Calibration, load_calibration
from tutor.grading.injection import find_injection
from tutor.grading.lexicon import Lexicon, load_lexicon
from tutor.grading.result import (
    PROMPT_INJECTION,
    CriterionVerdict,
    Grade,
    MistakeVerdict,
    finalise,
)
from tutor.grading.text import (
    DEFER,
    REF,
    Clause,
    analyse,
    concept_set,
    gives_a_reason,
    is_subordinate,
)
from tutor.scenarios.model import Scenario

COVERAGE = 0.6
DEFERRED_NOTE = "deferred, so it does not count: "
# The mistake pattern of putting containment off (``tutor.scenarios.patterns``).
DELAY_PATTERN = "delay-containment"
MISTAKE_COVERAGE = 0.65


@dataclass(frozen=True)
class _Example:
    concepts: frozenset[str]
    actions: frozenset[str]
    weights: dict[str, float]
    total: float
    action_total: float
    key_ids: frozenset[str] = frozenset()
    # The words of the names the item's examples give ("support-backup"), and those only the
    # rubric's other items give: what "its key" may point back to.
    names: frozenset[str] = frozenset()
    others_names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Unit:
    """One clause, or two neighbouring clauses of the same sentence read together."""

    start: int
    end: int
    concepts: frozenset[str]
    deferred: bool
    conditional: bool = False
    hypothetical: bool = False
    key_ids: frozenset[str] = frozenset()
    # Plain words of its sentence up to its end, when it says "it" or "its": what the pronoun
    # can stand for.
    context: frozenset[str] = frozenset()
    # Where the words "it" stands for start, when "it" is a human's credential: the mistake's
    # evidence quotes from there ("a token on my own account ... put it into RELBOT_GH_TOKEN").
    referent: int | None = None


@dataclass(frozen=True)
class _Compiled:
    criteria: tuple[tuple[str, tuple[_Example, ...], bool], ...]  # id, examples, immediate
    mistakes: tuple[tuple[str, tuple[_Example, ...]], ...]
    # Each criterion's examples (then its text), in the embeddings' order: their concepts and
    # the actions they refuse (``_refused``), so a clause is not compared with one it contradicts.
    example_concepts: dict[str, tuple[tuple[frozenset[str], frozenset[str]], ...]]
    # The access key IDs each criterion names (``_key_ids``), for the embedding pool.
    key_ids: dict[str, frozenset[str]]
    # The mistakes some example of which approves something.
    approving: frozenset[str] = frozenset()


def _weight(concept: str, lex: Lexicon) -> float:
    return 1.0 if concept == DEFER else lex.weight(concept)


_NEGATED_TEXT = re.compile(r"\b(?:not|no|never|nor|neither)\b|n't\b", re.IGNORECASE)


def _example_concepts(text: str, lex: Lexicon) -> frozenset[str]:
    """A criterion example's concepts. "PatchPilot does not get administration" refuses with a
    verb the lexicon does not know; without its refusal it would match any clause naming those
    objects."""
    concepts = concept_set(text, lex)
    if _NEGATED_TEXT.search(text) and not any(
        lex.is_action(c) or c.startswith("NOT:") for c in concepts
    ):
        concepts = concepts | {"deny"}
    return concepts


@lru_cache(maxsize=256)
def _compile(scenario: Scenario) -> _Compiled:
    """Read every example once per scenario and weight its concepts.

    A concept shared by many criteria and mistakes of the same rubric ("key", "token") tells
    them apart less than one only a single item uses ("production" in "use the prod token
    for tests"), so each concept's weight is scaled by its rarity across the rubric's items.
    """
    lex = load_lexicon()
    items: list[tuple[str, str, tuple[str, ...], bool]] = [
        ("c", c.id, (*c.examples, c.text), c.must_be_immediate) for c in scenario.rubric.criteria
    ] + [("m", m.id, (*m.examples, m.text), False) for m in scenario.rubric.mistakes]
    sets = {
        (kind, iid): [
            _example_concepts(t, lex) if kind == "c" else concept_set(t, lex) for t in texts
        ]
        for kind, iid, texts, _ in items
    }
    df: dict[str, int] = {}
    for example_sets in sets.values():
        for concept in frozenset().union(*example_sets):
            df[concept] = df.get(concept, 0) + 1
    n = len(items)

    def rarity(concept: str) -> float:
        if concept == DEFER:
            return 1.0
        return math.log(1 + n / df.get(concept, 1)) / math.log(1 + n)

    names_of = {(kind, iid): _name_words(texts, lex) for kind, iid, texts, _ in items}
    every_name = frozenset().union(*names_of.values())

    def build(
        concepts: frozenset[str], key_ids: frozenset[str], names: frozenset[str]
    ) -> _Example | None:
        if not concepts:
            return None
        weights = {c: _weight(c, lex) * rarity(c) for c in concepts}
        actions = frozenset(c for c in concepts if lex.is_action(c) or c == DEFER)
        return _Example(
            concepts,
            actions,
            weights,
            sum(weights.values()),
            sum(weights[c] for c in actions),
            key_ids,
            names,
            every_name - names,
        )

    # An item that names a key ID anywhere is about that key, in every one of its examples.
    ids_of = {
        (kind, iid): frozenset().union(*(_key_ids(t) for t in texts))
        for kind, iid, texts, _ in items
    }

    def examples(key: tuple[str, str]) -> tuple[_Example, ...]:
        return tuple(e for e in (build(c, ids_of[key], names_of[key]) for c in sets[key]) if e)

    mistakes = tuple((iid, examples(("m", iid))) for kind, iid, _, _ in items if kind == "m")
    return _Compiled(
        criteria=tuple(
            (iid, examples(("c", iid)), immediate)
            for kind, iid, _, immediate in items
            if kind == "c"
        ),
        mistakes=mistakes,
        example_concepts={
            iid: tuple((c, _refused(c, lex)) for c in sets[(kind, iid)])
            for kind, iid, _, _ in items
            if kind == "c"
        },
        key_ids={iid: ids_of[(kind, iid)] for kind, iid, _, _ in items if kind == "c"},
        approving=frozenset(
            iid for iid, built in mistakes if any("approve" in e.actions for e in built)
        ),
    )


_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+\b")


def _name_words(texts: tuple[str, ...], lex: Lexicon) -> frozenset[str]:
    """The plain words of the names an item's examples give ("support-backup",
    "report-renderer-build")."""
    return frozenset(
        c
        for text in texts
        for m in _IDENTIFIER.finditer(text)
        for c in concept_set(m.group(0).replace("_", "-"), lex)
        if c.startswith("w:")
    )


def _is_refusal(examples: tuple[_Example, ...]) -> bool:
    """Whether most of a criterion's examples refuse or negate something."""
    refusing = sum(
        1 for e in examples if "deny" in e.concepts or any(c.startswith("NOT:") for c in e.concepts)
    )
    return refusing * 2 > len(examples)


def _refused(concepts: frozenset[str], lex: Lexicon) -> frozenset[str]:
    """The actions a reading refuses: "not rotate", and "do not approve", which reads as deny.

    A clause that does what an example refuses, or refuses what it does, contradicts it
    ("approve" against "do not approve the ticket yet"); embeddings do not see the "not"."""
    named = {c[4:] for c in concepts if c.startswith("NOT:") and lex.is_action(c[4:])}
    kept = _ENDINGS if "keep_active" in concepts else frozenset()
    return frozenset(named | kept | {base for base, neg in lex.negated.items() if neg in concepts})


# "keep PR Lens running in the meantime" refuses to disable it as surely as "don't disable it",
# and "I'm leaving the token as it is" refuses to rotate it.
_ENDINGS = frozenset({"revoke", "rotate", "delete", "offboard", "kill_switch"})


def _outside_production(example: frozenset[str], unit: frozenset[str]) -> bool:
    """Whether a clause names only places outside production where the example names
    production: "a deny-all network policy on the pod" denies nothing on acme-media-prod, and
    "run it in staging with staging credentials" uses no production key."""
    return "production" in example and "production" not in unit and bool(unit & _NON_PRODUCTION)


def _crosses_elsewhere(example: frozenset[str], unit: frozenset[str]) -> bool:
    """Whether a clause names only production where the mistake moves something between
    production and elsewhere: "lets the production key be used from staging" crosses
    environments; "update the production deployment that uses it" stays in one."""
    crosses = {"production", "non_production"} <= example
    return crosses and "production" in unit and "non_production" not in unit


def _refuses(concepts: frozenset[str]) -> bool:
    return "deny" in concepts or any(c.startswith("NOT:") for c in concepts)


# "if I flagged every pushy caller, the SOC would drown": a past tense and "would" weigh a
# step; "if I cannot reach him, I would check with his manager" plans one.
_COUNTERFACTUAL = re.compile(
    r"(?:^\W*(?:(?:and|but|so)\s+)?|[,;:]\s*)if\s+(?:i|we)\s+"
    r"(?:\w+ed|were|had|did|gave|told|sent|took|went|made|let|put|kept|left|paid)\b"
    r"[^.]*\b(?:would|could)\b",
    re.IGNORECASE | re.DOTALL,
)
_TRAILING_REASON = re.compile(r"\W*(?:since|because)\b", re.IGNORECASE)


def _units(clauses: list[Clause]) -> list[_Unit]:
    """Each clause on its own (in order, so ``units[i]`` is ``clauses[i]``), then each pair of
    neighbours in one sentence."""
    ids = [_key_ids(c.text) for c in clauses]
    so_far = _words_so_far(clauses)
    context = [so_far[i] if REF in c.concepts else frozenset() for i, c in enumerate(clauses)]
    carried = [_carried(clauses, i) for i in range(len(clauses))]
    units = [
        _Unit(
            c.start,
            c.end,
            c.concepts | extra,
            c.deferred,
            c.conditional,
            c.hypothetical,
            ids[i],
            context[i],
            referent,
        )
        for i, (c, (extra, referent)) in enumerate(zip(clauses, carried, strict=True))
    ]
    for i, (a, b) in enumerate(zip(clauses, clauses[1:], strict=False)):
        if a.sentence == b.sentence and not (
            # "rotate the key since Lena knew it, and replace ...": a reason that follows a
            # clause explains that clause, not the next one
            i > 0 and clauses[i - 1].sentence == a.sentence and _TRAILING_REASON.match(a.text)
        ):
            units.append(
                _Unit(
                    a.start,
                    b.end,
                    a.concepts | b.concepts,
                    a.deferred or b.deferred,
                    a.conditional or b.conditional,
                    # "merge it because the tests are green": the reason describes, the pair decides
                    a.hypothetical or (b.hypothetical and not (gives_a_reason(b) and _says(a))),
                    ids[i] | ids[i + 1],
                    so_far[i + 1] if REF in a.concepts | b.concepts else frozenset(),
                )
            )
    return units


def _words_so_far(clauses: list[Clause]) -> list[frozenset[str]]:
    """For each clause, the plain words of its sentence up to its end: what "it" or "its" in
    it can stand for."""
    out: list[frozenset[str]] = []
    for i, clause in enumerate(clauses):
        words = frozenset(c for c in clause.concepts if c.startswith("w:"))
        if i and clauses[i - 1].sentence == clause.sentence:
            words |= out[-1]
        out.append(words)
    return out


def _points_elsewhere(example: _Example, unit: _Unit) -> bool:
    """Whether "its key" points at another item's key: in "lock out support-backup (deactivate
    its key", the key is the attacker's, not the leaked one. Only for items about one named
    key, where the rubric tells two keys apart."""
    return bool(
        example.key_ids
        and unit.context & example.others_names
        and not unit.context & example.names
        and not example.key_ids & unit.key_ids
    )


def _says(clause: Clause) -> bool:
    """Whether a clause names anything the lexicon knows (not just "Also" or "Fine")."""
    return any(c != REF and not c.startswith(("w:", "NOT:w:")) for c in clause.concepts)


def _carried(clauses: list[Clause], i: int) -> tuple[frozenset[str], int | None]:
    """What "it" brings along, and where the words it stands for start if it is a human's.

    "Set up a separate Slack app in the test workspace and give you its token" hands over a
    separate, non-production token, not the production one. "Mint a token on my own account,
    repo only, and drop it into RELBOT_GH_TOKEN" hands over a human's token: "it" is the
    credential last named in the sentence, and quoting from there shows what was handed over."""
    clause = clauses[i]
    if REF not in clause.concepts or "production" in clause.concepts:
        return frozenset(), None  # "deleting that key on acme-prod" names its own
    first = i  # sentences are contiguous: walk back to this one's start, not over the answer
    while first > 0 and clauses[first - 1].sentence == clause.sentence:
        first -= 1
    sentence = clauses[first:i]
    carried = sentence[-1].concepts & _NON_PRODUCTION if sentence else frozenset()
    named = next((c for c in reversed(sentence) if "credential" in c.concepts), None)
    if named is not None and named.concepts & _PERSONAL:
        return carried | (named.concepts & _PERSONAL), named.start
    return carried, None


_BARE_REFUSAL = frozenset({"deny"})
_REFUSAL_FILLER = frozenset({REF, "notify"})  # "I'd tell Mia no" is a bare refusal too
# Safe qualities a learner adds to an action ("staging keeps its OWN service account"); a
# mistake example without them describes a different, unsafe action.
_SAFEGUARDS = frozenset(
    {"separate", "least_privilege", "temporary", "oidc", "vault", "mfa", "verify", "pr_review"}
)


_HAZARDS = frozenset({"long_lived", "admin", "reuse", "bypass", "mfa_bypass", "implicit_flow"})
# Places outside production: what "it" carries along ("its token" of a test-workspace app),
# and where a step on production cannot be taking place.
_NON_PRODUCTION = frozenset({"non_production", "sandbox"})
# Whose credential it is: a human's token handed to a bot is still a human's token.
_PERSONAL = frozenset({"human_identity"})


_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b", re.IGNORECASE)


def _key_ids(text: str) -> frozenset[str]:
    """The cloud access key IDs a text names. The lexicon folds them all into "key", which
    cannot tell the leaked key from the attacker's."""
    return frozenset(m.upper() for m in _KEY_ID.findall(text))


def _other_key(named: frozenset[str], said: frozenset[str]) -> bool:
    """Whether a clause names only other keys than the one an item is about."""
    return bool(named and said and not named & said)


def _coverage(
    example: _Example,
    unit: _Unit,
    lex: Lexicon,
    *,
    safeguards: bool = False,
    refusal: bool = False,
) -> float:
    if refusal and "deny" in unit.concepts:
        named = {
            c
            for c in unit.concepts - _BARE_REFUSAL
            if not c.startswith(("w:", "NOT:w:")) and c not in _REFUSAL_FILLER
        }
        if not named or (named <= example.concepts and not any(lex.is_action(c) for c in named)):
            # a bare "No." / "Deny." answers a refusal criterion whatever its object, and "no
            # key" refuses it when the key is what the criterion refuses
            return 1.0
    if _other_key(example.key_ids, unit.key_ids) or _points_elsewhere(example, unit):
        return 0.0  # deactivating AKIAI44QH8DHBEXAMPLE is not deactivating AKIAIOSFODNN7EXAMPLE
    if _outside_production(example.concepts, unit.concepts):
        return 0.0
    if example.actions == {DEFER}:
        # "Wait until the release is out before touching the key": timing alone is not enough;
        # the clause must also name most of what is being put off.
        if not (example.concepts - {DEFER}) & unit.concepts:
            return 0.0  # a bare "instead, next sprint" puts off nothing the example names
        hit = sum(w for c, w in example.weights.items() if c in unit.concepts)
        return hit / example.total if hit / example.total >= 0.8 else 0.0
    if example.actions:
        acted = sum(example.weights[c] for c in example.actions if c in unit.concepts)
        if acted < 0.5 * example.action_total:
            return 0.0
        # "Closing the dialog without creating a token, with or without delete_repo" shares
        # the example's "without delete_repo" but refuses its own step and does no other.
        if safeguards:
            done = {c for c in example.actions if not c.startswith("NOT:")}
            refused = {c for c in unit.concepts if c.startswith("NOT:") and lex.is_action(c)}
            if done and not done & unit.concepts and refused - example.concepts:
                return 0.0
    if DEFER in example.concepts and DEFER not in unit.concepts:
        return 0.0
    objects = example.concepts - example.actions
    if objects and not objects & unit.concepts and REF not in unit.concepts:
        return 0.0  # "I'd look at why" names no object of "find out how the key leaked"
    hit = sum(w for c, w in example.weights.items() if c in unit.concepts)
    total = example.total
    # A clause that brings a hazard the example lacks ("a new PAT with no expiration") is not
    # the safe action the example describes.
    total += sum(lex.weight(c) for c in unit.concepts & _HAZARDS if c not in example.concepts)
    if safeguards:
        total += sum(
            lex.weight(c) for c in unit.concepts & _SAFEGUARDS if c not in example.concepts
        )
    return hit / total


def _best(
    examples: tuple[_Example, ...],
    units: list[_Unit],
    lex: Lexicon,
    *,
    allow_deferred: bool,
    refusal: bool = False,
) -> tuple[_Unit | None, _Unit | None, float]:
    """Best matching unit that counts, (if none counts) the best deferred one, and the best
    coverage any unit that counts reached, matching or not."""
    best: tuple[float, int, _Unit] | None = None
    best_deferred: tuple[float, int, _Unit] | None = None
    top = 0.0
    for unit in units:
        width = unit.end - unit.start
        # "Not doing it from the console tonight": a refusal with a time still refuses now.
        counts = allow_deferred or not unit.deferred or (refusal and _refuses(unit.concepts))
        for example in examples:
            cov = _coverage(example, unit, lex, refusal=refusal)
            if counts:
                top = max(top, cov)
            if cov < COVERAGE:
                continue
            key = (cov, -width, unit)
            if not counts:
                if best_deferred is None or key[:2] > best_deferred[:2]:
                    best_deferred = key
            elif best is None or key[:2] > best[:2]:
                best = key
    return (best[2] if best else None), (best_deferred[2] if best_deferred else None), top


def _readings(
    lexical: float, near: semantic.Closeness, cid: str, pool: list[int], rule: bool
) -> tuple[dict[str, float], int] | None:
    """The numbers the calibration weighs for one criterion, and the clause they point at.

    None when no clause can be compared with the criterion ("No."): with nothing for the
    embeddings to read, the rules' verdict stands."""
    if not pool:
        return None
    pointed = max(pool, key=lambda i: (float(near.lead[cid][i]), -i))
    row = {
        "lexical": lexical,
        "semantic": float(near.own[cid][pointed]),
        "semantic_margin": float(near.lead[cid][pointed]),
        "semantic_best": max(float(near.own[cid][i]) for i in pool),
        "rule": 1.0 if rule else 0.0,
    }
    return row, pointed


class OfflineGrader:
    """Grades an answer against a scenario's rubric with no model and no network."""

    name = "offline-rubric"

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        *,
        semantic: bool = True,
        confirm_mistakes: bool | None = None,
        calibration: Calibration | None | bool = True,
    ) -> None:
        """``semantic`` turns on the embedding pass that grants criteria; ``confirm_mistakes``
        (default: the same) the embedding check on lexical mistake matches. A reader that only
        needs the mistakes (the persona's stance) keeps the second without the first.
        ``calibration`` (needs ``semantic``) gives each criterion's readings to the fitted
        model of ``calibration.py``: ``True`` for the bundled one, ``False`` for the rules
        alone (how the training script sees them), or a ``Calibration`` of one's own."""
        self.lexicon = lexicon or load_lexicon()
        self.semantic = semantic
        self.confirm_mistakes = semantic if confirm_mistakes is None else confirm_mistakes
        if calibration is True:
            calibration = load_calibration() if semantic else None
        self.calibration: Calibration | None = calibration or None

    def grade(self, scenario: Scenario, answer: str, *, answer_id: str | None = None) -> Grade:
        seen: semantic.Seen = {}
        reading = self._read(scenario, answer, seen)
        criteria = reading.criteria
        if self.calibration is not None:
            self._calibrate(reading)
        flags = [PROMPT_INJECTION] if find_injection(answer) else []
        mistakes = self._mistakes(scenario, answer, reading, seen)
        _put_off_is_a_delay(scenario, reading, mistakes)
        _no_credit_from_a_mistake(scenario, criteria, mistakes)
        _no_credit_for_an_approval(reading, mistakes, self.lexicon)
        _no_credit_for_a_declined_step(reading, answer, self.lexicon)
        return finalise(scenario, criteria, mistakes, flags, answer_id=answer_id, grader=self.name)

    def readings(self, scenario: Scenario, answer: str) -> dict[str, dict[str, float]]:
        """Each criterion's readings before calibration: what the training script fits on."""
        if not self.semantic:
            raise ValueError("criterion readings need the embedding pass (semantic=True)")
        return self._read(scenario, answer, {}).rows

    def _read(self, scenario: Scenario, answer: str, seen: semantic.Seen) -> _Reading:
        lex = self.lexicon
        compiled = _compile(scenario)
        clauses = analyse(answer, lex, scenario.clock_minutes)
        units = _units(clauses)
        refusal = {cid: _is_refusal(examples) for cid, examples, _ in compiled.criteria}
        criteria: list[CriterionVerdict] = []
        put_off: dict[str, str] = {}
        lexical: dict[str, float] = {}
        # "if I flagged every pushy caller, the SOC would drown" weighs a step it does not take
        deciding = [
            u for u in units if not (u.hypothetical and _COUNTERFACTUAL.search(_quote(answer, u)))
        ]
        for cid, examples, immediate in compiled.criteria:
            hit, deferred, lexical[cid] = _best(
                examples, deciding, lex, allow_deferred=not immediate, refusal=refusal[cid]
            )
            if hit is not None:
                criteria.append(CriterionVerdict(id=cid, met=True, evidence=_quote(answer, hit)))
            elif deferred is not None:
                put_off[cid] = _quote(answer, deferred)
                criteria.append(
                    CriterionVerdict(id=cid, met=False, evidence=DEFERRED_NOTE + put_off[cid])
                )
            else:
                criteria.append(CriterionVerdict(id=cid, met=False))
        reading = _Reading(compiled, units, criteria, put_off=put_off, clauses=len(clauses))
        if not self.semantic:
            return reading
        urgent = {cid: imm for cid, _, imm in compiled.criteria}
        met_by_rules = {v.id for v in criteria if v.met}
        # Embeddings do not see "not": a refusal criterion is only compared with clauses that
        # refuse something, any other criterion only with clauses that refuse nothing. A refusal
        # the rules found stands as it is ("No admin token."): its reading would only cost an
        # embedding per refusing clause, and the rules read refusals better than embeddings do.
        pools = {
            cid: [
                i
                for i, c in enumerate(clauses)
                if _refuses(c.concepts) == refusal[cid]
                and len(c.text.strip()) > 3  # "No." gives embeddings nothing to read
                and not (c.hypothetical or c.conditional)  # describes or waits; decides nothing
                and not is_subordinate(c)  # "after the vendor explains why", "since ..."
                and not (c.deferred and urgent[cid] and not refusal[cid])
                and not _other_key(compiled.key_ids[cid], units[i].key_ids)
            ]
            for cid in urgent
            if not (refusal[cid] and cid in met_by_rules)
        }
        readable = sorted({i for pool in pools.values() for i in pool})
        readings_of = [(clauses[i].concepts, _refused(clauses[i].concepts, lex)) for i in readable]
        near = semantic.closeness(
            scenario,
            [clauses[i].text.strip() for i in readable],
            seen,
            {
                cid: [
                    [not (refuses & concepts or refused & example) for example, refuses in examples]
                    for concepts, refused in readings_of
                ]
                for cid, examples in compiled.example_concepts.items()
                if cid in pools
            },
        )
        at = {i: k for k, i in enumerate(readable)}
        pools = {cid: [at[i] for i in pool] for cid, pool in pools.items()}
        granted = self._semantic_pass(near, pools, [clauses[i] for i in readable], criteria)
        reading.embedded.update(granted)
        for verdict in criteria:
            if verdict.id not in pools:
                continue
            read = _readings(lexical[verdict.id], near, verdict.id, pools[verdict.id], verdict.met)
            if read is not None:
                reading.rows[verdict.id] = read[0]
                reading.pointed[verdict.id] = clauses[readable[read[1]]]
        return reading

    def _calibrate(self, reading: _Reading) -> None:
        """Let the fitted model decide each criterion; evidence stays the learner's words."""
        assert self.calibration is not None
        for verdict in reading.criteria:
            row = reading.rows.get(verdict.id)
            if row is None:
                continue  # nothing the embeddings could read: the rules decide
            met = self.calibration.met(row)
            if met and not verdict.met:
                pointed = reading.pointed[verdict.id]
                verdict.met, verdict.evidence = True, pointed.text.strip()
                reading.embedded[verdict.id] = pointed.concepts
            elif verdict.met and not met:
                verdict.met, verdict.evidence = False, ""

    def _mistakes(
        self, scenario: Scenario, answer: str, reading: _Reading, seen: semantic.Seen
    ) -> list[MistakeVerdict]:
        lex = self.lexicon
        compiled, units = reading.compiled, reading.units
        # A clause that reads best as a right action is not also counted as a mistake.
        best_criterion = {
            unit: max(
                (
                    _coverage(e, unit, lex)
                    for _, examples, immediate in compiled.criteria
                    if not (unit.deferred and immediate)
                    for e in examples
                ),
                default=0.0,
            )
            for unit in units
        }
        # "Remove the message instead of rotating" is only a mistake if no rotation happens.
        done_now = frozenset().union(*(u.concepts for u in units if not u.deferred))
        mistakes: list[MistakeVerdict] = []
        for mid, examples in compiled.mistakes:
            candidates: dict[_Unit, float] = {}
            named_hazard: set[_Unit] = set()
            for unit in units:
                # "Once the sub condition is in, I'll approve" waits for the fix; "once BuildCo
                # confirms, I'd send him a new token" plans the mistake all the same.
                if unit.hypothetical or (unit.conditional and "approve" in unit.concepts):
                    continue
                for example in examples:
                    # (not a quality: "a PAT with no expiration" is not undone by "expiring
                    # tokens broke the run")
                    if any(
                        c[4:] in done_now
                        for c in example.concepts
                        if c.startswith("NOT:") and c[4:] not in lex.qualities
                    ):
                        continue
                    if _refuses(unit.concepts) and not _refuses(example.concepts):
                        continue  # "secrets don't travel through Slack" sends nothing
                    if _crosses_elsewhere(example.concepts, unit.concepts):
                        continue  # "update the production deployment that uses it"
                    if any("NOT:" + c in unit.concepts for c in example.concepts & _HAZARDS):
                        continue  # "the new token won't be set to never expire" refuses it
                    cov = _coverage(example, unit, lex, safeguards=True)
                    if cov >= MISTAKE_COVERAGE and cov > best_criterion[unit]:
                        candidates[unit] = max(cov, candidates.get(unit, 0.0))
                        if cov >= 1.0 and example.concepts & unit.concepts & _HAZARDS:
                            named_hazard.add(unit)
            made = self._confirmed(scenario, answer, mid, candidates, named_hazard, seen)
            mistakes.append(
                MistakeVerdict(
                    id=mid,
                    made=made is not None,
                    evidence=_quote(answer, made, referent=True) if made else "",
                )
            )
        return mistakes

    def _confirmed(
        self,
        scenario: Scenario,
        answer: str,
        mistake_id: str,
        candidates: dict[_Unit, float],
        named_hazard: set[_Unit],
        seen: semantic.Seen,
    ) -> _Unit | None:
        """The best-covered unit that really reads as the mistake.

        Shared words are not shared meaning: "the password was committed in config/" and
        "commit the password to config/" carry the same concepts. With embeddings on, a unit is
        the mistake only if it is not clearly nearer to one of the rubric's right actions than
        to the mistake (``semantic.MISTAKE_MARGIN``). A unit that says all of an example,
        hazard included ("StringLike repo:acme/*"), needs no confirmation: the wildcard is the
        mistake however near the sentence sits to the right fix it imitates."""
        ranked = sorted(candidates, key=lambda u: (-candidates[u], u.start, u.end))
        if not self.confirm_mistakes or not ranked:
            return ranked[0] if ranked else None
        margins = semantic.mistake_margins(
            scenario, mistake_id, [_quote(answer, u) for u in ranked], seen
        )
        return next(
            (
                u
                for u, m in zip(ranked, margins, strict=True)
                if m >= semantic.MISTAKE_MARGIN or u in named_hazard
            ),
            None,
        )

    @staticmethod
    def _semantic_pass(
        near: semantic.Closeness,
        pools: dict[str, list[int]],
        clauses: list[Clause],
        criteria: list[CriterionVerdict],
    ) -> dict[str, frozenset[str]]:
        """Grant unmet criteria that an affirmative clause paraphrases closely enough; returns
        the concepts of the clause behind each grant."""
        granted: dict[str, frozenset[str]] = {}
        for verdict in criteria:
            if verdict.met or verdict.evidence or verdict.id not in pools:
                continue
            found = semantic.best_match(near, verdict.id, pools[verdict.id])
            if found is not None:
                verdict.met = True
                verdict.evidence = clauses[found].text.strip()
                granted[verdict.id] = clauses[found].concepts
        return granted


def _no_credit_for_an_approval(
    reading: _Reading, mistakes: list[MistakeVerdict], lex: Lexicon
) -> None:
    """In an answer that approves what it should not, a clause that approves does not earn,
    through the embeddings, a criterion one of whose examples refuses the approval: "approve
    OFF-2291 today" sits near "keep the OFF-2291 ticket open", but "do not approve OFF-2291 yet"
    says what that criterion means."""
    if not any(v.made and v.id in reading.compiled.approving for v in mistakes):
        return
    for verdict in reading.criteria:
        concepts = reading.embedded.get(verdict.id)
        if not verdict.met or concepts is None:
            continue
        refused = frozenset().union(*(r for _, r in reading.compiled.example_concepts[verdict.id]))
        if "approve" in refused and "approve" in concepts - _refused(concepts, lex):
            verdict.met, verdict.evidence = False, ""


# "I wouldn't", "we're not going to", "don't": the learner declining a step, not "no token goes
# to his webmail", which refuses only where something goes.
_DECLINES = re.compile(
    r"\b(?:i|we)(?:'m|'d|'ll|'re| am| would| will| do| are| can| shall)?(?: not|n't| never)\b"
    r"|\b(?:i|we) (?:won't|refuse|decline)\b|^\W*(?:don't|do not|never)\b",
    re.IGNORECASE,
)


def _no_credit_for_a_declined_step(reading: _Reading, answer: str, lex: Lexicon) -> None:
    """A step the answer declines in so many words ("I wouldn't report it to security
    either") is not earned through the embeddings from another clause."""
    examples = {cid: ex for cid, ex, _ in reading.compiled.criteria}
    declining = []
    for unit in reading.units[: reading.clauses]:
        if unit.hypothetical or unit.conditional or not _DECLINES.search(_quote(answer, unit)):
            continue
        refused = _refused(unit.concepts, lex)
        if refused:
            flipped = (unit.concepts - {"NOT:" + a for a in refused}) | refused
            declining.append((refused, replace(unit, concepts=frozenset(flipped))))
    if not declining:
        return
    for verdict in reading.criteria:
        if not verdict.met or verdict.id not in reading.embedded:
            continue
        if any(
            e.actions & refused and _coverage(e, unit, lex) >= COVERAGE
            for refused, unit in declining
            for e in examples[verdict.id]
        ):
            verdict.met, verdict.evidence = False, ""


def _put_off_is_a_delay(
    scenario: Scenario, reading: _Reading, mistakes: list[MistakeVerdict]
) -> None:
    """An urgent step the answer puts off, and takes nowhere else, is the rubric's own delay
    mistake ("I'll deactivate it tonight, after the nightly build"), however the mistake's
    examples word the delay."""
    put_off = next(
        (reading.put_off[v.id] for v in reading.criteria if not v.met and v.id in reading.put_off),
        None,
    )
    if put_off is None:
        return
    delays = {m.id for m in scenario.rubric.mistakes if m.pattern == DELAY_PATTERN}
    for verdict in mistakes:
        if verdict.id in delays and not verdict.made:
            verdict.made, verdict.evidence = True, put_off


# A criterion's evidence shorter than this share of a mistake's evidence is only a fragment
# of it ("And no" inside "And no, the new token won't be set to never expire").
_SHARE_OF_MISTAKE = 0.3


def _no_credit_from_a_mistake(
    scenario: Scenario, criteria: list[CriterionVerdict], mistakes: list[MistakeVerdict]
) -> None:
    """Words that make a mistake do not also earn a right action: in "approve it, the service
    accounts can stay as they are", "the service accounts can stay" is the mistake, not the
    transfer of their ownership. A step that may wait ("rotate it tomorrow") keeps its credit
    inside the delay mistake that carries it."""
    made = [v for v in mistakes if v.made and v.evidence]
    if not made:
        return
    delays = {m.id for m in scenario.rubric.mistakes if m.pattern == DELAY_PATTERN}
    urgent = {c.id for c in scenario.rubric.criteria if c.must_be_immediate}
    for verdict in criteria:
        words = verdict.evidence
        if not verdict.met or not words:
            continue
        if any(
            words in mistake.evidence
            and len(words) >= _SHARE_OF_MISTAKE * len(mistake.evidence)
            and (mistake.id not in delays or verdict.id in urgent)
            for mistake in made
        ):
            verdict.met, verdict.evidence = False, ""


def _quote(answer: str, unit: _Unit, *, referent: bool = False) -> str:
    start = unit.referent if referent and unit.referent is not None else unit.start
    return answer[start : unit.end].strip()


@dataclass
class _Reading:
    """One answer read against one rubric: its units, the rules' criterion verdicts and, with
    embeddings on, the readings of each criterion some clause can be compared with, and the
    clause they point at."""

    compiled: _Compiled
    units: list[_Unit]
    criteria: list[CriterionVerdict]
    rows: dict[str, dict[str, float]] = field(default_factory=dict)
    pointed: dict[str, Clause] = field(default_factory=dict)
    # The concepts of the clause behind each criterion the embeddings granted.
    embedded: dict[str, frozenset[str]] = field(default_factory=dict)
    # Criteria whose only match the answer puts off, and the clause that puts it off.
    put_off: dict[str, str] = field(default_factory=dict)
    clauses: int = 0  # ``units[:clauses]`` are the single clauses
