from odoo import api, fields, models
from odoo.exceptions import ValidationError

# What every SMS template of a level prints: the reminder's pay link.
PAY_LINK = "eh_sms_pay_url"


class CollectionsLevel(models.Model):
    _inherit = "eh.collections.level"

    channel_sms = fields.Boolean(
        string="SMS",
        help="A short text with the total and the pay link to the invoicing contact's phone, sent by "
        "Odoo's SMS (whatever provider the database uses). Without a usable number, the level's email "
        "goes instead.",
    )
    sms_template_id = fields.Many2one(
        "sms.template", string="SMS template", domain="[('model', '=', 'eh.collections.case')]"
    )

    @api.constrains("channel_sms", "sms_template_id")
    def _check_sms_template(self):
        for level in self.filtered("channel_sms"):
            if not level.sms_template_id:
                raise ValidationError(
                    self.env._("Level %(name)s sends an SMS: choose its SMS template.", name=level.name)
                )
            level.sms_template_id._eh_check_pay_link()
