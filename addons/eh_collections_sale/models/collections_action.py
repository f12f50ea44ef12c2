from odoo import fields, models


class CollectionsAction(models.Model):
    _inherit = "eh.collections.action"

    action_type = fields.Selection(
        selection_add=[
            ("sale_override", "Sale confirmed over the credit hold"),
            ("credit_terms", "Credit terms proposal"),
        ],
        ondelete={"sale_override": "cascade", "credit_terms": "cascade"},
    )
