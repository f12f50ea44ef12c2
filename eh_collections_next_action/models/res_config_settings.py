from odoo import fields, models

from odoo.addons.eh_account_ai_agent.models.res_config_settings import secret_hint


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    eh_ai_autonomy_tag_ids = fields.Many2many(related="company_id.eh_ai_autonomy_tag_ids", readonly=False)
    eh_ai_autonomy_max_amount = fields.Monetary(
        related="company_id.eh_ai_autonomy_max_amount", readonly=False
    )
    eh_collections_reply_hold_days = fields.Integer(
        related="company_id.eh_collections_reply_hold_days", readonly=False
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
    eh_my_day_weight_reply = fields.Float(related="company_id.eh_my_day_weight_reply", readonly=False)
    eh_agent_webhook_url = fields.Char(related="company_id.eh_agent_webhook_url", readonly=False)
    # The secret is write-only, as the AI key: typed here, shown back as a hint.
    eh_agent_webhook_secret_input = fields.Char(string="New shared secret", groups="base.group_system")
    eh_agent_webhook_secret_hint = fields.Char(
        string="Shared secret", compute="_compute_eh_agent_webhook_secret_hint", groups="base.group_system"
    )

    def _compute_eh_agent_webhook_secret_hint(self):
        for settings in self:
            settings.eh_agent_webhook_secret_hint = secret_hint(
                settings.company_id.sudo().eh_agent_webhook_secret
            )

    def set_values(self):
        result = super().set_values()
        if self.eh_agent_webhook_secret_input and self.env.user.has_group("base.group_system"):
            self.company_id.sudo().eh_agent_webhook_secret = self.eh_agent_webhook_secret_input.strip()
        return result
