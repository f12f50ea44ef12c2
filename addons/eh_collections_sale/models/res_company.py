from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    eh_credit_limit_mode = fields.Selection(
        [("warn", "Warn"), ("block", "Block")],
        string="Over the credit limit",
        default="warn",
        required=True,
        help="With Odoo's credit limit on: warn only (Odoo's banner), or refuse to confirm the order.",
    )
