from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    eh_collections_resolve_paid_cases = fields.Boolean(
        string="Resolve paid cases",
        default=True,
        help="When a refresh finds nothing left to collect from a customer, resolve the case "
        "(with a log row) instead of only zeroing its amounts.",
    )
