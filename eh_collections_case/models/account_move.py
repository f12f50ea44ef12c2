from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    eh_disputed = fields.Boolean(
        string="Disputed",
        copy=False,
        tracking=True,
        help="Excluded from the amounts chased and from reminders while disputed.",
    )
    eh_dispute_reason = fields.Char(string="Dispute reason", copy=False)
    eh_days_overdue = fields.Integer(string="Days overdue", compute="_compute_eh_days_overdue")
    eh_pay_url = fields.Char(string="Payment link", compute="_compute_eh_pay_url")

    def _compute_eh_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            due = move.invoice_date_due
            move.eh_days_overdue = max(0, (today - due).days) if due else 0

    def _compute_eh_pay_url(self):
        for move in self:
            move.eh_pay_url = (
                move.get_base_url() + move._get_share_url(redirect=False)
                if move.is_sale_document()
                else False
            )

    def write(self, vals):
        """Log disputing and resolving an invoice on its customer's open case."""
        if "eh_disputed" not in vals:
            return super().write(vals)
        changed = self.filtered(lambda m: m.eh_disputed != bool(vals["eh_disputed"]))
        result = super().write(vals)
        for move in changed:
            case = move.sudo().eh_collections_case_id
            if case and case.state == "open":
                note = (move.eh_dispute_reason or "") if move.eh_disputed else ""
                case._log_action(
                    [
                        {
                            "action_type": "dispute" if move.eh_disputed else "dispute_resolved",
                            "note": f"{move.name}: {note}".rstrip(": "),
                        }
                    ]
                )
        return result

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
