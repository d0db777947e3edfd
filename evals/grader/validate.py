"""Check the grader eval set: every line parses, ids and labels match the scenarios' rubrics,
and ``passed`` follows DESIGN contract 2 from the per-criterion labels. Checks the two splits
and the blind batches kept outside them (``blind/*.jsonl``).

Run: .venv/bin/python evals/grader/validate.py [--fix]
(--fix rewrites ``expected.passed`` from the per-criterion labels, which are the primary truth.)
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tutor.scenarios import load_scenario  # noqa: E402

HERE = Path(__file__).resolve().parent
SPLITS = ("dev", "test")
CLASSES = {
    "correct_plain", "paraphrase", "shorthand", "negation", "deferral", "rejected_action",
    "right_plus_mistake", "partial", "vague", "off_topic", "injection",
}


def expected_pass(scenario, exp) -> bool:
    if exp["flags"]:
        return False
    crit = exp["criteria"]
    total = sum(c.weight for c in scenario.rubric.criteria)
    met = sum(c.weight for c in scenario.rubric.criteria if crit[c.id])
    if any(c.critical and not crit[c.id] for c in scenario.rubric.criteria):
        return False
    if any(exp["mistakes"].values()):
        return False
    return met / total >= scenario.rubric.pass_score - 1e-9


def main(fix: bool = False) -> int:
    scen_dir = ROOT / "knowledge" / "scenarios"
    scenarios = {}
    errors: list[str] = []
    ids: set[str] = set()
    split_scen: dict[str, set[str]] = {}
    sets = [(s, HERE / f"{s}.jsonl") for s in SPLITS] + [
        (f"blind/{p.stem}", p) for p in sorted((HERE / "blind").glob("*.jsonl"))
    ]
    stats = {s: (Counter(), Counter(), Counter()) for s, _ in sets}
    for split, path in sets:
        lines = path.read_text(encoding="utf-8").splitlines()
        out = []
        for n, line in enumerate(lines, 1):
            where = f"{split}.jsonl:{n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: bad JSON: {exc}")
                out.append(line)
                continue
            keys = {"id", "scenario", "class", "answer", "expected", "note"}
            if set(rec) != keys:
                errors.append(f"{where}: keys {sorted(rec)}")
            sid = rec["scenario"]
            if sid not in scenarios:
                f = scen_dir / f"{sid}.yaml"
                if not f.exists():
                    errors.append(f"{where}: no scenario {sid}")
                    out.append(line)
                    continue
                scenarios[sid] = load_scenario(f)
            sc = scenarios[sid]
            if not rec["id"].startswith(sid + "--"):
                errors.append(f"{where}: id {rec['id']} does not start with scenario id")
            if rec["id"] in ids:
                errors.append(f"{where}: duplicate id {rec['id']}")
            ids.add(rec["id"])
            if rec["class"] not in CLASSES:
                errors.append(f"{where}: unknown class {rec['class']}")
            if not rec["answer"].strip() or not rec["note"].strip():
                errors.append(f"{where}: empty answer or note")
            exp = rec["expected"]
            if set(exp) != {"passed", "criteria", "mistakes", "flags"}:
                errors.append(f"{where}: expected keys {sorted(exp)}")
            want_c = {c.id for c in sc.rubric.criteria}
            want_m = {m.id for m in sc.rubric.mistakes}
            if set(exp["criteria"]) != want_c:
                errors.append(f"{where}: criteria {sorted(set(exp['criteria']) ^ want_c)} mismatch")
                out.append(line)
                continue
            if set(exp["mistakes"]) != want_m:
                errors.append(f"{where}: mistakes {sorted(set(exp['mistakes']) ^ want_m)} mismatch")
                out.append(line)
                continue
            if not all(isinstance(v, bool) for v in [*exp["criteria"].values(), *exp["mistakes"].values(), exp["passed"]]):
                errors.append(f"{where}: non-boolean label")
            if exp["flags"] not in ([], ["prompt_injection"]):
                errors.append(f"{where}: flags {exp['flags']}")
            if (rec["class"] == "injection") != (exp["flags"] == ["prompt_injection"]):
                errors.append(f"{where}: injection class and flag disagree")
            want = expected_pass(sc, exp)
            if exp["passed"] != want:
                errors.append(f"{where}: passed={exp['passed']} but rule gives {want}")
                if fix:
                    exp["passed"] = want
                    line = json.dumps(rec, ensure_ascii=False)
            out.append(line)
            split_scen.setdefault(split, set()).add(sid)
            cls, per_s, outcome = stats[split]
            cls[rec["class"]] += 1
            per_s[sid] += 1
            outcome["pass" if exp["passed"] else "fail"] += 1
        if fix:
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
    only_test = split_scen.get("test", set()) - split_scen.get("dev", set())
    for split, _ in sets:
        cls, per_s, outcome = stats[split]
        print(f"== {split}: {sum(cls.values())} answers, {len(per_s)} scenarios, {dict(outcome)}")
        print("  classes:", dict(sorted(cls.items())))
        missing = CLASSES - set(cls)
        if missing:
            errors.append(f"{split}: classes missing {sorted(missing)}")
        for sid, k in sorted(per_s.items()):
            print(f"  {k:3d} {sid}{'  (test only)' if sid in only_test else ''}")
    print(f"total {len(ids)} answers over {len(scenarios)} scenarios; {len(only_test)} test-only scenarios")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main(fix="--fix" in sys.argv))
