from odoo import fields, models


def secret_hint(secret):
    """What Settings show of a write-only secret: its last four characters, "set"
    for a short one, nothing when there is none."""
    secret = secret or ""
    return f"…{secret[-4:]}" if len(secret) > 8 else ("set" if secret else "")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    eh_ai_provider = fields.Selection(related="company_id.eh_ai_provider", readonly=False)
    eh_ai_base_url = fields.Char(related="company_id.eh_ai_base_url", readonly=False)
    eh_ai_model = fields.Char(related="company_id.eh_ai_model", readonly=False)
    eh_ai_timeout = fields.Float(related="company_id.eh_ai_timeout", readonly=False)
    eh_ai_cache_hours = fields.Integer(related="company_id.eh_ai_cache_hours", readonly=False)
    eh_ai_threshold_phone = fields.Integer(related="company_id.eh_ai_threshold_phone", readonly=False)
    eh_ai_threshold_agency = fields.Integer(related="company_id.eh_ai_threshold_agency", readonly=False)
    eh_ai_threshold_agency_after_letter = fields.Integer(
        related="company_id.eh_ai_threshold_agency_after_letter", readonly=False
    )
    eh_ai_threshold_write_off = fields.Integer(related="company_id.eh_ai_threshold_write_off", readonly=False)
    eh_risk_model_summary = fields.Char(related="company_id.eh_risk_model_summary")
    # The key is write-only: typed here, stored on the company, shown back as a hint.
    eh_ai_api_key_input = fields.Char(string="New API key", groups="base.group_system")
    eh_ai_api_key_hint = fields.Char(
        string="API key", compute="_compute_eh_ai_api_key_hint", groups="base.group_system"
    )

    def _compute_eh_ai_api_key_hint(self):
        for settings in self:
            settings.eh_ai_api_key_hint = secret_hint(settings.company_id.sudo().eh_ai_api_key)

    def set_values(self):
        result = super().set_values()
        if self.eh_ai_api_key_input and self.env.user.has_group("base.group_system"):
            self.company_id.sudo().eh_ai_api_key = self.eh_ai_api_key_input.strip()
        return result

    def action_eh_ai_test_connection(self):
        """Save, then ask the provider a tiny question and say how it went."""
        self.execute()
        return self.env["eh.ai.agent"]._notify_test_connection(self.company_id)
