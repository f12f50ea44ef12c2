"""The collections figures: the textbook formulas on worked examples, the figures that
cannot be measured, and the countback's walk through the months."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eh_collections_case.tools.kpi import countback_dso, dso_figures


def figures(**overrides):
    values = {
        "ar_total": 6400,
        "not_due": 4000,
        "credit_sales": 7300,
        "ar_at_start": 1000,
        "overdue_at_start": 1000,
        "recovered": 400,
        "period_days": 90,
    }
    return dso_figures(**{**values, **overrides})


def test_worked_example():
    result = figures()
    assert result["dso"] == pytest.approx(6400 / 7300 * 90)  # 78.90 days
    assert result["best_possible_dso"] == pytest.approx(4000 / 7300 * 90)  # 49.32 days
    assert result["add"] == pytest.approx(2400 / 7300 * 90)  # 29.59 days
    assert result["cei"] == pytest.approx(1900 / 4300 * 100)  # 44.19 %
    assert result["recovery_rate"] == pytest.approx(40.0)


def test_the_period_scales_the_days():
    assert figures(period_days=30)["dso"] == pytest.approx(figures()["dso"] / 3)


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"credit_sales": 0, "not_due": 0}, {"dso", "best_possible_dso", "add"}),
        ({"credit_sales": -50, "not_due": 0}, {"dso", "best_possible_dso", "add"}),
        ({"credit_sales": 0}, {"dso", "best_possible_dso", "add", "cei"}),
        ({"ar_total": 0}, {"dso", "best_possible_dso", "add"}),
        ({"ar_total": -10}, {"dso", "best_possible_dso", "add"}),
        ({"overdue_at_start": 0, "recovered": 0}, {"recovery_rate"}),
        (
            {"ar_at_start": 0, "credit_sales": 0, "not_due": 0, "ar_total": 0},
            {"dso", "best_possible_dso", "add", "cei"},
        ),
    ],
)
def test_what_cannot_be_measured_is_none_not_zero(overrides, missing):
    result = figures(**overrides)
    assert {name for name, value in result.items() if value is None} == missing


def test_all_receivables_current_means_no_delinquency():
    result = figures(not_due=6400)
    assert result["add"] == pytest.approx(0)
    assert result["dso"] == pytest.approx(result["best_possible_dso"])


def test_open_credits_do_not_make_the_best_possible_dso_negative():
    assert figures(not_due=-100)["best_possible_dso"] == 0


def test_cei_is_100_when_everything_collectable_was_collected():
    # Started with 1,000, sold 7,300, and only 4,000 not yet due is left.
    assert figures(ar_total=4000)["cei"] == pytest.approx(100)


def test_countback_walks_the_months_back():
    # 6,400 owed: February's 3,800 (28 days), January's 2,000 (31 days), then 600 of
    # December's 1,500 (31 days).
    assert countback_dso(6400, [(28, 3800), (31, 2000), (31, 1500), (30, 0)]) == pytest.approx(28 + 31 + 12.4)


def test_countback_within_the_latest_month():
    assert countback_dso(1000, [(30, 3000), (31, 3000)]) == pytest.approx(10)


def test_countback_counts_a_month_without_sales_in_full():
    assert countback_dso(500, [(28, 0), (31, 1000)]) == pytest.approx(28 + 15.5)


def test_countback_net_credit_months_count_in_full_and_add_nothing():
    assert countback_dso(500, [(30, -200), (31, 1000)]) == pytest.approx(30 + 15.5)


def test_countback_older_than_every_month_is_a_floor():
    assert countback_dso(10_000, [(30, 1000), (31, 1000)]) == 61


def test_countback_receivables_exactly_one_month():
    assert countback_dso(1000, [(30, 1000), (31, 500)]) == pytest.approx(30)


@pytest.mark.parametrize(
    ("ar", "months"), [(0, [(30, 100)]), (-5, [(30, 100)]), (100, [(30, 0), (31, -3)]), (100, [])]
)
def test_countback_none_without_receivables_or_sales(ar, months):
    assert countback_dso(ar, months) is None


@given(
    ar=st.integers(min_value=1, max_value=10**7),
    months=st.lists(
        st.tuples(st.integers(min_value=28, max_value=31), st.integers(min_value=0, max_value=10**6)),
        min_size=1,
        max_size=24,
    ),
    more=st.integers(min_value=1, max_value=10**6),
)
def test_countback_never_falls_when_more_is_owed(ar, months, more):
    before, after = countback_dso(ar, months), countback_dso(ar + more, months)
    if before is not None:
        assert after >= before
        assert after <= sum(days for days, _sales in months)
