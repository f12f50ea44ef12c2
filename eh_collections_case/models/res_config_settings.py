from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    eh_collections_resolve_paid_cases = fields.Boolean(
        related="company_id.eh_collections_resolve_paid_cases", readonly=False
    )
