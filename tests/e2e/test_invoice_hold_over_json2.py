"""An invoice held from reminders, as an outside client does it over JSON-2."""

from datetime import timedelta

import pytest
from e2e_api import ApiError


def test_a_collector_holds_an_invoice_and_the_reminders_leave_it_out(collector_api, server_today):
    [case] = collector_api.call(
        "eh.collections.case",
        "search_read",
        domain=[("state", "=", "open"), ("overdue_invoice_count", ">=", 2), ("disputed", "=", False)],
        fields=["overdue_move_ids", "reminder_line_ids", "total_overdue_amount"],
        order="days_overdue_max desc",
        limit=1,
    )
    invoice_id = case["overdue_move_ids"][0]
    until = (server_today + timedelta(days=14)).isoformat()
    with pytest.raises(ApiError) as refused:
        collector_api.call("account.move", "write", ids=[invoice_id], vals={"eh_followup_hold_until": until})
    assert "action_eh_hold_reminders(until, reason)" in refused.value.message
    with pytest.raises(ApiError) as refused:
        collector_api.call(
            "account.move", "action_eh_hold_reminders", ids=[invoice_id], until=until, reason=""
        )
    assert "needs a reason" in refused.value.message
    assert collector_api.call(
        "account.move", "action_eh_hold_reminders", ids=[invoice_id], until=until, reason="PO on its way"
    )
    [after] = collector_api.call(
        "eh.collections.case",
        "read",
        ids=[case["id"]],
        fields=["reminder_line_ids", "total_overdue_amount", "action_ids"],
    )
    lines = collector_api.call(
        "account.move.line", "read", ids=after["reminder_line_ids"], fields=["move_id"]
    )
    assert invoice_id not in {line["move_id"][0] for line in lines}, "the reminders leave it out"
    assert after["total_overdue_amount"] == case["total_overdue_amount"], "it is still owed"
    [row] = collector_api.call(
        "eh.collections.action",
        "search_read",
        domain=[("case_id", "=", case["id"]), ("action_type", "=", "invoice_hold")],
        fields=["note"],
        order="id desc",
        limit=1,
    )
    assert "PO on its way" in row["note"]
