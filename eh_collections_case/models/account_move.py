from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    eh_collections_case_id = fields.Many2one(
        "eh.collections.case",
        string="Collections case",
        compute="_compute_eh_collections_case_id",
        groups="eh_collections_case.group_collections_user",
    )

    def _compute_eh_collections_case_id(self):
        customer_moves = self.filtered(lambda m: m.is_sale_document(include_receipts=True))
        cases = self.env["eh.collections.case"].search(
            [
                ("partner_id", "in", customer_moves.commercial_partner_id.ids),
                ("company_id", "in", customer_moves.company_id.ids),
            ],
            order="state, id desc",  # the open case first, else the latest resolved one
        )
        for move in self:
            move.eh_collections_case_id = move in customer_moves and next(
                (
                    c
                    for c in cases
                    if c.partner_id == move.commercial_partner_id and c.company_id == move.company_id
                ),
                False,
            )

    def action_view_eh_collections_case(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "eh.collections.case",
            "view_mode": "form",
            "res_id": self.eh_collections_case_id.id,
        }
