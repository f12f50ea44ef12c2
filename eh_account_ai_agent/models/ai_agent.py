import time

from odoo import api, models

from ..tools import CallTrace, DraftResult, ProviderError, draft_reminder, suggest


class AiAgent(models.AbstractModel):
    """Where Odoo meets the pure-Python agent: every provider call goes through
    here, so every one is audited, and accepted answers are cached."""

    _name = "eh.ai.agent"
    _description = "Collections AI Agent"

    @api.model
    def _suggest(self, company, snapshot, record=None):
        """The next step for one case snapshot: the ladder's, with the narrative and
        second opinion of the company's provider if it has one (asked with its
        timeout). Audits the call and caches an accepted answer."""
        suggestion = suggest(
            snapshot, company._eh_ai_thresholds(), company._eh_ai_provider(), company._eh_ai_money()
        )
        if suggestion.trace:
            opinion = suggestion.second_opinion
            self._audit(
                company, suggestion.trace, record, suggestion.action.value, opinion and opinion.action.value
            )
            if suggestion.source == "llm" and company.eh_ai_cache_hours > 0:
                self.env["eh.ai.suggestion.cache"]._store(company, suggestion, company.eh_ai_cache_hours)
        return suggestion

    @api.model
    def _draft_reminder(self, company, request, record=None):
        """The prose of one reminder (`tools.DraftRequest`: snapshot, tone, language)
        from the company's provider, audited. No draft, with the reason, when the
        company has no provider or the answer is refused."""
        provider = company._eh_ai_provider()
        if provider is None:
            return DraftResult(None, self.env._("no AI provider is set"), None)
        result = draft_reminder(request, provider)
        self._audit(company, result.trace, record, "draft_reminder" if result.draft else None)
        return result

    @api.model
    def _audit(self, company, trace, record=None, action=None, second_opinion=None, provider=None):
        """Write the audit row of one provider call in a transaction of its own, so
        that an error and rollback later in the caller's request never loses it."""
        company = company.sudo()
        values = {
            "company_id": company.id,
            "res_model": record._name if record else False,
            "res_id": record.id if record else False,
            "provider": provider or company.eh_ai_provider,
            "model": company.eh_ai_model,
            "snapshot_hash": trace.snapshot_hash,
            "prompt_version": trace.prompt_version,
            "latency_ms": trace.latency_ms,
            "outcome": trace.outcome,
            "fallback_reason": trace.fallback_reason,
            "input_tokens": trace.input_tokens or 0,
            "output_tokens": trace.output_tokens or 0,
            "suggested_action": action,
            "second_opinion_action": second_opinion,
        }
        with self.env.registry.cursor() as cr:
            call_id = self.env(cr=cr, su=True)["eh.ai.call"].create(values).id
        return self.env["eh.ai.call"].sudo().browse(call_id)

    @api.model
    def _test_connection(self, company):
        """Ask the provider a one-word question. Returns (ok, message for the user)."""
        provider = company._eh_ai_provider()
        if provider is None:
            return False, self.env._("Choose an AI provider and a model first.")
        started = time.monotonic()
        outcome, message, reason = "ok", None, None
        try:
            provider.complete('Reply with the JSON object {"ok": true}.', "ping")
        except ProviderError as error:
            outcome, message, reason = "error", self._explain(error, company), f"provider: {error.reason}"
        latency = int((time.monotonic() - started) * 1000)
        self._audit(company, CallTrace("test-connection", False, latency, outcome, reason), company)
        if outcome == "ok":
            return True, self.env._(
                "Connected: %(model)s answered in %(ms)s ms.", model=company.eh_ai_model, ms=latency
            )
        return False, message

    def _explain(self, error, company):
        reason = error.reason
        if reason in ("http_401", "http_403"):
            return self.env._("The provider refused the API key (%(code)s). Check the key.", code=reason[5:])
        if reason == "http_404":
            return self.env._(
                "The provider has no such endpoint or model (404). Check the base URL and the model."
            )
        if reason == "http_429":
            return self.env._("The provider is rate-limiting this key (429). Try again in a minute.")
        if reason.startswith("http_5"):
            return self.env._("The provider failed (%(code)s). Try again later.", code=reason[5:])
        if reason == "timeout":
            return self.env._("The provider did not answer within %(s)s seconds.", s=company.eh_ai_timeout)
        if reason == "connection":
            return self.env._("Cannot reach the provider. Check the base URL and the network.")
        return self.env._("The provider answered, but not in the expected format.")

    @api.model
    def _notify_test_connection(self, company):
        ok, message = self._test_connection(company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if ok else "danger",
                "title": self.env._("AI provider"),
                "message": message,
                "sticky": not ok,
            },
        }
