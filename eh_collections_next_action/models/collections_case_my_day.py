import math

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_amount


class CollectionsCase(models.Model):
    """My day: the collector's open cases in the order to work them, by a stored
    score with a one-line reason. The score is the sum of the components that
    `_eh_my_day_components` lists, each weighted in the company's settings (a
    reply to review ranks above the rest: `_eh_my_day_first`); it is
    recomputed with the stored next action (by the refresh and by every logged
    action), never on read. A case leaves My day until tomorrow once it is marked
    *Done for today* or an outreach to the customer is logged today."""

    _inherit = "eh.collections.case"

    eh_my_day_score = fields.Float(string="My day score", readonly=True, index=True, aggregator="max")
    eh_my_day_reason = fields.Char(string="Why today", readonly=True)
    eh_my_day_done_on = fields.Date(
        string="Done for today on", readonly=True, help="Off My day until the day after this date."
    )
    eh_on_my_day = fields.Boolean(
        string="On my day", compute="_compute_eh_on_my_day", search="_search_eh_on_my_day"
    )

    def _compute_eh_on_my_day(self):
        for case in self:
            case.eh_on_my_day = (
                case.state == "open"
                and case.user_id == self.env.user
                and case.eh_my_day_done_on != case._today()
            )

    def _search_eh_on_my_day(self, operator, value):
        if operator != "in":
            return NotImplemented
        # "Done today" is each company's today, as the compute reads it: the companies
        # the user works in at once may not share a day.
        done_today = Domain.OR(
            Domain("company_id", "=", company.id)
            & Domain("eh_my_day_done_on", "=", company._eh_collections_today())
            for company in self.env.companies
        )
        mine = Domain("state", "=", "open") & Domain("user_id", "=", self.env.uid) & ~done_today
        return mine if True in value else ~mine

    def _source_of_truth_fields(self):
        origin = self.env._("My day's score, reason and done date follow the case: recomputed, never typed.")
        return {
            **super()._source_of_truth_fields(),
            **dict.fromkeys(("eh_my_day_score", "eh_my_day_reason", "eh_my_day_done_on"), origin),
        }

    # -- the score -------------------------------------------------------------------

    @api.model
    def _eh_my_day_components(self):
        """The components of the score, in the order their reasons are preferred:
        (name, weight field on the company, method giving (0..1 share, reason) for a
        case and its snapshot). A bridge adds its own (replies waiting, plans)."""
        return [
            ("promise_due", "eh_my_day_weight_promise_due", "_eh_my_day_promise_due"),
            ("reply_to_review", "eh_my_day_weight_reply", "_eh_my_day_reply_to_review"),
            ("instalment_due", "eh_my_day_weight_promise_due", "_eh_my_day_instalment_due"),
            ("broken_promise", "eh_my_day_weight_broken_promise", "_eh_my_day_broken_promise"),
            ("reminder_due", "eh_my_day_weight_reminder_due", "_eh_my_day_reminder_due"),
            ("exposure", "eh_my_day_weight_exposure", "_eh_my_day_exposure"),
        ]

    @api.model
    def _eh_my_day_first(self):
        """The components that put a case above every case without them, whatever
        the weights: a customer who wrote back is read before anyone is chased (the
        one decision holds their reminders meanwhile). Their weight orders such cases
        among themselves."""
        return {"reply_to_review"}

    def _eh_my_day_promise_due(self, snapshot):
        if snapshot.active_promise and snapshot.promise_days_left == 0:
            return 1.0, self.env._(
                "Promise of %(amount)s due today",
                amount=format_amount(self.env, self.promise_amount, self.currency_id),
            )
        return 0.0, None

    def _eh_my_day_instalment_due(self, snapshot):
        """An instalment of the active payment plan falls due today (weighs as a promise)."""
        today = self._today()
        due = self.payment_plan_id.line_ids.filtered(
            lambda line: line.date == today and line.state == "pending"
        )
        if due:
            return 1.0, self.env._(
                "Instalment of %(amount)s due today",
                amount=format_amount(self.env, sum(due.mapped("amount")), self.payment_plan_id.currency_id),
            )
        return 0.0, None

    def _eh_my_day_reply_to_review(self, snapshot):
        """The customer answered and a collector has not read it into the case yet."""
        waiting = self.eh_reply_ids.filtered(lambda reply: reply.state == "to_review")[:1]
        if waiting:
            return 1.0, self.env._("Customer replied: %(summary)s", summary=waiting.summary)
        return 0.0, None

    def _eh_my_day_broken_promise(self, snapshot):
        if snapshot.broken_promise:
            return 1.0, self.env._("Broken promise: the promised payment did not come")
        return 0.0, None

    def _eh_my_day_reminder_due(self, snapshot):
        if self.next_level_id and self.next_followup_date and self.next_followup_date <= self._today():
            return 1.0, self.env._("%(level)s is due today", level=self.next_level_id.name)
        return 0.0, None

    def _eh_my_day_exposure(self, snapshot):
        """Risk times amount times age, each brought to 0..1: the risk score (50 without
        one), the amount on a log scale (1 at a million), the age up to a year."""
        if snapshot.total_overdue <= 0:
            return 0.0, None
        risk = (snapshot.risk_score if snapshot.risk_score is not None else 50) / 100
        amount = min(1.0, math.log10(1 + snapshot.total_overdue) / 6)
        age = min(1.0, snapshot.days_overdue / 365)
        return risk * amount * age, self.env._(
            "%(amount)s overdue for %(days)s days",
            amount=format_amount(self.env, self.total_overdue_amount, self.currency_id),
            days=snapshot.days_overdue,
        )

    def _eh_my_day_sync(self, snapshots):
        """Store the score, the reason and the done date of these open cases, one
        UPDATE per case whose figures changed."""
        components = self._eh_my_day_components()
        first = self._eh_my_day_first()
        for case in self:
            snapshot = snapshots.get(case.id)
            if not snapshot:
                continue
            company = case.company_id
            score, best, ranked_first = 0.0, (0.0, None), None
            for name, weight_field, method in components:
                share, reason = getattr(case, method)(snapshot)
                points = share * company[weight_field]
                score += points
                if reason and points > best[0]:
                    best = (points, reason)
                if name in first and share > 0 and not ranked_first:
                    ranked_first = reason
            if ranked_first:
                # Above the highest score a case without it can reach, with its reason.
                score += sum(max(company[weight_field], 0.0) for _n, weight_field, _m in components)
                best = (score, ranked_first)
            done_on = case.eh_my_day_done_on
            if snapshot.days_since_last_followup == 0:  # reached out today: worked
                done_on = case._today()
            values = (round(score, 2), best[1] or False, done_on or None)
            if values != (
                case.eh_my_day_score,
                case.eh_my_day_reason or False,
                case.eh_my_day_done_on or None,
            ):
                self.env.cr.execute(
                    SQL(
                        """UPDATE eh_collections_case
                              SET eh_my_day_score = %s, eh_my_day_reason = %s, eh_my_day_done_on = %s
                            WHERE id = %s""",
                        *values,
                        case.id,
                    )
                )
        self.invalidate_recordset(["eh_my_day_score", "eh_my_day_reason", "eh_my_day_done_on"], flush=False)

    # -- buttons ---------------------------------------------------------------------

    def action_eh_done_for_today(self):
        """Off My day until tomorrow."""
        for case in self:
            self.env.cr.execute(
                SQL(
                    "UPDATE eh_collections_case SET eh_my_day_done_on = %s WHERE id = %s",
                    case._today(),
                    case.id,
                )
            )
        self.invalidate_recordset(["eh_my_day_done_on"], flush=False)
        return {"type": "ir.actions.client", "tag": "soft_reload"}
