"""Payment-risk score of a customer from its own history, with its reasons.

A pure function over plain records, so it can be computed in Odoo, in a notebook or
on any exported ledger. Every component only grows with lateness: paying any
invoice later, or adding a broken promise or a dispute, never lowers the score.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

DAYS_LATE_CAP = 60
RECENT_WINDOW_DAYS = 180


@dataclass(frozen=True)
class InvoiceRecord:
    """One customer invoice: amounts in one currency (the company's)."""

    amount: float
    due_date: date
    paid_date: date | None = None  # when it was settled; None while open
    residual: float = 0.0  # what is still open today

    def __post_init__(self):
        if self.amount < 0 or self.residual < 0:
            raise ValueError("amounts cannot be negative")


@dataclass(frozen=True)
class RiskFactor:
    code: str
    points: float
    detail: str


@dataclass(frozen=True)
class RiskScore:
    score: int  # 0 (safe) to 100 (risky)
    factors: tuple[RiskFactor, ...]  # every component, largest first

    def top(self, count: int = 3) -> tuple[RiskFactor, ...]:
        """The components that weigh, largest first."""
        return tuple(factor for factor in self.factors if factor.points > 0)[:count]


def _days_late(record: InvoiceRecord, today: date) -> int:
    settled = record.paid_date if record.paid_date is not None else today
    return max(0, (settled - record.due_date).days)


def _weighted_days(records: list[InvoiceRecord], today: date) -> float:
    total = sum(r.amount for r in records)
    if not total:
        return 0.0
    return sum(r.amount * min(_days_late(r, today), DAYS_LATE_CAP) for r in records) / total


def _share(part: float, whole: float) -> float:
    return part / whole if part > 0 and whole > 0 else 0.0


def payment_risk(
    invoices: Iterable[InvoiceRecord],
    today: date,
    broken_promises: int = 0,
    disputes: int = 0,
    open_orders: float = 0.0,
) -> RiskScore:
    """Score a customer 0-100 from:

    - late share (30 points): share of settled invoices paid after their due date;
    - days late (25): amount-weighted days late of settled invoices (on time counts 0),
      capped at 60 days;
    - current overdue (20): share of the open amount that is past due;
    - trend (10): amount-weighted lateness of invoices due in the last 180 days, open
      ones counted with their age so far;
    - broken promises (10): 5 points each; disputes (5): 2.5 points each;
    - open orders (5): the share of the exposure in orders confirmed but not invoiced
      yet (`open_orders`, when the sales bridge reports them).
    The score is capped at 100.
    """
    records = list(invoices)
    settled = [r for r in records if r.paid_date is not None]
    open_records = [r for r in records if r.paid_date is None and r.residual > 0]
    recent = [r for r in records if 0 <= (today - r.due_date).days <= RECENT_WINDOW_DAYS]

    late_count = sum(1 for r in settled if _days_late(r, today) > 0)
    late_share = late_count / len(settled) if settled else 0.0
    days_late = _weighted_days(settled, today)
    open_total = sum(r.residual for r in open_records)
    overdue_total = sum(r.residual for r in open_records if r.due_date < today)
    overdue_share = overdue_total / open_total if open_total else 0.0
    recent_lateness = _weighted_days(recent, today)

    orders_share = _share(open_orders, open_orders + open_total)
    window = RECENT_WINDOW_DAYS
    factors = [
        RiskFactor("late_share", 30 * late_share, f"{late_count} of {len(settled)} invoices paid late"),
        RiskFactor("days_late", 25 * days_late / DAYS_LATE_CAP, f"{days_late:.0f} days late on average"),
        RiskFactor("current_overdue", 20 * overdue_share, f"{overdue_share:.0%} of the open amount past due"),
        RiskFactor(
            "trend",
            10 * recent_lateness / DAYS_LATE_CAP,
            f"{recent_lateness:.0f} days late over the last {window} days",
        ),
        RiskFactor("broken_promises", min(10.0, 5.0 * broken_promises), f"{broken_promises} broken promises"),
        RiskFactor("disputes", min(5.0, 2.5 * disputes), f"{disputes} disputes"),
        RiskFactor(
            "open_orders", 5 * orders_share, f"{orders_share:.0%} of the exposure in orders not invoiced"
        ),
    ]
    factors.sort(key=lambda factor: factor.points, reverse=True)
    score = round(min(100.0, sum(factor.points for factor in factors)))
    return RiskScore(int(score), tuple(factors))
