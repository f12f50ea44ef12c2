"""Why a customer may not be reminded now: the one decision's answer, as data.

Every path that sends or queues outreach (the follow-up cron, the approval queue,
*Send reminders*, the AI drafts, the agent API, the SMS and WhatsApp queues) asks
the case for its holds at the moment it acts. An empty list means "go"; each hold
says why not in the reader's words and until when it lasts, so that the next
reminder's date and the words on every screen come from the same answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# Hold codes no override can lift: nothing is owed, so there is nothing to remind.
FINAL_CODES = frozenset({"nothing_overdue"})


@dataclass(frozen=True)
class ReminderHold:
    """One reason not to remind the customer now.

    `code` names the rule (`nothing_overdue`, `dispute`, `invoices_held`, `pause`,
    `payment_plan`, `promise`, `reply`); `reason` is the sentence a collector and an
    API client read; `until` is the last day the hold lasts, or None while it lasts
    until a person or the ledger lifts it."""

    code: str
    reason: str
    until: date | None = None

    @property
    def overridable(self) -> bool:
        """Whether a Collections Manager may send anyway, with a reason."""
        return self.code not in FINAL_CODES


def resume_day(day: date, holds: Iterable[ReminderHold]) -> date | None:
    """The first day on or after `day` that no hold covers, or None while a hold
    lasts until someone lifts it."""
    for hold in holds:
        if hold.until is None:
            return None
        day = max(day, hold.until + timedelta(days=1))
    return day


def hold_sentence(holds: Iterable[ReminderHold]) -> str:
    """The holds in one line, in the order the case gave them."""
    return "; ".join(hold.reason for hold in holds)
