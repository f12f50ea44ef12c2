from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date, format_datetime

from ..tools.case_method import in_case_method

ACTION_TYPES = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("whatsapp", "WhatsApp"),
    ("letter", "Letter"),
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("note", "Note"),
    ("follow_up", "Follow-up"),
    ("promise", "Promise to pay"),
    ("escalation", "Escalation"),
    ("dispute", "Dispute"),
    ("dispute_resolved", "Dispute resolved"),
    ("invoice_hold", "Invoice held from reminders"),
    ("invoice_hold_released", "Invoice back in reminders"),
    ("pause", "Pause"),
    ("resume", "Resume"),
    ("fee", "Late fee"),
    ("payment_plan", "Payment plan agreed"),
    ("payment_plan_ended", "Payment plan ended"),
    ("payment_applied", "Payment applied"),
    ("resolved", "Resolved"),
]
# Rows that reach out to the customer. Done, they are the case's follow-ups; done with
# the customer reached, its contacts. The counters and the next action both count these.
OUTREACH_TYPES = ("email", "sms", "whatsapp", "letter", "call", "meeting")
# Rows that change the case's state are written by the case's own methods only; a
# client creating one directly is told which method to call.
STATE_CHANGE_PATHS = {
    "pause": "action_pause(reason, pause_until)",
    "resume": "action_resume()",
    "dispute": "action_dispute(reason)",
    "dispute_resolved": "action_resolve_dispute()",
    "invoice_hold": "action_eh_hold_reminders(until, reason) on account.move",
    "invoice_hold_released": "action_eh_release_hold() on account.move",
    "escalation": "action_escalate(reason)",
    "resolved": "action_refresh()",
    "fee": "the Charge late fees wizard (eh.collections.late.fee, action_post)",
    "payment_plan": "action_activate() on eh.collections.payment.plan",
    "payment_plan_ended": "action_cancel(reason) on eh.collections.payment.plan",
    "payment_applied": "action_apply() on eh.collections.payment.match",
}
# Filled from the case when a row is created, never from the client.
FROM_THE_CASE = ("partner_id", "company_id", "amount_at_action", "days_overdue_at_action")


class CollectionsAction(models.Model):
    """One thing that happened on a case, in the append-only history.

    Creating a row is the one way to log, whoever does it (a wizard, a cron, a server
    action, `create` over JSON-RPC or JSON-2): every row is checked the same way and
    has the same effects on its case (`eh.collections.case._apply_logged_actions`)."""

    _name = "eh.collections.action"
    _inherit = ["eh.collections.history.mixin"]
    _description = "Collections Action Log"
    _order = "date desc, id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "eh.collections.case", required=True, index=True, ondelete="restrict", check_company=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    action_type = fields.Selection(ACTION_TYPES, string="Type", required=True)
    level_id = fields.Many2one("eh.collections.level", index=True, check_company=True)
    channel = fields.Selection(
        [("email", "Email"), ("letter", "Letter"), ("call", "Call")],
        help="The reminder channel that wrote the row (a channel bridge adds its own).",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user, readonly=True)
    contact_made = fields.Boolean(help="The customer was reached (answered, replied, met).")
    promise_amount = fields.Monetary()
    promise_date = fields.Date()
    amount_at_action = fields.Monetary(string="Overdue at the time", readonly=True)
    days_overdue_at_action = fields.Integer(string="Days overdue at the time", readonly=True)
    state = fields.Selection(
        [("done", "Done"), ("failed", "Failed"), ("skipped", "Skipped")], default="done", required=True
    )
    status = fields.Selection(
        [("done", "Done"), ("failed", "Failed"), ("skipped", "Skipped")],
        compute="_compute_status",
        help="Where the row stands: the delivery its channel reports, once it does (a channel bridge "
        "adds its own), else its state.",
    )
    note = fields.Text()
    ai_generated = fields.Boolean(
        string="AI draft", readonly=True, help="What went out was drafted by the AI provider."
    )
    invoice_ids = fields.One2many(
        "eh.collections.action.invoice",
        "action_id",
        string="Invoices named",
        readonly=True,
        help="The overdue invoices a reminder named, with the amount due on each when it was sent.",
    )

    @api.depends("action_type", "partner_id", "date")
    def _compute_display_name(self):
        types = dict(self._fields["action_type"]._description_selection(self.env))
        for action in self:
            action.display_name = self.env._(
                "%(type)s, %(customer)s, %(date)s",
                type=types.get(action.action_type, ""),
                customer=action.partner_id.name or "",
                date=format_date(self.env, action.date),
            )

    @api.depends("state")
    def _compute_status(self):
        for action in self:
            action.status = action._delivery_status() or action.state

    def _delivery_status(self):
        """What the row's channel reports of its delivery, as a `status` value, or False
        (an email's delivery is not followed: its bounces come back as mail)."""
        self.ensure_one()
        return False

    @api.model_create_multi
    def create(self, vals_list):
        """Check every row, fill in what comes from the case, then apply the rows to
        their cases. A refused row refuses the whole call: nothing is half-written."""
        cases = self.env["eh.collections.case"].browse(
            {vals["case_id"] for vals in vals_list if vals.get("case_id")}
        )
        by_id = {case.id: case for case in cases.exists()}
        for vals in vals_list:
            case = by_id.get(vals.get("case_id"))
            if not case:
                raise ValidationError(self.env._("An action is logged on an existing collections case."))
            self._check_row(vals, case)
            vals.update(
                partner_id=case.partner_id.id,
                company_id=case.company_id.id,
                amount_at_action=case.total_overdue_amount,
                days_overdue_at_action=case.days_overdue_max,
                user_id=self.env.uid,
            )
        actions = super().create(vals_list)
        actions.case_id._apply_logged_actions(actions)
        return actions

    def _check_row(self, vals, case):
        """Refuse, in the collector's words, what a row may not say."""
        action_type = vals.get("action_type")
        if action_type in STATE_CHANGE_PATHS and not in_case_method():
            label = dict(self._fields["action_type"]._description_selection(self.env)).get(action_type)
            raise UserError(
                self.env._(
                    "A %(type)s row changes the case: it is written by the case itself. Call "
                    "%(method)s on eh.collections.case instead.",
                    type=label,
                    method=STATE_CHANGE_PATHS[action_type],
                )
            )
        if vals.get("ai_generated") and not in_case_method():
            raise ValidationError(
                self.env._("A row is tagged AI draft by the reminder it comes from: leave ai_generated out.")
            )
        if vals.get("user_id") and vals["user_id"] != self.env.uid:
            raise ValidationError(
                self.env._(
                    "An action is logged by the user who logs it (%(user)s): leave its author out.",
                    user=self.env.user.name,
                )
            )
        for name in FROM_THE_CASE:
            if name in vals and not self._same_as_case(name, vals[name], case):
                raise ValidationError(
                    self.env._(
                        "%(field)s comes from the case when the action is logged: leave it out.",
                        field=self._fields[name]._description_string(self.env),
                    )
                )
        when = fields.Datetime.to_datetime(vals.get("date"))
        if when and when > fields.Datetime.now():
            raise ValidationError(
                self.env._(
                    "An action cannot be logged in the future (%(date)s): leave the date out to log it now.",
                    date=format_datetime(self.env, when),
                )
            )
        self._check_promise(vals, case)

    def _same_as_case(self, name, value, case):
        if name in ("partner_id", "company_id"):
            return value == case[name].id
        if name == "amount_at_action":
            return not case.currency_id.compare_amounts(value or 0.0, case.total_overdue_amount)
        return value == case.days_overdue_max

    def _check_promise(self, vals, case):
        if vals.get("action_type") != "promise":
            if vals.get("promise_amount") or vals.get("promise_date"):
                raise ValidationError(
                    self.env._("A promise to pay is logged as its own row, of type promise.")
                )
            return
        if case.state != "open":
            raise ValidationError(self.env._("A resolved case takes no promise to pay."))
        amount = vals.get("promise_amount") or 0.0
        if case.currency_id.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(self.env._("A promise to pay needs an amount greater than zero."))
        promise_date = fields.Date.to_date(vals.get("promise_date"))
        if not promise_date:
            raise ValidationError(self.env._("A promise to pay needs the date the customer will pay by."))
        if promise_date < case._today():
            raise ValidationError(self.env._("The promised payment date cannot be in the past."))

    @api.model
    def _reminders_action(self, domain):
        """The history rows matching `domain` that named invoices: the reminders."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "eh_collections_case.eh_collections_action_action"
        )
        action.update(
            name=self.env._("Reminders"),
            domain=[("invoice_ids", "!=", False), *domain],
            context={"create": False},
        )
        return action

    def _is_reminder(self):
        """Whether this row is a reminder that reached out: a level's, or one a reminder
        channel sent (the Statement of Account letter has no level), whatever the path
        (the cron, the To approve queue, Send reminders, a merge)."""
        self.ensure_one()
        return self.action_type in OUTREACH_TYPES and bool(self.level_id or self.channel)

    def _chatter_body(self):
        """One line for the case's chatter, e.g. "Call: customer reached; promised $ 500.00 by 12/05"."""
        self.ensure_one()
        selection = dict(self._fields["action_type"]._description_selection(self.env))
        details = []
        if self.contact_made:
            details.append(self.env._("customer reached"))
        if self.promise_date:
            details.append(
                self.env._(
                    "promised %(amount)s by %(date)s",
                    amount=format_amount(self.env, self.promise_amount, self.currency_id),
                    date=format_date(self.env, self.promise_date),
                )
            )
        if self.state != "done":
            details.append(dict(self._fields["state"]._description_selection(self.env))[self.state].lower())
        body = Markup("<b>%s</b>") % selection[self.action_type]
        if self.ai_generated:
            body += Markup(' <span class="badge text-bg-info">%s</span>') % self.env._("AI draft")
        if details:
            body += Markup(": ") + "; ".join(details)
        if self.note:
            body += Markup("<br/>") + self.note
        return body
