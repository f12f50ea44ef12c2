from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.case_method import in_case_method


class CollectionsActionInvoice(models.Model):
    """An overdue instalment a reminder named, and what was due on it when it was sent.
    Part of the append-only history: written with its row, never changed."""

    _name = "eh.collections.action.invoice"
    _inherit = ["eh.collections.history.mixin"]
    _description = "Invoice named by a reminder"
    _order = "action_id desc, date_maturity, id"

    action_id = fields.Many2one("eh.collections.action", required=True, index=True, ondelete="restrict")
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="restrict"
    )
    date_maturity = fields.Date(string="Due date")
    amount_residual = fields.Monetary(string="Amount due at the time")
    currency_id = fields.Many2one("res.currency", required=True)
    # Not stored: a stored related field would be written after the insert, and the
    # history's trigger refuses every UPDATE.
    company_id = fields.Many2one(related="action_id.company_id")
    case_id = fields.Many2one(related="action_id.case_id")
    date = fields.Datetime(related="action_id.date")

    @api.model_create_multi
    def create(self, vals_list):
        if not in_case_method():
            raise UserError(self.env._("The invoices a reminder named are recorded when it is sent."))
        return super().create(vals_list)

    @api.model
    def _values_for(self, lines):
        """What a reminder records of the overdue lines it names."""
        return [
            {
                "move_id": line.move_id.id,
                "date_maturity": line.date_maturity,
                "amount_residual": line.amount_residual_currency,
                "currency_id": line.currency_id.id,
            }
            for line in lines
        ]
