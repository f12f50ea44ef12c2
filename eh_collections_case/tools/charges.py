"""Late fees and statutory interest, to the cent.

Pure functions on `Decimal`: the late fee wizard's preview and the posted fee
invoice take their figures from here, each rounded once per invoice with
ROUND_HALF_UP, so they agree to the cent. A fee or interest runs on what was owed
each day of the period: a payment in the middle lowers it from the day after.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

DAYS_PER_MONTH = Decimal(30)
DAYS_PER_YEAR = Decimal(365)  # actual/365: calendar days over a 365-day year, leap years too
HUNDRED = Decimal(100)


def to_decimal(value: float | int | str | Decimal) -> Decimal:
    """The decimal a user typed: floats go through their shortest repr (0.1 is 0.1)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_money(value: Decimal, digits: int) -> Decimal:
    """Round half up to `digits` decimals (the currency's)."""
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Period:
    """The days to charge on one invoice: after `start`, up to and including `end`."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return max(0, (self.end - self.start).days)


def charge_period(due: date, charged_until: date | None, end: date) -> Period:
    """From the due date, or from the day already charged up to when that is later."""
    return Period(max(due, charged_until) if charged_until else due, end)


@dataclass(frozen=True)
class Settlement:
    """`amount` of an invoice paid (or credited) on `day`."""

    day: date
    amount: Decimal


@dataclass(frozen=True)
class Stretch:
    """`amount` owed for `days` days in a row."""

    amount: Decimal
    days: int


def amounts_owed(residual: Decimal, settlements: Iterable[Settlement], period: Period) -> list[Stretch]:
    """What was owed on each day of `period`, as stretches of equal amounts, from the
    residual today and what was settled. On a day, the invoice owed its residual plus
    everything settled on that day or later: the day of a payment is still charged on
    what it paid (an invoice paid in full on day P is charged P - due days, the usual
    day count), settlements before the period change nothing, and those after its end
    count on every day of it."""
    settled = list(settlements)
    cuts = sorted({s.day for s in settled if period.start < s.day < period.end} | {period.end})
    stretches, start = [], period.start
    for cut in cuts:
        # Every day of (start, cut] owes the same: no settlement is dated between them.
        days = max(0, (cut - start).days)
        if days:
            owed = residual + sum((s.amount for s in settled if s.day >= cut), Decimal(0))
            stretches.append(Stretch(owed, days))
        start = cut
    return stretches


def prorated_fee(owed: Sequence[Stretch], monthly_rate: Decimal, digits: int) -> Decimal:
    """Amount owed x monthly rate (%) x days / 30, summed over the stretches, rounded once."""
    _check_positive(monthly_rate, "monthly rate")
    return round_money(_amount_days(owed) * monthly_rate / HUNDRED / DAYS_PER_MONTH, digits)


def statutory_interest(owed: Sequence[Stretch], annual_rate: Decimal, digits: int) -> Decimal:
    """Simple interest, actual/365: amount owed x annual rate (%) x days / 365, summed over
    the stretches, rounded once."""
    _check_positive(annual_rate, "annual rate")
    return round_money(_amount_days(owed) * annual_rate / HUNDRED / DAYS_PER_YEAR, digits)


def _amount_days(owed: Sequence[Stretch]) -> Decimal:
    return sum((stretch.amount * stretch.days for stretch in owed), Decimal(0))


def annual_rate(reference_rate: Decimal, margin: Decimal) -> Decimal:
    """The statutory rate: a reference rate plus a margin, as the EU late payment rules set it."""
    return reference_rate + margin


def _check_positive(rate: Decimal, what: str) -> None:
    if rate <= 0:
        raise ValueError(f"The {what} must be positive, not {rate}.")
