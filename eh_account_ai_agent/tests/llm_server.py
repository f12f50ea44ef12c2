"""A scripted LLM provider on 127.0.0.1 for the tests: real sockets, real HTTP."""

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: object = None  # dict (sent as JSON) or str (sent as is)
    delay: float = 0.0
    headers: dict = field(default_factory=dict)
    # Called with the request received (its "headers" and "raw" bytes) to add headers
    # that depend on it, as a signature over the request's nonce.
    sign: object = None


class ScriptedLLM:
    """Answers each POST with the next scripted Reply and records what it got."""

    def __init__(self):
        self.replies: list[Reply] = []
        self.requests: list[dict] = []
        self.abandoned = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                request = {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "raw": raw,  # the bytes as they came, for checking a signature
                    "json": json.loads(raw or b"{}"),
                }
                server.requests.append(request)
                reply = server.replies.pop(0) if server.replies else Reply(500, {"error": "no script"})
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                headers = {**reply.headers, **(reply.sign(request, payload.encode()) if reply.sign else {})}
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload.encode())))
                    self.end_headers()
                    self.wfile.write(payload.encode())
                except (BrokenPipeError, ConnectionResetError):
                    server.abandoned += 1  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self.httpd.server_address
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class ScriptedLLMMixin:
    """For unittest classes: one scripted server per class, emptied before each test."""

    @classmethod
    def start_llm(cls):
        cls.llm = ScriptedLLM().start()
        cls.addClassCleanup(cls.llm.stop)
        # The audit row of a provider call is written through a cursor of its own
        # (`eh.ai.agent._audit`): in test mode that cursor wraps the test's, so the
        # row sees the test's company and is rolled back with it.
        cls.registry_enter_test_mode_cls()

    @classmethod
    def use_scripted_provider(
        cls, company, kind="openai_compatible", model="gpt-test", key="sk-test-0000000000"
    ):
        """Point `company` at the scripted server, with an API key."""
        company.sudo().write(
            {
                "eh_ai_provider": kind,
                "eh_ai_model": model,
                "eh_ai_base_url": f"{cls.llm.url}/v1" if kind == "openai_compatible" else cls.llm.url,
                "eh_ai_api_key": key,
                "eh_ai_timeout": 2.0,
            }
        )

    def setUp(self):
        super().setUp()
        self.llm.replies, self.llm.requests = [], []

    @contextmanager
    def enter_registry_test_mode(self):
        """The class is in test mode already (see `start_llm`): a cron run inside a
        test only needs the flush and invalidation around it."""
        self.env.flush_all()
        yield
        self.env.invalidate_all()


def make_scripted_provider(llm, kind, timeout=5.0, model="test-model", key="sk-secret-123"):
    """A provider of `kind` pointed at the scripted server `llm` (tools only, no Odoo)."""
    from eh_account_ai_agent.tools import ProviderConfig, make_provider

    base = f"{llm.url}/v1" if kind == "openai_compatible" else llm.url
    return make_provider(ProviderConfig(kind, model, base, api_key=key, timeout=timeout))


def answer_json(action="send_demand_letter", priority="high", rationale="Send the demand letter today."):
    """What a well-behaved model answers, as the text of its reply."""
    return json.dumps({"action": action, "priority": priority, "rationale": rationale})


def openai_body(content, prompt_tokens=120, completion_tokens=40):
    return {
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens},
    }


def anthropic_body(content, input_tokens=130, output_tokens=45):
    return {
        "content": [{"type": "text", "text": content}],
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }
