import operator as py_operator
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import format_amount

from ..tools.holds import hold_sentence, resume_day

# Cases a follow-up worker claims, sends and commits at a time.
FOLLOWUP_BATCH = 100
# The holds the next follow-up's label words itself (the others, a module's own, are
# named as the decision gives them).
CORE_HOLD_CODES = ("nothing_overdue", "dispute", "invoices_held", "pause", "payment_plan", "promise")


class CollectionsCase(models.Model):
    """The dunning ladder on the case: which level comes next and when, who must
    approve it, and the daily follow-up cron. Sending is `eh.collections.followup.send`."""

    _inherit = "eh.collections.case"

    level_id = fields.Many2one("eh.collections.level", index=True, readonly=True, check_company=True)
    followup_asap = fields.Boolean(readonly=True, help="Send the next level without waiting (an escalation).")
    strategy_id = fields.Many2one(
        "eh.collections.strategy",
        compute="_compute_strategy_id",
        store=True,
        index=True,
        help="The customer's, else the company default.",
    )
    next_level_id = fields.Many2one(
        "eh.collections.level",
        compute="_compute_ladder",
        string="Next level",
        help="The level the follow-up cron sends next: the highest one reached, else the next one ahead.",
    )
    next_followup_date = fields.Date(
        compute="_compute_ladder",
        search="_search_next_followup_date",
        string="Next follow-up date",
        help="When the follow-up cron sends the next level: never before today, after the wait since "
        "the last follow-up, a pause and a promise. Empty while the case is disputed or paused until "
        "resumed.",
    )
    next_followup_label = fields.Char(
        compute="_compute_ladder",
        string="Next follow-up",
        help="What the follow-up cron does next and when: the level and its date, the promise it "
        "waits for, or the hold that stops it.",
    )
    reminders_held = fields.Boolean(
        compute="_compute_reminders_held",
        string="Every overdue invoice held",
        help="Every overdue invoice of the case is held from reminders: nothing to list, nothing sent.",
    )
    eh_reminder_partner_id = fields.Many2one(
        "res.partner", compute="_compute_eh_reminder_partner_id", string="Reminders to"
    )
    followup_due = fields.Boolean(
        compute="_compute_followup_due",
        search="_search_followup_due",
        string="Follow-up due",
        help="The follow-up cron sends this case a level on its next run.",
    )

    def _source_of_truth_fields(self):
        origin = self.env._(
            "the ladder position moves when a reminder is sent: the follow-up cron, Send reminders or "
            "the To approve queue (action_escalate sends the next level without waiting)."
        )
        strategy = self.env._(
            "it is the customer's strategy: set it on the customer (eh_collections_strategy_id)."
        )
        return {
            **super()._source_of_truth_fields(),
            **dict.fromkeys(("level_id", "followup_asap"), origin),
            "strategy_id": strategy,
        }

    def _compute_reminders_held(self):
        # One query for the lot: the open items are read only for the rare customers
        # with a held invoice (reading them for every case would cost a query each).
        held = self.env["account.move"].search(
            [
                ("eh_followup_hold_until", "!=", False),
                ("commercial_partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
            ]
        )
        holders = {(move.commercial_partner_id.id, move.company_id.id) for move in held}
        # browse(): a prefetch of their own, so the open items of the others stay unread.
        candidates = self.browse([c.id for c in self if (c.partner_id.id, c.company_id.id) in holders])
        all_held = {case.id for case in candidates if not case.reminder_line_ids}
        for case in self:
            case.reminders_held = case.id in all_held

    def _eh_reminder_email_values(self):
        """Values every reminder email of this case gets (the replies bridge sets where
        the customer's answer goes)."""
        self.ensure_one()
        return {}

    def _compute_eh_reminder_partner_id(self):
        for case in self:
            case.eh_reminder_partner_id = case.partner_id._eh_reminder_contact()

    @api.depends("partner_id", "company_id", "partner_id.eh_collections_strategy_id")
    def _compute_strategy_id(self):
        # Stored so that cases group and count by strategy; a change of default or of
        # a strategy's activity recomputes the company's cases (eh.collections.strategy).
        Strategy = self.env["eh.collections.strategy"]
        for company in self.company_id:
            mine = self.filtered(lambda c, co=company: c.company_id == co)
            strategies = Strategy._for_partners(mine.partner_id, company)
            for case in mine:
                case.strategy_id = strategies[case.partner_id.id]

    @api.depends(
        "strategy_id",
        "state",
        "level_id",
        "followup_asap",
        "days_overdue_max",
        "oldest_due_date",
        "total_overdue_amount",
        "last_followup_date",
        "paused",
        "pause_until",
        "disputed",
        "has_active_promise",
        "promise_date",
        "payment_plan_id",
    )
    @api.depends_context("tz")
    def _compute_ladder(self):
        holds = self._reminder_holds_by_case()
        for case in self:
            case.next_level_id, case.next_followup_date = case._next_reminder(holds[case.id])
            case.next_followup_label = case._next_followup_label(holds[case.id])

    def _next_followup_label(self, holds):
        """The next follow-up in words, as the cron will do it (`_next_reminder`), with
        the holds of the one decision (`_reminder_holds`)."""
        self.ensure_one()
        level, when = self.next_level_id, self.next_followup_date
        if self.state != "open" or self.total_overdue_amount <= 0:
            return self.env._("Nothing to collect")
        if self.disputed:
            return self.env._("On hold: in dispute")
        if self.paused and not self.pause_until:
            return self.env._("On hold until resumed")
        if self.payment_plan_id:
            return self.env._("On hold: payment plan running")
        if level and self.reminders_held:
            return self.env._("On hold: every overdue invoice is held")
        if not level:
            return self.env._("No level left on the ladder")
        step = (
            self.env._("%(level)s today", level=level.name)
            if when == self._today()
            else self.env._(
                "%(level)s on %(date)s", level=level.name, date=self.company_id._eh_format_day(when)
            )
        )
        if self.paused:
            return self.env._(
                "%(step)s, on hold until %(date)s",
                step=step,
                date=self.company_id._eh_format_day(self.pause_until),
            )
        if self.has_active_promise:
            return self.env._(
                "%(step)s, if the promise of %(date)s is not kept",
                step=step,
                date=self.company_id._eh_format_day(self.promise_date),
            )
        others = [hold for hold in holds if hold.code not in CORE_HOLD_CODES]
        if others and not when:
            return self.env._("On hold: %(why)s", why=hold_sentence(others))
        if others:
            return self.env._("%(step)s, held: %(why)s", step=step, why=hold_sentence(others))
        return step

    # -- the ladder ----------------------------------------------------------------

    def _following_levels(self):
        """The levels of the case's strategy after the one it reached, in order."""
        levels = self.strategy_id.level_ids.sorted("sequence")
        if self.level_id in levels:
            levels = levels.filtered(lambda lv: lv.sequence > self.level_id.sequence)
        return levels

    def _reached_level(self, levels):
        """The highest of `levels` that the case's days overdue reached."""
        return levels.filtered(lambda lv: self.days_overdue_max >= lv.days_overdue)[-1:]

    def _next_reminder(self, holds=None):
        """(level, date): the level the follow-up cron sends next and the day it will,
        never before today. The date is the ladder's, moved past every hold of the one
        decision (`holds`, else asked now); it is empty while a hold lasts until a
        person lifts it (a dispute, a pause until resumed, a plan); the level is empty
        when nothing is left to send.

        The highest level reached is sent (a 100-day debtor gets the final notice, not
        the courtesy note), once the level's wait since the last follow-up is over;
        else the next level, on the day the case reaches it."""
        self.ensure_one()
        levels = self._following_levels()
        if self.state != "open" or self.total_overdue_amount <= 0 or not levels:
            return levels.browse(), False
        today = self._today()
        level = self._reached_level(levels)
        when = today
        if not level:
            level = levels[:1]
            if self.oldest_due_date:
                when = self.oldest_due_date + timedelta(days=level.days_overdue)
        if self.last_followup_date and not self.followup_asap:
            when = max(when, self.last_followup_date.date() + timedelta(days=level.min_days_since_previous))
        resume = resume_day(max(when, today), self._reminder_holds() if holds is None else holds)
        return level, resume or False

    def _due_level(self, holds=None):
        """The level the follow-up cron sends today, or an empty recordset."""
        level, when = self._next_reminder(holds)
        return level if when and when <= self._today() else level.browse()

    def _manual_refusal(self):
        """Why a person cannot send this case a reminder now even with a manager's
        override, or an empty string (the holds a manager may override are the
        decision's: `_reminder_holds`)."""
        self.ensure_one()
        if self.state != "open":
            return self.env._("The case is resolved.")
        if self.total_overdue_amount <= 0:
            return self.env._("Nothing to collect.")
        return ""

    def _manual_level(self):
        """The level a collector's *Send reminders* sends now, or (empty, why not).
        The ladder's wait does not stop a person; the holds of the one decision do,
        unless a Collections Manager sends anyway with a reason."""
        refusal = self._manual_refusal()
        levels = self._following_levels() if not refusal else self.env["eh.collections.level"]
        if not refusal and not levels:
            refusal = self.env._("No level left on the %(strategy)s ladder.", strategy=self.strategy_id.name)
        if refusal:
            return levels.browse(), refusal
        return self._reached_level(levels) or levels[:1], ""

    def _letter_level(self):
        """The level of the case's strategy that sends the demand letter: the first
        letter level still ahead, else the last one; empty when the strategy has none."""
        letters = self.strategy_id.level_ids.sorted("sequence").filtered("channel_letter")
        return (letters & self._following_levels())[:1] or letters[-1:]

    def _next_reminder_sentence(self):
        """What the follow-up cron does next with this case, in one sentence for the
        collector: the level, the day, and who sends it."""
        self.ensure_one()
        if self.state != "open" or self.total_overdue_amount <= 0:
            return self.env._("Nothing to collect: no reminder goes out.")
        level, when = self.next_level_id, self.next_followup_date
        if not level:
            return self.env._(
                "No reminder left: the %(strategy)s ladder has no level after %(level)s.",
                strategy=self.strategy_id.name,
                level=self.level_id.name,
            )
        if not when:
            if self.disputed:
                return self.env._("Next reminder: %(level)s, once the dispute is resolved.", level=level.name)
            if self.payment_plan_id:
                return self.env._(
                    "Next reminder: %(level)s, only if the payment plan is broken or cancelled.",
                    level=level.name,
                )
            return self.env._("Next reminder: %(level)s, once the case is resumed.", level=level.name)
        reason = self._approval_reason(level)
        if self.company_id.eh_collections_send_mode == "suggest":
            how = self.env._("for you to send (this company sends no reminder by itself)")
        elif reason:
            how = self.env._("prepared for approval (%(reason)s)", reason=reason.rstrip("."))
        else:
            how = self.env._("sent by the follow-up cron")
        if when <= self._today():
            return self.env._("Next reminder: %(level)s today, %(how)s.", level=level.name, how=how)
        return self.env._(
            "Next reminder: %(level)s on %(date)s, %(how)s.",
            level=level.name,
            date=self.company_id._eh_format_day(when),
            how=how,
        )

    def _approval_reason(self, level):
        """Why this reminder must wait for a person (the To approve queue), or None."""
        company = self.company_id
        if company.eh_collections_send_mode == "approve":
            return self.env._("Every reminder is approved by a person in this company.")
        if level.needs_approval:
            return self.env._("The level %(level)s needs approval.", level=level.name)
        ceiling = company.eh_collections_auto_ceiling
        if ceiling and self.currency_id.compare_amounts(self.total_overdue_amount, ceiling) > 0:
            return self.env._(
                "Above the autonomous ceiling of %(ceiling)s.",
                ceiling=format_amount(self.env, ceiling, self.currency_id),
            )
        if self.partner_id.eh_collections_strategic:
            return self.env._("Strategic customer.")
        return None

    # -- the daily run ---------------------------------------------------------------

    @api.model
    def _followup_candidates_domain(self):
        """The cases the follow-up cron may send a reminder: `_due_level` says which
        are due today, and for which level."""
        return [
            ("state", "=", "open"),
            ("paused", "=", False),
            ("disputed", "=", False),
            ("payment_plan_id", "=", False),
            ("total_overdue_amount", ">", 0),
            ("company_id.eh_collections_send_mode", "!=", "suggest"),
        ]

    @api.model
    def _due_followups(self, domain=()):
        """(case, level) of every case the follow-up cron sends today, oldest debt
        first: the one definition of "follow-up due", for the cron and the filter."""
        cases = self.search([*domain, *self._followup_candidates_domain()], order="days_overdue_max desc, id")
        holds = cases._reminder_holds_by_case()
        return [(case, level) for case in cases for level in [case._due_level(holds[case.id])] if level]

    def _compute_followup_due(self):
        due = {case for case, _level in self._due_followups([("id", "in", self.ids)])}
        for case in self:
            case.followup_due = case in due

    def _search_followup_due(self, operator, value):
        if operator != "in":
            return NotImplemented
        ids = [case.id for case, _level in self._due_followups()]
        return [("id", "in" if True in value else "not in", ids)]

    def _search_next_followup_date(self, operator, value):
        """Searched as it is computed (`_next_reminder`): the date depends on today, the
        level's wait and the holds, so the open cases' dates are worked out, then
        compared. Costs what the *Follow-up due* filter costs: the open cases once."""
        compare = {"<": py_operator.lt, "<=": py_operator.le, ">": py_operator.gt, ">=": py_operator.ge}
        if operator not in (*compare, "in", "not in"):
            return NotImplemented
        candidates = self.search([("state", "=", "open"), ("total_overdue_amount", ">", 0)])
        dated = {case.id: case.next_followup_date for case in candidates if case.next_followup_date}
        if operator in compare:
            day = fields.Date.to_date(value)
            if not day:  # as in SQL, no day compares with an empty one
                return Domain.FALSE
            return Domain("id", "in", [id_ for id_, date in dated.items() if compare[operator](date, day)])
        days = {fields.Date.to_date(day) for day in value if day}
        found = Domain("id", "in", [id_ for id_, date in dated.items() if date in days])
        if not all(value):  # no date: resolved, nothing left to send, or held
            found |= Domain("id", "not in", list(dated))
        return found if operator == "in" else ~found

    @api.model
    def _cron_send_followups(self, call_workers=True):
        """Daily: the coming-due notices of pre-due levels, then the due level of every
        due case, a batch per commit.

        The run lists its cases once in a work table (`eh.collections.followup.pending`),
        the oldest debt first. Any number of workers may then take batches from it at
        once: this cron with its worker cron (`ir_cron_send_followups_worker`, called
        when there is more than a batch, which joins a run and never starts one),
        copies of that worker, or several servers on one database. A worker takes its
        next batch with `FOR UPDATE SKIP LOCKED` and asks again what each case is due
        for once it holds it, so a case another worker just sent is not sent twice. A
        batch's mails, log rows and its place off the list are committed together: a
        crash loses a whole batch (sent by the next call) and never sends twice. When
        Odoo's cron stops a call after its 10 seconds, the next call goes on with the
        list; a run that died before today is completed with today's new cases."""
        Pending = self.env["eh.collections.followup.pending"]
        cron = self.env["ir.cron"]
        remaining = Pending._remaining()
        if not remaining or Pending._stale():
            if not call_workers:
                return
            self.env["eh.collections.predue.notice"]._send_due_notices()
            Pending._plan()
            remaining = Pending._remaining()
        if call_workers and remaining > FOLLOWUP_BATCH:
            self.env.ref("eh_collections_case.ir_cron_send_followups_worker")._trigger()
        cron._commit_progress(remaining=remaining)
        while cases := Pending._take(FOLLOWUP_BATCH):
            cases._send_due_followups()
            if not cron._commit_progress(len(cases)):
                break
        # The count for Odoo to call again, taken afresh: other workers took batches meanwhile.
        cron._commit_progress(remaining=Pending._remaining())

    def _send_due_followups(self):
        """Send these cases the level each is due for now (none when another worker
        already sent it, or the customer paid since the run began)."""
        if not self:
            return
        due = self._due_followups([("id", "in", self.ids)])
        followups = self.env["eh.collections.followup"]._queue_all(
            [(case, level, case._approval_reason(level)) for case, level in due]
        )
        self.env["eh.collections.followup.send"]._send_followups(
            followups.filtered(lambda f: f.state == "to_send")
        )

    # -- who does the work -----------------------------------------------------------

    def _collector_user(self):
        """Who gets the case's tasks: its collector, else the company's default
        collector (Settings), else a Collections Manager."""
        return self.user_id or self.company_id.eh_collections_default_user_id or self._collections_manager()

    def _collections_manager(self):
        """Who reviews escalations: a Collections Manager of the case's company,
        else the current user."""
        group = self.env.ref("eh_collections_case.group_collections_manager")
        managers = group.sudo().all_user_ids.filtered(
            lambda u: not u.share and u.active and self.company_id in u.company_ids and not u._is_superuser()
        )
        return managers.sorted("id")[:1] or self.env.user
