import uuid

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged

from odoo.addons.eh_account_ai_agent.tools import (
    PROMPT_VERSION,
    Action,
    CallTrace,
    CaseSnapshot,
    ProviderError,
    SecondOpinion,
)

from .llm_server import Reply, ScriptedLLMMixin, answer_json, anthropic_body

# 95 days overdue, the ladder's letter level due: the step is the demand letter.
SNAPSHOT = CaseSnapshot(
    days_overdue=95,
    total_overdue=4200.0,
    followup_count=1,
    reminder_due_tone="final",
    reminder_due_letter=True,
)


@tagged("post_install", "-at_install")
class TestAgent(ScriptedLLMMixin, TransactionCase):
    """Every provider call is audited; accepted answers are cached by case state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_llm()
        cls.company = cls.env.company
        cls.use_scripted_provider(cls.company, "anthropic", "claude-test", key="sk-ant-secret-9876")
        cls.partner = cls.env["res.partner"].create({"name": "Audited Customer"})

    def answer(self, action="send_demand_letter", rationale="Send the demand letter today."):
        return Reply(200, anthropic_body(answer_json(action, rationale=rationale)))

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

    def test_another_step_is_a_second_opinion_audited_and_cached(self):
        self.llm.replies = [self.answer(action="phone_call", rationale="Call first. It worked before.")]
        suggestion = self.env["eh.ai.agent"]._suggest(self.company, SNAPSHOT, self.partner)
        self.assertEqual((suggestion.action.value, suggestion.source), ("send_demand_letter", "llm"))
        self.assertEqual(suggestion.second_opinion, SecondOpinion(Action.PHONE_CALL, "Call first."))
        call = self.env["eh.ai.call"].search(
            [("res_id", "=", self.partner.id), ("res_model", "=", "res.partner")]
        )
        self.assertEqual(
            (call.suggested_action, call.second_opinion_action), ("send_demand_letter", "phone_call")
        )
        cached = self.env["eh.ai.suggestion.cache"]._lookup(self.company, [SNAPSHOT.digest()], PROMPT_VERSION)
        entry = cached[SNAPSHOT.digest()]
        self.assertEqual(
            (entry.action, entry.second_opinion_action, entry.second_opinion_reason),
            ("send_demand_letter", "phone_call", "Call first."),
        )

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

    def test_cached_answers_expire_and_are_collected(self):
        self.company.sudo().eh_ai_cache_hours = 2
        self.llm.replies = [self.answer()]
        Cache = self.env["eh.ai.suggestion.cache"]
        with freeze_time("2026-03-15 08:00:00"):
            self.env["eh.ai.agent"]._suggest(self.company, SNAPSHOT, self.partner)
            self.assertTrue(Cache._lookup(self.company, [SNAPSHOT.digest()], PROMPT_VERSION))
        with freeze_time("2026-03-15 09:59:00"):
            self.assertTrue(Cache._lookup(self.company, [SNAPSHOT.digest()], PROMPT_VERSION), "still fresh")
            Cache._gc_expired()
            self.assertTrue(Cache.sudo().search([("snapshot_hash", "=", SNAPSHOT.digest())]))
        with freeze_time("2026-03-15 10:01:00"):
            self.assertFalse(Cache._lookup(self.company, [SNAPSHOT.digest()], PROMPT_VERSION), "expired")
            Cache._gc_expired()
            self.assertFalse(Cache.sudo().search([("snapshot_hash", "=", SNAPSHOT.digest())]), "collected")

    def test_no_cache_when_its_lifetime_is_zero(self):
        self.company.sudo().eh_ai_cache_hours = 0
        self.llm.replies = [self.answer()]
        suggestion = self.env["eh.ai.agent"]._suggest(self.company, SNAPSHOT, self.partner)
        self.assertEqual(suggestion.source, "llm")
        self.assertFalse(
            self.env["eh.ai.suggestion.cache"]._lookup(self.company, [SNAPSHOT.digest()], PROMPT_VERSION)
        )

    def test_errors_in_plain_words(self):
        Agent = self.env["eh.ai.agent"]
        for reason, words in (
            ("http_401", "refused the API key (401)"),
            ("http_403", "refused the API key (403)"),
            ("http_404", "no such endpoint or model (404)"),
            ("http_429", "rate-limiting this key (429)"),
            ("http_502", "The provider failed (502)"),
            ("timeout", "did not answer within 2.0 seconds"),
            ("connection", "Cannot reach the provider"),
            ("bad_response", "not in the expected format"),
        ):
            self.assertIn(words, Agent._explain(ProviderError(reason), self.company), reason)

    def test_a_429_twice_is_explained_and_audited(self):
        slow_down = Reply(429, {"error": "slow down"}, headers={"Retry-After": "0"})
        self.llm.replies = [slow_down, slow_down]
        ok, message = self.env["eh.ai.agent"]._test_connection(self.company)
        self.assertFalse(ok)
        self.assertIn("rate-limiting this key (429)", message)
        self.assertEqual(len(self.llm.requests), 2, "a 429 is retried once")
        audit = self.env["eh.ai.call"].search([("prompt_version", "=", "test-connection")], limit=1)
        self.assertEqual((audit.outcome, audit.fallback_reason), ("error", "provider: http_429"))

    def test_a_company_reads_its_own_audit_only(self):
        other = self.env["res.company"].create({"name": "Audit Elsewhere"})
        manager = new_test_user(
            self.env,
            login="ai_auditor",
            groups="account.group_account_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        trace = CallTrace("v", "0" * 64, 5, "ok")
        mine = self.env["eh.ai.agent"]._audit(self.company, trace, self.partner, "monitor")
        theirs = self.env["eh.ai.agent"]._audit(other, trace, self.partner, "monitor")
        seen = self.env["eh.ai.call"].with_user(manager).search([])
        self.assertIn(mine, seen)
        self.assertNotIn(theirs, seen)


@tagged("post_install", "-at_install")
class TestAuditSurvivesRollback(TransactionCase):
    """The audit row of a provider call outlives an error in the caller's request.

    Real transactions, committed to the test database (the audit is append-only, so
    its rows stay there; the database is recreated by every run)."""

    def test_a_rollback_after_the_call_keeps_its_audit_row(self):
        digest = uuid.uuid4().hex
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            env["eh.ai.agent"]._audit(company, CallTrace("v", digest, 7, "error", "provider: timeout"))
            cr.rollback()  # the request failed after the call
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            calls = env["eh.ai.call"].search([("snapshot_hash", "=", digest)])
            self.assertEqual(calls.mapped("fallback_reason"), ["provider: timeout"])
