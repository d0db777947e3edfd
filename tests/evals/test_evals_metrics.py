"""Agreement statistics, checked against values worked out by hand."""

from __future__ import annotations

import pytest

from tutor.evals.metrics import agreement, cohens_kappa, percentile

T, F = True, False


@pytest.mark.parametrize(
    ("expected", "actual", "value"),
    [
        ([T, T, F, F], [T, F, F, F], 0.75),
        ([T, F], [F, T], 0.0),
        ([T, T, T], [T, T, T], 1.0),
        ([], [], 0.0),
    ],
)
def test_agreement(expected: list[bool], actual: list[bool], value: float) -> None:
    assert agreement(expected, actual) == pytest.approx(value)


def test_agreement_requires_equal_lengths() -> None:
    with pytest.raises(ValueError):
        agreement([T, F], [T])


@pytest.mark.parametrize(
    ("expected", "actual", "kappa"),
    [
        # observed .75; chance .5*.25 + .5*.75 = .5; (.75-.5)/(1-.5) = .5
        ([T, T, F, F], [T, F, F, F], 0.5),
        # observed .6; chance .6*.6 + .4*.4 = .52; (.6-.52)/.48 = 1/6
        ([T, T, T, F, F], [T, T, F, F, T], 1 / 6),
        # complete disagreement with balanced raters: (0-.5)/.5 = -1
        ([T, F], [F, T], -1.0),
        # both raters constant and agreeing
        ([T, T, T], [T, T, T], 1.0),
        ([F, F], [F, F], 1.0),
        # constant raters that disagree: chance 0, observed 0
        ([T, T], [F, F], 0.0),
        ([], [], 0.0),
    ],
)
def test_cohens_kappa(expected: list[bool], actual: list[bool], kappa: float) -> None:
    assert cohens_kappa(expected, actual) == pytest.approx(kappa)


VALUES = [15.0, 20.0, 35.0, 40.0, 50.0]  # the textbook nearest-rank example


@pytest.mark.parametrize(
    ("q", "value"),
    [(5, 15.0), (30, 20.0), (40, 20.0), (50, 35.0), (100, 50.0), (0, 15.0)],
)
def test_percentile_nearest_rank(q: float, value: float) -> None:
    assert percentile(VALUES, q) == value


def test_percentile_of_nothing_and_one_value() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([7.0], 95) == 7.0


def test_percentile_returns_a_measured_value_and_ignores_order() -> None:
    values = [9.0, 1.0, 5.0, 3.0, 7.0, 2.0]
    for q in (10, 25, 50, 75, 90, 99):
        assert percentile(values, q) in values
        assert percentile(values, q) == percentile(sorted(values), q)


@pytest.mark.parametrize(
    ("values", "q", "value"),
    [
        (VALUES, 20, 15.0),  # rank ceil(1) = 1
        (VALUES, 60, 35.0),  # rank ceil(3) = 3
        ([1.0, 2.0], 50, 1.0),  # rank ceil(1) = 1
        ([float(i) for i in range(1, 21)], 95, 19.0),  # rank ceil(19) = 19
    ],
)
def test_percentile_nearest_rank_at_exact_ranks(
    values: list[float], q: float, value: float
) -> None:
    assert percentile(values, q) == value
