"""The WhatsApp channel as outside clients see it: a manager over JSON-2 is refused a
level that cannot send, a collector can neither read the company's secrets nor claim a
message, and Meta's webhook on the real server refuses what its app secret did not
sign."""

import json
import urllib.error
import urllib.request

import pytest
from e2e_api import ApiError


def test_a_level_sends_whatsapp_only_with_an_approved_template_name(admin_api):
    [level] = admin_api.call(
        "eh.collections.level",
        "search_read",
        domain=[("channel_whatsapp", "=", False)],
        fields=["name"],
        limit=1,
    )
    with pytest.raises(ApiError) as refused:
        admin_api.call("eh.collections.level", "write", ids=[level["id"]], vals={"channel_whatsapp": True})
    assert "sends WhatsApp: name its approved template" in refused.value.message
    with pytest.raises(ApiError) as refused:
        admin_api.call(
            "eh.collections.level",
            "write",
            ids=[level["id"]],
            vals={"channel_whatsapp": True, "whatsapp_template": "Pay now!"},
        )
    assert "lower case letters, digits and underscores" in refused.value.message


def test_a_collector_cannot_read_the_secrets_nor_claim_a_message(collector_api):
    [company] = collector_api.call("res.company", "search_read", domain=[], fields=["name"], limit=1)
    with pytest.raises(ApiError) as refused:
        collector_api.call("res.company", "read", ids=[company["id"]], fields=["eh_whatsapp_access_token"])
    assert refused.value.name == "odoo.exceptions.AccessError"
    [case] = collector_api.call(
        "eh.collections.case", "search_read", domain=[("state", "=", "open")], fields=["id"], limit=1
    )
    with pytest.raises(ApiError) as refused:
        collector_api.call(
            "eh.collections.whatsapp.message",
            "create",
            vals_list=[
                {"case_id": case["id"], "recipient_id": 1, "number": "+1", "template": "x", "language": "en"}
            ],
        )
    assert refused.value.name == "odoo.exceptions.AccessError"
    messages = collector_api.call("eh.collections.whatsapp.message", "search", domain=[], limit=1)
    with pytest.raises(ApiError) as refused:
        collector_api.call(
            "eh.collections.action",
            "create",
            vals_list=[
                {
                    "case_id": case["id"],
                    "action_type": "whatsapp",
                    "whatsapp_message_id": (messages or [1])[0],
                }
            ],
        )
    assert "leave whatsapp_message_id out" in refused.value.message


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_webhook_refuses_what_no_app_secret_signed(server_url):
    webhook = f"{server_url}/eh_collections/whatsapp/webhook"
    body = json.dumps({"entry": [{"changes": [{"value": {"statuses": [{"id": "x", "status": "read"}]}}]}]})
    assert post(webhook, body.encode(), {"Content-Type": "application/json"}) == 403
    forged = {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + "0" * 64}
    assert post(webhook, body.encode(), forged) == 403
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            f"{webhook}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess", timeout=10
        )
    assert refused.value.code == 403
