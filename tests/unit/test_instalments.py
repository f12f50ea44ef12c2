"""Payment plan arithmetic: the proposal to the cent, the instalments' states to the day."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eh_collections_case.tools.instalments import (
    MISSED,
    PAID,
    PENDING,
    Instalment,
    add_months,
    instalment_states,
    monthly_dates,
    split_evenly,
)

D = Decimal


def test_the_remainder_goes_on_the_last_instalment():
    assert split_evenly(D("1000.00"), 3, 2) == [D("333.33"), D("333.33"), D("333.34")]
    assert split_evenly(D("12000"), 6, 2) == [D("2000.00")] * 6
    assert split_evenly(D("0.05"), 2, 2) == [D("0.02"), D("0.03")]
    assert split_evenly(D("0.06"), 4, 2) == [D("0.01"), D("0.01"), D("0.01"), D("0.03")]
    assert split_evenly(D("100"), 3, 0) == [D("33"), D("33"), D("34")]


@given(
    st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2),
    st.integers(min_value=1, max_value=36),
)
def test_instalments_always_sum_to_the_total(total, count):
    if total < D("0.01") * count:
        with pytest.raises(ValueError):
            split_evenly(total, count, 2)
        return
    parts = split_evenly(total, count, 2)
    assert sum(parts) == total
    assert len(parts) == count and all(p > 0 for p in parts)
    assert max(parts) - min(parts) < D("0.01") * count
    assert parts[-1] == max(parts)


@pytest.mark.parametrize(
    ("total", "count", "message"),
    [
        (D("0"), 2, "A plan is for an amount above zero, not 0."),
        (D("-5"), 1, "A plan is for an amount above zero, not -5."),
        (D("10"), 0, "A plan has at least one instalment."),
        (D("0.01"), 2, "0.01 cannot be split in 2 instalments above zero."),
    ],
)
def test_impossible_splits_are_refused_in_words(total, count, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        split_evenly(total, count, 2)


def test_months_keep_their_day_or_take_the_last_one():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 12, 31), 12) == date(2027, 12, 31)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
    assert monthly_dates(date(2026, 10, 31), 3) == [
        date(2026, 10, 31),
        date(2026, 11, 30),
        date(2026, 12, 31),
    ]


PLAN = [
    Instalment(date(2026, 4, 1), D("400")),
    Instalment(date(2026, 5, 1), D("400")),
    Instalment(date(2026, 6, 1), D("200")),
]


@pytest.mark.parametrize(
    ("paid", "today", "states"),
    [
        (D("0"), date(2026, 3, 20), [PENDING, PENDING, PENDING]),
        (D("400"), date(2026, 3, 20), [PAID, PENDING, PENDING]),  # early
        (D("399.99"), date(2026, 4, 4), [PENDING, PENDING, PENDING]),  # late, within 3 days of grace
        (D("399.99"), date(2026, 4, 5), [MISSED, PENDING, PENDING]),  # grace over
        (D("800"), date(2026, 4, 5), [PAID, PAID, PENDING]),  # an overpayment covers two
        (D("1000"), date(2026, 9, 1), [PAID, PAID, PAID]),
        (D("500"), date(2026, 5, 5), [PAID, MISSED, PENDING]),
    ],
)
def test_the_ledger_decides_each_instalment(paid, today, states):
    assert instalment_states(PLAN, paid, today, grace_days=3) == states


def test_states_follow_the_dates_not_the_order_given():
    assert instalment_states(list(reversed(PLAN)), D("400"), date(2026, 3, 1), 0) == [PAID, PENDING, PENDING]


def test_grace_cannot_be_negative():
    with pytest.raises(ValueError, match="^Grace days cannot be negative.$"):
        instalment_states(PLAN, D("0"), date(2026, 3, 1), -1)
