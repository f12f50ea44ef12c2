"""An external client's view of the suite over JSON-2, and the one JSON-RPC check kept
while Odoo still answers the deprecated endpoint."""

from datetime import date

import odoorpc
import pytest
from e2e_api import ApiError, JsonRpcClient

SUITE = {"eh_collections_case", "eh_account_ai_agent", "eh_collections_next_action"}


def test_login_page_answers(server_url):
    import urllib.request

    with urllib.request.urlopen(f"{server_url}/web/login", timeout=30) as response:
        assert response.status == 200
        assert b"Log in" in response.read()


def test_suite_installed(admin_api):
    modules = admin_api.call(
        "ir.module.module", "search_read", domain=[("name", "in", sorted(SUITE))], fields=["name", "state"]
    )
    assert {m["name"]: m["state"] for m in modules} == dict.fromkeys(SUITE, "installed")


def test_demo_receivables_are_posted_and_overdue(admin_api, server_today):
    today = server_today.isoformat()

    def moves(domain, fields):
        return admin_api.call("account.move", "search_read", domain=domain, fields=fields)

    def count(domain):
        return admin_api.call("account.move", "search_count", domain=domain)

    overdue = moves(
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
    assert count([("move_type", "=", "out_invoice"), ("payment_state", "=", "partial")]) >= 3
    assert count([("move_type", "=", "out_refund"), ("state", "=", "posted")]) >= 3


def test_collector_reaches_cases_not_configuration(collector_api, admin_api):
    uid = collector_api.uid
    assert collector_api.call(
        "res.users", "has_group", ids=[uid], group_ext_id="eh_collections_case.group_collections_user"
    )
    assert not collector_api.call(
        "res.users", "has_group", ids=[uid], group_ext_id="eh_collections_case.group_collections_manager"
    )
    [me] = collector_api.call("res.users", "read", ids=[uid], fields=["company_ids", "company_id"])
    mine = collector_api.call("eh.collections.case", "search_count", domain=[])
    assert mine > 0
    assert mine == admin_api.call(
        "eh.collections.case", "search_count", domain=[("company_id", "in", me["company_ids"])]
    )
    with pytest.raises(ApiError) as refused:
        collector_api.call("res.company", "write", ids=[me["company_id"][0]], vals={"name": "Hijacked"})
    assert (refused.value.status, refused.value.name) == (403, "odoo.exceptions.AccessError")


def test_the_deprecated_json_rpc_still_answers(server_url, e2e_db, e2e_users):
    """One check on /jsonrpc while Odoo 19 keeps it (it goes in Odoo 20): odoorpc logs
    in and reads the cases, and a refusal still comes back as an error."""
    host, port = server_url.removeprefix("http://").split(":")
    client = odoorpc.ODOO(host, port=int(port), timeout=60)
    client.login(e2e_db, "collector", "collector")
    assert client.env["eh.collections.case"].search_count([("state", "=", "open")]) > 0
    raw = JsonRpcClient(server_url, e2e_db, e2e_users["collector"])
    [case_id] = raw.call("eh.collections.case", "search", domain=[("state", "=", "open")], limit=1)
    with pytest.raises(ApiError, match=r"changes the case: it is written by the case itself"):
        raw.call("eh.collections.action", "create", vals_list=[{"case_id": case_id, "action_type": "pause"}])
