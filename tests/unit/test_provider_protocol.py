"""What each provider sends and how it reads the answer, byte for byte, against a real
HTTP server on 127.0.0.1; and the small rules around it (configuration, retry waits,
error messages)."""

import json

import pytest
import requests
from llm_server import Reply, anthropic_body, openai_body

from eh_account_ai_agent.tools import ProviderConfig, make_provider
from eh_account_ai_agent.tools.providers import (
    MAX_RETRY_WAIT_S,
    AnthropicProvider,
    OpenAICompatibleProvider,
    ProviderError,
    _error_message,
    _retry_wait,
)


class FakeResponse:
    """The two things `_retry_wait` and `_error_message` read from a response."""

    def __init__(self, headers=None, body=None, reason="Too Many Requests"):
        self.headers = headers or {}
        self._body = body
        self.reason = reason

    def json(self):
        if isinstance(self._body, str):
            return json.loads(self._body)
        return self._body


def test_openai_compatible_request_and_reply(llm):
    llm.replies = [Reply(200, openai_body('{"a": 1}', prompt_tokens=7, completion_tokens=3))]
    config = ProviderConfig("openai_compatible", "gpt-x", f"{llm.url}/v1/", api_key="sk-1", max_tokens=99)
    reply = make_provider(config).complete("SYSTEM", "USER")
    assert (reply.text, reply.input_tokens, reply.output_tokens) == ('{"a": 1}', 7, 3)
    [request] = llm.requests
    assert request["path"] == "/v1/chat/completions", "the trailing slash of the base URL is dropped"
    assert request["headers"]["Authorization"] == "Bearer sk-1"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {
        "model": "gpt-x",
        "temperature": 0,
        "max_tokens": 99,
        "response_format": {"type": "json_object"},
        "messages": [{"role": "system", "content": "SYSTEM"}, {"role": "user", "content": "USER"}],
    }


def test_openai_compatible_without_key_sends_no_authorization(llm):
    llm.replies = [Reply(200, {"choices": [{"message": {"content": None}}]})]
    reply = make_provider(ProviderConfig("openai_compatible", "local", f"{llm.url}/v1")).complete("s", "u")
    assert (reply.text, reply.input_tokens, reply.output_tokens) == ("", None, None)
    assert "Authorization" not in llm.requests[0]["headers"]


def test_anthropic_request_and_reply(llm):
    body = anthropic_body("first", input_tokens=11, output_tokens=5)
    body["content"] += [{"type": "tool_use", "text": "ignored"}, {"type": "text", "text": " second"}]
    llm.replies = [Reply(200, body)]
    config = ProviderConfig("anthropic", "claude-x", f"{llm.url}/", api_key="sk-ant", max_tokens=77)
    reply = make_provider(config).complete("SYSTEM", "USER")
    assert (reply.text, reply.input_tokens, reply.output_tokens) == ("first second", 11, 5)
    [request] = llm.requests
    assert request["path"] == "/v1/messages", "the trailing slash of the base URL is dropped"
    assert request["headers"]["x-api-key"] == "sk-ant"
    assert request["headers"]["anthropic-version"] == "2023-06-01"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {
        "model": "claude-x",
        "max_tokens": 77,
        "temperature": 0,
        "system": "SYSTEM",
        "messages": [{"role": "user", "content": "USER"}],
    }


def test_default_endpoints_and_kinds():
    assert isinstance(make_provider(ProviderConfig("anthropic", "m")), AnthropicProvider)
    assert isinstance(make_provider(ProviderConfig("openai_compatible", "m")), OpenAICompatibleProvider)
    session = requests.Session()
    for kind in ("anthropic", "openai_compatible"):
        assert make_provider(ProviderConfig(kind, "m"), session).session is session, "the caller's session"
    assert OpenAICompatibleProvider.default_base_url == "https://api.openai.com/v1"
    assert AnthropicProvider.default_base_url == "https://api.anthropic.com"


@pytest.mark.parametrize(
    ("kind", "body", "detail"),
    [
        ("openai_compatible", {}, "no choices[0].message.content"),
        ("openai_compatible", {"choices": []}, "no choices[0].message.content"),
        ("openai_compatible", {"choices": [None]}, "no choices[0].message.content"),
        ("anthropic", {}, "no text content"),
        ("anthropic", {"content": None}, "no text content"),
    ],
)
def test_an_empty_or_shapeless_200_is_a_bad_response(llm, kind, body, detail):
    llm.replies = [Reply(200, body)]
    base = f"{llm.url}/v1" if kind == "openai_compatible" else llm.url
    with pytest.raises(ProviderError) as caught:
        make_provider(ProviderConfig(kind, "m", base)).complete("s", "u")
    assert (caught.value.reason, caught.value.detail) == ("bad_response", detail)
    assert str(caught.value) == f"bad_response: {detail}"


def test_a_non_json_200_is_a_bad_response(llm):
    llm.replies = [Reply(200, "<html>gateway</html>")]
    with pytest.raises(ProviderError) as caught:
        make_provider(ProviderConfig("openai_compatible", "m", f"{llm.url}/v1")).complete("s", "u")
    assert (caught.value.reason, caught.value.detail) == ("bad_response", "the provider's answer is not JSON")


def test_a_4xx_is_not_retried_and_carries_the_providers_message(llm):
    llm.replies = [Reply(400, {"error": {"message": "context too long"}}), Reply(200, openai_body("{}"))]
    with pytest.raises(ProviderError) as caught:
        make_provider(ProviderConfig("openai_compatible", "m", f"{llm.url}/v1")).complete("s", "u")
    assert (caught.value.reason, caught.value.detail) == ("http_400", "context too long")
    assert len(llm.requests) == 1


def test_a_second_5xx_gives_up(llm):
    llm.replies = [
        Reply(503, {"error": "down"}, headers={"Retry-After": "0"}),
        Reply(502, {"error": "still down"}),
    ]
    with pytest.raises(ProviderError) as caught:
        make_provider(ProviderConfig("openai_compatible", "m", f"{llm.url}/v1")).complete("s", "u")
    assert (caught.value.reason, caught.value.detail) == ("http_502", "still down")
    assert len(llm.requests) == 2


def test_a_slow_provider_is_a_timeout(llm):
    llm.replies = [Reply(200, openai_body("{}"), delay=3.0)]
    with pytest.raises(ProviderError) as caught:
        make_provider(ProviderConfig("openai_compatible", "m", f"{llm.url}/v1", timeout=0.25)).complete(
            "s", "u"
        )
    assert (caught.value.reason, caught.value.detail) == ("timeout", "no answer within 0.25s")


def test_an_unreachable_provider_is_a_connection_error():
    with pytest.raises(ProviderError) as caught:
        make_provider(ProviderConfig("openai_compatible", "m", "http://127.0.0.1:9/v1", timeout=2)).complete(
            "s", "u"
        )
    assert caught.value.reason == "connection"
    assert caught.value.detail == "ConnectionError"


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({}, 0.5),  # no Retry-After: half a second
        ({"Retry-After": "1.25"}, 1.25),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "120"}, MAX_RETRY_WAIT_S),  # never longer than the cap
        ({"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, 0.5),  # a date, or garbage: the default
        ({"Retry-After": "soon"}, 0.5),
    ],
)
def test_retry_wait(headers, wait):
    assert MAX_RETRY_WAIT_S == 2.0
    assert _retry_wait(FakeResponse(headers)) == wait


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"error": {"message": "Incorrect API key"}}, "Incorrect API key"),
        ({"error": {"code": 7}}, ""),
        ({"error": "rate limited"}, "rate limited"),
        ({"error": None}, "Too Many Requests"),
        ({}, "Too Many Requests"),
        ("not json", "Too Many Requests"),
        ({"error": {"message": "x" * 500}}, "x" * 200),
        ({"error": "y" * 500}, "y" * 200),
    ],
)
def test_error_message(body, message):
    assert _error_message(FakeResponse(body=body)) == message


def test_error_message_without_a_reason():
    assert _error_message(FakeResponse(body="not json", reason=None)) == ""
    assert _error_message(FakeResponse(body={}, reason=None)) == ""


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "gemini", "model": "m"}, "unknown provider kind 'gemini'"),
        ({"kind": "anthropic", "model": ""}, "a provider needs a model name"),
        ({"kind": "anthropic", "model": "m", "timeout": 0}, "the timeout must be positive"),
        ({"kind": "anthropic", "model": "m", "timeout": -1}, "the timeout must be positive"),
    ],
)
def test_provider_config_validation(values, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        ProviderConfig(**values)


def test_provider_config_defaults_and_the_key_out_of_its_repr():
    config = ProviderConfig("anthropic", "m", api_key="sk-hidden")
    assert (config.base_url, config.timeout, config.max_tokens) == ("", 8.0, 400)
    assert "sk-hidden" not in repr(config)
    assert ProviderConfig("anthropic", "m", timeout=0.01).timeout == 0.01


def test_provider_error_text():
    assert str(ProviderError("timeout")) == "timeout"
    assert str(ProviderError("http_500", "boom")) == "http_500: boom"
    error = ProviderError("connection", "refused")
    assert (error.reason, error.detail) == ("connection", "refused")


@pytest.mark.parametrize("kind", ["openai_compatible", "anthropic"])
def test_the_retry_sends_the_same_request_again(llm, kind):
    body = openai_body('{"a": 1}') if kind == "openai_compatible" else anthropic_body('{"a": 1}')
    llm.replies = [Reply(429, {"error": "slow down"}, headers={"Retry-After": "0"}), Reply(200, body)]
    base = f"{llm.url}/v1" if kind == "openai_compatible" else llm.url
    make_provider(ProviderConfig(kind, "m", base, api_key="sk-retry")).complete("S", "U")
    first, second = llm.requests
    assert second["json"] == first["json"]
    assert second["path"] == first["path"]
    for header in ("Authorization", "x-api-key", "anthropic-version", "Content-Type"):
        assert second["headers"].get(header) == first["headers"].get(header)


def test_anthropic_drops_the_trailing_slash_of_a_gateway_base_url(llm):
    # (behind a path: Python's HTTP server folds a doubled slash at the start of a path)
    llm.replies = [Reply(200, anthropic_body('{"a": 1}'))]
    make_provider(ProviderConfig("anthropic", "claude-x", f"{llm.url}/gateway/", api_key="k")).complete(
        "S", "U"
    )
    assert llm.requests[0]["path"] == "/gateway/v1/messages"
