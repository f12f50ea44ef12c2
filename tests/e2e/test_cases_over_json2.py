"""The cases an external client reads over JSON-2 agree with the ledger it can read itself."""

from collections import defaultdict
from datetime import date, timedelta


def search_read(client, model, domain, fields, **kwargs):
    return client.call(model, "search_read", domain=domain, fields=fields, **kwargs)


def test_case_totals_equal_open_receivable_per_customer(admin_api, server_today):
    today = server_today
    cases = search_read(
        admin_api,
        "eh.collections.case",
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
    lines = search_read(
        admin_api,
        "account.move.line",
        [
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ],
        ["partner_id", "company_id", "amount_residual", "date_maturity"],
    )
    partners = search_read(
        admin_api,
        "res.partner",
        [("id", "in", sorted({line["partner_id"][0] for line in lines}))],
        ["commercial_partner_id"],
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


def test_collector_sees_worked_cases_with_history(collector_api):
    def count(model, domain):
        return collector_api.call(model, "search_count", domain=domain)

    mine = search_read(
        collector_api,
        "eh.collections.case",
        [("user_id", "=", collector_api.uid)],
        ["contact_count", "action_ids"],
    )
    assert mine, "the demo assigns cases to the collector"
    assert any(case["action_ids"] for case in mine)
    assert count("eh.collections.case", [("has_active_promise", "=", True)]) >= 1
    disputed = search_read(collector_api, "eh.collections.case", [("disputed", "=", True)], ["action_ids"])
    assert disputed, "the demo has a case in dispute"
    for case in disputed:
        rows = count(
            "eh.collections.action", [("id", "in", case["action_ids"]), ("action_type", "=", "dispute")]
        )
        assert rows, "a case in dispute has its dispute in the history"
    for action_type in ("email", "call", "promise", "payment_plan"):
        assert count("eh.collections.action", [("action_type", "=", action_type)]), action_type


def test_the_next_follow_up_date_is_searched_as_it_reads(admin_api, server_today):
    """An agent asks which cases are reminded within four days: the search agrees with
    the field it reads."""
    cases = search_read(admin_api, "eh.collections.case", [("state", "=", "open")], ["next_followup_date"])
    horizon = server_today + timedelta(days=4)
    dates = {
        case["id"]: case["next_followup_date"] and date.fromisoformat(case["next_followup_date"])
        for case in cases
    }
    soon = {id_ for id_, day in dates.items() if day and day <= horizon}
    undated = {id_ for id_, day in dates.items() if not day}
    assert soon and undated, "the demo has cases reminded soon and cases on hold"
    domain = [("state", "=", "open"), ("next_followup_date", "<=", horizon.isoformat())]
    assert set(admin_api.call("eh.collections.case", "search", domain=domain)) == soon
    domain = [("state", "=", "open"), ("next_followup_date", "=", False)]
    assert set(admin_api.call("eh.collections.case", "search", domain=domain)) == undated


def test_a_collector_reads_each_log_rows_status_over_json2(collector_api):
    """The History tab's one status column, as a client reads it: the row's state, or
    the delivery its channel reports (SMS and WhatsApp rows)."""
    rows = search_read(collector_api, "eh.collections.action", [], ["channel", "state", "status"])
    assert rows, "the demo's log"
    delivery = {"queued", "sent", "delivered", "read", "failed"}
    for row in rows:
        if row["channel"] in ("sms", "whatsapp"):
            assert row["status"] in delivery | {row["state"]}, row
        else:
            assert row["status"] == row["state"], row
