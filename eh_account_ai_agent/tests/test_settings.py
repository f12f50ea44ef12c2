from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .llm_server import Reply, ScriptedLLMMixin, openai_body


@tagged("post_install", "-at_install")
class TestAiSettings(ScriptedLLMMixin, TransactionCase):
    """Provider settings per company: the key is write-only and for administrators."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.accountant = new_test_user(cls.env, login="acc_ai", groups="account.group_account_manager")
        cls.start_llm()

    def configure(self, **values):
        settings = self.env["res.config.settings"].create(
            {
                "eh_ai_provider": "openai_compatible",
                "eh_ai_model": "gpt-test",
                "eh_ai_base_url": f"{self.llm.url}/v1",
                "eh_ai_timeout": 2.0,
                **values,
            }
        )
        settings.execute()
        return settings

    def test_key_is_stored_and_shown_back_as_a_hint_only(self):
        self.configure(eh_ai_api_key_input="sk-live-abcdefgh1234")
        self.assertEqual(self.company.sudo().eh_ai_api_key, "sk-live-abcdefgh1234")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.eh_ai_api_key_hint, "…1234")
        self.assertFalse(settings.eh_ai_api_key_input)

    def test_key_unreadable_below_system_administrator(self):
        self.configure(eh_ai_api_key_input="sk-live-abcdefgh1234")
        with self.assertRaises(AccessError):
            self.company.with_user(self.accountant).read(["eh_ai_api_key"])
        readable = self.company.with_user(self.accountant).read(["eh_ai_provider", "eh_ai_model"])[0]
        self.assertEqual(readable["eh_ai_model"], "gpt-test")

    def test_incoherent_settings_refused(self):
        # (A refused value stays in the cache: the next check would see it. The
        # thresholds come last for that reason.)
        for timeout in (0, -1, 61):
            with self.assertRaisesRegex(ValidationError, "between 0 and 60 seconds"):
                self.company.eh_ai_timeout = timeout
        self.company.eh_ai_timeout = 60
        with self.assertRaisesRegex(ValidationError, "negative number of hours"):
            self.company.eh_ai_cache_hours = -1
        self.company.eh_ai_cache_hours = 0
        with self.assertRaisesRegex(ValidationError, "thresholds cannot be negative"):
            self.company.eh_ai_threshold_agency_after_letter = -3
        self.company.eh_ai_threshold_agency_after_letter = 0
        with self.assertRaisesRegex(ValidationError, "thresholds must rise"):
            self.company.write({"eh_ai_threshold_phone": 130, "eh_ai_threshold_agency": 120})

    def test_connection_ok_is_audited(self):
        self.configure(eh_ai_api_key_input="sk-live-abcdefgh1234")
        self.llm.replies = [Reply(200, openai_body('{"ok": true}'))]
        action = self.env["res.config.settings"].create({}).action_eh_ai_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("gpt-test answered", action["params"]["message"])
        call = self.env["eh.ai.call"].search([("prompt_version", "=", "test-connection")], limit=1)
        self.assertEqual(call.outcome, "ok")
        self.assertNotIn("sk-live", str(call.read()[0]))

    def test_connection_errors_in_plain_words(self):
        self.configure(eh_ai_api_key_input="sk-wrong-000000000")
        cases = [
            (Reply(401, {"error": {"message": "Incorrect API key"}}), "refused the API key (401)"),
            (Reply(404, {"error": "no model"}), "no such endpoint or model"),
            # (Odoo's test harness raises request timeouts under 10 s to 10 s: the
            # timeout path is tested in tests/unit against the same server.)
            (Reply(503, {"error": "down"}), "The provider failed (503)"),
        ]
        for reply, expected in cases:
            self.llm.replies = [reply, reply]  # a 5xx is retried once
            ok, message = self.env["eh.ai.agent"]._test_connection(self.company)
            self.assertFalse(ok, f"{reply.status} gave {message}")
            self.assertIn(expected, message)
        self.company.eh_ai_base_url = "http://127.0.0.1:9/v1"
        self.assertIn("Cannot reach", self.env["eh.ai.agent"]._test_connection(self.company)[1])
        self.company.eh_ai_provider = "none"
        self.assertIn("Choose an AI provider", self.env["eh.ai.agent"]._test_connection(self.company)[1])
