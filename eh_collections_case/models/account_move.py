from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.case_method import in_case_method
from .collections_payment_match import PENDING_MATCHES

# Set on an invoice only when late fees are posted from its case.
FEE_MARKERS = (
    "eh_fee_case_id",
    "eh_fee_charged_until",
    "eh_interest_charged_until",
    "eh_compensation_charged",
)


class AccountMove(models.Model):
    _inherit = "account.move"

    eh_disputed = fields.Boolean(
        string="Disputed",
        copy=False,
        tracking=True,
        help="Excluded from the amounts chased and from reminders while disputed.",
    )
    eh_dispute_reason = fields.Char(string="Dispute reason", copy=False)
    eh_days_overdue = fields.Integer(
        string="Days overdue",
        compute="_compute_eh_days_overdue",
        help="Days since its oldest overdue instalment fell due.",
    )
    eh_pay_url = fields.Char(
        string="Payment link",
        compute="_compute_eh_pay_url",
        help="The signed link every reminder carries; it expires after the days set in Settings.",
    )
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
        help="Statutory interest on the overdue instalments since they fell due (or since it was last "
        "invoiced), not yet invoiced.",
    )
    eh_collections_case_id = fields.Many2one(
        "eh.collections.case",
        string="Collections case",
        compute="_compute_eh_collections_case_id",
        groups="eh_collections_case.group_collections_user",
    )
    eh_reminder_count = fields.Integer(
        string="Reminders",
        compute="_compute_eh_reminder_count",
        groups="eh_collections_case.group_collections_user",
    )

    def _post(self, soft=True):
        """Posted receivables refresh their customers' open cases before the commit; a
        posted customer payment or bank transfer gets its match suggestions then too
        (the payment wizard reconciles after posting: a payment matched on the spot
        needs none)."""
        posted = super()._post(soft)
        self.env["eh.collections.case"]._ledger_changed(posted.line_ids)
        cash = posted.line_ids.filtered_domain(self.env["account.move.line"]._eh_collected_domain())
        if cash:
            pending = self.env.cr.precommit.data.setdefault(PENDING_MATCHES, set())
            if not pending:
                self.env.cr.precommit.add(self.env["eh.collections.payment.match"]._suggest_pending)
            pending.update(cash.ids)
        return posted

    def button_draft(self):
        self.env["eh.collections.case"]._ledger_changed(self.line_ids)
        return super().button_draft()

    def _eh_open_receivable_lines(self):
        AML = self.env["account.move.line"]
        return self.line_ids.filtered_domain(AML._eh_open_receivable_domain())

    @api.depends("line_ids.eh_days_overdue", "line_ids.reconciled")
    def _compute_eh_days_overdue(self):
        for move in self:
            move.eh_days_overdue = max(move._eh_open_receivable_lines().mapped("eh_days_overdue"), default=0)

    @api.depends("line_ids.eh_interest_accrued", "line_ids.reconciled")
    def _compute_eh_interest_accrued(self):
        for move in self:
            move.eh_interest_accrued = sum(move._eh_open_receivable_lines().mapped("eh_interest_accrued"))

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

    def _compute_eh_reminder_count(self):
        counts = dict(
            self.env["eh.collections.action.invoice"]._read_group(
                [("move_id", "in", self.ids)], ["move_id"], ["action_id:count_distinct"]
            )
        )
        for move in self:
            move.eh_reminder_count = counts.get(move, 0)

    # -- CRUD -----------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not in_case_method():
            for vals in vals_list:
                self._eh_check_fee_markers(vals)
        return super().create(vals_list)

    def write(self, vals):
        """The fee markers move only with a posted late fee; disputing or resolving an
        invoice is logged on its customer's open case, whose figures follow at once."""
        if not in_case_method():
            self._eh_check_fee_markers(vals)
        if "eh_disputed" not in vals:
            return super().write(vals)
        changed = self.filtered(lambda m: m.eh_disputed != bool(vals["eh_disputed"]))
        result = super().write(vals)
        for move in changed:
            case = move.sudo().eh_collections_case_id
            if case and case.state == "open":
                case._log_invoice_dispute(move)
        return result

    def _eh_check_fee_markers(self, vals):
        marked = [name for name in FEE_MARKERS if name in vals]
        if marked:
            raise UserError(
                self.env._(
                    "%(field)s cannot be set by hand: it is set when late fees are posted from the "
                    "collections case (Charge late fees).",
                    field=self._fields[marked[0]]._description_string(self.env),
                )
            )

    # -- buttons ----------------------------------------------------------------------

    def action_view_eh_collections_case(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "eh.collections.case",
            "view_mode": "form",
            "res_id": self.eh_collections_case_id.id,
        }

    def action_view_eh_reminders(self):
        """Every reminder that named this invoice, with the amount it named."""
        self.ensure_one()
        return self.env["eh.collections.action"]._reminders_action([("invoice_ids.move_id", "=", self.id)])
