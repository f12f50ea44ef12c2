"""The SMS channel as an outside client sees it over JSON-2: a manager sets a level to
send SMS, bad templates are refused in words, and a collector cannot log an SMS the
suite did not send."""

import pytest
from e2e_api import ApiError


def test_a_level_sends_sms_only_with_a_template_that_prints_the_pay_link(admin_api):
    [level] = admin_api.call(
        "eh.collections.level",
        "search_read",
        domain=[("channel_sms", "=", False)],
        fields=["name"],
        limit=1,
    )
    with pytest.raises(ApiError) as refused:
        admin_api.call("eh.collections.level", "write", ids=[level["id"]], vals={"channel_sms": True})
    assert "sends an SMS: choose its SMS template" in refused.value.message
    [template] = admin_api.call(
        "sms.template",
        "search_read",
        domain=[("model", "=", "eh.collections.case")],
        fields=["body"],
        limit=1,
    )
    assert "eh_sms_pay_url" in template["body"]
    assert admin_api.call(
        "eh.collections.level",
        "write",
        ids=[level["id"]],
        vals={"channel_sms": True, "sms_template_id": template["id"]},
    )
    try:
        with pytest.raises(ApiError) as refused:
            admin_api.call("sms.template", "write", ids=[template["id"]], vals={"body": "Please pay us."})
        assert "must print the pay link" in refused.value.message
    finally:
        admin_api.call("eh.collections.level", "write", ids=[level["id"]], vals={"channel_sms": False})


def test_a_collector_cannot_log_an_sms_the_suite_did_not_send(collector_api):
    [case] = collector_api.call(
        "eh.collections.case", "search_read", domain=[("state", "=", "open")], fields=["id"], limit=1
    )
    [message] = collector_api.call(
        "mail.message", "search_read", domain=[("model", "=", "eh.collections.case")], fields=["id"], limit=1
    )
    with pytest.raises(ApiError) as refused:
        collector_api.call(
            "eh.collections.action",
            "create",
            vals_list=[{"case_id": case["id"], "action_type": "sms", "sms_message_id": message["id"]}],
        )
    assert "leave sms_message_id out" in refused.value.message
