from odoo import api, fields, models
from odoo.exceptions import UserError


class CollectionsFollowup(models.Model):
    """A reminder prepared by the cron and waiting for a person: the To approve queue.

    The collector may edit the subject and body, then send it with one click, or
    discard it; both are logged on the case with who did it."""

    _name = "eh.collections.followup"
    _description = "Reminder to approve"
    _order = "id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "eh.collections.case", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, string="Customer")
    currency_id = fields.Many2one(related="case_id.currency_id")
    amount = fields.Monetary(related="case_id.total_overdue_amount", string="To collect")
    level_id = fields.Many2one("eh.collections.level", required=True, check_company=True)
    reason = fields.Char(string="Why it waits", readonly=True)
    recipient_id = fields.Many2one("res.partner", string="To")
    subject = fields.Char()
    body_html = fields.Html(string="Message", sanitize_style=True)
    state = fields.Selection(
        [("to_approve", "To approve"), ("sent", "Sent"), ("discarded", "Discarded")],
        default="to_approve",
        required=True,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_at = fields.Datetime(readonly=True)

    _one_pending = models.UniqueIndex(
        "(case_id, level_id) WHERE state = 'to_approve'", "This reminder is already waiting for approval."
    )

    @api.model
    def _prepare(self, case, level, reason):
        """Render the level's message for the case and queue it (once per level)."""
        pending = self.search(
            [("case_id", "=", case.id), ("level_id", "=", level.id), ("state", "=", "to_approve")]
        )
        if pending:
            return pending
        template = level.mail_template_id.with_context(eh_level_id=level.id)
        values = {
            "case_id": case.id,
            "level_id": level.id,
            "reason": reason,
            "recipient_id": case.eh_reminder_partner_id.id,
        }
        if template:
            values["subject"] = template._render_field("subject", case.ids)[case.id]
            values["body_html"] = template._render_field("body_html", case.ids)[case.id]
        return self.create(values)

    def _check_pending(self):
        if self.filtered(lambda f: f.state != "to_approve"):
            raise UserError(self.env._("This reminder was already sent or discarded."))

    def action_send(self):
        """Send the (possibly edited) reminder with the level's other channels."""
        self._check_pending()
        for followup in self:
            followup.case_id._send_level(
                followup.level_id, subject=followup.subject, body_html=followup.body_html
            )
            followup.write(
                {"state": "sent", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
            )
        return True

    def action_discard(self):
        self._check_pending()
        for followup in self:
            followup.case_id._log_action(
                [
                    {
                        "action_type": "email",
                        "channel": "email",
                        "level_id": followup.level_id.id,
                        "state": "skipped",
                        "note": self.env._(
                            "%(level)s discarded by %(user)s.",
                            level=followup.level_id.name,
                            user=self.env.user.name,
                        ),
                    }
                ]
            )
            followup.write(
                {"state": "discarded", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
            )
        return True
