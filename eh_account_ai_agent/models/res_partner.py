from datetime import date

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import InvoiceRecord, payment_risk

BATCH_SIZE = 500


class ResPartner(models.Model):
    _inherit = "res.partner"

    eh_risk_score = fields.Integer(
        string="Payment risk",
        readonly=True,
        aggregator="avg",
        help="0 (pays on time) to 100 (high risk), from the customer's own invoices and promises.",
    )
    eh_risk_factors = fields.Text(string="Risk factors", readonly=True)
    eh_risk_updated_at = fields.Datetime(string="Risk computed", readonly=True)

    def action_eh_compute_risk_score(self):
        self.commercial_partner_id._eh_compute_risk_scores()
        return True

    @api.model
    def _cron_eh_compute_risk_scores(self):
        """Nightly: score every customer with invoices, a batch per commit."""
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT commercial_partner_id FROM account_move "
                "WHERE move_type = 'out_invoice' AND state = 'posted' AND commercial_partner_id IS NOT NULL"
            )
        )
        ids = [partner_id for (partner_id,) in rows]
        self.env["ir.cron"]._commit_progress(remaining=len(ids))
        for start in range(0, len(ids), BATCH_SIZE):
            batch = self.browse(ids[start : start + BATCH_SIZE])
            batch._eh_compute_risk_scores()
            if not self.env["ir.cron"]._commit_progress(len(batch)):
                break

    def _eh_compute_risk_scores(self):
        """Score these commercial partners from their posted customer invoices."""
        today = self._eh_risk_today()
        history = self._eh_risk_history()
        extra = self._eh_risk_extra_counts()
        orders = self._eh_risk_open_orders()
        now = fields.Datetime.now()
        for partner in self:
            broken, disputes = extra.get(partner.id, (0, 0))
            score = payment_risk(
                history.get(partner.id, []), today, broken, disputes, open_orders=orders.get(partner.id, 0.0)
            )
            partner.write(
                {
                    "eh_risk_score": score.score,
                    "eh_risk_factors": "\n".join(f"{f.detail} (+{f.points:.0f})" for f in score.top()),
                    "eh_risk_updated_at": now,
                }
            )

    def _eh_risk_today(self):
        """The day the score is computed for: the user's today; the collections bridge
        makes it the company's, as everywhere in the suite."""
        return fields.Date.context_today(self)

    def _eh_risk_history(self):
        """Invoice records per commercial partner: one query over their receivable lines."""
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT am.commercial_partner_id, am.amount_total_signed, am.invoice_date_due,
                       am.amount_residual_signed,
                       CASE WHEN am.payment_state IN ('paid', 'in_payment') THEN (
                           SELECT MAX(apr.max_date) FROM account_partial_reconcile apr
                            WHERE apr.debit_move_id IN (
                                SELECT id FROM account_move_line WHERE move_id = am.id
                                   AND display_type = 'payment_term'))
                       END
                  FROM account_move am
                 WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                   AND am.commercial_partner_id IN %s AND am.invoice_date_due IS NOT NULL
                """,
                tuple(self.ids) or (0,),
            )
        )
        history = {}
        for partner_id, total, due, residual, paid in rows:
            history.setdefault(partner_id, []).append(
                InvoiceRecord(
                    amount=abs(float(total or 0)),
                    due_date=due,
                    paid_date=paid if isinstance(paid, date) else None,
                    residual=max(0.0, float(residual or 0)),
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
