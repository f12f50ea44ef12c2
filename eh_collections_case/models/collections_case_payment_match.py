from odoo import api, fields, models


class CollectionsCase(models.Model):
    """The case's unapplied payments and the matcher's suggestions for them."""

    _inherit = "eh.collections.case"

    payment_match_ids = fields.One2many(
        "eh.collections.payment.match",
        "case_id",
        string="Payment matches",
        domain=[("state", "=", "suggested")],
        readonly=True,
    )
    payment_match_count = fields.Integer(
        string="Payments to match",
        compute="_compute_payment_match_count",
        help="Unapplied payments with a suggestion.",
    )

    @api.depends("payment_match_ids")
    def _compute_payment_match_count(self):
        for case in self:
            case.payment_match_count = len(case.payment_match_ids.move_line_id)

    def action_refresh(self):
        result = super().action_refresh()
        self.env["eh.collections.payment.match"]._suggest_for_cases(
            self.filtered(lambda c: c.state == "open")
        )
        return result

    @api.model
    def action_refresh_all(self):
        result = super().action_refresh_all()
        self._suggest_payment_matches(self.env.companies)
        return result

    @api.model
    def _refresh_company(self, company):
        stats = super()._refresh_company(company)
        self._suggest_payment_matches(company)
        return stats

    @api.model
    def _suggest_payment_matches(self, companies):
        cases = self.sudo().search([("state", "=", "open"), ("company_id", "in", companies.ids)])
        return self.env["eh.collections.payment.match"]._suggest_for_cases(cases)

    def _sync_match_activity(self):
        """One *Match payment* activity per case while it has suggestions, for its collector."""
        activity_type = self.env.ref("eh_collections_case.mail_activity_type_match_payment")
        for case in self.sudo():
            current = case.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
            payments = case.payment_match_ids.move_line_id
            if not payments:
                current.unlink()
                continue
            summary = self.env._(
                "Match %(count)s unapplied payment(s) of %(customer)s",
                count=len(payments),
                customer=case.partner_id.display_name,
            )
            if current:
                current.write({"summary": summary})
            else:
                case.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=summary,
                    user_id=(case.user_id or self.env.user).id,
                )
