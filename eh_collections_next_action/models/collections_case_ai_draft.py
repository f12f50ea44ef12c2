from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from odoo.addons.eh_account_ai_agent.tools import DraftRequest


class CollectionsCase(models.Model):
    """AI-drafted reminders on the case: the draft, its body, the autonomy rule and
    the *Draft with AI* button (the queue is `eh.collections.followup._queue`)."""

    _inherit = "eh.collections.case"

    def _eh_ai_draft(self, level):
        """Ask the company's provider for the prose of `level`'s reminder: the case's
        snapshot, the level's tone and the customer's language, nothing else."""
        self.ensure_one()
        lang = self.eh_reminder_partner_id.lang or self.company_id.partner_id.lang or "en_US"
        request = DraftRequest(self._eh_ai_snapshots()[self.id], level.tone, lang)
        return self.env["eh.ai.agent"]._draft_reminder(self.company_id, request, self)

    def _eh_ai_draft_body(self, draft):
        """The reminder's body: the AI's paragraphs around Odoo's own greeting,
        invoice table, total and signature, in the customer's language."""
        self.ensure_one()
        env = self.with_context(lang=self.eh_reminder_partner_id.lang or self.env.lang).env
        return env["ir.qweb"]._render(
            "eh_collections_next_action.reminder_ai_draft",
            {
                "object": self.with_env(env),
                "draft": draft,
                "format_amount": lambda amount, currency: format_amount(env, amount, currency),
                "format_date": lambda value: format_date(env, value),
            },
        )

    def _eh_ai_autonomy_rule(self):
        """The company rule that lets an AI draft to this customer go out without
        review, in words, or None. No rule is set by default."""
        self.ensure_one()
        company = self.company_id.sudo()
        tags = self.partner_id.category_id & company.eh_ai_autonomy_tag_ids
        ceiling = company.eh_ai_autonomy_max_amount
        if (
            not tags
            or ceiling <= 0
            or self.currency_id.compare_amounts(self.total_overdue_amount, ceiling) > 0
        ):
            return None
        return self.env._(
            "customer tagged %(tag)s, %(amount)s within %(ceiling)s",
            tag=tags[:1].name,
            amount=format_amount(self.env, self.total_overdue_amount, self.currency_id),
            ceiling=format_amount(self.env, ceiling, self.currency_id),
        )

    def action_eh_ai_draft_reminder(self):
        """*Draft with AI*: the prose of the next reminder from the AI provider, into
        the To approve queue for the collector to edit and send, or discard. When the
        provider fails, the level's template waits there instead, and the message says
        why."""
        self.ensure_one()
        level = self.next_level_id or self.level_id
        if not level:
            raise UserError(self.env._("This case has no reminder level to draft."))
        if self.company_id.sudo().eh_ai_provider == "none":
            raise UserError(
                self.env._("Choose an AI provider in Settings > Collections AI to draft with AI.")
            )
        Followup = self.env["eh.collections.followup"]
        result = self._eh_ai_draft(level)
        if result.draft:
            reason = self.env._("AI draft asked for by %(user)s.", user=self.env.user.name)
            followup = Followup._queue_ai_draft(self, level, result.draft, reason)
            return followup._get_records_action()
        reason = self.env._("The AI could not draft it (%(why)s): the level's template.", why=result.reason)
        followup = Followup._queue_template(self, level, reason)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "message": self.env._(
                    "The AI provider gave no usable draft (%(why)s). The level's own template waits "
                    "in To approve instead.",
                    why=result.reason,
                ),
                "next": followup._get_records_action(),
            },
        }
