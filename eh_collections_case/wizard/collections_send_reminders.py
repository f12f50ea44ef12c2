from odoo import Command, api, fields, models


class CollectionsSendReminders(models.TransientModel):
    """Send the next level of the selected cases by hand, after a dry-run preview.

    Manual sends are allowed on paused cases and under a promise: a person decided."""

    _name = "eh.collections.send.reminders"
    _description = "Send reminders"

    case_ids = fields.Many2many("eh.collections.case", string="Cases")
    line_ids = fields.One2many("eh.collections.send.reminders.line", "wizard_id", string="Plan")
    state = fields.Selection([("draft", "Draft"), ("preview", "Preview"), ("done", "Done")], default="draft")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "eh.collections.case":
            values["case_ids"] = [Command.set(self.env.context.get("active_ids", []))]
        return values

    def _plan(self):
        lines = []
        for case in self.case_ids:
            level, error = case._manual_level()
            channels = [
                label
                for flag, label in (
                    (level.channel_email, self.env._("email")),
                    (level.channel_letter, self.env._("letter")),
                    (level.channel_call, self.env._("call")),
                )
                if flag
            ]
            lines.append(
                {
                    "case_id": case.id,
                    "strategy_id": case.strategy_id.id,
                    "level_id": level.id,
                    "channels": ", ".join(channels),
                    "template_id": level.mail_template_id.id,
                    "recipient_id": case.eh_reminder_partner_id.id,
                    "amount": case.total_overdue_amount,
                    "status": "error" if error else "ready",
                    "message": error,
                }
            )
        return lines

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Send reminders"),
        }

    def action_preview(self):
        """What Send would do, per case; sends and logs nothing."""
        self.write(
            {"line_ids": [Command.clear()] + [Command.create(v) for v in self._plan()], "state": "preview"}
        )
        return self._reopen()

    def action_send(self):
        """Send each ready case's level; report every case's outcome in the plan."""
        if self.state == "draft":
            self.action_preview()
        for line in self.line_ids.filtered(lambda ln: ln.status == "ready"):
            actions = line.case_id._send_level(line.level_id)
            failed = actions.filtered(lambda a: a.state == "failed")
            line.write(
                {"status": "failed", "message": failed[:1].note}
                if failed
                else {"status": "sent", "message": self.env._("Sent and logged.")}
            )
        self.state = "done"
        return self._reopen()


class CollectionsSendRemindersLine(models.TransientModel):
    _name = "eh.collections.send.reminders.line"
    _description = "Send reminders: one case"

    wizard_id = fields.Many2one("eh.collections.send.reminders", required=True, ondelete="cascade")
    case_id = fields.Many2one("eh.collections.case", required=True)
    partner_id = fields.Many2one(related="case_id.partner_id", string="Customer")
    currency_id = fields.Many2one(related="case_id.currency_id")
    strategy_id = fields.Many2one("eh.collections.strategy")
    level_id = fields.Many2one("eh.collections.level")
    channels = fields.Char()
    template_id = fields.Many2one("mail.template")
    recipient_id = fields.Many2one("res.partner", string="To")
    amount = fields.Monetary(string="To collect")
    status = fields.Selection(
        [("ready", "Ready"), ("error", "Cannot send"), ("sent", "Sent"), ("failed", "Failed")], required=True
    )
    message = fields.Char()
