"""One source of truth, seen from outside: what a collector, a manager and an agent
may and may not do to a case over JSON-2, Odoo 19's API of record (bearer keys). The
server's own date (the `server_today` fixture) is the reference, never the client's
clock."""

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from e2e_api import ApiError

COLLECTORS = [f"e2e_collector_{n}" for n in range(1, 7)]
_taken = set()


def main_company(client):
    return client.call(
        "res.company", "search_read", domain=[("name", "!=", "EH Collections Europe")], fields=["id"]
    )[0]["id"]


def fresh_case(client, *domain, with_next_level=False):
    """An open case of the main company that no other test of this run touched (with a
    reminder level still ahead, when asked)."""
    cases = client.call(
        "eh.collections.case",
        "search_read",
        domain=[
            ("company_id", "=", main_company(client)),
            ("state", "=", "open"),
            ("paused", "=", False),
            ("disputed", "=", False),
            ("has_active_promise", "=", False),
            ("broken_promise", "=", False),
            ("id", "not in", sorted(_taken)),
            *domain,
        ],
        fields=["id", "days_overdue_max", "next_level_id"],
        order="days_overdue_max desc",
    )
    if with_next_level:
        cases = [case for case in cases if case["next_level_id"]]
    assert cases, "the demo has open cases left for this test"
    _taken.add(cases[0]["id"])
    return cases[0]["id"]


def read_case(client, case_id, fields):
    return client.call("eh.collections.case", "read", ids=[case_id], fields=fields)[0]


def refused(call, *args, **kwargs):
    with pytest.raises(ApiError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_promise_logged_by_create_stops_the_reminder_and_turns_the_next_action_to_monitor(
    api, server_today
):
    collector, admin = api("collector"), api("admin")
    case_id = fresh_case(admin, ("days_overdue_max", ">=", 60), with_next_level=True)
    before = read_case(collector, case_id, ["eh_ai_suggested_action"])
    assert before["eh_ai_suggested_action"] != "monitor"
    promised = server_today + dt.timedelta(days=6)
    collector.call(
        "eh.collections.action",
        "create",
        vals_list=[
            {
                "case_id": case_id,
                "action_type": "promise",
                "promise_amount": 250.0,
                "promise_date": str(promised),
            }
        ],
    )
    case = read_case(
        collector,
        case_id,
        [
            "has_active_promise",
            "promise_amount",
            "eh_ai_suggested_action",
            "eh_ai_action_group",
            "next_followup_date",
        ],
    )
    assert case["has_active_promise"] and case["promise_amount"] == 250.0
    assert case["eh_ai_suggested_action"] == case["eh_ai_action_group"] == "monitor"
    assert dt.date.fromisoformat(case["next_followup_date"]) == promised + dt.timedelta(days=1)

    def emails(domain):
        return admin.call(
            "eh.collections.action", "search_count", domain=[("action_type", "=", "email"), *domain]
        )

    sent_before, case_before = emails([]), emails([("case_id", "=", case_id)])
    [cron] = admin.call(
        "ir.model.data",
        "search_read",
        domain=[("module", "=", "eh_collections_case"), ("name", "=", "ir_cron_send_followups")],
        fields=["res_id"],
    )
    admin.call("ir.cron", "method_direct_trigger", ids=[cron["res_id"]])
    assert emails([("case_id", "=", case_id)]) == case_before, "the promised case got no reminder"
    assert emails([]) >= sent_before, "the cron ran"


def test_concurrent_creates_move_the_counters_by_exactly_what_they_logged(api):
    admin = api("admin")
    clients = [api(login) for login in COLLECTORS]
    case_id = fresh_case(admin)
    first = clients[0].call(
        "eh.collections.action",
        "create",
        vals_list=[
            {"case_id": case_id, "action_type": "call", "contact_made": True, "note": "e2e opening call"}
        ],
    )
    assert first
    before = read_case(admin, case_id, ["contact_count", "followup_count"])
    run = uuid.uuid4().hex[:8]
    calls = [(clients[n % len(clients)], n) for n in range(60)]

    def log(client_and_number):
        client, number = client_and_number
        return client.call(
            "eh.collections.action",
            "create",
            vals_list=[
                {
                    "case_id": case_id,
                    "action_type": "call",
                    "contact_made": True,
                    "note": f"e2e call {run} {number}",
                }
            ],
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(log, calls))
    assert len(results) == 60 and all(results)
    after = read_case(admin, case_id, ["contact_count", "followup_count"])
    assert after["contact_count"] - before["contact_count"] == 60
    assert after["followup_count"] - before["followup_count"] == 60
    rows = admin.call(
        "eh.collections.action",
        "search_read",
        domain=[("case_id", "=", case_id), ("note", "=like", f"e2e call {run} %")],
        fields=["user_id"],
    )
    assert len(rows) == 60
    assert {row["user_id"][0] for row in rows} == {
        client.uid for client in clients
    }, "each row by its own author"


@pytest.mark.parametrize("login", ["collector", "admin"])
def test_case_figures_cannot_be_written_by_hand(api, login):
    client = api(login)
    case_id = fresh_case(api("admin"))
    fields = ["total_overdue_amount", "followup_count", "state", "level_id", "paused", "promise_amount"]
    before = read_case(client, case_id, fields)
    for name, value, origin in (
        ("total_overdue_amount", 0, "from the ledger"),
        ("followup_count", 99, "counted from the case history"),
        ("state", "resolved", "action_refresh"),
        ("paused", True, "action_pause"),
        ("promise_amount", 1.0, "comes from the history"),
        ("eh_ai_action_group", "monitor", "recomputed"),
    ):
        error = refused(client.call, "eh.collections.case", "write", ids=[case_id], vals={name: value})
        assert "cannot be set by hand" in error.message and origin in error.message, error.message
    assert read_case(client, case_id, fields) == before
    assert client.call("eh.collections.case", "write", ids=[case_id], vals={"priority": "2"})
    assert read_case(client, case_id, ["priority"])["priority"] == "2"


def test_forged_authors_bad_promises_and_state_rows_are_refused(api, server_today):
    collector, admin = api("collector"), api("admin")
    case_id = fresh_case(admin)
    today = server_today

    def create(**values):
        return collector.call("eh.collections.action", "create", vals_list=[{"case_id": case_id, **values}])

    def history():
        return collector.call(
            "eh.collections.action",
            "search_read",
            domain=[("case_id", "=", case_id)],
            fields=["action_type", "user_id"],
            order="id",
        )

    before = history()

    for values, message in (
        ({"action_type": "call", "user_id": admin.uid}, "logged by the user who logs it"),
        ({"action_type": "call", "amount_at_action": 1.0}, "comes from the case"),
        ({"action_type": "promise", "promise_amount": -5.0, "promise_date": str(today)}, "greater than zero"),
        (
            {
                "action_type": "promise",
                "promise_amount": 50.0,
                "promise_date": str(today - dt.timedelta(days=1)),
            },
            "past",
        ),
        ({"action_type": "promise", "promise_amount": 50.0}, "date the customer will pay by"),
        ({"action_type": "call", "date": f"{today + dt.timedelta(days=2)} 09:00:00"}, "in the future"),
        ({"action_type": "pause", "note": "by hand"}, "action_pause(reason, pause_until)"),
        ({"action_type": "dispute", "note": "by hand"}, "action_dispute(reason)"),
        ({"action_type": "escalation", "note": "by hand"}, "action_escalate(reason)"),
        ({"action_type": "resolved", "note": "by hand"}, "action_refresh()"),
    ):
        assert message in refused(create, **values).message
    assert history() == before, "nothing was logged"
    # The named method is the path, with named arguments as JSON sends them.
    until = str(today + dt.timedelta(days=10))
    assert collector.call(
        "eh.collections.case", "action_pause", ids=[case_id], reason="Auditor", pause_until=until
    )
    assert read_case(collector, case_id, ["paused", "pause_until"]) == {
        "id": case_id,
        "paused": True,
        "pause_until": until,
    }
    assert (
        "needs a reason"
        in refused(collector.call, "eh.collections.case", "action_dispute", ids=[case_id], reason="").message
    )
    assert collector.call("eh.collections.case", "action_resume", ids=[case_id])
    rows = history()[len(before) :]
    assert [row["action_type"] for row in rows] == ["pause", "resume"]
    assert {row["user_id"][0] for row in rows} == {collector.uid}


def test_a_collector_of_another_company_neither_reads_nor_logs(api):
    stranger, admin = api("e2e_europe"), api("admin")
    case_id = fresh_case(admin)
    assert stranger.call("eh.collections.case", "search_count", domain=[("id", "=", case_id)]) == 0
    refused(
        stranger.call,
        "eh.collections.action",
        "create",
        vals_list=[{"case_id": case_id, "action_type": "call", "note": "from abroad"}],
    )
    assert not admin.call("eh.collections.action", "search_count", domain=[("note", "=", "from abroad")])


def test_reminders_and_fee_markers_move_only_through_their_actions(api):
    admin = api("admin")
    case_id = fresh_case(admin)
    error = refused(
        admin.call, "eh.collections.followup", "create", vals_list=[{"case_id": case_id, "state": "sent"}]
    )
    assert "not created by hand" in error.message
    [invoice] = admin.call(
        "account.move",
        "search_read",
        domain=[
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("company_id", "=", main_company(admin)),
        ],
        fields=["id"],
        limit=1,
    )
    for name, value in (("eh_fee_charged_until", "2026-01-01"), ("eh_compensation_charged", True)):
        error = refused(admin.call, "account.move", "write", ids=[invoice["id"]], vals={name: value})
        assert "set when late fees are posted" in error.message
