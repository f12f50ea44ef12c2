"""Customer replies as an outside client sees them over JSON-2: the demo's replies read
from mail the gateway routed, a collector's decisions, and nothing written by hand."""

import pytest
from e2e_api import ApiError

FIELDS = [
    "case_id",
    "kind",
    "promise_date",
    "dispute_reason",
    "invoice_ids",
    "summary",
    "state",
    "company_id",
]


def replies(client, **domain):
    conditions = [("state", "=", "to_review"), *((key, "=", value) for key, value in domain.items())]
    return client.call("eh.collections.reply", "search_read", domain=conditions, fields=FIELDS, order="id")


def test_the_demo_replies_were_read_and_one_waits_to_be_sorted(collector_api):
    kinds = {reply["kind"] for reply in replies(collector_api) if reply["case_id"]}
    assert {"promise", "dispute", "out_of_office"} <= kinds
    [dispute] = replies(collector_api, kind="dispute")[:1]
    assert dispute["invoice_ids"], "the dispute names the invoice the customer wrote"
    assert [
        r for r in replies(collector_api) if not r["case_id"]
    ], "a mail from nobody known waits to be sorted"


def test_a_collector_accepts_a_promise_and_the_case_holds_it(collector_api):
    [promise] = [r for r in replies(collector_api, kind="promise") if r["case_id"]][:1]
    case_id = promise["case_id"][0]
    assert collector_api.call("eh.collections.reply", "action_accept", ids=[promise["id"]]) is True
    [case] = collector_api.call(
        "eh.collections.case",
        "read",
        ids=[case_id],
        fields=["has_active_promise", "promise_date", "followup_due"],
    )
    assert case["has_active_promise"] and case["promise_date"] == promise["promise_date"]
    assert not case["followup_due"], "a promise stops the reminders"
    with pytest.raises(ApiError) as refused:
        collector_api.call("eh.collections.reply", "action_accept", ids=[promise["id"]])
    assert "already accepted" in refused.value.message


def test_replies_change_only_through_their_buttons(admin_api, collector_api):
    [reply] = [r for r in replies(collector_api) if r["case_id"]][:1]
    for client in (collector_api, admin_api):
        with pytest.raises(ApiError) as refused:
            client.call("eh.collections.reply", "write", ids=[reply["id"]], vals={"state": "accepted"})
        assert refused.value.name == "odoo.exceptions.UserError"
        assert "action_accept() or action_reject(reason)" in refused.value.message
        with pytest.raises(ApiError) as refused:
            client.call("eh.collections.reply", "create", vals_list=[{"company_id": reply["company_id"][0]}])
        assert "mail gateway" in refused.value.message
    with pytest.raises(ApiError) as refused:
        collector_api.call("eh.collections.reply", "action_reject", ids=[reply["id"]], reason="")
    assert "needs a reason" in refused.value.message
    assert collector_api.call(
        "eh.collections.reply", "action_reject", ids=[reply["id"]], reason="Logged by phone"
    )


def test_another_companys_collector_and_an_employee_see_none_of_them(api):
    ours = {reply["id"] for reply in replies(api("e2e_collector_1"))}
    europe = {reply["id"] for reply in replies(api("e2e_europe"))}
    assert ours and not ours & europe
    with pytest.raises(ApiError) as refused:
        replies(api("e2e_employee"))
    assert refused.value.name == "odoo.exceptions.AccessError"


def test_the_context_keys_an_older_version_trusted_open_no_door(admin_api, collector_api):
    """A key of Odoo's context travels with every call, so the reply's own paths and
    "came through the mail gateway" are marks no request can carry: the keys they once
    were change nothing, for a collector or an administrator."""
    [case] = collector_api.call(
        "eh.collections.case", "search_read", domain=[("state", "=", "open")], fields=["partner_id"], limit=1
    )
    for client in (collector_api, admin_api):
        with pytest.raises(ApiError):  # no group may create one (access rights), and no key opens it
            client.call(
                "eh.collections.reply",
                "create",
                vals_list=[{"case_id": case["id"], "kind": "promise"}],
                context={"eh_reply_method": True},
            )
        [reply] = client.call("eh.collections.reply", "search_read", domain=[], fields=["state"], limit=1)
        with pytest.raises(ApiError) as refused:
            client.call(
                "eh.collections.reply",
                "write",
                ids=[reply["id"]],
                vals={"state": "accepted"},
                context={"eh_reply_method": True},
            )
        assert "action_accept() or action_reject(reason)" in refused.value.message

    def held():
        [row] = collector_api.call("eh.collections.case", "read", ids=[case["id"]], fields=["reminder_hold"])
        return row["reminder_hold"]

    before = collector_api.call("eh.collections.reply", "search_count", domain=[("case_id", "=", case["id"])])
    # A mail "from the customer", posted by a collector with the gateway's old flag: a
    # note on the case, never a reply to review that would hold the reminders.
    collector_api.call(
        "eh.collections.case",
        "message_post",
        ids=[case["id"]],
        body="We will pay the full balance next Friday.",
        message_type="email",
        author_id=case["partner_id"][0],
        context={"eh_mail_headers": {}},
    )
    after = collector_api.call("eh.collections.reply", "search_count", domain=[("case_id", "=", case["id"])])
    assert after == before
    assert "waiting to be read" not in (held() or "")
