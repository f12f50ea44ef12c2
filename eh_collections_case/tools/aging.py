"""The aging buckets: the one definition the case's fields, the refresh SQL, the
Statement of Account and the pivot all read.

An amount's age is the number of days since it fell due (0 on the due date, negative
before it); an amount is overdue from age 1, the day after its due date.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AgingBucket:
    """Amounts aged from `low` to `high` days, both included (None: unbounded)."""

    key: str
    label: str
    low: int | None
    high: int | None

    @property
    def field(self) -> str:
        """The case field that holds the bucket's amount, in company currency."""
        return f"amount_{self.key}"

    def holds(self, age: int) -> bool:
        return (self.low is None or age >= self.low) and (self.high is None or age <= self.high)


AGING_BUCKETS = (
    AgingBucket("not_due", "Not due", None, 0),
    AgingBucket("1_30", "1-30", 1, 30),
    AgingBucket("31_60", "31-60", 31, 60),
    AgingBucket("61_90", "61-90", 61, 90),
    AgingBucket("91_120", "91-120", 91, 120),
    AgingBucket("over_120", "120+", 121, None),
)


def age(due: date, today: date) -> int:
    """Days since `due` on `today` (negative before the due date)."""
    return (today - due).days


def is_overdue(due: date, today: date) -> bool:
    """Overdue from the day after the due date."""
    return age(due, today) > 0


def bucket_of(days: int) -> AgingBucket:
    """The bucket an age falls in (every age falls in exactly one)."""
    return next(bucket for bucket in AGING_BUCKETS if bucket.holds(days))
