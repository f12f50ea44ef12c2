"""LLM providers: OpenAI-compatible Chat Completions and Anthropic Messages.

Each sends one system and one user message and returns the reply's text with the
token counts the provider reported. Transport is `requests` with a timeout and at
most one retry on 429 or 5xx; every failure is a `ProviderError` whose `reason`
is short and safe to log (it never contains the API key).
"""

import time
from dataclasses import dataclass, field

import requests

DEFAULT_TIMEOUT_S = 8.0
MAX_RETRY_WAIT_S = 2.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class ProviderError(Exception):
    """A provider call that gave no usable reply."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ProviderReply:
    text: str
    input_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True)
class ProviderConfig:
    """How to reach one provider. `api_key` is excluded from the repr."""

    kind: str  # "openai_compatible" or "anthropic"
    model: str
    base_url: str = ""
    api_key: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT_S
    max_tokens: int = 400

    def __post_init__(self):
        if self.kind not in ("openai_compatible", "anthropic"):
            raise ValueError(f"unknown provider kind {self.kind!r}")
        if not self.model:
            raise ValueError("a provider needs a model name")
        if self.timeout <= 0:
            raise ValueError("the timeout must be positive")


class _HttpProvider:
    """Shared transport: POST JSON, one bounded retry, errors by reason."""

    def __init__(self, config: ProviderConfig, session: requests.Session | None = None):
        self.config = config
        self.session = session or requests.Session()

    def _post(self, url: str, headers: dict, payload: dict) -> dict:
        """POST the payload; after a 429 or 5xx, wait (Retry-After, capped) and try once more."""
        response = self._send(url, headers, payload)
        if response.status_code in RETRY_STATUSES:
            time.sleep(_retry_wait(response))
            response = self._send(url, headers, payload)
        if response.status_code >= 400:
            raise ProviderError(f"http_{response.status_code}", _error_message(response))
        try:
            return response.json()
        except ValueError as error:
            raise ProviderError("bad_response", "the provider's answer is not JSON") from error

    def _send(self, url: str, headers: dict, payload: dict) -> requests.Response:
        try:
            return self.session.post(url, json=payload, headers=headers, timeout=self.config.timeout)
        except requests.Timeout as error:
            raise ProviderError("timeout", f"no answer within {self.config.timeout:g}s") from error
        except requests.RequestException as error:
            raise ProviderError("connection", type(error).__name__) from error

    def complete(self, system: str, user: str) -> ProviderReply:
        raise NotImplementedError


def _retry_wait(response: requests.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", "0.5")), MAX_RETRY_WAIT_S)
    except ValueError:
        return 0.5


def _error_message(response: requests.Response) -> str:
    try:
        error = response.json().get("error")
    except ValueError:
        return response.reason or ""
    if isinstance(error, dict):
        return str(error.get("message", ""))[:200]
    return str(error or response.reason or "")[:200]


class OpenAICompatibleProvider(_HttpProvider):
    """Chat Completions: OpenAI and the many gateways that speak its protocol."""

    default_base_url = "https://api.openai.com/v1"

    def complete(self, system: str, user: str) -> ProviderReply:
        base = (self.config.base_url or self.default_base_url).removesuffix("/")
        headers = {}  # requests sends the JSON body with its Content-Type
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        body = self._post(
            f"{base}/chat/completions",
            headers,
            {
                "model": self.config.model,
                "temperature": 0,
                "max_tokens": self.config.max_tokens,
                "response_format": {"type": "json_object"},
                "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            },
        )
        try:
            text = body["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as error:
            raise ProviderError("bad_response", "no choices[0].message.content") from error
        usage = body.get("usage") or {}
        return ProviderReply(str(text or ""), usage.get("prompt_tokens"), usage.get("completion_tokens"))


class AnthropicProvider(_HttpProvider):
    """Anthropic's Messages API."""

    default_base_url = "https://api.anthropic.com"
    api_version = "2023-06-01"

    def complete(self, system: str, user: str) -> ProviderReply:
        base = (self.config.base_url or self.default_base_url).removesuffix("/")
        headers = {"x-api-key": self.config.api_key, "anthropic-version": self.api_version}
        body = self._post(
            f"{base}/v1/messages",
            headers,
            {
                "model": self.config.model,
                "max_tokens": self.config.max_tokens,
                "temperature": 0,
                "system": system,
                "messages": [{"role": "user", "content": user}],
            },
        )
        try:
            text = "".join(part["text"] for part in body["content"] if part.get("type") == "text")
        except (KeyError, TypeError) as error:
            raise ProviderError("bad_response", "no text content") from error
        usage = body.get("usage") or {}
        return ProviderReply(text, usage.get("input_tokens"), usage.get("output_tokens"))


def make_provider(config: ProviderConfig, session: requests.Session | None = None) -> _HttpProvider:
    """The provider for a configuration."""
    if config.kind == "anthropic":
        return AnthropicProvider(config, session)
    return OpenAICompatibleProvider(config, session)
