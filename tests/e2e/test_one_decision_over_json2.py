"""The one decision as an outside client meets it over JSON-2: a promise logged by the
collector holds the customer on *Send reminders* too, a collector cannot force it,
a manager's override sends once and is logged with its reason, and the promise's
*Contact made* counts as a contact."""

from datetime import timedelta

import pytest
from e2e_api import ApiError

CASE_FIELDS = ["reminder_hold", "contact_count", "next_level_id", "partner_id", "total_overdue_amount"]


def free_case(client):
    """An open case nothing holds, with a level left to send."""
    cases = client.call(
        "eh.collections.case",
        "search_read",
        domain=[("state", "=", "open"), ("total_overdue_amount", ">", 0), ("user_id", "!=", False)],
        fields=CASE_FIELDS,
        order="id desc",
    )
    return next(case for case in cases if not case["reminder_hold"] and case["next_level_id"])


OUTREACH = ["email", "sms", "whatsapp", "letter", "call", "meeting"]


def history(client, case_id, action_type):
    conditions = [("case_id", "=", case_id), ("state", "=", "done")]
    conditions.append(
        ("action_type", "in", action_type)
        if isinstance(action_type, list)
        else ("action_type", "=", action_type)
    )
    return client.call("eh.collections.action", "search_read", domain=conditions, fields=["note", "user_id"])


def preview(client, case_id, **values):
    [wizard_id] = client.call(
        "eh.collections.send.reminders", "create", vals_list=[{"case_ids": [[6, 0, [case_id]]], **values}]
    )
    client.call("eh.collections.send.reminders", "action_preview", ids=[wizard_id])
    [line] = client.call(
        "eh.collections.send.reminders.line",
        "search_read",
        domain=[("wizard_id", "=", wizard_id)],
        fields=["status", "message"],
    )
    return wizard_id, line


def test_a_held_customer_is_sent_nothing_unless_a_manager_says_why(admin_api, collector_api, server_today):
    case = free_case(admin_api)
    case_id = case["id"]
    promised = (server_today + timedelta(days=4)).isoformat()
    collector_api.call(
        "eh.collections.action",
        "create",
        vals_list=[
            {
                "case_id": case_id,
                "action_type": "promise",
                "contact_made": True,
                "promise_amount": case["total_overdue_amount"],
                "promise_date": promised,
                "note": "Promised on the phone",
            }
        ],
    )
    [after] = admin_api.call("eh.collections.case", "read", ids=[case_id], fields=CASE_FIELDS)
    assert after["reminder_hold"].startswith("promise of "), after["reminder_hold"]
    assert after["contact_count"] == case["contact_count"] + 1, "a promise with Contact made is a contact"

    wizard_id, line = preview(collector_api, case_id)
    assert line["status"] == "held"
    assert line["message"] == f"Held: {after['reminder_hold']}"
    sent_before = len(history(admin_api, case_id, action_type=OUTREACH))
    collector_api.call("eh.collections.send.reminders", "action_send", ids=[wizard_id])
    assert len(history(admin_api, case_id, action_type=OUTREACH)) == sent_before, "nothing sent"

    wizard_id, _line = preview(collector_api, case_id, override_reason="I want to")
    with pytest.raises(ApiError) as refused:
        collector_api.call("eh.collections.send.reminders", "action_send", ids=[wizard_id])
    assert "Only a Collections Manager" in refused.value.message

    wizard_id, _line = preview(admin_api, case_id, override_reason="The customer asked for a copy")
    admin_api.call("eh.collections.send.reminders", "action_send", ids=[wizard_id])
    [line] = admin_api.call(
        "eh.collections.send.reminders.line",
        "search_read",
        domain=[("wizard_id", "=", wizard_id)],
        fields=["status"],
    )
    assert line["status"] == "sent"
    assert len(history(admin_api, case_id, action_type=OUTREACH)) > sent_before, "sent"
    [override] = history(admin_api, case_id, action_type="note")[:1]
    assert "although held (promise of" in override["note"]
    assert "Reason: The customer asked for a copy" in override["note"]
