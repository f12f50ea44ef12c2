from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.aging import age
from ..tools.charges import Settlement, amounts_owed, charge_period, statutory_interest, to_decimal


class AccountMoveLine(models.Model):
    """What "open", "chased" and "overdue" mean, per receivable line.

    A line, not an invoice, falls overdue: an invoice whose payment terms have
    several instalments is chased for the late ones only, in the case, the statement,
    the reminders and the fees alike. The refresh's SQL is generated from the same
    domains."""

    _inherit = "account.move.line"

    eh_days_overdue = fields.Integer(string="Days overdue", compute="_compute_eh_days_overdue")
    eh_interest_accrued = fields.Monetary(
        string="Accrued interest",
        compute="_compute_eh_interest_accrued",
        currency_field="currency_id",
        help="Statutory interest on this overdue amount since it fell due (or since it was last "
        "invoiced), not invoiced yet.",
    )

    @api.model
    def _eh_receivable_domain(self):
        """Posted receivable lines of customers: the ledger every figure of the suite reads."""
        return Domain(
            [
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("partner_id", "!=", False),
            ]
        )

    @api.model
    def _eh_open_receivable_domain(self):
        """Open posted receivable lines of a customer: what it owes, or has in credit."""
        return self._eh_receivable_domain() & Domain(
            [("reconciled", "=", False), ("amount_residual", "!=", 0)]
        )

    @api.model
    def _eh_credit_sale_domain(self):
        """Receivable lines of customer invoices, credit notes and receipts: credit sales,
        net of credit notes, taxes included, as receivables are."""
        return self._eh_receivable_domain() & Domain(
            "move_id.move_type", "in", ("out_invoice", "out_refund", "out_receipt")
        )

    @api.model
    def _eh_collected_domain(self):
        """Receivable lines of customer payments and bank statement lines: cash collected
        (a credit), or refunded (a debit). Credit notes and write-offs are not cash."""
        return self._eh_receivable_domain() & (
            Domain("move_id.origin_payment_id", "!=", False)
            | Domain("move_id.statement_line_id", "!=", False)
        )

    @api.model
    def _eh_unapplied_payment_domain(self):
        """Open credits of customer payments and bank statement lines: cash received and
        not yet matched to the invoices it pays (what cash application works on)."""
        return (
            self._eh_open_receivable_domain()
            & self._eh_collected_domain()
            & Domain("amount_residual", "<", 0)
        )

    def _eh_payment_memo(self):
        """What the customer wrote with the payment: the payment's memo, the statement
        line's label, the entry's references."""
        self.ensure_one()
        move = self.move_id
        parts = [
            move.origin_payment_id.memo,
            move.statement_line_id.payment_ref,
            move.ref,
            move.payment_reference,
        ]
        parts = [part for part in parts if part]
        # The line's label repeats the memo ("Manual Payment: <memo>"): read only when alone.
        return " ".join(dict.fromkeys(parts or [self.name or ""]))

    @api.model
    def _eh_chased_domain(self):
        """The open lines a collector chases: those of invoices not in dispute."""
        return self._eh_open_receivable_domain() & Domain("move_id.eh_disputed", "=", False)

    @api.model
    def _eh_overdue_domain(self, today):
        """Chased amounts owed whose due date (else the entry's date) is before `today`."""
        return (
            self._eh_chased_domain()
            & Domain("amount_residual", ">", 0)
            & (
                Domain("date_maturity", "<", today)
                | (Domain("date_maturity", "=", False) & Domain("date", "<", today))
            )
        )

    @api.model
    def _eh_coming_due_domain(self, today, horizon):
        """Chased lines of customer invoices not due yet on `today` and due by `horizon`,
        that reminders may name (not held): what a coming-due notice lists."""
        return (
            self._eh_chased_domain()
            & Domain("move_id.move_type", "=", "out_invoice")
            & Domain("amount_residual", ">", 0)
            & Domain("date_maturity", ">=", today)
            & Domain("date_maturity", "<=", horizon)
            & (
                Domain("move_id.eh_followup_hold_until", "=", False)
                | Domain("move_id.eh_followup_hold_until", "<", today)
            )
        )

    @api.model
    def _eh_collected_lines_sql(self, *columns, domain=None):
        """The lines of `_eh_collected_domain()`, narrowed by `domain`, as a subquery with
        `columns` and the line's commercial partner as `commercial_partner_id`: what the
        collections figures and reports count as cash."""
        AML = self.sudo()
        query = AML._search(AML._eh_collected_domain() & Domain(domain or []), bypass_access=True)
        partner = query.join("account_move_line", "partner_id", "res_partner", "id", "partner_id")
        return query.select(
            *(SQL.identifier("account_move_line", name) for name in columns),
            SQL("%s AS commercial_partner_id", SQL.identifier(partner, "commercial_partner_id")),
        )

    def _eh_due_date(self):
        self.ensure_one()
        return self.date_maturity or self.date

    @api.depends("date_maturity", "date")
    def _compute_eh_days_overdue(self):
        for line in self:
            due = line._eh_due_date()
            line.eh_days_overdue = max(0, age(due, line.company_id._eh_collections_today())) if due else 0

    def _eh_amounts_owed(self, period):
        """What this receivable line owed on each day of `period` (`tools.charges.Stretch`
        list, in its currency): its residual today plus what was paid or credited on it
        since each day. Fees and interest run on it, so a payment in the middle of the
        period lowers them from that day."""
        self.ensure_one()
        settlements = [
            Settlement(partial.max_date, to_decimal(partial.debit_amount_currency))
            for partial in self.matched_credit_ids
        ]
        return amounts_owed(to_decimal(self.amount_residual_currency), settlements, period)

    @api.depends(
        "amount_residual",
        "amount_residual_currency",
        "matched_credit_ids.max_date",
        "date_maturity",
        "move_id.eh_interest_charged_until",
        "move_id.eh_disputed",
        "move_id.state",
        "company_id.eh_interest_enabled",
    )
    def _compute_eh_interest_accrued(self):
        for line in self:
            move, company = line.move_id, line.company_id
            accrued = 0.0
            if company.eh_interest_enabled and move._eh_is_chargeable() and line.amount_residual > 0:
                today = company._eh_collections_today()
                due = line._eh_due_date()
                if due and due < today:
                    period = charge_period(due, move.eh_interest_charged_until, today)
                    accrued = float(
                        statutory_interest(
                            line._eh_amounts_owed(period),
                            company._eh_interest_annual_rate(),
                            line.currency_id.decimal_places,
                        )
                    )
            line.eh_interest_accrued = accrued
