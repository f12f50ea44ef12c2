from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import InvoiceRecord, payment_risk

BATCH_SIZE = 500
RISK_FIELDS = ("eh_risk_score", "eh_risk_has_history", "eh_risk_factors", "eh_risk_updated_at")

# Set while the scoring itself writes: a ContextVar, not a key of Odoo's context, which
# any JSON-2 or JSON-RPC call could carry in.
_scoring = ContextVar("eh_risk_scoring", default=False)


@contextmanager
def risk_scoring():
    token = _scoring.set(True)
    try:
        yield
    finally:
        _scoring.reset(token)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Per company (a customer of two companies pays each its own way): jsonb columns
    # keyed by company id, read and written in the environment's company.
    eh_risk_score = fields.Integer(
        string="Chance of paying late (%)",
        company_dependent=True,
        readonly=True,
        aggregator="avg",
        help="The probability, in percent, that the customer pays its next invoice late, from its own "
        "history in this company and the company's model.",
    )
    eh_risk_has_history = fields.Boolean(
        string="Risk from own history", company_dependent=True, readonly=True
    )
    eh_risk_factors = fields.Text(string="Risk factors", company_dependent=True, readonly=True)
    eh_risk_updated_at = fields.Datetime(string="Risk computed", company_dependent=True, readonly=True)
    eh_risk_summary = fields.Char(string="Payment risk", compute="_compute_eh_risk_summary")

    @api.depends_context("company")
    @api.depends("eh_risk_score", "eh_risk_has_history", "eh_risk_updated_at")
    def _compute_eh_risk_summary(self):
        for partner in self:
            if not partner.eh_risk_updated_at:
                partner.eh_risk_summary = self.env._("Not scored yet")
            elif partner.eh_risk_has_history:
                partner.eh_risk_summary = self.env._(
                    "Chance of paying late: %(score)s%%", score=partner.eh_risk_score
                )
            else:
                partner.eh_risk_summary = self.env._(
                    "No history yet: the company's base rate, %(score)s%%", score=partner.eh_risk_score
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_eh_risk_write(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_eh_risk_write(vals)
        return super().write(vals)

    def _check_eh_risk_write(self, vals):
        if not _scoring.get() and any(name in vals for name in RISK_FIELDS):
            raise UserError(
                self.env._(
                    "The payment risk is computed from the customer's invoices and payments: use "
                    "Recompute on the customer's Invoicing tab, or let the nightly scoring run."
                )
            )

    def action_eh_compute_risk_score(self):
        """Score these customers in the current company, with its stored model."""
        self.commercial_partner_id._eh_compute_risk_scores()
        return True

    @api.model
    def _cron_eh_compute_risk_scores(self):
        """Nightly, per company: refit its model on its own history, then score every
        customer it invoiced, a batch per commit."""
        for company in self.env["res.company"].browse(self._eh_risk_invoiced(SQL("company_id"))):
            partners = self.with_company(company)
            # One read of the company's history: the fit and every batch's scores.
            history = partners._eh_risk_history(every_customer=True)
            partners.env.company._eh_fit_risk_model(history)
            ids = partners._eh_risk_customer_ids()
            self.env["ir.cron"]._commit_progress(remaining=len(ids))
            for start in range(0, len(ids), BATCH_SIZE):
                batch = partners.browse(ids[start : start + BATCH_SIZE])
                batch._eh_compute_risk_scores(history)
                if not self.env["ir.cron"]._commit_progress(len(batch)):
                    return

    def _eh_compute_risk_scores(self, history=None):
        """Score these commercial partners in the environment's company: its posted
        customer invoices only, in its currency, with its fitted model. `history`: the
        company's invoice records when the caller has read them already."""
        company = self.env.company
        model = company._eh_risk_model()
        today = self._eh_risk_today()
        if history is None:
            history = self._eh_risk_history()
        extra = self._eh_risk_extra_counts()
        orders = self._eh_risk_open_orders()
        now = fields.Datetime.now()
        for partner in self:
            broken, disputes = extra.get(partner.id, (0, 0))
            score = payment_risk(
                history.get(partner.id, []),
                today,
                broken,
                disputes,
                open_orders=orders.get(partner.id, 0.0),
                model=model,
            )
            with risk_scoring():  # computed values: written whoever asked for them
                partner.sudo().write(
                    {
                        "eh_risk_score": score.score,
                        "eh_risk_has_history": score.has_history,
                        "eh_risk_factors": "\n".join(factor.text for factor in score.reasons()),
                        "eh_risk_updated_at": now,
                    }
                )

    def _eh_risk_today(self):
        """The day the score is computed for: the user's today; the collections bridge
        makes it the company's, as everywhere in the suite."""
        return fields.Date.context_today(self)

    @api.model
    def _eh_risk_invoiced(self, column, condition=None):
        """The distinct values of `column` over posted customer invoices, narrowed by
        `condition`: the companies and customers the score is about."""
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT %(column)s FROM account_move
                    WHERE move_type = 'out_invoice' AND state = 'posted'
                      AND commercial_partner_id IS NOT NULL %(condition)s
                    ORDER BY 1""",
                column=column,
                condition=condition or SQL(),
            )
        )
        return [value for (value,) in rows]

    @api.model
    def _eh_risk_customer_ids(self):
        """Commercial partners with a posted customer invoice in the environment's company."""
        return self._eh_risk_invoiced(
            SQL("commercial_partner_id"), SQL("AND company_id = %s", self.env.company.id)
        )

    def _eh_risk_companies(self):
        """The companies with a posted invoice to these customers."""
        condition = SQL("AND commercial_partner_id IN %s", tuple(self.ids) or (0,))
        return self.env["res.company"].browse(self._eh_risk_invoiced(SQL("company_id"), condition))

    def _eh_risk_history(self, every_customer=False):
        """Invoice records per commercial partner in the environment's company, amounts
        in its currency: one query over the posted customer invoices (reversed ones
        left out: they were never owed). `every_customer`: the whole company's, what a
        fit reads."""
        if not self and not every_customer:
            return {}
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        partner_filter = (
            SQL() if every_customer else SQL("AND am.commercial_partner_id IN %s", tuple(self.ids))
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT am.commercial_partner_id, am.amount_total_signed, am.invoice_date_due,
                       am.amount_residual_signed, am.invoice_date,
                       -- settled on its last reconciliation; the invoice date when nothing
                       -- was reconciled (a zero invoice)
                       CASE WHEN am.payment_state IN ('paid', 'in_payment') THEN COALESCE((
                           SELECT MAX(apr.max_date) FROM account_partial_reconcile apr
                            WHERE apr.debit_move_id IN (
                                SELECT id FROM account_move_line WHERE move_id = am.id
                                   AND display_type = 'payment_term')), am.invoice_date)
                       END
                  FROM account_move am
                 WHERE am.move_type = 'out_invoice' AND am.state = 'posted' AND am.payment_state != 'reversed'
                   AND am.company_id = %(company)s AND am.invoice_date_due IS NOT NULL
                   AND am.commercial_partner_id IS NOT NULL %(partners)s
                 ORDER BY am.commercial_partner_id, am.invoice_date_due, am.id
                """,
                company=self.env.company.id,
                partners=partner_filter,
            )
        )
        history = {}
        for partner_id, total, due, residual, invoice_date, paid in rows:
            history.setdefault(partner_id, []).append(
                InvoiceRecord(
                    amount=abs(float(total or 0)),
                    due_date=due,
                    paid_date=paid if isinstance(paid, date) else None,
                    residual=max(0.0, float(residual or 0)),
                    invoice_date=invoice_date,
                )
            )
        return history

    def _eh_risk_open_orders(self):
        """Orders confirmed but not invoiced per partner, in company currency:
        {partner_id: amount}. The sales bridge reports them."""
        return {}

    def _eh_risk_extra_counts(self):
        """Broken promises and disputes per partner: {partner_id: (broken, disputes)}.
        Nothing here knows of them; the collections bridge adds them."""
        return {}
