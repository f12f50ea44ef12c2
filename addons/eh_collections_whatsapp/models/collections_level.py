import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# How Meta names an approved template.
TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")


class CollectionsLevel(models.Model):
    _inherit = "eh.collections.level"

    channel_whatsapp = fields.Boolean(
        string="WhatsApp",
        help="An approved WhatsApp template to customers who opted in, through the company's WhatsApp "
        "Business number. Its body gets four parameters: {{1}} the customer, {{2}} the overdue total, "
        "{{3}} the company, {{4}} the pay link. Without an opt-in or a usable number, or when WhatsApp "
        "refuses it, the level's email goes instead.",
    )
    whatsapp_template = fields.Char(
        string="WhatsApp template",
        help="The name of the template as Meta approved it, in every language customers speak "
        "(lower case letters, digits and underscores).",
    )

    @api.constrains("channel_whatsapp", "whatsapp_template")
    def _check_whatsapp_template(self):
        for level in self.filtered("channel_whatsapp"):
            if not level.whatsapp_template:
                raise ValidationError(
                    self.env._("Level %(name)s sends WhatsApp: name its approved template.", name=level.name)
                )
            if not TEMPLATE_NAME.fullmatch(level.whatsapp_template):
                raise ValidationError(
                    self.env._(
                        "%(template)s is not a WhatsApp template name: Meta names them with lower case "
                        "letters, digits and underscores.",
                        template=level.whatsapp_template,
                    )
                )
