"""An external client's view of the suite: JSON-RPC against a running server."""

from datetime import date

SUITE = {"eh_collections_case", "eh_account_ai_agent", "eh_collections_next_action"}


def test_login_page_answers(odoo_server):
    import urllib.request

    host, port = odoo_server
    with urllib.request.urlopen(f"http://{host}:{port}/web/login", timeout=30) as response:
        assert response.status == 200
        assert b"Log in" in response.read()


def test_suite_installed(rpc):
    modules = rpc.env["ir.module.module"].search_read([("name", "in", sorted(SUITE))], ["name", "state"])
    assert {m["name"]: m["state"] for m in modules} == dict.fromkeys(SUITE, "installed")


def test_demo_receivables_are_posted_and_overdue(rpc, server_today):
    today = server_today.isoformat()
    Move = rpc.env["account.move"]
    overdue = Move.search_read(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<", today),
        ],
        ["currency_id", "company_id", "invoice_date_due"],
    )
    assert len(overdue) >= 40
    assert len({m["currency_id"][1] for m in overdue}) == 2, "two currencies"
    assert len({m["company_id"][0] for m in overdue}) == 2, "two companies"
    oldest = min(m["invoice_date_due"] for m in overdue)
    assert (server_today - date.fromisoformat(oldest)).days > 200
    partial = Move.search_count([("move_type", "=", "out_invoice"), ("payment_state", "=", "partial")])
    assert partial >= 3
    refunds = Move.search_count([("move_type", "=", "out_refund"), ("state", "=", "posted")])
    assert refunds >= 3


def test_collector_reaches_cases_not_configuration(collector_rpc, rpc):
    import odoorpc

    users = collector_rpc.env["res.users"]
    uid = collector_rpc.env.uid
    assert users.has_group(uid, "eh_collections_case.group_collections_user")
    assert not users.has_group(uid, "eh_collections_case.group_collections_manager")
    companies = collector_rpc.env.user.company_ids.ids
    mine = collector_rpc.env["eh.collections.case"].search_count([])
    assert mine > 0
    assert mine == rpc.env["eh.collections.case"].search_count([("company_id", "in", companies)])
    try:
        collector_rpc.env["res.company"].write([collector_rpc.env.user.company_id.id], {"name": "Hijacked"})
    except odoorpc.error.RPCError as error:
        assert "not allowed" in str(error) or "access" in str(error).lower()
    else:
        raise AssertionError("a collector must not edit the company")
