import math

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

from odoo.addons.eh_collections_case.tools.case_method import case_method, in_case_method

LIMIT_ROUNDING = 100  # proposed credit limits are rounded up to the next hundred


class CollectionsCreditProposal(models.Model):
    """Tighter credit terms for a customer that pays badly: a lower credit limit and
    shorter payment terms, with the numbers behind them, proposed to a Collections
    Manager as a review activity. Nothing changes until the manager accepts; the
    proposal and the decision are both logged on the case."""

    _name = "eh.collections.credit.proposal"
    _description = "Credit terms proposal"
    _order = "id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "eh.collections.case", required=True, index=True, ondelete="cascade", check_company=True
    )
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, string="Customer")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    trigger = fields.Char(readonly=True, help="What made the suite propose it.")
    current_limit = fields.Monetary(string="Credit limit now", readonly=True)
    proposed_limit = fields.Monetary(string="Proposed credit limit", readonly=True)
    current_term_id = fields.Many2one("account.payment.term", string="Payment terms now", readonly=True)
    proposed_term_id = fields.Many2one("account.payment.term", string="Proposed payment terms", readonly=True)
    reason = fields.Text(string="The numbers behind it", readonly=True)
    state = fields.Selection(
        [("proposed", "Proposed"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        default="proposed",
        required=True,
        readonly=True,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    activity_id = fields.Many2one(
        "mail.activity", string="Review activity", readonly=True, ondelete="set null"
    )

    _one_pending = models.UniqueIndex(
        "(case_id) WHERE state = 'proposed'", "This customer already has a credit terms proposal to decide."
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not in_case_method():
            raise UserError(
                self.env._("Credit terms proposals are made by the suite (levels and the risk score).")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not in_case_method():
            raise UserError(self.env._("A proposal is decided with Accept or Reject, not edited."))
        return super().write(vals)

    # -- proposing -----------------------------------------------------------------------

    @api.model
    def _propose(self, case, trigger):
        """The proposal for `case` (one waiting at a time), with a review activity for a
        Collections Manager and a log row; nothing when there is nothing to tighten."""
        case = case.sudo()
        if self.sudo().search_count([("case_id", "=", case.id), ("state", "=", "proposed")]):
            return self.browse()
        partner = case.partner_id.with_company(case.company_id)
        values = {"case_id": case.id, "trigger": trigger}
        values.update(self._limit_proposal(case, partner))
        values.update(self._terms_proposal(case, partner))
        if not values.get("proposed_limit") and not values.get("proposed_term_id"):
            return self.browse()
        with case_method():
            proposal = self.sudo().create(values)
            proposal.reason = proposal._numbers()
        activity = case.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Credit terms proposal for %(customer)s", customer=case.partner_id.name),
            note=Markup("<p>%s</p>") % proposal.reason,
            user_id=case._collections_manager().id,
        )
        with case_method():
            proposal.activity_id = activity
        case._log_action([{"action_type": "credit_terms", "note": proposal._summary("proposed")}])
        return proposal

    @api.model
    def _limit_proposal(self, case, partner):
        """No new credit beyond what is owed today: the limit comes down to the total
        due (rounded up to the hundred) when that is lower than today's limit."""
        owed = math.ceil(max(case.total_due_amount, 0.0) / LIMIT_ROUNDING) * LIMIT_ROUNDING
        current = partner.credit_limit
        if current and owed >= current:
            return {"current_limit": current}
        return {"current_limit": current, "proposed_limit": owed or LIMIT_ROUNDING}

    @api.model
    def _terms_proposal(self, case, partner):
        """The company's next shorter payment terms than the customer's."""
        current = partner.property_payment_term_id
        days = _term_days(current) if current else 0
        shorter = (
            self.env["account.payment.term"]
            .sudo()
            .search([("company_id", "in", (False, case.company_id.id))])
            .filtered(lambda term: _term_days(term) < days)
        )
        best = max(shorter, key=_term_days, default=shorter.browse())
        return {"current_term_id": current.id, "proposed_term_id": best.id}

    def _numbers(self):
        self.ensure_one()
        case = self.case_id
        lines = [
            self.env._(
                "%(customer)s owes %(due)s, %(overdue)s of it overdue for up to %(days)s days; "
                "payment-risk score %(risk)s.",
                customer=case.partner_id.name,
                due=format_amount(self.env, case.total_due_amount, case.currency_id),
                overdue=format_amount(self.env, case.total_overdue_amount, case.currency_id),
                days=case.days_overdue_max,
                risk=case.partner_id.eh_risk_score,
            )
        ]
        if self.proposed_limit:
            lines.append(
                self.env._(
                    "Credit limit: %(now)s → %(then)s.",
                    now=format_amount(self.env, self.current_limit, case.currency_id)
                    if self.current_limit
                    else self.env._("none"),
                    then=format_amount(self.env, self.proposed_limit, case.currency_id),
                )
            )
        if self.proposed_term_id:
            lines.append(
                self.env._(
                    "Payment terms: %(now)s → %(then)s.",
                    now=self.current_term_id.name or self.env._("the company's default"),
                    then=self.proposed_term_id.name,
                )
            )
        return "\n".join(lines)

    def _summary(self, what):
        return self.env._(
            "Credit terms %(what)s (%(trigger)s): %(numbers)s",
            what=what,
            trigger=self.trigger,
            numbers=" ".join(self.reason.splitlines()[1:]),
        )

    # -- deciding ------------------------------------------------------------------------

    def _check_manager(self):
        if not self.env.user.has_group("eh_collections_case.group_collections_manager"):
            raise AccessError(self.env._("A Collections Manager decides on credit terms."))
        if self.filtered(lambda p: p.state != "proposed"):
            raise UserError(self.env._("This proposal was already decided."))

    def action_accept(self):
        """Apply the proposal to the customer, in its company, and log it."""
        self._check_manager()
        for proposal in self:
            partner = proposal.partner_id.sudo().with_company(proposal.company_id)
            if proposal.proposed_limit:
                partner.credit_limit = proposal.proposed_limit
            if proposal.proposed_term_id:
                partner.property_payment_term_id = proposal.proposed_term_id
            proposal._decide("accepted")
        return True

    def action_reject(self):
        self._check_manager()
        for proposal in self:
            proposal._decide("rejected")
        return True

    def _decide(self, state):
        with case_method():
            self.write({"state": state, "decided_by_id": self.env.uid})
        label = dict(self._fields["state"]._description_selection(self.env))[state].lower()
        self.case_id._log_action([{"action_type": "credit_terms", "note": self._summary(label)}])
        self.activity_id.sudo().action_feedback(feedback=label)


def _term_days(term):
    """The longest delay of a payment term, in days."""
    return max(term.line_ids.mapped("nb_days") or [0])
