from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    eh_collections_send_mode = fields.Selection(related="company_id.eh_collections_send_mode", readonly=False)
    eh_collections_auto_ceiling = fields.Monetary(
        related="company_id.eh_collections_auto_ceiling", readonly=False
    )
    eh_collections_resolve_paid_cases = fields.Boolean(
        related="company_id.eh_collections_resolve_paid_cases", readonly=False
    )
