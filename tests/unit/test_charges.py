"""Late fee and interest arithmetic: hand-computed cents, what was owed each day
around payments, and properties that hold for any residual, rate and period."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eh_collections_case.tools.charges import (
    Period,
    Settlement,
    Stretch,
    amounts_owed,
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
    assert prorated_fee([Stretch(Decimal(residual), days)], Decimal(rate), 2) == Decimal(expected)


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
    assert statutory_interest([Stretch(Decimal(residual), days)], Decimal(rate), 2) == Decimal(expected)


DUE, TODAY = date(2026, 1, 14), date(2026, 3, 15)  # 60 days
PERIOD = Period(DUE, TODAY)


def paid(days_ago, amount):
    return Settlement(TODAY - timedelta(days=days_ago), Decimal(amount))


@pytest.mark.parametrize(
    ("settlements", "expected"),
    [
        ([], [("750", 60)]),
        # 250 paid 30 days ago: 1,000 owed for 30 days (its day included), then 750.
        ([paid(30, 250)], [("1000", 30), ("750", 30)]),
        # Paid before the period (before the due date, or already charged): no change.
        ([Settlement(DUE, Decimal(100)), Settlement(DUE - timedelta(days=5), Decimal(50))], [("750", 60)]),
        # Paid today: today still owed it.
        ([paid(0, 250)], [("1000", 60)]),
        # Paid after the charge date (a charge back-dated): owed on every day of it.
        ([paid(-3, 250)], [("1000", 60)]),
        # Two payments, one day apart, and two on one day.
        ([paid(10, 100), paid(11, 150)], [("1000", 49), ("850", 1), ("750", 10)]),
        ([paid(10, 100), paid(10, 150)], [("1000", 50), ("750", 10)]),
    ],
)
def test_amounts_owed_around_payments(settlements, expected):
    owed = amounts_owed(Decimal(750), settlements, PERIOD)
    assert owed == [Stretch(Decimal(amount), days) for amount, days in expected]


def test_a_payment_in_the_middle_lowers_the_charge_from_the_next_day():
    owed = amounts_owed(Decimal(750), [paid(30, 250)], PERIOD)
    # 1,000 x 30 + 750 x 30 = 52,500 amount-days.
    assert prorated_fee(owed, Decimal("1.5"), 2) == Decimal("26.25")  # 52,500 x 1.5 % / 30
    assert statutory_interest(owed, Decimal("10.15"), 2) == Decimal("14.60")  # 52,500 x 10.15 % / 365
    # An invoice paid in full on day P is charged P - due days on all of it.
    paid_off = amounts_owed(Decimal(0), [Settlement(DUE + timedelta(days=20), Decimal(1000))], PERIOD)
    assert paid_off == [Stretch(Decimal(1000), 20), Stretch(Decimal(0), 40)]


def test_an_empty_period_owes_nothing():
    assert amounts_owed(Decimal(750), [paid(30, 250)], Period(TODAY, TODAY)) == []
    assert amounts_owed(Decimal(750), [], Period(TODAY, DUE)) == []


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
        prorated_fee([Stretch(Decimal(100), 30)], Decimal(rate), 2)
    with pytest.raises(ValueError, match="must be positive"):
        statutory_interest([Stretch(Decimal(100), 30)], Decimal(rate), 2)


def test_period_starts_after_what_was_charged():
    due, today = date(2026, 1, 14), date(2026, 3, 15)
    assert charge_period(due, None, today).days == 60
    assert charge_period(due, date(2026, 3, 5), today).days == 10
    assert charge_period(due, date(2026, 3, 15), today).days == 0
    assert charge_period(due, date(2026, 1, 1), today).days == 60, "charged before the due date"
    assert charge_period(due, None, due - timedelta(days=3)).days == 0


@given(money, rates, days)
def test_fee_is_never_negative_and_within_half_a_cent(residual, rate, n):
    fee = prorated_fee([Stretch(residual, n)], rate, 2)
    exact = residual * rate / 100 * n / 30
    assert fee >= 0
    assert abs(fee - exact) <= Decimal("0.005")


@given(money, rates, days, days)
def test_charging_in_two_periods_is_within_a_cent_of_one(residual, rate, first, second):
    whole = statutory_interest([Stretch(residual, first + second)], rate, 2)
    split = statutory_interest([Stretch(residual, first)], rate, 2) + statutory_interest(
        [Stretch(residual, second)], rate, 2
    )
    assert abs(whole - split) <= Decimal("0.01")


@given(money, money, rates, days)
def test_more_owed_never_costs_less(a, b, rate, n):
    low, high = sorted((a, b))
    assert prorated_fee([Stretch(low, n)], rate, 2) <= prorated_fee([Stretch(high, n)], rate, 2)
    assert statutory_interest([Stretch(low, n)], rate, 2) <= statutory_interest([Stretch(high, n)], rate, 2)


settlements = st.lists(st.builds(Settlement, st.dates(date(2025, 6, 1), date(2026, 6, 1)), money), max_size=6)


@given(money, settlements, st.dates(date(2025, 6, 1), date(2026, 6, 1)), days)
def test_what_was_owed_covers_the_period_and_only_falls(residual, settled, start, n):
    period = Period(start, start + timedelta(days=n))
    owed = amounts_owed(residual, settled, period)
    assert sum(stretch.days for stretch in owed) == period.days
    assert all(stretch.days > 0 for stretch in owed)
    amounts = [stretch.amount for stretch in owed]
    assert amounts == sorted(amounts, reverse=True), "a payment never raises what is owed"
    if owed:
        # The last day owes the residual plus what was settled on it or after.
        assert owed[-1].amount == residual + sum(
            (s.amount for s in settled if s.day >= period.end), Decimal(0)
        )
    # Between the residual alone and the residual plus every settlement since the start.
    everything = residual + sum((s.amount for s in settled if s.day > start), Decimal(0))
    rate = Decimal("10")
    assert (
        statutory_interest([Stretch(residual, n)], rate, 2)
        <= statutory_interest(owed, rate, 2)
        <= statutory_interest([Stretch(everything, n)], rate, 2)
    )
