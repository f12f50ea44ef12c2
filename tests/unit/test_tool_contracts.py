"""The exact words and values the tools promise their callers: the rationales a
collector reads, the reasons an audit row keeps, the validation messages, the risk
factors. (Written where mutation testing found behaviour no test pinned down.)"""

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest

from eh_account_ai_agent.tools import (
    CaseSnapshot,
    Thresholds,
    build_user_prompt,
    deterministic_suggest,
    guardrail_violation,
    parse_answer,
    suggest,
)
from eh_account_ai_agent.tools.ladder import CallTrace, Suggestion
from eh_account_ai_agent.tools.snapshot import CaseSnapshot as Snapshot
from eh_collections_case.tools.charges import (
    Stretch,
    prorated_fee,
    round_money,
    statutory_interest,
    to_decimal,
)

T = Thresholds()
TODAY = date(2026, 6, 30)


def answer_for(days, **flags):
    return deterministic_suggest(CaseSnapshot(days_overdue=days, total_overdue=1234.5, **flags), T)


@pytest.mark.parametrize(
    ("days", "flags", "rationale"),
    [
        (
            10,
            {"active_promise": True},
            "Monitor: the customer has a promise to pay running; no escalation while it holds, "
            "whatever the 10 days overdue.",
        ),
        (
            250,
            {"active_payment_plan": True, "broken_promise": True},
            "Monitor: the customer is paying by an agreed payment plan; no escalation while it holds, "
            "whatever the 250 days overdue.",
        ),
        (
            50,
            {"open_dispute": True},
            "Open dispute: 1,234.50 EUR overdue for 50 days is contested; resolve the dispute before any "
            "reminder or escalation.",
        ),
        (
            50,
            {"broken_promise": True},
            "Escalate the broken promise: a promise to pay lapsed unkept with 1,234.50 EUR still overdue "
            "after 50 days; a manager should review.",
        ),
        (
            200,
            {},
            "Write-off review: 200 days overdue reaches the 200-day write-off threshold; review "
            "1,234.50 EUR for write-off or provision.",
        ),
        (
            120,
            {"demand_letter_sent": True, "days_since_demand_letter": 14},
            "Refer to a collections agency: 120 days overdue reaches the 120-day agency threshold and the "
            "demand letter went out 14 days ago (at least 14) without payment.",
        ),
        (
            90,
            {"followup_count": 3, "reminder_due_tone": "final", "reminder_due_letter": True},
            "Send the demand letter: the ladder's letter level is due at 90 days overdue, with 1,234.50 EUR "
            "overdue.",
        ),
        (
            45,
            {"followup_count": 2},
            "Call the customer: 45 days overdue reaches the 45-day phone threshold after 2 follow-up(s) "
            "without payment; call the customer.",
        ),
        (
            7,
            {"reminder_due_tone": "courteous"},
            "Send the reminder: the ladder's courteous level is due at 7 days overdue, the first one; "
            "1,234.50 EUR overdue.",
        ),
        (
            30,
            {"followup_count": 1, "reminder_due_tone": "firm"},
            "Send the reminder: the ladder's firm level is due at 30 days overdue, after 1 follow-up(s) "
            "without payment; 1,234.50 EUR overdue.",
        ),
        (
            29,
            {},
            "Review by hand: 29 days overdue and no reminder due yet; the ladder sends the first one on its "
            "day.",
        ),
        (
            40,
            {"followup_count": 1},
            "Review by hand: 40 days overdue after 1 follow-up(s); no reminder is due yet and the phone "
            "threshold is 45 days.",
        ),
        (
            100,
            {"followup_count": 1, "demand_letter_sent": True, "days_since_demand_letter": 3},
            "Review by hand: the demand letter went out 3 days ago; at 100 days overdue, wait for the "
            "120-day agency threshold and 14 days after the letter.",
        ),
        (
            100,
            {"followup_count": 1, "demand_letter_sent": True},
            "Review by hand: the demand letter went out; at 100 days overdue, wait for the 120-day "
            "agency threshold and 14 days after the letter.",
        ),
    ],
)
def test_rationales_word_for_word(days, flags, rationale):
    snapshot = CaseSnapshot(days_overdue=days, total_overdue=1234.5, currency="EUR", **flags)
    assert deterministic_suggest(snapshot, T).rationale == rationale


@pytest.mark.parametrize(
    ("days", "flags", "rule", "action", "priority"),
    [
        (10, {"active_promise": True}, "R1_active_promise", "monitor", "low"),
        (300, {"active_payment_plan": True, "open_dispute": True}, "R1_payment_plan", "monitor", "low"),
        (50, {"open_dispute": True}, "R0_open_dispute", "manual_review", "medium"),
        (50, {"broken_promise": True}, "R2_broken_promise", "escalate_broken_promise", "high"),
        (200, {}, "R3_write_off", "write_off_review", "high"),
        (
            120,
            {"demand_letter_sent": True, "days_since_demand_letter": 14},
            "R4_agency",
            "refer_to_collections_agency",
            "high",
        ),
        (
            90,
            {"reminder_due_tone": "final", "reminder_due_letter": True},
            "R5_demand_letter",
            "send_demand_letter",
            "high",
        ),
        (30, {"reminder_due_tone": "courteous"}, "R6_reminder", "send_first_contact_email", "medium"),
        (45, {"followup_count": 2}, "R7_phone", "phone_call", "medium"),
        (29, {}, "R8_manual_review", "manual_review", "low"),
    ],
)
def test_each_rule_names_itself(days, flags, rule, action, priority):
    result = answer_for(days, **flags)
    assert (result.rule_id, result.action.value, result.priority.value) == (rule, action, priority)


def test_rule_ids_and_source():
    assert [
        answer_for(d, **f).rule_id for d, f in ((10, {"active_promise": True}), (50, {"open_dispute": True}))
    ] == [
        "R1_active_promise",
        "R0_open_dispute",
    ]
    assert answer_for(29).rule_id == "R8_manual_review"
    assert answer_for(29).source == "deterministic"
    assert answer_for(29).fallback_reason is None and answer_for(29).trace is None


def test_agency_needs_the_letter_age_known():
    # A letter is logged but its age is unknown: wait, do not refer.
    assert answer_for(150, followup_count=1, demand_letter_sent=True).action.value == "manual_review"


def test_a_fallback_keeps_the_ladders_answer_and_says_why():
    trace = CallTrace("v", "h", 3, "fallback", "non_json")
    base = answer_for(90)
    fallback = base.with_fallback("non_json", trace)
    assert (fallback.action, fallback.priority, fallback.rationale) == (
        base.action,
        base.priority,
        base.rationale,
    )
    assert (fallback.source, fallback.fallback_reason, fallback.trace) == ("deterministic", "non_json", trace)
    llm = Suggestion(base.action, base.priority, "x", "r", source="llm")
    assert llm.with_fallback("timeout", trace).source == "deterministic"


@pytest.mark.parametrize(
    ("action", "snapshot", "reason"),
    [
        ("phone_call", Snapshot(50, 1.0, active_promise=True), "phone_call during an active promise"),
        (
            "send_demand_letter",
            Snapshot(95, 1.0, open_dispute=True),
            "send_demand_letter while the case is in dispute",
        ),
        ("escalate_broken_promise", Snapshot(50, 1.0), "escalate_broken_promise without a broken promise"),
        (
            "refer_to_collections_agency",
            Snapshot(150, 1.0),
            "refer_to_collections_agency without a demand letter",
        ),
        (
            "refer_to_collections_agency",
            Snapshot(110, 1.0, demand_letter_sent=True, days_since_demand_letter=30),
            "refer_to_collections_agency under 120 days overdue",
        ),
        (
            "refer_to_collections_agency",
            Snapshot(130, 1.0, demand_letter_sent=True),
            "refer_to_collections_agency under 14 days after the letter",
        ),
        ("write_off_review", Snapshot(150, 1.0), "write_off_review under the 200-day threshold"),
        (
            "send_demand_letter",
            Snapshot(150, 1.0),
            "send_demand_letter while the ladder's letter level is not due",
        ),
        (
            "send_first_contact_email",
            Snapshot(30, 1.0),
            "send_first_contact_email while the ladder has no reminder due",
        ),
        (
            "send_demand_letter",
            Snapshot(95, 1.0, active_payment_plan=True),
            "send_demand_letter during an active payment plan",
        ),
    ],
)
def test_guardrail_reasons(action, snapshot, reason):
    assert guardrail_violation(action, snapshot, T) == reason


def test_guardrails_let_allowed_steps_through():
    letter_due = Snapshot(45, 1.0, reminder_due_tone="final", reminder_due_letter=True)
    assert guardrail_violation("send_demand_letter", letter_due, T) is None
    assert (
        guardrail_violation("send_first_contact_email", Snapshot(8, 1.0, reminder_due_tone="courteous"), T)
        is None
    )
    assert guardrail_violation("manual_review", Snapshot(50, 1.0, open_dispute=True), T) is None
    assert guardrail_violation("escalate_broken_promise", Snapshot(50, 1.0, broken_promise=True), T) is None
    ok = Snapshot(120, 1.0, demand_letter_sent=True, days_since_demand_letter=14)
    assert guardrail_violation("refer_to_collections_agency", ok, T) is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"days_overdue": -1}, "days_overdue cannot be negative"),
        ({"followup_count": -1}, "followup_count cannot be negative"),
        ({"risk_score": -1}, "risk_score must be between 0 and 100"),
        ({"risk_score": 101}, "risk_score must be between 0 and 100"),
    ],
)
def test_snapshot_validation(values, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        CaseSnapshot(**{"days_overdue": 1, "total_overdue": 1.0, **values})


def test_snapshot_bounds_and_plain_values():
    for risk in (0, 100):
        assert CaseSnapshot(0, 0.0, risk_score=risk).risk_score == risk
    values = CaseSnapshot(3, 10.456, followup_count=0).as_dict()
    assert values["total_overdue"] == 10.46
    assert values["days_overdue"] == 3
    assert values["currency"] == "USD"
    assert set(values) == {
        "days_overdue",
        "total_overdue",
        "currency",
        "followup_count",
        "days_since_last_followup",
        "active_promise",
        "broken_promise",
        "promise_days_left",
        "demand_letter_sent",
        "days_since_demand_letter",
        "open_dispute",
        "risk_score",
        "last_action_type",
        "days_since_last_action",
        "active_payment_plan",
        "reminder_due_tone",
        "reminder_due_letter",
    }
    digest = CaseSnapshot(3, 10.456).digest()
    assert len(digest) == 64 and digest == CaseSnapshot(3, 10.4561).digest(), "hashed on the rounded amount"
    # The digest keys the cache and the audit: its canonical form is sorted, compact JSON.
    canonical = json.dumps(CaseSnapshot(3, 10.456).as_dict(), sort_keys=True, separators=(",", ":"))
    assert canonical.startswith(
        '{"active_payment_plan":false,"active_promise":false,"broken_promise":false,"currency":"USD",'
    )
    assert digest == hashlib.sha256(canonical.encode()).hexdigest()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"agency_days_after_letter": -1}, "thresholds cannot be negative"),
        ({"phone": -1}, "thresholds cannot be negative"),
        ({"phone": 200, "agency": 150}, "thresholds must rise: phone <= agency <= write-off"),
    ],
)
def test_threshold_validation(values, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        Thresholds(**values)


def test_thresholds_may_be_equal_and_zero():
    same = Thresholds(phone=0, agency=0, write_off=0, agency_days_after_letter=0)
    assert same.write_off == 0
    assert Thresholds() == Thresholds(45, 120, 14, 200)


def test_parse_answer_reasons():
    snapshot = Snapshot(95, 1.0, reminder_due_tone="final", reminder_due_letter=True)
    assert parse_answer('{"action": "monitor", "priority": "low", "rationale": "   "}', snapshot, T) == (
        None,
        "schema: empty rationale",
    )
    assert parse_answer('{"action": "monitor", "priority": 3, "rationale": "x"}', snapshot, T) == (
        None,
        "schema: unknown priority 3",
    )
    assert parse_answer('{"action": 7, "priority": "low", "rationale": "x"}', snapshot, T) == (
        None,
        "schema: unknown action 7",
    )
    text = (
        '```json\n{"action": "send_demand_letter",\n "priority": "high",\n "rationale": "  Send it.  "}\n```'
    )
    suggestion, reason = parse_answer(text, snapshot, T)
    assert reason == "" and suggestion.rationale == "Send it."
    assert (suggestion.action.value, suggestion.priority.value) == ("send_demand_letter", "high")
    assert (suggestion.source, suggestion.rule_id, suggestion.second_opinion) == (
        "llm",
        "R5_demand_letter",
        None,
    )
    bare = '```\n{"action": "send_demand_letter", "priority": "high", "rationale": "ok"}\n```'
    assert parse_answer(bare, snapshot, T)[1] == ""


def test_the_user_prompt_is_the_snapshot_the_thresholds_and_the_ladder_as_sorted_json():
    snapshot = Snapshot(95, 1.0, followup_count=2, reminder_due_tone="final", reminder_due_letter=True)
    baseline = deterministic_suggest(snapshot, T)
    prompt = build_user_prompt(snapshot, Thresholds(46, 121, 15, 201), baseline)
    expected = {
        "snapshot": snapshot.as_dict(),
        "thresholds_days": {
            "phone": 46,
            "agency": 121,
            "agency_days_after_letter": 15,
            "write_off": 201,
        },
        "ladder": {"action": "send_demand_letter", "priority": "high", "rule": "R5_demand_letter"},
    }
    assert prompt == json.dumps(expected, sort_keys=True)
    assert prompt.index('"ladder"') < prompt.index('"snapshot"') < prompt.index('"thresholds_days"')


def test_a_rationale_of_exactly_the_limit_is_accepted():
    snapshot = Snapshot(95, 1.0, reminder_due_tone="final", reminder_due_letter=True)
    for length, reason in ((600, ""), (601, "schema: rationale over 600 characters")):
        text = '{"action": "send_demand_letter", "priority": "high", "rationale": "%s"}' % ("a" * length)
        assert parse_answer(text, snapshot, T)[1] == reason


def test_charge_messages_and_rounding():
    with pytest.raises(ValueError, match=r"^The monthly rate must be positive, not 0\.$"):
        prorated_fee([Stretch(Decimal(100), 30)], Decimal(0), 2)
    with pytest.raises(ValueError, match=r"^The annual rate must be positive, not -1\.$"):
        statutory_interest([Stretch(Decimal(100), 30)], Decimal(-1), 2)
    assert prorated_fee([Stretch(Decimal(100), 1)], Decimal("0.0001"), 2) == Decimal("0.00")
    assert str(round_money(Decimal("2.345"), 2)) == "2.35"
    assert str(round_money(Decimal("-2.345"), 2)) == "-2.35"
    assert to_decimal(Decimal("1.50")) == Decimal("1.50") and str(to_decimal(Decimal("1.50"))) == "1.50"
    assert to_decimal(3) == Decimal(3) and to_decimal("7.25") == Decimal("7.25")


def test_the_rationale_writes_amounts_with_the_given_money_format():
    snapshot = CaseSnapshot(days_overdue=200, total_overdue=1234.5)
    written = deterministic_suggest(snapshot, T, money=lambda amount: f"€ {amount:.2f}").rationale
    assert written == (
        "Write-off review: 200 days overdue reaches the 200-day write-off threshold; review € 1234.50 "
        "for write-off or provision."
    )
    assert suggest(snapshot, T, money=lambda amount: "[amount]").rationale.endswith(
        "review [amount] for write-off or provision."
    )
