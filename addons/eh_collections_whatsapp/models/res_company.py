from odoo import api, fields, models

from ..tools import signature_valid


class ResCompany(models.Model):
    """The company's WhatsApp Business number. The access token, the app secret that
    signs webhooks and the webhook's verify token are readable by system
    administrators only; Settings write them and show a hint back."""

    _inherit = "res.company"

    eh_whatsapp_api_url = fields.Char(
        string="WhatsApp API",
        default="https://graph.facebook.com/v21.0",
        help="The Graph API the messages are posted to, with its version.",
    )
    eh_whatsapp_phone_number_id = fields.Char(
        string="WhatsApp phone number ID",
        help="The ID Meta gives the company's WhatsApp Business number (not the number itself).",
    )
    eh_whatsapp_access_token = fields.Char(
        string="WhatsApp access token", groups="base.group_system", copy=False
    )
    eh_whatsapp_app_secret = fields.Char(string="WhatsApp app secret", groups="base.group_system", copy=False)
    eh_whatsapp_verify_token = fields.Char(
        string="WhatsApp webhook verify token", groups="base.group_system", copy=False
    )
    eh_whatsapp_timeout = fields.Float(string="WhatsApp timeout (s)", default=10.0)

    def _eh_whatsapp_ready(self):
        """Whether the company can send: a number and a token."""
        self.ensure_one()
        return bool(self.eh_whatsapp_phone_number_id and self.sudo().eh_whatsapp_access_token)

    @api.model
    def _eh_whatsapp_signed_by(self, body, signature):
        """The companies whose app secret signed `body` (none: the webhook is refused)."""
        companies = self.sudo().search([("eh_whatsapp_app_secret", "!=", False)])
        return companies.filtered(lambda c: signature_valid(c.eh_whatsapp_app_secret, body, signature))

    @api.model
    def _eh_whatsapp_verify_token_known(self, token):
        return bool(token) and bool(
            self.sudo().search_count([("eh_whatsapp_verify_token", "=", token)], limit=1)
        )
