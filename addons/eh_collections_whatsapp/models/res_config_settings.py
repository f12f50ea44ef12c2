from odoo import fields, models


def secret_hint(secret):
    """Its last four characters, "set" for a short one, nothing when there is none."""
    secret = secret or ""
    return f"…{secret[-4:]}" if len(secret) > 8 else ("set" if secret else "")


# Write-only secrets of the company: typed in Settings, shown back as a hint.
SECRETS = ("eh_whatsapp_access_token", "eh_whatsapp_app_secret", "eh_whatsapp_verify_token")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    eh_whatsapp_api_url = fields.Char(related="company_id.eh_whatsapp_api_url", readonly=False)
    eh_whatsapp_phone_number_id = fields.Char(
        related="company_id.eh_whatsapp_phone_number_id", readonly=False
    )
    eh_whatsapp_timeout = fields.Float(related="company_id.eh_whatsapp_timeout", readonly=False)
    eh_whatsapp_access_token_input = fields.Char(string="New access token", groups="base.group_system")
    eh_whatsapp_app_secret_input = fields.Char(string="New app secret", groups="base.group_system")
    eh_whatsapp_verify_token_input = fields.Char(string="New verify token", groups="base.group_system")
    eh_whatsapp_secrets_hint = fields.Char(
        string="WhatsApp secrets", compute="_compute_eh_whatsapp_secrets_hint", groups="base.group_system"
    )

    def _compute_eh_whatsapp_secrets_hint(self):
        for settings in self:
            company = settings.company_id.sudo()
            settings.eh_whatsapp_secrets_hint = " · ".join(
                f"{label} {secret_hint(company[name]) or '—'}"
                for label, name in zip(
                    (self.env._("token"), self.env._("app secret"), self.env._("verify token")),
                    SECRETS,
                    strict=True,
                )
            )

    def set_values(self):
        result = super().set_values()
        if self.env.user.has_group("base.group_system"):
            typed = {
                name: self[f"{name}_input"].strip()
                for name in SECRETS
                if (self[f"{name}_input"] or "").strip()
            }
            if typed:
                self.company_id.sudo().write(typed)
        return result
