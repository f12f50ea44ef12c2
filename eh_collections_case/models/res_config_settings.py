from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    eh_collections_send_mode = fields.Selection(related="company_id.eh_collections_send_mode", readonly=False)
    eh_collections_default_user_id = fields.Many2one(
        related="company_id.eh_collections_default_user_id", readonly=False
    )
    eh_collections_auto_ceiling = fields.Monetary(
        related="company_id.eh_collections_auto_ceiling", readonly=False
    )
    eh_demand_days = fields.Integer(related="company_id.eh_demand_days", readonly=False)
    eh_pay_link_days = fields.Integer(related="company_id.eh_pay_link_days", readonly=False)
    eh_collections_resolve_paid_cases = fields.Boolean(
        related="company_id.eh_collections_resolve_paid_cases", readonly=False
    )
    eh_dso_period_days = fields.Integer(related="company_id.eh_dso_period_days", readonly=False)
    eh_interest_enabled = fields.Boolean(related="company_id.eh_interest_enabled", readonly=False)
    eh_interest_level_count = fields.Integer(
        compute="_compute_eh_interest_level_count",
        help="Reminder levels of the company that apply statutory interest.",
    )
    eh_interest_reference_rate = fields.Float(related="company_id.eh_interest_reference_rate", readonly=False)
    eh_interest_margin = fields.Float(related="company_id.eh_interest_margin", readonly=False)
    eh_interest_compensation = fields.Monetary(related="company_id.eh_interest_compensation", readonly=False)
    eh_fee_product_id = fields.Many2one(related="company_id.eh_fee_product_id", readonly=False)
    eh_interest_product_id = fields.Many2one(related="company_id.eh_interest_product_id", readonly=False)
    eh_fee_account_id = fields.Many2one(related="company_id.eh_fee_account_id", readonly=False)
    eh_cash_fee_tolerance = fields.Monetary(related="company_id.eh_cash_fee_tolerance", readonly=False)
    eh_cash_writeoff_account_id = fields.Many2one(
        related="company_id.eh_cash_writeoff_account_id", readonly=False
    )

    @api.depends("company_id")
    def _compute_eh_interest_level_count(self):
        Level = self.env["eh.collections.level"]
        for settings in self:
            settings.eh_interest_level_count = Level.search_count(
                [("company_id", "=", settings.company_id.id), ("apply_statutory_interest", "=", True)]
            )
