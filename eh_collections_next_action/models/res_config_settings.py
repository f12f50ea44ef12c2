from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    eh_ai_autonomy_tag_ids = fields.Many2many(related="company_id.eh_ai_autonomy_tag_ids", readonly=False)
    eh_ai_autonomy_max_amount = fields.Monetary(
        related="company_id.eh_ai_autonomy_max_amount", readonly=False
    )
    eh_my_day_weight_promise_due = fields.Float(
        related="company_id.eh_my_day_weight_promise_due", readonly=False
    )
    eh_my_day_weight_broken_promise = fields.Float(
        related="company_id.eh_my_day_weight_broken_promise", readonly=False
    )
    eh_my_day_weight_reminder_due = fields.Float(
        related="company_id.eh_my_day_weight_reminder_due", readonly=False
    )
    eh_my_day_weight_exposure = fields.Float(related="company_id.eh_my_day_weight_exposure", readonly=False)
