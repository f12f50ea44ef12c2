from odoo import api, fields, models

from odoo.addons.eh_collections_case.tools.case_method import case_method


class CollectionsFollowup(models.Model):
    """AI-drafted reminders: for a level that says *Draft with AI*, the prose comes
    from the company's AI provider and the facts (invoices, amounts, dates, pay
    links, the customer's name) from Odoo. A draft waits in the To approve queue
    unless an autonomy rule of the company lets it go; a refused draft leaves the
    level's template, as if the level did not draft with AI."""

    _inherit = "eh.collections.followup"

    eh_ai_autonomy_rule = fields.Char(
        string="Sent without review by",
        readonly=True,
        help="The company's AI autonomy rule that let this AI draft go out without a person's click.",
    )

    @api.model
    def _queue_is_plain(self, level):
        return super()._queue_is_plain(level) and not (
            level.eh_ai_draft and level.company_id.sudo().eh_ai_provider != "none"
        )

    @api.model
    def _queue(self, case, level, reason=None):
        if not level.eh_ai_draft or case.company_id.sudo().eh_ai_provider == "none":
            return super()._queue(case, level, reason)
        pending = self._pending(case, level)
        if pending:
            return pending
        draft = case._eh_ai_draft(level).draft
        if not draft:
            return super()._queue(case, level, reason)
        rule = None if reason else case._eh_ai_autonomy_rule()
        if not reason and not rule:
            reason = self.env._("AI draft: a person reads it before it goes out.")
        return self._queue_ai_draft(case, level, draft, reason, rule)

    @api.model
    def _queue_ai_draft(self, case, level, draft, reason=None, rule=None):
        """The AI draft of `level` for `case`, made by the Collections AI user: to
        approve with a `reason`, else sent by the autonomy `rule`. A reminder of that
        level already waiting for approval takes the draft instead, unless a person edited
        it: then it stays as they wrote it. The subject is the
        level's own, in the customer's language (the AI writes the prose around the
        facts, the level names the step), the AI's only when the level has no template."""
        template = level.mail_template_id.with_context(eh_level_id=level.id)
        subject = (
            template._render_field("subject", case.ids, compute_lang=True)[case.id]
            if template
            else draft.subject
        )
        values = {
            "subject": subject,
            "body_html": case._eh_ai_draft_body(draft),
            "ai_generated": True,
            "reason": reason,
        }
        pending = self._pending(case, level)
        if pending and pending.edited_by_id:  # a person's edits are never overwritten
            return pending
        if pending:
            pending._write_own(values)
            return pending
        values.update(
            case_id=case.id,
            level_id=level.id,
            recipient_id=case.eh_reminder_partner_id.id,
            state="to_approve" if reason else "to_send",
            eh_ai_autonomy_rule=rule,
        )
        ai_user = self.env.ref("eh_collections_next_action.user_collections_ai")
        with case_method():
            return (
                self.with_user(ai_user).sudo().with_company(case.company_id).create(values).with_env(self.env)
            )
