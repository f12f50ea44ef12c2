import json

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.eh_account_ai_agent.tools import PROMPT_VERSION, CaseSnapshot

from .llm_server import Reply, ScriptedLLMMixin, anthropic_body

SNAPSHOT = CaseSnapshot(days_overdue=95, total_overdue=4200.0, followup_count=1)


@tagged("post_install", "-at_install")
class TestAgent(ScriptedLLMMixin, TransactionCase):
    """Every provider call is audited; accepted answers are cached by case state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_llm()
        cls.company = cls.env.company
        cls.company.sudo().write(
            {
                "eh_ai_provider": "anthropic",
                "eh_ai_model": "claude-test",
                "eh_ai_base_url": cls.llm.url,
                "eh_ai_api_key": "sk-ant-secret-9876",
                "eh_ai_timeout": 2.0,
            }
        )
        cls.partner = cls.env["res.partner"].create({"name": "Audited Customer"})

    def answer(self, action="send_demand_letter", rationale="Send the demand letter today."):
        return Reply(
            200, anthropic_body(json.dumps({"action": action, "priority": "high", "rationale": rationale}))
        )

    def test_accepted_answer_is_audited_and_cached(self):
        self.llm.replies = [self.answer()]
        suggestion = self.env["eh.ai.agent"]._suggest(self.company, SNAPSHOT, self.partner)
        self.assertEqual(suggestion.source, "llm")
        call = self.env["eh.ai.call"].search(
            [("res_id", "=", self.partner.id), ("res_model", "=", "res.partner")]
        )
        self.assertEqual(len(call), 1)
        self.assertEqual(
            (call.outcome, call.provider, call.model, call.snapshot_hash, call.suggested_action),
            ("ok", "anthropic", "claude-test", SNAPSHOT.digest(), "send_demand_letter"),
        )
        self.assertGreater(call.input_tokens, 0)
        cached = self.env["eh.ai.suggestion.cache"]._lookup(self.company, [SNAPSHOT.digest()], PROMPT_VERSION)
        self.assertEqual(cached[SNAPSHOT.digest()].rationale, "Send the demand letter today.")

    def test_rejected_answer_is_audited_not_cached(self):
        self.llm.replies = [self.answer(action="write_off_review", rationale="Write it off.")]
        suggestion = self.env["eh.ai.agent"]._suggest(self.company, SNAPSHOT, self.partner)
        self.assertEqual(suggestion.action.value, "send_demand_letter")
        self.assertEqual(suggestion.source, "deterministic")
        call = self.env["eh.ai.call"].search([("res_id", "=", self.partner.id)])
        self.assertEqual(call.outcome, "fallback")
        self.assertIn("guardrail", call.fallback_reason)
        self.assertFalse(
            self.env["eh.ai.suggestion.cache"]._lookup(self.company, [SNAPSHOT.digest()], PROMPT_VERSION)
        )

    def test_failed_call_is_audited_as_error(self):
        self.llm.replies = [Reply(401, {"error": {"message": "bad key"}})]
        suggestion = self.env["eh.ai.agent"]._suggest(self.company, SNAPSHOT, self.partner)
        self.assertEqual(suggestion.fallback_reason, "provider: http_401")
        call = self.env["eh.ai.call"].search([("res_id", "=", self.partner.id)])
        self.assertEqual((call.outcome, call.fallback_reason), ("error", "provider: http_401"))
        self.assertNotIn("sk-ant-secret", str(call.sudo().read()[0]))

    def test_no_provider_no_call(self):
        self.company.sudo().eh_ai_provider = "none"
        suggestion = self.env["eh.ai.agent"]._suggest(self.company, SNAPSHOT, self.partner)
        self.assertEqual(suggestion.source, "deterministic")
        self.assertFalse(self.llm.requests)
        self.assertFalse(self.env["eh.ai.call"].search([("res_id", "=", self.partner.id)]))

    def test_audit_is_append_only(self):
        self.llm.replies = [self.answer()]
        self.env["eh.ai.agent"]._suggest(self.company, SNAPSHOT, self.partner)
        call = self.env["eh.ai.call"].search([("res_id", "=", self.partner.id)])
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            call.sudo().write({"outcome": "error"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            call.sudo().unlink()
