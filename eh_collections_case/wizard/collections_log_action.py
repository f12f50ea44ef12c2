from odoo import api, fields, models
from odoo.exceptions import ValidationError

MANUAL_TYPES = [
    ("call", "Call"),
    ("email", "Email"),
    ("sms", "SMS"),
    ("meeting", "Meeting"),
    ("letter", "Letter"),
    ("note", "Note"),
]


class CollectionsLogAction(models.TransientModel):
    """What a collector did on a case, with an optional promise to pay."""

    _name = "eh.collections.log.action"
    _description = "Log a collections action"

    case_id = fields.Many2one("eh.collections.case", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="case_id.currency_id")
    action_type = fields.Selection(MANUAL_TYPES, string="Type", required=True, default="call")
    contact_made = fields.Boolean(string="Reached the customer")
    note = fields.Text()
    with_promise = fields.Boolean(string="Promise to pay")
    promise_amount = fields.Monetary()
    promise_date = fields.Date()

    @api.onchange("with_promise")
    def _onchange_with_promise(self):
        if self.with_promise and not self.promise_amount:
            self.promise_amount = self.case_id.total_overdue_amount

    @api.constrains("with_promise", "promise_amount", "promise_date")
    def _check_promise(self):
        for wizard in self.filtered("with_promise"):
            if wizard.promise_amount <= 0:
                raise ValidationError(self.env._("A promise to pay needs an amount greater than zero."))
            if not wizard.promise_date:
                raise ValidationError(self.env._("A promise to pay needs the date the customer will pay by."))
            if wizard.promise_date < wizard.case_id._today():
                raise ValidationError(self.env._("The promised payment date cannot be in the past."))

    def action_confirm(self):
        self.ensure_one()
        case = self.case_id
        rows = [{"action_type": self.action_type, "contact_made": self.contact_made, "note": self.note}]
        if self.with_promise:
            rows.append(
                {
                    "action_type": "promise",
                    "contact_made": self.contact_made,
                    "promise_amount": self.promise_amount,
                    "promise_date": self.promise_date,
                    "note": self.note,
                }
            )
            case._record_promise(self.promise_amount, self.promise_date)
        case._log_action(rows)
        return {"type": "ir.actions.act_window_close"}
