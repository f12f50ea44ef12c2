"""The collections figures an external client reads over JSON-2 agree with the ledger
it can read itself, and only the cron and a manager's rebuild write them."""

import pytest
from e2e_api import ApiError


def test_latest_figures_equal_the_ledger_the_client_reads(admin_api, server_today):
    [company] = admin_api.call(
        "res.company", "search_read", domain=[("name", "=", "My Company")], fields=["id"]
    )
    rows = admin_api.call(
        "eh.collections.snapshot",
        "search_read",
        domain=[("company_id", "=", company["id"])],
        fields=["date", "ar_total", "credit_sales", "dso", "has_dso", "period_days"],
        order="date",
    )
    assert len(rows) == 13, "the demo's twelve month-ends and today"
    latest = rows[-1]
    assert latest["date"] == server_today.isoformat()
    lines = admin_api.call(
        "account.move.line",
        "search_read",
        domain=[
            ("company_id", "=", company["id"]),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("partner_id", "!=", False),
            ("date", "<=", latest["date"]),
        ],
        fields=["balance"],
    )
    assert round(sum(line["balance"] for line in lines) - latest["ar_total"], 2) == 0
    assert latest["has_dso"]
    assert latest["dso"] == round(latest["ar_total"] / latest["credit_sales"] * latest["period_days"], 1)


def test_a_collector_reads_the_dashboard_but_writes_no_figures(collector_api):
    dashboard = collector_api.call("eh.collections.snapshot", "get_dashboard")
    assert len(dashboard["trend"]) == 13
    assert dashboard["latest"]["ar_total"] > 0
    assert dashboard["top_debtors"], "the demo has cases to collect"
    with pytest.raises(ApiError) as refused:
        collector_api.call("eh.collections.snapshot", "action_backfill")
    assert "Only a Collections Manager rebuilds the collections figures" in refused.value.message
    with pytest.raises(ApiError) as refused:
        collector_api.call(
            "eh.collections.snapshot", "create", vals_list=[{"company_id": 1, "date": "2026-01-01"}]
        )
    assert refused.value.name == "odoo.exceptions.UserError"
    assert "take them with the daily cron or Rebuild 12 months (action_backfill)" in refused.value.message


def test_a_manager_is_told_the_figures_come_from_the_ledger(admin_api):
    [row] = admin_api.call("eh.collections.snapshot", "search_read", domain=[], fields=["id"], limit=1)
    with pytest.raises(ApiError) as refused:
        admin_api.call("eh.collections.snapshot", "write", ids=[row["id"]], vals={"ar_total": 1})
    assert refused.value.name == "odoo.exceptions.UserError"
    assert "Collections figures come from the ledger and cannot be edited" in refused.value.message
