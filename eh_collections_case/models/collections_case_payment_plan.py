from odoo import fields, models
from odoo.exceptions import UserError


class CollectionsCase(models.Model):
    """The case's payment plans: while one is active the ladder waits (the follow-up
    cron, the broken-promise escalation and the next action leave the case alone).
    The plan (`eh.collections.payment.plan`) sets and clears `payment_plan_id`."""

    _inherit = "eh.collections.case"

    payment_plan_id = fields.Many2one(
        "eh.collections.payment.plan", string="Active payment plan", readonly=True, index="btree_not_null"
    )
    payment_plan_ids = fields.One2many("eh.collections.payment.plan", "case_id", string="Payment plans")
    payment_plan_count = fields.Integer(compute="_compute_payment_plan_count")

    def _source_of_truth_fields(self):
        origin = self.env._(
            "the active plan is set by action_activate() on eh.collections.payment.plan, and cleared when "
            "the plan completes, breaks or is cancelled."
        )
        return {**super()._source_of_truth_fields(), "payment_plan_id": origin}

    def _compute_payment_plan_count(self):
        counts = dict(
            self.env["eh.collections.payment.plan"]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
        )
        for case in self:
            case.payment_plan_count = counts.get(case, 0)

    def _eh_plan_currency(self):
        """The one currency a plan for this case is agreed in: its overdue invoices'.
        A customer who owes in several currencies is refused in words: a plan adds up
        its instalments, and two currencies never make one figure for a customer."""
        self.ensure_one()
        currencies = self.overdue_line_ids.mapped(
            lambda line: line.currency_id or self.company_id.currency_id
        )
        if len(currencies) > 1:
            raise UserError(
                self.env._(
                    "%(customer)s owes in %(currencies)s: a payment plan is agreed in one currency. Agree "
                    "one for each currency once the other is settled, or log a promise instead.",
                    customer=self.partner_id.name,
                    currencies=", ".join(currencies.mapped("name")),
                )
            )
        return currencies or self.company_id.currency_id

    def action_open_payment_plan(self):
        """The active plan, else a new draft proposing monthly instalments of what is
        left to collect."""
        self.ensure_one()
        plan = self.payment_plan_id or self.env["eh.collections.payment.plan"].search(
            [("case_id", "=", self.id), ("state", "=", "draft")], limit=1
        )
        if not plan:
            plan = self.env["eh.collections.payment.plan"].create({"case_id": self.id})
        return plan._get_records_action()

    def action_view_payment_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "eh_collections_case.eh_collections_payment_plan_action"
        )
        action.update(domain=[("case_id", "=", self.id)], context={"create": False})
        return action
