from odoo import Command, api, fields, models

from ..tools.holds import hold_sentence


class CollectionsSendReminders(models.TransientModel):
    """Send the next level of the selected cases by hand, after a dry-run preview.

    A person does not wait for the ladder's days, but asks the case's one decision
    like every other path: a held customer (a promise running, a plan, a reply to
    read, a pause, a dispute) shows *Held* with the reason and is not sent, unless a
    Collections Manager gives a reason to send anyway, logged on the case.
    For a demand letter (*Prepare this step*), each case gets its strategy's letter
    level, or the Statement of Account as a letter when the strategy has none."""

    _name = "eh.collections.send.reminders"
    _description = "Send reminders"

    case_ids = fields.Many2many("eh.collections.case", string="Cases")
    purpose = fields.Selection(
        [("next", "The next level"), ("letter", "The demand letter")], default="next", required=True
    )
    line_ids = fields.One2many("eh.collections.send.reminders.line", "wizard_id", string="Plan")
    state = fields.Selection([("draft", "Draft"), ("preview", "Preview"), ("done", "Done")], default="draft")
    override_reason = fields.Char(
        string="Send held customers anyway because",
        help="A Collections Manager's reason to send the customers shown as held; logged on each case.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "eh.collections.case":
            values["case_ids"] = [Command.set(self.env.context.get("active_ids", []))]
        return values

    def _plan_case(self, case):
        """(level, kind, error, message) for one case."""
        if self.purpose == "next":
            level, error = case._manual_level()
            return level, "level", error, error
        refusal = case._manual_refusal()
        letter = case._letter_level()
        if refusal or letter:
            return letter, "level", refusal, refusal
        message = self.env._(
            "The %(strategy)s ladder has no letter level: the Statement of Account goes out as a letter.",
            strategy=case.strategy_id.name,
        )
        return letter, "statement", "", message

    def _plan(self):
        Sender = self.env["eh.collections.followup.send"]
        lines = []
        holds = self.case_ids._reminder_holds_by_case()
        for case in self.case_ids:
            level, kind, error, message = self._plan_case(case)
            status = "error" if error else "ready"
            if not error and holds[case.id]:
                status = "held"
                message = self.env._("Held: %(why)s", why=hold_sentence(holds[case.id]))
            lines.append(
                {
                    "case_id": case.id,
                    "strategy_id": case.strategy_id.id,
                    "level_id": level.id,
                    "kind": kind,
                    "channels": "" if error else ", ".join(Sender._channel_labels(level)),
                    "template_id": level.mail_template_id.id,
                    "recipient_id": case.eh_reminder_partner_id.id,
                    "amount": case.total_overdue_amount,
                    "status": status,
                    "message": message,
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
        """Send each ready case's reminder; report every case's outcome in the plan."""
        if self.state == "draft":
            self.action_preview()
        override = (self.override_reason or "").strip()
        held = self.line_ids.filtered(lambda ln: ln.status == "held")
        if held and override:
            held.case_id._check_may_remind(override_reason=override)  # a manager only
        Followup = self.env["eh.collections.followup"]
        for line in self.line_ids.filtered(
            lambda ln: ln.status == "ready" or (ln.status == "held" and override)
        ):
            if line.status == "held":
                what = line.level_id.name or self.env._("Statement of Account")
                line.case_id._log_hold_override(what, override)
            if line.kind == "statement":
                followup = Followup._queue_statement_letter(line.case_id)
            else:
                followup = Followup._queue(line.case_id, line.level_id)
            if line.status == "held":
                followup._write_own({"override_reason": override})
            self.env["eh.collections.followup.send"]._send_followups(followup)
            line.write(
                {"status": "failed", "message": followup.failure_reason}
                if followup.state in ("failed", "held")
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
    kind = fields.Selection(
        [("level", "Ladder level"), ("statement", "Statement of Account letter")],
        default="level",
        required=True,
    )
    channels = fields.Char()
    template_id = fields.Many2one("mail.template")
    recipient_id = fields.Many2one("res.partner", string="To")
    amount = fields.Monetary(string="To collect")
    status = fields.Selection(
        [
            ("ready", "Ready"),
            ("held", "Held"),
            ("error", "Cannot send"),
            ("sent", "Sent"),
            ("failed", "Failed"),
        ],
        required=True,
    )
    message = fields.Char()
