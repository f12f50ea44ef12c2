from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.case_method import case_method, in_case_method
from ..tools.holds import hold_sentence

# What a person may change on a reminder waiting for approval.
EDITABLE_FIELDS = ("subject", "body_html", "recipient_id")


class CollectionsFollowup(models.Model):
    """One reminder to send: the unit the follow-up cron, *Send reminders* and the To
    approve queue all go through, sent by `eh.collections.followup.send`.

    A reminder that needs a person waits *to approve*: the collector may edit its
    subject, body and recipient, then send it with one click, or discard it; both are
    logged on the case with who did it. The others are sent at once."""

    _name = "eh.collections.followup"
    _description = "Reminder"
    _order = "id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "eh.collections.case", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, string="Customer")
    currency_id = fields.Many2one(related="case_id.currency_id")
    amount = fields.Monetary(related="case_id.total_overdue_amount", string="To collect")
    level_id = fields.Many2one(
        "eh.collections.level",
        check_company=True,
        readonly=True,
        help="Empty for the Statement of Account sent as a letter, outside the ladder.",
    )
    reason = fields.Char(string="Why it waits", readonly=True)
    recipient_id = fields.Many2one("res.partner", string="To")
    subject = fields.Char()
    edited_by_id = fields.Many2one(
        "res.users",
        string="Edited by",
        readonly=True,
        help="Who changed its subject or message by hand: a later draft for the same level leaves them.",
    )
    body_html = fields.Html(string="Message", sanitize_style=True)
    state = fields.Selection(
        [
            ("to_approve", "To approve"),
            ("to_send", "To send"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("held", "Held"),
            ("discarded", "Discarded"),
        ],
        default="to_approve",
        required=True,
        readonly=True,
        index=True,
    )
    failure_reason = fields.Char(readonly=True)
    hold_reason = fields.Char(
        compute="_compute_hold_reason",
        string="Held",
        help="Why the customer may not be reminded now (the case's one decision): a reminder waiting "
        "for approval is not sent while it is held, unless a Collections Manager sends it anyway.",
    )
    override_reason = fields.Char(
        string="Sent anyway because",
        readonly=True,
        help="A Collections Manager sent this reminder although the customer was held, for this reason.",
    )
    ai_generated = fields.Boolean(
        string="AI draft", readonly=True, help="Its subject and prose were drafted by the AI provider."
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_at = fields.Datetime(readonly=True)

    _one_pending = models.UniqueIndex(
        "(case_id, level_id) WHERE state = 'to_approve'", "This reminder is already waiting for approval."
    )

    @api.depends("level_id", "partner_id")
    def _compute_display_name(self):
        for followup in self:
            what = followup.level_id.name or self.env._("Statement of Account")
            followup.display_name = f"{what}: {followup.partner_id.name or ''}"

    @api.depends("state", "case_id")
    @api.depends_context("tz")
    def _compute_hold_reason(self):
        pending = self.filtered(lambda f: f.state in ("to_approve", "to_send"))
        holds = pending.case_id._reminder_holds_by_case()
        for followup in self:
            followup.hold_reason = hold_sentence(holds[followup.case_id.id]) if followup in pending else ""

    @api.model_create_multi
    def create(self, vals_list):
        if not in_case_method():
            raise UserError(
                self.env._(
                    "Reminders are prepared by the follow-up cron and by Send reminders on the cases, "
                    "not created by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        """Only a reminder waiting for approval is edited, and only its message."""
        if not in_case_method():
            if self.filtered(lambda f: f.state != "to_approve"):
                raise UserError(self.env._("This reminder was already sent or discarded: it cannot change."))
            refused = [name for name in vals if name not in EDITABLE_FIELDS]
            if refused:
                raise UserError(
                    self.env._(
                        "%(field)s of a reminder cannot be set by hand: send it (action_send) or discard "
                        "it (action_discard).",
                        field=self._fields[refused[0]]._description_string(self.env),
                    )
                )
            if {"subject", "body_html"} & set(vals):
                vals = dict(vals, edited_by_id=self.env.uid)  # a person's words: kept from now on
        return super().write(vals)

    def _write_own(self, vals):
        with case_method():
            return self.write(vals)

    @api.model
    def _queue(self, case, level, reason=None):
        """The reminder of `level` for `case`: waiting for approval when there is a
        `reason`, else ready to send. (The AI bridge drafts some levels' prose here.)"""
        return self._queue_template(case, level, reason)

    @api.model
    def _queue_all(self, due):
        """The reminders of `due`, a list of (case, level, reason): the ones ready to
        send made in one go, the others by `_queue`, one by one."""
        ready = [(case, level) for case, level, reason in due if not reason and self._queue_is_plain(level)]
        with case_method():
            followups = self.create(
                [{"case_id": case.id, "level_id": level.id, "state": "to_send"} for case, level in ready]
            )
        for case, level, reason in due:
            if reason or not self._queue_is_plain(level):
                followups |= self._queue(case, level, reason)
        return followups

    @api.model
    def _queue_is_plain(self, level):
        """Whether `_queue` makes a reminder of `level` from its template alone."""
        return True

    @api.model
    def _queue_template(self, case, level, reason=None):
        """The reminder of `level` for `case` from the level's template: waiting for
        approval when there is a `reason` (rendered now, so the collector reads what
        would go out; once per case and level), else ready to send."""
        if not reason:
            with case_method():
                return self.create({"case_id": case.id, "level_id": level.id, "state": "to_send"})
        pending = self._pending(case, level)
        if pending:
            return pending
        values = {
            "case_id": case.id,
            "level_id": level.id,
            "reason": reason,
            "recipient_id": case.eh_reminder_partner_id.id,
        }
        template = level.mail_template_id.with_context(eh_level_id=level.id)
        try:
            with self.env.cr.savepoint(), case_method():
                if template:  # in the customer's language, as the mail will go
                    values["subject"] = template._render_field("subject", case.ids, compute_lang=True)[
                        case.id
                    ]
                    values["body_html"] = template._render_field("body_html", case.ids, compute_lang=True)[
                        case.id
                    ]
                return self.create(values)
        except Exception as error:  # a broken template: logged, and the queue goes on
            self.env.invalidate_all(flush=False)
            with case_method():
                failed = self.create(dict(values, subject=False, body_html=False, state="to_send"))
            self.env["eh.collections.followup.send"]._fail(failed, error)
            return failed

    @api.model
    def _pending(self, case, level):
        """The reminder of `level` already waiting for approval on `case`, if any."""
        return self.search(
            [("case_id", "=", case.id), ("level_id", "=", level.id), ("state", "=", "to_approve")]
        )

    @api.model
    def _queue_statement_letter(self, case):
        """The Statement of Account as a letter, outside the ladder (a strategy with no
        letter level asked for a demand letter)."""
        with case_method():
            return self.create(
                {"case_id": case.id, "state": "to_send", "recipient_id": case.eh_reminder_partner_id.id}
            )

    def _check_pending(self):
        if self.filtered(lambda f: f.state != "to_approve"):
            raise UserError(self.env._("This reminder was already sent or discarded."))

    def action_send(self):
        """Send the (possibly edited) reminder with the level's other channels, once
        the case's one decision says the customer may be reminded now."""
        self._check_pending()
        self.case_id._check_may_remind()
        self._write_own({"decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()})
        self.env["eh.collections.followup.send"]._send_followups(self)
        return True

    def action_send_anyway(self, reason):
        """A Collections Manager sends a held reminder, saying why: logged on the case
        with who, why and what held the customer, then sent once."""
        self._check_pending()
        if not any(self.case_id._reminder_holds_by_case().values()):
            return self.action_send()  # nothing holds the customer: no override to record
        self.case_id._check_may_remind(override_reason=reason)
        for followup in self:
            followup.case_id._log_hold_override(followup.display_name, reason)
        self._write_own(
            {
                "decided_by_id": self.env.uid,
                "decided_at": fields.Datetime.now(),
                "override_reason": reason.strip(),
            }
        )
        self.env["eh.collections.followup.send"]._send_followups(self)
        return True

    def action_open_send_anyway(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send anyway"),
            "res_model": "eh.collections.followup.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_followup_ids": self.ids},
        }

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
        self._write_own(
            {"state": "discarded", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
        )
        return True
