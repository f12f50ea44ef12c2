"""The cases an external client reads agree with the ledger it can read itself."""

from collections import defaultdict
from datetime import date


def test_case_totals_equal_open_receivable_per_customer(rpc, server_today):
    today = server_today
    cases = rpc.env["eh.collections.case"].search_read(
        [("state", "=", "open")],
        [
            "partner_id",
            "company_id",
            "total_overdue_amount",
            "overdue_invoice_amount",
            "unapplied_credit_amount",
            "days_overdue_max",
        ],
    )
    assert len(cases) >= 25
    lines = rpc.env["account.move.line"].search_read(
        [
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ],
        ["partner_id", "company_id", "amount_residual", "date_maturity"],
    )
    partners = rpc.env["res.partner"].search_read(
        [("id", "in", sorted({line["partner_id"][0] for line in lines}))], ["commercial_partner_id"]
    )
    commercial = {p["id"]: p["commercial_partner_id"][0] for p in partners}
    overdue, credits, oldest = defaultdict(float), defaultdict(float), {}
    for line in lines:
        key = (commercial[line["partner_id"][0]], line["company_id"][0])
        residual = line["amount_residual"]
        due = date.fromisoformat(line["date_maturity"])
        if residual < 0:
            credits[key] -= residual
        elif due < today:
            overdue[key] += residual
            oldest[key] = min(oldest.get(key, due), due)
    for case in cases:
        key = (case["partner_id"][0], case["company_id"][0])
        assert round(case["overdue_invoice_amount"] - overdue[key], 2) == 0, case
        assert round(case["unapplied_credit_amount"] - credits[key], 2) == 0, case
        assert round(case["total_overdue_amount"] - (overdue[key] - credits[key]), 2) == 0, case
        assert case["days_overdue_max"] == (today - oldest[key]).days, case
    chased = {(c["partner_id"][0], c["company_id"][0]) for c in cases}
    for key, amount in overdue.items():
        if amount - credits[key] > 0.005:
            assert key in chased, f"{key} owes {amount - credits[key]} but has no open case"


def test_collector_sees_worked_cases_with_history(collector_rpc):
    Case = collector_rpc.env["eh.collections.case"]
    mine = Case.search_read([("user_id", "=", collector_rpc.env.uid)], ["contact_count", "action_ids"])
    assert mine, "the demo assigns cases to the collector"
    assert any(case["action_ids"] for case in mine)
    assert Case.search_count([("has_active_promise", "=", True)]) >= 1
    disputed = Case.search_read([("disputed", "=", True)], ["action_ids", "stage_id"])
    assert disputed, "the demo has a case in dispute"
    for case in disputed:
        rows = collector_rpc.env["eh.collections.action"].search_read(
            [("id", "in", case["action_ids"]), ("action_type", "=", "dispute")], ["id"]
        )
        assert rows, "a case in dispute has its dispute in the history"
    History = collector_rpc.env["eh.collections.action"]
    for action_type in ("email", "call", "promise"):
        assert History.search_count([("action_type", "=", action_type)]), action_type
