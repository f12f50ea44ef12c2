"""The part of the WhatsApp Business Cloud API a reminder needs: send one approved
template message, check a webhook's signature, read the statuses it reports.

No Odoo import: what goes over the wire is testable alone. Outcomes come back as
kinds, not sentences; the Odoo side words them in the user's language."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

import requests

# Meta's error codes for "too many messages, try later" (besides HTTP 429).
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056})
# Meta's code for an access token that is invalid or expired (besides HTTP 401).
BAD_TOKEN_CODE = 190
# Languages Meta names with their region; every other one by its language alone.
REGIONAL_LANGUAGES = frozenset(
    {"en_GB", "en_US", "es_AR", "es_ES", "es_MX", "pt_BR", "pt_PT", "zh_CN", "zh_HK", "zh_TW"}
)
# How statuses rank: a late "delivered" never takes a message back from "read".
STATUS_ORDER = {"sent": 1, "delivered": 2, "read": 3}


@dataclass(frozen=True)
class SendResult:
    """What the API did with a message: `message_id` when it took it; otherwise
    `kind` says why not (`rate_limited`, `bad_token`, `rejected`, `timeout`,
    `unreachable`, `malformed`) and `detail` is Meta's own text."""

    message_id: str = ""
    kind: str = "sent"
    detail: str = ""
    code: int | None = None
    retry_after: float | None = None

    @property
    def sent(self) -> bool:
        return bool(self.message_id)


@dataclass(frozen=True)
class Status:
    """One status a webhook reports: the message's id (wamid), its new status
    (`sent`, `delivered`, `read`, `failed`), the business number it went from, and
    Meta's reason when it failed."""

    message_id: str
    status: str
    phone_number_id: str
    error: str = ""


def language_code(lang: str) -> str:
    """Meta's code for an Odoo language: `pt_BR` stays, `fr_FR` becomes `fr`."""
    lang = lang or "en_US"
    return lang if lang in REGIONAL_LANGUAGES else lang.split("_")[0]


def template_payload(to: str, template: str, language: str, parameters: list[str]) -> dict[str, Any]:
    """The JSON of a template message to the number `to` (E.164, with or without +),
    its body's {{1}}, {{2}}... filled with `parameters` in order."""
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.lstrip("+"),
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": language},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in parameters]}
            ],
        },
    }


def send_template(
    base_url: str, phone_number_id: str, token: str, payload: dict[str, Any], timeout: float
) -> SendResult:
    """POST the message to `<base_url>/<phone_number_id>/messages`. Never raises: a
    timeout is its own kind, since the message may have gone and must not be sent again."""
    url = f"{base_url.rstrip('/')}/{phone_number_id}/messages"
    try:
        response = requests.post(
            url, json=payload, headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )
    except requests.Timeout:
        return SendResult(kind="timeout", detail=f"{timeout:g} s")
    except requests.RequestException as error:
        return SendResult(kind="unreachable", detail=str(error))
    body = _json_object(response.text)
    if response.status_code == 200:
        messages = body.get("messages")
        first = messages[0] if isinstance(messages, list) and messages else {}
        message_id = first.get("id") if isinstance(first, dict) else None
        if isinstance(message_id, str) and message_id:
            return SendResult(message_id=message_id)
        return SendResult(kind="malformed", detail=response.text[:200])
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    details = (
        error.get("error_data", {}).get("details") if isinstance(error.get("error_data"), dict) else None
    )
    detail = str(details or error.get("message") or response.reason or response.status_code)
    if response.status_code == 429 or code in RATE_LIMIT_CODES:
        return SendResult(kind="rate_limited", detail=detail, code=code, retry_after=_retry_after(response))
    if response.status_code == 401 or code == BAD_TOKEN_CODE:
        return SendResult(kind="bad_token", detail=detail, code=code)
    return SendResult(kind="rejected", detail=detail, code=code)


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    """Whether `header` (X-Hub-Signature-256, "sha256=<hex>") is the HMAC-SHA256 of
    the raw `body` with the app secret, compared in constant time."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def statuses(payload: Any) -> list[Status]:
    """The message statuses of a webhook's JSON, skipping anything malformed (and the
    customers' own messages, which a reminder does not read here)."""
    found = []
    for entry in _dicts(payload.get("entry") if isinstance(payload, dict) else None):
        for change in _dicts(entry.get("changes")):
            value = change.get("value") if isinstance(change.get("value"), dict) else {}
            metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            for status in _dicts(value.get("statuses")):
                message_id, state = status.get("id"), status.get("status")
                if not (isinstance(message_id, str) and state in (*STATUS_ORDER, "failed")):
                    continue
                errors = list(_dicts(status.get("errors")))
                error = errors[0] if errors else {}
                reason = (
                    error.get("error_data", {}).get("details")
                    if isinstance(error.get("error_data"), dict)
                    else ""
                )
                found.append(
                    Status(
                        message_id=message_id,
                        status=state,
                        phone_number_id=str(metadata.get("phone_number_id") or ""),
                        error=str(reason or error.get("title") or error.get("message") or ""),
                    )
                )
    return found


def _dicts(value: Any):
    return (item for item in value if isinstance(item, dict)) if isinstance(value, list) else ()


def _json_object(text: str) -> dict[str, Any]:
    try:
        body = json.loads(text)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(response: requests.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None
