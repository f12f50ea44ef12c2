from odoo import api, fields, models

from ..tools.charges import charge_period, statutory_interest, to_decimal


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
    eh_fee_case_id = fields.Many2one(
        "eh.collections.case",
        string="Late fee of case",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="This invoice charges late fees or interest for that collections case.",
    )
    eh_fee_charged_until = fields.Date(
        string="Late fees charged up to", copy=False, readonly=True, tracking=True
    )
    eh_interest_charged_until = fields.Date(
        string="Interest charged up to", copy=False, readonly=True, tracking=True
    )
    eh_compensation_charged = fields.Boolean(
        string="Recovery compensation charged", copy=False, readonly=True
    )
    eh_interest_accrued = fields.Monetary(
        string="Accrued interest",
        compute="_compute_eh_interest_accrued",
        help="Statutory interest on the residual since the due date (or since it was last "
        "invoiced), not yet invoiced.",
    )

    def _compute_eh_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            due = move.invoice_date_due
            move.eh_days_overdue = max(0, (today - due).days) if due else 0

    @api.depends_context("tz")
    def _compute_eh_interest_accrued(self):
        today = fields.Date.context_today(self)
        for move in self:
            company = move.company_id
            if not (
                company.eh_interest_enabled
                and move._eh_is_chargeable()
                and move.invoice_date_due
                and move.invoice_date_due < today
            ):
                move.eh_interest_accrued = 0.0
                continue
            period = charge_period(move.invoice_date_due, move.eh_interest_charged_until, today)
            move.eh_interest_accrued = float(
                statutory_interest(
                    to_decimal(move.amount_residual),
                    company._eh_interest_annual_rate(),
                    period.days,
                    move.currency_id.decimal_places,
                )
            )

    def _eh_is_chargeable(self):
        """An open customer invoice that may carry late fees: not a fee itself, not disputed."""
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.payment_state in ("not_paid", "partial")
            and not self.eh_disputed
            and not self.eh_fee_case_id
        )

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
