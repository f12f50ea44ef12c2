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
    eh_credit_proposal_risk = fields.Integer(
        string="Propose tighter credit from a risk score of",
        help="When a customer's payment-risk score reaches this (0: never), propose a lower credit limit "
        "and shorter payment terms to a Collections Manager.",
    )
