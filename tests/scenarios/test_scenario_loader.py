"""The scenario loader: every failure is one line naming the file and the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tutor.errors import ScenarioError, TutorError
from tutor.scenarios.loader import (
    load_all,
    load_scenario,
    parse_scenario,
    scenario_files,
    validate_all,
)
from tutor.scenarios.patterns import PATTERNS

MakeScenario = Callable[..., dict[str, Any]]


def write(tmp_path: Path, data: dict[str, Any], name: str | None = None) -> Path:
    path = tmp_path / f"{name or data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def load_error(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    text = str(err)
    assert "\n" not in text, f"error is not one line: {text!r}"
    assert str(path) in text, f"error does not name the file: {text!r}"
    assert isinstance(err, TutorError)
    return err


def test_valid_scenario_loads(tmp_path: Path, make_scenario: MakeScenario) -> None:
    scenario = load_scenario(write(tmp_path, make_scenario()))
    assert scenario.id == "test-scenario"
    assert scenario.risks == ("NHI2",)
    assert scenario.rubric.criteria[0].critical is True
    assert scenario.mistake_patterns == ("delay-containment",)


def test_nhi_year_suffix_is_accepted_and_normalised(
    tmp_path: Path, make_scenario: MakeScenario
) -> None:
    scenario = load_scenario(write(tmp_path, make_scenario(risks=["NHI2:2025", "ASI03"])))
    assert scenario.risks == ("NHI2", "ASI03")


def test_unknown_top_level_field(tmp_path: Path, make_scenario: MakeScenario) -> None:
    data = make_scenario()
    data["dificulty"] = 3
    err = load_error(write(tmp_path, data))
    assert err.field == "dificulty"
    assert "dificulty" in str(err) and "unknown field" in str(err)


def test_unknown_nested_field_is_named_with_its_path(
    tmp_path: Path, make_scenario: MakeScenario
) -> None:
    data = make_scenario()
    data["rubric"]["criteria"][0]["critcal"] = True
    err = load_error(write(tmp_path, data))
    assert err.field == "rubric.criteria[0].critcal"
    assert "rubric.criteria[0].critcal" in str(err)
    assert "unknown field" in str(err)


def test_unknown_persona_field(tmp_path: Path, make_scenario: MakeScenario) -> None:
    data = make_scenario()
    data["persona"]["mood"] = "angry"
    err = load_error(write(tmp_path, data))
    assert err.field == "persona.mood"


@pytest.mark.parametrize("missing", ["title", "question", "rubric", "risks"])
def test_missing_field(tmp_path: Path, make_scenario: MakeScenario, missing: str) -> None:
    data = make_scenario()
    del data[missing]
    err = load_error(write(tmp_path, data))
    assert err.field == missing
    assert "missing" in str(err)


def test_missing_nested_field(tmp_path: Path, make_scenario: MakeScenario) -> None:
    data = make_scenario()
    del data["rubric"]["criteria"][1]["weight"]
    err = load_error(write(tmp_path, data))
    assert err.field == "rubric.criteria[1].weight"


@pytest.mark.parametrize("bad", ["NHI-02", "NHI11", "A-04", "NHI02"])
def test_unknown_risk_id(tmp_path: Path, make_scenario: MakeScenario, bad: str) -> None:
    err = load_error(write(tmp_path, make_scenario(risks=["NHI5", bad])))
    assert err.field == "risks"
    assert bad in str(err)
    assert "NHI1..NHI10" in str(err)


def test_csf11_control_names_the_csf2_replacement(
    tmp_path: Path, make_scenario: MakeScenario
) -> None:
    err = load_error(write(tmp_path, make_scenario(controls=["PR.AT-1"])))
    assert err.field == "controls"
    assert "PR.AT-1" in str(err)
    assert "PR.AT-01" in str(err)


def test_csf11_with_two_mappings_names_both(tmp_path: Path, make_scenario: MakeScenario) -> None:
    err = load_error(write(tmp_path, make_scenario(controls=["RS.IM-1"])))
    assert "ID.IM-03" in str(err) and "ID.IM-04" in str(err)


def test_invented_control(tmp_path: Path, make_scenario: MakeScenario) -> None:
    err = load_error(write(tmp_path, make_scenario(controls=["PR.XX-09"])))
    assert err.field == "controls" and "PR.XX-09" in str(err)


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "id: broken\ntitle: Broken\nrisks: [NHI2\nroles: [developer]\n", encoding="utf-8"
    )
    err = load_error(path)
    assert err.field is not None and err.field.startswith("line ")
    assert int(err.field.split()[1]) >= 3
    assert "invalid YAML" in str(err)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("id: latin\ntitle: Caf\xe9 keys\n".encode("latin-1"))
    err = load_error(path)
    assert "UTF-8" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nope.yaml")
    assert "not found" in str(err)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    err = load_error(path)
    assert "mapping" in str(err)


def test_id_must_match_file_name(tmp_path: Path, make_scenario: MakeScenario) -> None:
    err = load_error(write(tmp_path, make_scenario(), name="another-name"))
    assert err.field == "id"
    assert "test-scenario" in str(err) and "file name" in str(err)


def test_duplicate_criterion_ids(tmp_path: Path, make_scenario: MakeScenario) -> None:
    data = make_scenario()
    data["rubric"]["criteria"][1]["id"] = "revoke-now"
    err = load_error(write(tmp_path, data))
    assert err.field == "rubric"
    assert "revoke-now" in str(err)


def test_mistake_id_clashing_with_criterion_id(tmp_path: Path, make_scenario: MakeScenario) -> None:
    data = make_scenario()
    data["rubric"]["mistakes"][0]["id"] = "investigate-use"
    err = load_error(write(tmp_path, data))
    assert "investigate-use" in str(err)


def test_unknown_mistake_pattern(tmp_path: Path, make_scenario: MakeScenario) -> None:
    data = make_scenario()
    data["rubric"]["mistakes"][0]["pattern"] = "procrastinate"
    err = load_error(write(tmp_path, data))
    assert err.field == "rubric.mistakes[0].pattern"
    assert "procrastinate" in str(err)


@pytest.mark.parametrize(
    ("field", "value"),
    [("difficulty", 6), ("difficulty", 0), ("roles", ["ceo"]), ("id", "Not A Slug")],
)
def test_out_of_range_values(
    tmp_path: Path, make_scenario: MakeScenario, field: str, value: Any
) -> None:
    data = make_scenario(**{field: value})
    path = write(tmp_path, data, name="test-scenario")
    err = load_error(path)
    assert err.field is not None and err.field.startswith(field)


def test_several_problems_are_counted_in_one_line(
    tmp_path: Path, make_scenario: MakeScenario
) -> None:
    data = make_scenario()
    del data["title"]
    del data["question"]
    err = load_error(write(tmp_path, data))
    assert "1 more problem" in str(err)


def test_parse_scenario_rejects_non_mapping() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(["a", "list"], "inline.yaml")
    assert str(info.value).startswith("inline.yaml")


def test_scenarios_are_immutable(build_scenario: Callable[..., Any]) -> None:
    scenario = build_scenario()
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        scenario.title = "changed"  # type: ignore[misc]


def test_validate_all_collects_every_error(tmp_path: Path, make_scenario: MakeScenario) -> None:
    write(tmp_path, make_scenario(id="good-one"))
    write(tmp_path, make_scenario(id="bad-one", risks=["NHI-02"]))
    (tmp_path / "bad-two.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    ok, errors = validate_all(scenario_files(tmp_path))
    assert [s.id for s in ok] == ["good-one"]
    assert sorted(Path(e.path).name for e in errors) == ["bad-one.yaml", "bad-two.yaml"]


def test_load_all_rejects_duplicate_ids(tmp_path: Path, make_scenario: MakeScenario) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write(tmp_path / "a", make_scenario(id="same-id"))
    b = write(tmp_path / "b", make_scenario(id="same-id"))
    with pytest.raises(ScenarioError) as info:
        load_all([a, b])
    assert "same-id" in str(info.value)


def test_scenario_files_on_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_files(tmp_path / "missing")
    assert "not found" in str(info.value)


def test_pattern_taxonomy_has_readable_sentences() -> None:
    assert len(PATTERNS) >= 10
    for pid, pattern in PATTERNS.items():
        assert pattern.id == pid
        assert pattern.did and pattern.next


def test_clock_is_read_quoted_or_not(tmp_path: Path, make_scenario: MakeScenario) -> None:
    # YAML 1.1 reads an unquoted 16:40 as the base-60 integer 1000
    path = write(tmp_path, make_scenario())
    path.write_text(path.read_text(encoding="utf-8") + "clock: 16:40\n", encoding="utf-8")
    assert load_scenario(path).clock_minutes == 16 * 60 + 40
    assert load_scenario(write(tmp_path, make_scenario(clock="09:05"))).clock == "09:05"
    assert load_scenario(write(tmp_path, make_scenario())).clock_minutes is None


def test_bad_clock_names_the_field(tmp_path: Path, make_scenario: MakeScenario) -> None:
    err = load_error(write(tmp_path, make_scenario(clock="25:00")))
    assert "clock" in str(err)


def test_a_mistake_contradicting_an_unknown_criterion(
    tmp_path: Path, make_scenario: MakeScenario
) -> None:
    data = make_scenario()
    data["rubric"]["mistakes"][0]["contradicts"] = ["revoke-now", "revoke-later"]
    err = load_error(write(tmp_path, data))
    assert err.field == "rubric"
    assert "wait-for-release" in str(err) and "revoke-later" in str(err)


def _trust_mistake(**fields: Any) -> dict[str, Any]:
    return {
        "id": "trust-dana",
        "text": "Takes Dana's word that the key is harmless.",
        "pattern": "trust-unverified-identity",
        **fields,
    }


@pytest.mark.parametrize(
    ("implied_by", "named"),
    [
        (["wait-for-relese"], "wait-for-relese"),  # a typo
        (["trust-dana"], "trust-dana"),  # itself
    ],
)
def test_a_mistake_implied_by_no_other_mistake(
    tmp_path: Path, make_scenario: MakeScenario, implied_by: list[str], named: str
) -> None:
    data = make_scenario()
    data["rubric"]["mistakes"].append(_trust_mistake(implied_by=implied_by))
    err = load_error(write(tmp_path, data))
    assert err.field == "rubric"
    assert "trust-dana" in str(err) and named in str(err) and "implied_by" in str(err)


def test_an_implication_is_one_level_deep(tmp_path: Path, make_scenario: MakeScenario) -> None:
    data = make_scenario()
    data["rubric"]["mistakes"] += [
        _trust_mistake(implied_by=["wait-for-release"]),
        _trust_mistake(id="skip-the-check", implied_by=["trust-dana"]),
    ]
    err = load_error(write(tmp_path, data))
    assert "skip-the-check" in str(err) and "itself implied" in str(err)
    # the direct form loads
    data["rubric"]["mistakes"][-1]["implied_by"] = ["wait-for-release"]
    rubric = load_scenario(write(tmp_path, data)).rubric
    assert rubric.mistakes[-1].implied_by == ("wait-for-release",)
