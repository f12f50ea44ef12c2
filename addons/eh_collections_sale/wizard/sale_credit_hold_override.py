from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..models.sale_order import OVERRIDE_GROUPS


class SaleCreditHoldOverride(models.TransientModel):
    """Confirm one quotation over the credit hold, with a reason."""

    _name = "eh.sale.credit.hold.override"
    _description = "Override the credit hold"

    order_id = fields.Many2one("sale.order", required=True)
    hold = fields.Text(related="order_id.eh_credit_hold")
    reason = fields.Char(required=True, help="Logged on the collections case and in the order's chatter.")

    def action_confirm(self):
        self.ensure_one()
        if not any(self.env.user.has_group(group) for group in OVERRIDE_GROUPS):
            raise AccessError(
                self.env._("Only a Sales Manager or a Collections Manager can confirm over the credit hold.")
            )
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the order is confirmed over the credit hold."))
        self.order_id._eh_override_credit_hold(reason)
        return {"type": "ir.actions.act_window_close"}
