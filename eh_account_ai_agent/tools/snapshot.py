"""What the ladder and an LLM may know about a case: numbers and flags, no names."""

import hashlib
import json
from dataclasses import dataclass, fields

# The tones of a dunning level, from the first reminder to the last.
TONES = ("courteous", "firm", "final")


@dataclass(frozen=True)
class CaseSnapshot:
    """The state of one collections case at one moment.

    It carries amounts, ages, counts and flags only: no customer name, email,
    address or free text, so it can be sent to an LLM provider and hashed as the key
    of a cached suggestion. `followup_count` counts the reminders, calls, meetings and
    messages sent to the customer (the case's follow-ups), whether or not it answered.

    The reminders are the dunning ladder's: `reminder_due_tone` is the tone of the
    ladder's level due today ("courteous", "firm" or "final"), None when none is due
    or the customer may not be reminded now; `reminder_due_letter` says that level
    sends the demand letter.
    """

    days_overdue: int
    total_overdue: float
    currency: str = "USD"
    followup_count: int = 0
    days_since_last_followup: int | None = None
    active_promise: bool = False
    broken_promise: bool = False
    promise_days_left: int | None = None
    demand_letter_sent: bool = False
    days_since_demand_letter: int | None = None
    open_dispute: bool = False
    risk_score: int | None = None
    last_action_type: str | None = None
    days_since_last_action: int | None = None
    active_payment_plan: bool = False
    reminder_due_tone: str | None = None
    reminder_due_letter: bool = False

    def __post_init__(self):
        if self.days_overdue < 0:
            raise ValueError("days_overdue cannot be negative")
        if self.followup_count < 0:
            raise ValueError("followup_count cannot be negative")
        if self.risk_score is not None and not 0 <= self.risk_score <= 100:
            raise ValueError("risk_score must be between 0 and 100")
        if self.reminder_due_tone not in (None, *TONES):
            raise ValueError(f"reminder_due_tone must be one of {', '.join(TONES)} or None")
        if self.reminder_due_letter and not self.reminder_due_tone:
            raise ValueError("reminder_due_letter needs the tone of the level due")

    def as_dict(self) -> dict:
        """The snapshot as plain JSON-ready values (what a provider is sent)."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}  # all flat values
        values["total_overdue"] = round(float(self.total_overdue), 2)
        return values

    def digest(self) -> str:
        """A stable hash of the snapshot: equal states give equal digests."""
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Thresholds:
    """Days-overdue thresholds of the steps that are not reminders, set per company
    (the reminders, first one and demand letter included, are the dunning ladder's)."""

    phone: int = 45
    agency: int = 120
    agency_days_after_letter: int = 14
    write_off: int = 200

    def __post_init__(self):
        steps = (self.phone, self.agency, self.write_off)
        if any(days < 0 for days in (*steps, self.agency_days_after_letter)):
            raise ValueError("thresholds cannot be negative")
        if list(steps) != sorted(steps):
            raise ValueError("thresholds must rise: phone <= agency <= write-off")
