from odoo import api, models
from odoo.exceptions import ValidationError

from .collections_level import PAY_LINK


class SmsTemplate(models.Model):
    _inherit = "sms.template"

    @api.constrains("body")
    def _check_eh_collections_pay_link(self):
        levels = (
            self.env["eh.collections.level"]
            .sudo()
            .search([("channel_sms", "=", True), ("sms_template_id", "in", self.ids)])
        )
        levels.sms_template_id._eh_check_pay_link()

    def _eh_check_pay_link(self):
        """A collections SMS without its pay link leaves the customer nothing to click."""
        for template in self:
            if PAY_LINK not in (template.body or ""):
                raise ValidationError(
                    self.env._(
                        "The SMS template %(template)s sends collections reminders: it must print the pay "
                        "link, {{ object.%(field)s }}.",
                        template=template.name,
                        field=PAY_LINK,
                    )
                )
