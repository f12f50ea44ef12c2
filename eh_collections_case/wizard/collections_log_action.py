from odoo import api, fields, models

MANUAL_TYPES = [
    ("call", "Call"),
    ("email", "Email"),
    ("sms", "SMS"),
    ("whatsapp", "WhatsApp"),
    ("meeting", "Meeting"),
    ("letter", "Letter"),
    ("note", "Note"),
]


class CollectionsLogAction(models.TransientModel):
    """What a collector did on a case, with an optional promise to pay.

    The rows go through `eh.collections.action.create`, which checks them (a promise
    needs an amount above zero and a date from today on) and applies them."""

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

    def action_confirm(self):
        self.ensure_one()
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
        self.case_id._log_action(rows)
        return {"type": "ir.actions.act_window_close"}
