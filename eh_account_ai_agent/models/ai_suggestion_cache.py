from datetime import timedelta

from odoo import api, fields, models


class AiSuggestionCache(models.Model):
    """What an LLM added for one case state (snapshot hash and prompt version): the
    narrative of the ladder's step, and a second opinion when it would take another.
    Kept until it expires so reads never wait on the network."""

    _name = "eh.ai.suggestion.cache"
    _description = "AI Suggestion Cache"

    company_id = fields.Many2one("res.company", required=True, index=True)
    snapshot_hash = fields.Char(required=True)
    prompt_version = fields.Char(required=True)
    action = fields.Char(required=True, help="The ladder's step the narrative explains.")
    rationale = fields.Text(required=True)
    second_opinion_action = fields.Char()
    second_opinion_reason = fields.Char()
    expires_at = fields.Datetime(required=True, index=True)

    _one_per_state = models.UniqueIndex("(company_id, snapshot_hash, prompt_version)")

    @api.model
    def _lookup(self, company, digests, prompt_version):
        """Live entries for these snapshot hashes, by hash (one query)."""
        entries = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("snapshot_hash", "in", list(digests)),
                ("prompt_version", "=", prompt_version),
                ("expires_at", ">", fields.Datetime.now()),
            ]
        )
        return {entry.snapshot_hash: entry for entry in entries}

    @api.model
    def _store(self, company, suggestion, hours):
        """Keep what an accepted LLM answer added for `hours`."""
        trace = suggestion.trace
        opinion = suggestion.second_opinion
        values = {
            "action": suggestion.action.value,
            "rationale": suggestion.rationale,
            "second_opinion_action": opinion.action.value if opinion else False,
            "second_opinion_reason": opinion.reason if opinion else False,
            "expires_at": fields.Datetime.now() + timedelta(hours=hours),
        }
        cache = self.sudo()
        existing = cache.search(
            [
                ("company_id", "=", company.id),
                ("snapshot_hash", "=", trace.snapshot_hash),
                ("prompt_version", "=", trace.prompt_version),
            ]
        )
        if existing:
            existing.write(values)
            return existing
        return cache.create(
            dict(
                values,
                company_id=company.id,
                snapshot_hash=trace.snapshot_hash,
                prompt_version=trace.prompt_version,
            )
        )

    @api.model
    def _forget(self, company, digest, prompt_version):
        """Drop what is kept for one case state: after a failed refresh the screen
        shows the rules' own reasons, as the refresh's message says."""
        self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("snapshot_hash", "=", digest),
                ("prompt_version", "=", prompt_version),
            ]
        ).unlink()

    @api.autovacuum
    def _gc_expired(self):
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
