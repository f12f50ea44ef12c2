"""The WhatsApp Cloud API client against a Graph API on 127.0.0.1: what goes over
the wire, and what each answer (or none) becomes."""

import hashlib
import hmac

import pytest
from eh_collections_whatsapp.tools import (
    language_code,
    send_template,
    signature_valid,
    statuses,
    template_payload,
)
from llm_server import Reply

PAYLOAD = template_payload(
    "+32456998877", "payment_reminder", "fr", ["Gemini", "1 000,00 €", "ACME", "https://x/pay"]
)


def send(llm, timeout=2.0):
    return send_template(f"{llm.url}/v21.0", "1065", "EAAG-token", PAYLOAD, timeout)


def test_the_message_is_an_approved_template_with_its_body_parameters_in_order(llm):
    llm.replies = [Reply(200, {"messaging_product": "whatsapp", "messages": [{"id": "wamid.1"}]})]
    result = send(llm)
    assert (result.sent, result.message_id) == (True, "wamid.1")
    [request] = llm.requests
    assert request["path"] == "/v21.0/1065/messages"
    assert request["headers"]["Authorization"] == "Bearer EAAG-token"
    assert request["json"]["to"] == "32456998877"
    assert request["json"]["template"]["language"] == {"code": "fr"}
    texts = [p["text"] for p in request["json"]["template"]["components"][0]["parameters"]]
    assert texts == ["Gemini", "1 000,00 €", "ACME", "https://x/pay"]


@pytest.mark.parametrize(
    ("reply", "kind", "detail"),
    [
        (
            Reply(401, {"error": {"message": "Invalid OAuth access token", "code": 190}}),
            "bad_token",
            "Invalid OAuth",
        ),
        (Reply(400, {"error": {"message": "token expired", "code": 190}}), "bad_token", "token expired"),
        (
            Reply(
                400,
                {
                    "error": {
                        "message": "(#132001)",
                        "code": 132001,
                        "error_data": {"details": "no such template"},
                    }
                },
            ),
            "rejected",
            "no such template",
        ),
        (
            Reply(
                429, {"error": {"message": "Rate limit hit", "code": 130429}}, headers={"Retry-After": "30"}
            ),
            "rate_limited",
            "Rate limit",
        ),
        (Reply(400, {"error": {"message": "Too many messages", "code": 131056}}), "rate_limited", "Too many"),
        (Reply(200, {"messages": []}), "malformed", "messages"),
        (Reply(200, "<html>proxy error</html>"), "malformed", "proxy error"),
        (Reply(502, "Bad gateway"), "rejected", "Bad Gateway"),
    ],
)
def test_each_refusal_has_its_kind_and_metas_own_words(llm, reply, kind, detail):
    llm.replies = [reply]
    result = send(llm)
    assert not result.sent
    assert result.kind == kind
    assert detail in result.detail


def test_the_wait_the_api_asks_for_is_kept(llm):
    llm.replies = [Reply(429, {"error": {"code": 130429}}, headers={"Retry-After": "30"})]
    assert send(llm).retry_after == 30.0
    llm.replies = [Reply(429, {"error": {"code": 130429}})]
    assert send(llm).retry_after is None


def test_no_answer_in_time_is_a_timeout_not_an_error(llm):
    llm.replies = [Reply(200, {"messages": [{"id": "wamid.late"}]}, delay=1.5)]
    result = send(llm, timeout=0.5)
    assert (result.sent, result.kind, result.detail) == (False, "timeout", "0.5 s")


def test_an_unreachable_api_says_so():
    result = send_template("http://127.0.0.1:9", "1065", "t", PAYLOAD, 1.0)
    assert result.kind == "unreachable"


def test_a_signature_is_the_hmac_of_the_raw_body_with_the_app_secret():
    body = b'{"entry": []}'
    good = "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert signature_valid("secret", body, good)
    assert not signature_valid("other", body, good)
    assert not signature_valid("secret", body + b" ", good)
    assert not signature_valid("secret", body, good.removeprefix("sha256="))
    assert not signature_valid("", body, good)
    assert not signature_valid("secret", body, "")


def test_statuses_are_read_and_anything_malformed_skipped():
    payload = {
        "entry": [
            "junk",
            {
                "changes": [
                    {
                        "value": {
                            "metadata": {"phone_number_id": "1065"},
                            "statuses": [
                                {"id": "wamid.1", "status": "delivered"},
                                {
                                    "id": "wamid.2",
                                    "status": "failed",
                                    "errors": [{"code": 131026, "title": "Undeliverable"}],
                                },
                                {"id": "wamid.3", "status": "exploded"},
                                {"status": "read"},
                                7,
                            ],
                        }
                    },
                    {"value": {"messages": [{"from": "32456998877", "text": {"body": "paid!"}}]}},
                    {"value": "junk"},
                ]
            },
        ]
    }
    found = statuses(payload)
    assert [(s.message_id, s.status, s.phone_number_id, s.error) for s in found] == [
        ("wamid.1", "delivered", "1065", ""),
        ("wamid.2", "failed", "1065", "Undeliverable"),
    ]
    assert statuses([]) == statuses({"entry": "x"}) == statuses(None) == []


def test_languages_are_named_as_meta_names_them():
    assert [language_code(code) for code in ("fr_FR", "de_DE", "pt_BR", "en_US", "nl_BE", "es_ES", "")] == [
        "fr",
        "de",
        "pt_BR",
        "en_US",
        "nl",
        "es_ES",
        "en_US",
    ]
