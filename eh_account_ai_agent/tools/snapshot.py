"""What the ladder and an LLM may know about a case: numbers and flags, no names."""

import hashlib
import json
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class CaseSnapshot:
    """The state of one collections case at one moment.

    It carries amounts, ages, counts and flags only: no customer name, email,
    address or free text, so it can be sent to an LLM provider and hashed as the key
    of a cached suggestion. `followup_count` counts the reminders, calls, meetings and
    messages sent to the customer (the case's follow-ups), whether or not it answered.
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

    def __post_init__(self):
        if self.days_overdue < 0:
            raise ValueError("days_overdue cannot be negative")
        if self.followup_count < 0:
            raise ValueError("followup_count cannot be negative")
        if self.risk_score is not None and not 0 <= self.risk_score <= 100:
            raise ValueError("risk_score must be between 0 and 100")

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
    """Days-overdue thresholds of the ladder, set per company."""

    first_contact: int = 30
    phone: int = 45
    demand_letter: int = 90
    agency: int = 120
    agency_days_after_letter: int = 14
    write_off: int = 200

    def __post_init__(self):
        ladder = (self.first_contact, self.phone, self.demand_letter, self.agency, self.write_off)
        if any(days < 0 for days in (*ladder, self.agency_days_after_letter)):
            raise ValueError("thresholds cannot be negative")
        if list(ladder) != sorted(ladder):
            raise ValueError(
                "thresholds must rise: first contact <= phone <= demand letter <= agency <= write-off"
            )
