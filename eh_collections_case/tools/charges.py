"""Late fees and statutory interest, to the cent.

Pure functions on `Decimal`: the late fee wizard's preview and the posted fee
invoice take their figures from here, each rounded once per invoice with
ROUND_HALF_UP, so they agree to the cent.
"""

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


def prorated_fee(residual: Decimal, monthly_rate: Decimal, days: int, digits: int) -> Decimal:
    """residual x monthly rate (%) x days / 30."""
    _check_positive(monthly_rate, "monthly rate")
    return round_money(residual * monthly_rate / HUNDRED * days / DAYS_PER_MONTH, digits)


def statutory_interest(residual: Decimal, annual_rate: Decimal, days: int, digits: int) -> Decimal:
    """Simple interest, actual/365: residual x annual rate (%) x days / 365."""
    _check_positive(annual_rate, "annual rate")
    return round_money(residual * annual_rate / HUNDRED * days / DAYS_PER_YEAR, digits)


def annual_rate(reference_rate: Decimal, margin: Decimal) -> Decimal:
    """The statutory rate: a reference rate plus a margin, as the EU late payment rules set it."""
    return reference_rate + margin


def _check_positive(rate: Decimal, what: str) -> None:
    if rate <= 0:
        raise ValueError(f"The {what} must be positive, not {rate}.")
