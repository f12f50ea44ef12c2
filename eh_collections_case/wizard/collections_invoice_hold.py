from odoo import fields, models


class CollectionsInvoiceHold(models.TransientModel):
    """Hold invoices from reminders until a date, with the reason why."""

    _name = "eh.collections.invoice.hold"
    _description = "Hold invoices from reminders"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    hold_until = fields.Date(
        string="Until", required=True, help="Reminders list the invoice again the day after."
    )
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.move_ids.action_eh_hold_reminders(self.hold_until, self.reason)
        return {"type": "ir.actions.act_window_close"}
