from odoo import fields, models


class CollectionsCase(models.Model):
    _inherit = "eh.collections.case"

    eh_sms_pay_url = fields.Char(
        string="Pay link (SMS)",
        compute="_compute_eh_sms_pay_url",
        help="The signed pay link of the oldest invoice the reminder names: one link fits an SMS.",
    )

    def _compute_eh_sms_pay_url(self):
        for case in self:
            case.eh_sms_pay_url = case._eh_reminder_pay_url()
