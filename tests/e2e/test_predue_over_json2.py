"""Coming-due notices as outside clients see them: only the follow-up cron writes one,
and a level before the due date refuses what it cannot do, over JSON-2 as in the form."""

import pytest
from e2e_api import ApiError


def test_nobody_writes_a_coming_due_notice_by_hand(collector_api, admin_api):
    [case] = collector_api.call(
        "eh.collections.case", "search_read", domain=[("state", "=", "open")], fields=["partner_id"], limit=1
    )
    [level] = admin_api.call(
        "eh.collections.level", "search_read", domain=[("days_overdue", "<", 0)], fields=["name"], limit=1
    )
    notice = {"partner_id": case["partner_id"][0], "level_id": level["id"], "state": "sent"}
    for api in (collector_api, admin_api):
        with pytest.raises(ApiError) as refused:
            api.call("eh.collections.predue.notice", "create", vals_list=[notice])
        assert refused.value.name == "odoo.exceptions.AccessError"
    assert isinstance(collector_api.call("eh.collections.predue.notice", "search_count", domain=[]), int)


def test_a_level_before_the_due_date_sends_its_email_only(admin_api):
    [level] = admin_api.call(
        "eh.collections.level", "search_read", domain=[("days_overdue", "<", 0)], fields=["name"], limit=1
    )
    for vals in ({"channel_letter": True}, {"channel_call": True}, {"needs_approval": True}):
        with pytest.raises(ApiError) as refused:
            admin_api.call("eh.collections.level", "write", ids=[level["id"]], vals=vals)
        assert "comes before the due date" in refused.value.message
