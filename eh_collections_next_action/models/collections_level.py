from odoo import fields, models


class CollectionsLevel(models.Model):
    _inherit = "eh.collections.level"

    eh_ai_draft = fields.Boolean(
        string="Draft with AI",
        help="With an AI provider, the daily run asks it for this level's prose; Odoo adds the invoices, "
        "amounts, dates and pay links. The draft waits in To approve unless an AI autonomy rule lets it "
        "go. Without a provider, or when the draft is refused, the level's template is used.",
    )
