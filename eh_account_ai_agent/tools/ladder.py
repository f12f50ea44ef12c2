"""The deterministic next step: eight rules, first match wins; the reminders among
them are the dunning ladder's.

The same guardrails judge the ladder's own answers and any LLM's second opinion,
so an LLM can explain the ladder's step, or offer another allowed one beside it, but
never replace it nor offer a step the rules forbid.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from .actions import ACTION_CODES, Action, Priority
from .snapshot import CaseSnapshot, Thresholds


@dataclass(frozen=True)
class CallTrace:
    """What an audit log needs to know about one provider call."""

    prompt_version: str
    snapshot_hash: str
    latency_ms: int
    outcome: str  # "ok", "fallback" (answer rejected) or "error" (no answer)
    fallback_reason: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None


class CallClock:
    """Times one provider call and writes its trace: started when made."""

    def __init__(self, prompt_version: str, snapshot_hash: str):
        self.prompt_version = prompt_version
        self.snapshot_hash = snapshot_hash
        self.started = time.monotonic()

    def trace(self, outcome: str, reason: str | None = None, reply=None) -> CallTrace:
        """The trace of the call: `reply` (a ProviderReply) when the provider answered."""
        return CallTrace(
            self.prompt_version,
            self.snapshot_hash,
            int((time.monotonic() - self.started) * 1000),
            outcome,
            reason,
            reply.input_tokens if reply else None,
            reply.output_tokens if reply else None,
        )


@dataclass(frozen=True)
class SecondOpinion:
    """Another allowed step an LLM would take, shown beside the ladder's, never instead."""

    action: Action
    reason: str  # one sentence


@dataclass(frozen=True)
class Suggestion:
    """A next step for a collector, with why.

    `action` and `priority` are always the ladder's. An LLM may only write the
    `rationale` (then `source` is "llm") and offer a `second_opinion`."""

    action: Action
    priority: Priority
    rationale: str
    rule_id: str
    source: str = "deterministic"  # or "llm"
    fallback_reason: str | None = None
    trace: CallTrace | None = None  # set when a provider was asked
    second_opinion: SecondOpinion | None = None

    def with_fallback(self, reason: str, trace: CallTrace) -> "Suggestion":
        return replace(self, source="deterministic", fallback_reason=reason, trace=trace, second_opinion=None)


# Writes an amount of the snapshot's currency as the reader expects it (Odoo passes
# its own `format_amount`); by default "1,234.50 EUR".
Money = Callable[[float], str]


def deterministic_suggest(
    snapshot: CaseSnapshot, thresholds: Thresholds, money: Money | None = None
) -> Suggestion:
    """The next step for a case, its rationale in words with the amount written by
    `money`. Reminders are the dunning ladder's: a reminder step is suggested when
    the ladder has a level due (`reminder_due_tone`), never from days alone; the
    thresholds decide only the steps that are not reminders. Rules, in order:

    1. active payment plan or promise: monitor;
    (an open dispute: manual review, before any escalation;)
    2. lapsed, unkept promise: escalate the broken promise;
    3. at the write-off threshold: write-off review;
    4. at the agency threshold, a demand letter sent long enough ago: agency referral;
    5. the ladder's letter level due: send the demand letter;
    6. another level of the ladder due: send that reminder;
    7. at the phone threshold, followed up before, no letter yet: phone call;
    8. anything else: manual review (the ladder waits for its next day).
    """
    days, t = snapshot.days_overdue, thresholds
    overdue = money(snapshot.total_overdue) if money else f"{snapshot.total_overdue:,.2f} {snapshot.currency}"
    if snapshot.active_payment_plan:
        return Suggestion(
            Action.MONITOR,
            Priority.LOW,
            f"Monitor: the customer is paying by an agreed payment plan; no escalation while it "
            f"holds, whatever the {days} days overdue.",
            "R1_payment_plan",
        )
    if snapshot.active_promise:
        return Suggestion(
            Action.MONITOR,
            Priority.LOW,
            f"Monitor: the customer has a promise to pay running; no escalation while it holds, "
            f"whatever the {days} days overdue.",
            "R1_active_promise",
        )
    if snapshot.open_dispute:
        return Suggestion(
            Action.MANUAL_REVIEW,
            Priority.MEDIUM,
            f"Open dispute: {overdue} overdue for {days} days is contested; resolve the dispute "
            "before any reminder or escalation.",
            "R0_open_dispute",
        )
    if snapshot.broken_promise:
        return Suggestion(
            Action.ESCALATE_BROKEN_PROMISE,
            Priority.HIGH,
            f"Escalate the broken promise: a promise to pay lapsed unkept with {overdue} "
            f"still overdue after {days} days; a manager should review.",
            "R2_broken_promise",
        )
    if days >= t.write_off:
        return Suggestion(
            Action.WRITE_OFF_REVIEW,
            Priority.HIGH,
            f"Write-off review: {days} days overdue reaches the {t.write_off}-day write-off "
            f"threshold; review {overdue} for write-off or provision.",
            "R3_write_off",
        )
    letter_age = snapshot.days_since_demand_letter
    if (
        days >= t.agency
        and snapshot.demand_letter_sent
        and letter_age is not None
        and letter_age >= t.agency_days_after_letter
    ):
        return Suggestion(
            Action.REFER_TO_COLLECTIONS_AGENCY,
            Priority.HIGH,
            f"Refer to a collections agency: {days} days overdue reaches the {t.agency}-day agency "
            f"threshold and the demand letter went out {letter_age} days ago "
            f"(at least {t.agency_days_after_letter}) without payment.",
            "R4_agency",
        )
    if snapshot.reminder_due_letter:
        return Suggestion(
            Action.SEND_DEMAND_LETTER,
            Priority.HIGH,
            f"Send the demand letter: the ladder's letter level is due at {days} days overdue, "
            f"with {overdue} overdue.",
            "R5_demand_letter",
        )
    if snapshot.reminder_due_tone:
        after = (
            "the first one"
            if snapshot.followup_count == 0
            else f"after {snapshot.followup_count} follow-up(s) without payment"
        )
        return Suggestion(
            Action.SEND_FIRST_CONTACT_EMAIL,
            Priority.HIGH if snapshot.reminder_due_tone == "final" else Priority.MEDIUM,
            f"Send the reminder: the ladder's {snapshot.reminder_due_tone} level is due at {days} days "
            f"overdue, {after}; {overdue} overdue.",
            "R6_reminder",
        )
    if days >= t.phone and snapshot.followup_count > 0 and not snapshot.demand_letter_sent:
        return Suggestion(
            Action.PHONE_CALL,
            Priority.MEDIUM,
            f"Call the customer: {days} days overdue reaches the {t.phone}-day phone threshold after "
            f"{snapshot.followup_count} follow-up(s) without payment; call the customer.",
            "R7_phone",
        )
    return Suggestion(Action.MANUAL_REVIEW, Priority.LOW, _waiting_rationale(snapshot, t), "R8_manual_review")


def _waiting_rationale(snapshot: CaseSnapshot, t: Thresholds) -> str:
    days = snapshot.days_overdue
    if snapshot.demand_letter_sent:
        letter_age = snapshot.days_since_demand_letter
        wait = "" if letter_age is None else f" {letter_age} days ago"
        return (
            f"Review by hand: the demand letter went out{wait}; at {days} days overdue, wait for "
            f"the {t.agency}-day agency threshold and {t.agency_days_after_letter} days after the letter."
        )
    if snapshot.followup_count == 0:
        return (
            f"Review by hand: {days} days overdue and no reminder due yet; the ladder sends the first one "
            "on its day."
        )
    return (
        f"Review by hand: {days} days overdue after {snapshot.followup_count} follow-up(s); no reminder "
        f"is due yet and the phone threshold is {t.phone} days."
    )


def guardrail_violation(action: str, snapshot: CaseSnapshot, thresholds: Thresholds) -> str | None:
    """Why `action` may not be suggested for this case, or None when it may."""
    if action not in ACTION_CODES:
        return f"unknown action {action!r}"
    escalations = {
        Action.ESCALATE_BROKEN_PROMISE.value,
        Action.WRITE_OFF_REVIEW.value,
        Action.REFER_TO_COLLECTIONS_AGENCY.value,
        Action.SEND_DEMAND_LETTER.value,
        Action.PHONE_CALL.value,
        Action.SEND_FIRST_CONTACT_EMAIL.value,
    }
    if snapshot.active_promise and action in escalations:
        return f"{action} during an active promise"
    if snapshot.active_payment_plan and action in escalations:
        return f"{action} during an active payment plan"
    if snapshot.open_dispute and action in escalations:
        return f"{action} while the case is in dispute"
    if action == Action.ESCALATE_BROKEN_PROMISE and not snapshot.broken_promise:
        return "escalate_broken_promise without a broken promise"
    if action == Action.REFER_TO_COLLECTIONS_AGENCY:
        if not snapshot.demand_letter_sent:
            return "refer_to_collections_agency without a demand letter"
        if snapshot.days_overdue < thresholds.agency:
            return f"refer_to_collections_agency under {thresholds.agency} days overdue"
        letter_age = snapshot.days_since_demand_letter
        if letter_age is None or letter_age < thresholds.agency_days_after_letter:
            wait = thresholds.agency_days_after_letter
            return f"refer_to_collections_agency under {wait} days after the letter"
    if action == Action.WRITE_OFF_REVIEW and snapshot.days_overdue < thresholds.write_off:
        return f"write_off_review under the {thresholds.write_off}-day threshold"
    # Reminders are the dunning ladder's: only the step its due level sends.
    if action == Action.SEND_DEMAND_LETTER and not snapshot.reminder_due_letter:
        return "send_demand_letter while the ladder's letter level is not due"
    if action == Action.SEND_FIRST_CONTACT_EMAIL and not snapshot.reminder_due_tone:
        return "send_first_contact_email while the ladder has no reminder due"
    return None
