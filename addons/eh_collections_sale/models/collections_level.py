from odoo import fields, models


class CollectionsLevel(models.Model):
    _inherit = "eh.collections.level"

    block_new_sales = fields.Boolean(
        string="Block new sales",
        help="From this level on, confirming a new sales order for the customer (any of its contacts and "
        "addresses) is refused until the case is paid down below it, unless a manager overrides it.",
    )
    notify_salesperson = fields.Boolean(
        string="Tell the salesperson",
        help="When this level is sent, the salesperson of the customer's latest order gets an activity "
        "naming the case and what is owed.",
    )
    propose_credit_terms = fields.Boolean(
        string="Propose tighter credit",
        help="When this level is sent, propose a lower credit limit and shorter payment terms to a "
        "Collections Manager, who accepts or rejects them.",
    )
