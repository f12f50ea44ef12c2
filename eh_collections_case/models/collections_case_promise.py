from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import format_amount, format_date

from ..tools.case_method import case_method

# Days of grace after the promised day before a lapsed promise is escalated.
PROMISE_GRACE_DAYS = 1


class CollectionsCase(models.Model):
    """The customer's current promise to pay, and escalation when it lapses unkept."""

    _inherit = "eh.collections.case"

    promise_date = fields.Date(string="Promise date", readonly=True, tracking=True)
    promise_amount = fields.Monetary(string="Promise amount", readonly=True)
    promise_kept = fields.Boolean(string="Promise kept", readonly=True)
    promise_base_amount = fields.Monetary(
        readonly=True, aggregator=None, help="To collect when the promise was made."
    )
    promise_escalated = fields.Boolean(readonly=True, help="The lapse of the current promise was escalated.")
    has_active_promise = fields.Boolean(
        compute="_compute_promise_status", search="_search_has_active_promise", string="Active promise"
    )
    broken_promise = fields.Boolean(compute="_compute_promise_status", search="_search_broken_promise")

    def _source_of_truth_fields(self):
        origin = self.env._(
            "the promise comes from the history: log a promise (an eh.collections.action row of type "
            "promise, or Log promise on the case)."
        )
        promise_fields = (
            "promise_date",
            "promise_amount",
            "promise_kept",
            "promise_base_amount",
            "promise_escalated",
        )
        return {**super()._source_of_truth_fields(), **dict.fromkeys(promise_fields, origin)}

    @api.depends("promise_date", "promise_kept", "state")
    @api.depends_context("tz")
    def _compute_promise_status(self):
        today_of = {company: company._eh_collections_today() for company in self.company_id}
        for case in self:
            today = today_of.get(case.company_id) or case._today()
            case.has_active_promise, case.broken_promise = self._promise_flags(
                case.state, case.promise_date, case.promise_kept, today
            )

    @staticmethod
    def _promise_flags(state, promise_date, kept, today):
        """(active, broken): a pending promise dated today or later, or before today."""
        pending = state == "open" and bool(promise_date) and not kept
        return pending and promise_date >= today, pending and promise_date < today

    def _promise_domain(self, operator, value, active):
        """Pending promises dated today or later (active) or before today (broken)."""
        if operator != "in":
            return NotImplemented
        domain = Domain(
            [
                ("state", "=", "open"),
                ("promise_kept", "=", False),
                ("promise_date", "!=", False),
                ("promise_date", ">=" if active else "<", self._today()),
            ]
        )
        return domain if True in value else ~domain

    def _search_has_active_promise(self, operator, value):
        return self._promise_domain(operator, value, active=True)

    def _search_broken_promise(self, operator, value):
        return self._promise_domain(operator, value, active=False)

    def _record_promise(self, amount, date):
        """A new promise replaces the previous one, kept or broken."""
        self._write_own(
            {
                "promise_amount": amount,
                "promise_date": date,
                "promise_base_amount": self.total_overdue_amount,
                "promise_kept": False,
                "promise_escalated": False,
            }
        )

    def _check_promises_kept(self):
        """A promise is kept once what is left to collect fell by the promised amount."""
        kept = self.browse()
        for case in self.filtered(lambda c: c.promise_date and not c.promise_kept):
            paid = case.promise_base_amount - case.total_overdue_amount
            if case.state == "resolved" or case.currency_id.compare_amounts(paid, case.promise_amount) >= 0:
                case._write_own({"promise_kept": True})
                kept |= case
        kept._leave_promised_stage()

    def _leave_promised_stage(self):
        """The stage follows the live promise: a case in *Promised* whose promise no
        longer runs (kept, replaced by a payment plan, or lapsed and already
        escalated) goes back to *Contacted*, the customer having answered. A promise
        that lapsed unkept stays until its escalation moves the case to *Escalated*."""

        def over(case):
            if case.payment_plan_id:
                return True
            done = case.promise_kept or case.promise_escalated or not case.promise_date
            return not case.has_active_promise and done

        leaving = self.filtered(
            lambda c: c.state == "open" and c.stage_id.stage_type == "promised" and over(c)
        )
        leaving._move_to_stage("contacted")

    # -- escalation ---------------------------------------------------------------

    def action_escalate(self, reason):
        """Escalate these cases: priority up, the Escalated stage, and the next reminder
        level sent without waiting. `reason` says why, in the history."""
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the case is escalated: an escalation needs a reason."))
        if self.filtered(lambda c: c.state != "open"):
            raise UserError(self.env._("A resolved case cannot be escalated."))
        for case in self:
            case._escalate(reason)
        return True

    def _escalate(self, note, **values):
        """Priority up, the Escalated stage, and the ladder's next level sent without
        waiting; the log row says which level that is, or that none is left (an
        escalation never sends again the level the customer already had)."""
        self.ensure_one()
        with case_method():
            self.write(
                {"followup_asap": True, "priority": str(min(3, int(self.priority or 0) + 1)), **values}
            )
            self._move_to_stage("escalated")
            self._log_action([{"action_type": "escalation", "note": f"{note} {self._escalation_outlook()}"}])

    def _escalation_outlook(self):
        """What the escalation sends next, in one sentence: the ladder's level after
        the one sent (the highest reached), or that the ladder has none left."""
        level, _when = self._next_reminder(holds=())  # the level, whatever holds its day
        if level:
            return self.env._("Next reminder: %(level)s, without waiting.", level=level.name)
        if self.level_id:
            return self.env._(
                "No level left after %(level)s: nothing more is sent by the ladder, a collector decides "
                "the next step.",
                level=self.level_id.name,
            )
        return self.env._("The %(strategy)s ladder has no level to send.", strategy=self.strategy_id.name)

    @api.model
    def _cron_escalate_broken_promises(self):
        """Daily: escalate each lapsed, unkept promise once, a full day after its date.

        Only the customers of promises that may have lapsed, in any company's time
        zone, are refreshed before the check: every refresh checks the promises of its
        customers (the payment's, the nightly one), and each call of the job refreshed
        every promise still ahead again."""
        latest_today = fields.Date.today() + timedelta(days=1)  # no time zone is past UTC+14
        candidates = self.search(
            [
                ("state", "=", "open"),
                ("promise_date", "<", latest_today - timedelta(days=PROMISE_GRACE_DAYS)),
                ("promise_kept", "=", False),
                ("promise_escalated", "=", False),
                ("payment_plan_id", "=", False),  # a plan replaces the promise while it holds
            ]
        )
        for company in candidates.company_id:
            mine = candidates.filtered(lambda c, co=company: c.company_id == co)
            self._refresh_from_ledger(company, partners=mine.partner_id)
        candidates._check_promises_kept()
        promised_stage = self.env["eh.collections.stage"]._get_by_type("promised")
        if promised_stage:
            self.search(
                [("state", "=", "open"), ("stage_id", "=", promised_stage.id)]
            )._leave_promised_stage()
        lapsed = candidates.filtered(
            lambda c: not c.promise_kept and c.promise_date + timedelta(days=PROMISE_GRACE_DAYS) < c._today()
        )
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(lapsed))
        for case in lapsed:
            case._escalate(
                self.env._(
                    "Promise of %(amount)s by %(date)s not kept: escalated.",
                    amount=format_amount(self.env, case.promise_amount, case.currency_id),
                    date=format_date(self.env, case.promise_date),
                ),
                promise_escalated=True,
            )
            if not cron._commit_progress(1):
                break
