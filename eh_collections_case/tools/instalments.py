"""Payment plans, to the cent and to the day.

Pure functions: the plan's proposal (equal monthly instalments, the remainder on the
last) and the state of each instalment from what the ledger says was paid since the
plan was agreed. The ledger decides, never a checkbox: an instalment is paid once the
cumulated payments reach the instalments due up to it.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

PENDING, PAID, MISSED = "pending", "paid", "missed"


def split_evenly(total: Decimal, count: int, digits: int) -> list[Decimal]:
    """`count` equal instalments of `total`, cut down to the cent, the remainder on the
    last (so it is never smaller than the others), summing to `total` exactly."""
    if count < 1:
        raise ValueError("A plan has at least one instalment.")
    if total <= 0:
        raise ValueError(f"A plan is for an amount above zero, not {total}.")
    share = (total / count).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN)
    if share <= 0:
        raise ValueError(f"{total} cannot be split in {count} instalments above zero.")
    return [share] * (count - 1) + [total - share * (count - 1)]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day
    (31 January + 1 month is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def monthly_dates(first: date, count: int) -> list[date]:
    return [add_months(first, n) for n in range(count)]


@dataclass(frozen=True)
class Instalment:
    date: date
    amount: Decimal


def instalment_states(
    instalments: Sequence[Instalment], paid: Decimal, today: date, grace_days: int
) -> list[str]:
    """The state of each instalment, in date order: paid once `paid` (what the ledger
    says was paid since the plan was agreed) covers it and every one before it;
    missed once unpaid after its date plus the grace days; else pending."""
    if grace_days < 0:
        raise ValueError("Grace days cannot be negative.")
    states, due = [], Decimal(0)
    for instalment in sorted(instalments, key=lambda i: i.date):
        due += instalment.amount
        if paid >= due:
            states.append(PAID)
        elif today > instalment.date + timedelta(days=grace_days):
            states.append(MISSED)
        else:
            states.append(PENDING)
    return states
