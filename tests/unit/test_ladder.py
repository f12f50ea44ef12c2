"""The eight rules at every threshold boundary, what overrides what, and the reminders
that only the dunning ladder makes due."""

import pytest

from eh_account_ai_agent.tools import CaseSnapshot, Thresholds, deterministic_suggest, guardrail_violation

T = Thresholds()


def ladder(days, **flags):
    return deterministic_suggest(CaseSnapshot(days_overdue=days, total_overdue=5000.0, **flags), T)


@pytest.mark.parametrize(
    ("days", "flags", "action", "priority"),
    [
        (29, {}, "manual_review", "low"),
        (300, {}, "write_off_review", "high"),
        (30, {"reminder_due_tone": "courteous"}, "send_first_contact_email", "medium"),
        (44, {"followup_count": 1}, "manual_review", "low"),
        (45, {"followup_count": 1}, "phone_call", "medium"),
        (89, {"followup_count": 2}, "phone_call", "medium"),
        # Days alone never make a reminder due: the ladder's level does.
        (95, {"followup_count": 2}, "phone_call", "medium"),
        (95, {}, "manual_review", "low"),
        (60, {"followup_count": 2, "reminder_due_tone": "firm"}, "send_first_contact_email", "medium"),
        (60, {"followup_count": 2, "reminder_due_tone": "final"}, "send_first_contact_email", "high"),
        (
            90,
            {"followup_count": 2, "reminder_due_tone": "final", "reminder_due_letter": True},
            "send_demand_letter",
            "high",
        ),
        (
            119,
            {"followup_count": 3, "demand_letter_sent": True, "days_since_demand_letter": 30},
            "manual_review",
            "low",
        ),
        (
            120,
            {"followup_count": 3, "demand_letter_sent": True, "days_since_demand_letter": 30},
            "refer_to_collections_agency",
            "high",
        ),
        (
            120,
            {"followup_count": 3, "reminder_due_tone": "final", "reminder_due_letter": True},
            "send_demand_letter",
            "high",
        ),
        (
            130,
            {"followup_count": 3, "demand_letter_sent": True, "days_since_demand_letter": 13},
            "manual_review",
            "low",
        ),
        (
            130,
            {"followup_count": 3, "demand_letter_sent": True, "days_since_demand_letter": 14},
            "refer_to_collections_agency",
            "high",
        ),
        (
            199,
            {"followup_count": 3, "demand_letter_sent": True, "days_since_demand_letter": 60},
            "refer_to_collections_agency",
            "high",
        ),
        (
            200,
            {"followup_count": 3, "demand_letter_sent": True, "days_since_demand_letter": 60},
            "write_off_review",
            "high",
        ),
        (200, {"reminder_due_tone": "final"}, "write_off_review", "high"),
    ],
)
def test_rule_boundaries(days, flags, action, priority):
    result = ladder(days, **flags)
    assert (result.action.value, result.priority.value) == (action, priority)
    assert result.source == "deterministic"
    assert str(days) in result.rationale, "the rationale names the numbers"


def test_active_promise_wins_over_everything():
    for days in (5, 95, 150, 400):
        result = ladder(days, active_promise=True, broken_promise=False, open_dispute=True)
        assert (result.action.value, result.priority.value, result.rule_id) == (
            "monitor",
            "low",
            "R1_active_promise",
        )


def test_dispute_before_any_escalation():
    for flags in ({}, {"broken_promise": True}, {"followup_count": 2}):
        result = ladder(250, open_dispute=True, **flags)
        assert result.action.value == "manual_review"
        assert "dispute" in result.rationale.lower()
        assert result.rule_id == "R0_open_dispute"


def test_broken_promise_before_write_off():
    result = ladder(260, broken_promise=True)
    assert (result.action.value, result.priority.value) == ("escalate_broken_promise", "high")
    assert result.rationale.startswith("Escalate the broken promise: ")


def test_rationale_names_rule_and_amount():
    result = ladder(95, followup_count=1, reminder_due_tone="final", reminder_due_letter=True)
    assert result.rationale.startswith("Send the demand letter: the ladder's letter level is due ")
    assert "5,000.00 USD" in result.rationale
    result = ladder(35, followup_count=1, reminder_due_tone="firm")
    assert result.rationale.startswith("Send the reminder: the ladder's firm level is due at 35 days ")


def test_custom_thresholds():
    lenient = Thresholds(phone=20, agency=60, write_off=100)
    snapshot = CaseSnapshot(days_overdue=40, total_overdue=10.0, followup_count=1)
    assert deterministic_suggest(snapshot, lenient).action.value == "phone_call"
    assert deterministic_suggest(snapshot, T).action.value == "manual_review"


@pytest.mark.parametrize(
    "values",
    [
        {"phone": 130},
        {"agency": 300},
        {"phone": -1},
    ],
)
def test_thresholds_must_rise_and_be_positive(values):
    with pytest.raises(ValueError):
        Thresholds(**values)


def test_snapshot_refuses_nonsense():
    with pytest.raises(ValueError):
        CaseSnapshot(days_overdue=-1, total_overdue=1.0)
    with pytest.raises(ValueError):
        CaseSnapshot(days_overdue=1, total_overdue=1.0, risk_score=101)
    with pytest.raises(ValueError):
        CaseSnapshot(days_overdue=1, total_overdue=1.0, reminder_due_tone="rude")
    with pytest.raises(ValueError):
        CaseSnapshot(days_overdue=1, total_overdue=1.0, reminder_due_letter=True)


def test_guardrails_match_the_ladder():
    letter_recent = CaseSnapshot(130, 1.0, demand_letter_sent=True, days_since_demand_letter=3)
    assert "after the letter" in guardrail_violation("refer_to_collections_agency", letter_recent, T)
    assert guardrail_violation("write_off_review", CaseSnapshot(199, 1.0), T)
    assert guardrail_violation("write_off_review", CaseSnapshot(200, 1.0), T) is None
    assert guardrail_violation("escalate_broken_promise", CaseSnapshot(50, 1.0), T)
    assert guardrail_violation("phone_call", CaseSnapshot(50, 1.0, open_dispute=True), T)
    assert guardrail_violation("monitor", CaseSnapshot(50, 1.0, active_promise=True), T) is None
    assert guardrail_violation("launch_rocket", CaseSnapshot(50, 1.0), T) == "unknown action 'launch_rocket'"
    # A reminder step only when the ladder made it due, whatever the days.
    assert guardrail_violation("send_demand_letter", CaseSnapshot(150, 1.0), T) == (
        "send_demand_letter while the ladder's letter level is not due"
    )
    assert guardrail_violation("send_demand_letter", CaseSnapshot(150, 1.0, reminder_due_tone="final"), T)
    letter_due = CaseSnapshot(20, 1.0, reminder_due_tone="final", reminder_due_letter=True)
    assert guardrail_violation("send_demand_letter", letter_due, T) is None
    assert guardrail_violation("send_first_contact_email", CaseSnapshot(150, 1.0), T) == (
        "send_first_contact_email while the ladder has no reminder due"
    )
    assert (
        guardrail_violation(
            "send_first_contact_email", CaseSnapshot(8, 1.0, reminder_due_tone="courteous"), T
        )
        is None
    )


def test_every_ladder_answer_passes_its_own_guardrails():
    for days in range(0, 260, 7):
        for followup_count in (0, 2):
            for letter in (None, 5, 30):
                for due in (
                    {},
                    {"reminder_due_tone": "firm"},
                    {"reminder_due_tone": "final", "reminder_due_letter": True},
                ):
                    snapshot = CaseSnapshot(
                        days,
                        100.0,
                        followup_count=followup_count,
                        demand_letter_sent=letter is not None,
                        days_since_demand_letter=letter,
                        **due,
                    )
                    result = deterministic_suggest(snapshot, T)
                    assert guardrail_violation(result.action.value, snapshot, T) is None, (snapshot, result)


def test_digest_is_stable_and_sensitive():
    a = CaseSnapshot(40, 100.0, followup_count=1)
    assert a.digest() == CaseSnapshot(40, 100.0, followup_count=1).digest()
    assert a.digest() != CaseSnapshot(41, 100.0, followup_count=1).digest()
