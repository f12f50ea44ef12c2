from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _eh_risk_open_orders(self):
        """Orders confirmed but not invoiced feed the payment-risk score as exposure,
        in the current company's currency."""
        result = super()._eh_risk_open_orders()
        company = self.env.company
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "in", self.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                    ("invoice_status", "=", "to invoice"),
                ]
            )
        )
        today = fields.Date.context_today(self)
        for order in orders:
            partner_id = order.partner_id.commercial_partner_id.id
            amount = order.currency_id._convert(order.amount_to_invoice, company.currency_id, company, today)
            result[partner_id] = result.get(partner_id, 0.0) + amount
        return result

    def _eh_compute_risk_scores(self, history=None):
        """A score at or above the company's threshold proposes tighter credit terms."""
        result = super()._eh_compute_risk_scores(history)
        company = self.env.company
        threshold = company.eh_credit_proposal_risk
        risky = self.filtered(lambda p: threshold and p.eh_risk_score >= threshold)
        if risky:
            cases = (
                self.env["eh.collections.case"]
                .sudo()
                .search(
                    [("partner_id", "in", risky.ids), ("company_id", "=", company.id), ("state", "=", "open")]
                )
            )
            Proposal = self.env["eh.collections.credit.proposal"]
            for case in cases:
                Proposal._propose(
                    case, self.env._("payment-risk score %(score)s", score=case.partner_id.eh_risk_score)
                )
        return result
