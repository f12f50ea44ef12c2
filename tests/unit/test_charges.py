"""Late fee and interest arithmetic: hand-computed cents, and properties that hold
for any residual, rate and period."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eh_collections_case.tools.charges import (
    annual_rate,
    charge_period,
    prorated_fee,
    round_money,
    statutory_interest,
    to_decimal,
)

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2)
rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("50"), places=4)
days = st.integers(min_value=0, max_value=3650)


@pytest.mark.parametrize(
    ("residual", "rate", "days", "expected"),
    [
        ("750.00", "1.5", 60, "22.50"),
        ("125.00", "1.5", 10, "0.63"),  # 0.625: half up, where round() would give 0.62
        ("1234.56", "1.5", 17, "10.49"),
        ("1200.00", "1.5", 45, "27.00"),
        ("0.01", "1.5", 1, "0.00"),
    ],
)
def test_prorated_fee_by_hand(residual, rate, days, expected):
    assert prorated_fee(Decimal(residual), Decimal(rate), days, 2) == Decimal(expected)


@pytest.mark.parametrize(
    ("residual", "rate", "days", "expected"),
    [
        ("750.00", "10.15", 60, "12.51"),
        ("125.00", "10.15", 10, "0.35"),
        ("1234.56", "10.15", 17, "5.84"),
        ("1200.00", "10.15", 45, "15.02"),
        ("1000.00", "10.00", 365, "100.00"),  # a full year at 10 %
        ("1000.00", "10.00", 366, "100.27"),  # actual/365: a leap year has one day more
    ],
)
def test_statutory_interest_by_hand(residual, rate, days, expected):
    assert statutory_interest(Decimal(residual), Decimal(rate), days, 2) == Decimal(expected)


def test_rounding_uses_the_currency_digits():
    assert round_money(Decimal("1.2345"), 3) == Decimal("1.235")
    assert round_money(Decimal("2.5"), 0) == Decimal("3")


def test_user_floats_become_the_decimal_typed():
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(1.15) * 100 == Decimal("115.00")
    assert annual_rate(to_decimal(2.15), to_decimal(8.0)) == Decimal("10.15")


@pytest.mark.parametrize("rate", ["0", "-1.5"])
def test_rates_must_be_positive(rate):
    with pytest.raises(ValueError, match="must be positive"):
        prorated_fee(Decimal(100), Decimal(rate), 30, 2)
    with pytest.raises(ValueError, match="must be positive"):
        statutory_interest(Decimal(100), Decimal(rate), 30, 2)


def test_period_starts_after_what_was_charged():
    due, today = date(2026, 1, 14), date(2026, 3, 15)
    assert charge_period(due, None, today).days == 60
    assert charge_period(due, date(2026, 3, 5), today).days == 10
    assert charge_period(due, date(2026, 3, 15), today).days == 0
    assert charge_period(due, date(2026, 1, 1), today).days == 60, "charged before the due date"
    assert charge_period(due, None, due - timedelta(days=3)).days == 0


@given(money, rates, days)
def test_fee_is_never_negative_and_within_half_a_cent(residual, rate, n):
    fee = prorated_fee(residual, rate, n, 2)
    exact = residual * rate / 100 * n / 30
    assert fee >= 0
    assert abs(fee - exact) <= Decimal("0.005")


@given(money, rates, days, days)
def test_charging_in_two_periods_is_within_a_cent_of_one(residual, rate, first, second):
    whole = statutory_interest(residual, rate, first + second, 2)
    split = statutory_interest(residual, rate, first, 2) + statutory_interest(residual, rate, second, 2)
    assert abs(whole - split) <= Decimal("0.01")


@given(money, money, rates, days)
def test_more_owed_never_costs_less(a, b, rate, n):
    low, high = sorted((a, b))
    assert prorated_fee(low, rate, n, 2) <= prorated_fee(high, rate, n, 2)
    assert statutory_interest(low, rate, n, 2) <= statutory_interest(high, rate, n, 2)
