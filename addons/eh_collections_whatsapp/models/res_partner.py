from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    eh_whatsapp_opt_in = fields.Boolean(
        string="Reminders by WhatsApp",
        tracking=True,
        help="The customer agreed to receive payment reminders on WhatsApp. Without it, no WhatsApp "
        "reminder goes: the level's email does. Set on the customer (the company), it covers its "
        "contacts.",
    )
