from typing import NamedTuple

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL

from odoo.addons.eh_account_ai_agent.tools import (
    PROMPT_VERSION,
    CaseSnapshot,
    deterministic_suggest,
    guardrail_violation,
)
from odoo.addons.eh_collections_case.models.collections_action import OUTREACH_TYPES

ACTIONS = [
    ("monitor", "Monitor"),
    ("escalate_broken_promise", "Escalate broken promise"),
    ("write_off_review", "Write-off review"),
    ("refer_to_collections_agency", "Refer to agency"),
    ("send_demand_letter", "Send demand letter"),
    ("phone_call", "Phone call"),
    ("send_first_contact_email", "Send the reminder"),
    ("manual_review", "Manual review"),
]
PRIORITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]


class Answer(NamedTuple):
    """What a case shows of its next action."""

    action: str
    priority: str
    rationale: str
    source: str
    second_opinion_action: str | bool = False
    second_opinion: str | bool = False


NO_ANSWER = Answer(False, False, False, False)
# A refresh touching up to this many cases syncs their stored next action at once;
# above, the background job does it, in batches of SYNC_BATCH.
SYNC_INLINE_LIMIT = 200
SYNC_BATCH = 2000
SNAPSHOT_DEPENDS = (
    "state",
    "days_overdue_max",
    "total_overdue_amount",
    "promise_date",
    "promise_kept",
    "disputed",
    "payment_plan_id",
    "action_ids",
    "partner_id.eh_risk_score",
    "company_id",
    # The reminder steps are the dunning ladder's: its level due today.
    "next_level_id",
    "next_followup_date",
)


# The case columns a snapshot reads (flushed before its query).
SNAPSHOT_COLUMNS = [
    "state",
    "payment_plan_id",
    "days_overdue_max",
    "total_overdue_amount",
    "promise_date",
    "promise_kept",
    "disputed",
    "partner_id",
    "company_id",
]


class CollectionsCase(models.Model):
    _inherit = "eh.collections.case"

    eh_ai_suggested_action = fields.Selection(
        ACTIONS,
        string="Suggested action",
        compute="_compute_eh_ai_suggestion",
        search="_search_eh_ai_suggested_action",
    )
    eh_ai_suggested_priority = fields.Selection(
        PRIORITIES, string="Suggested priority", compute="_compute_eh_ai_suggestion"
    )
    eh_ai_suggestion_rationale = fields.Text(string="Why", compute="_compute_eh_ai_suggestion_rationale")
    eh_ai_suggestion_source = fields.Selection(
        [("deterministic", "Rules"), ("llm", "AI-enriched")],
        string="Source",
        compute="_compute_eh_ai_suggestion",
    )
    # What the AI would do instead: shown beside the rules' step, never in its place.
    eh_ai_second_opinion_action = fields.Selection(
        ACTIONS, string="AI second opinion", compute="_compute_eh_ai_suggestion"
    )
    eh_ai_second_opinion = fields.Char(string="AI second opinion (why)", compute="_compute_eh_ai_suggestion")
    # A stored copy of the suggested action, kept in step by the refresh and by every
    # logged action, so the kanban and list can group by it.
    eh_ai_action_group = fields.Selection(ACTIONS, string="Next action", readonly=True, index=True)

    # -- snapshot -------------------------------------------------------------

    def _eh_ai_snapshots(self):
        """Snapshots of all these cases at once: two queries (the case figures, the
        history grouped by type), whatever the number of cases and log rows. Follow-ups
        are the case's (done rows of the outreach types), days count from the company's
        today."""
        cases = self.filtered("id")
        if not cases:
            return {}
        self.env["eh.collections.action"].flush_model(["case_id", "state", "action_type", "date"])
        cases.flush_recordset(SNAPSHOT_COLUMNS)
        self.env["res.partner"].flush_model(["eh_risk_score", "eh_risk_updated_at"])
        ids = tuple(cases.ids)
        stats = {}
        for case_id, action_type, count, last in self.env.execute_query(
            SQL(
                """SELECT case_id, action_type, COUNT(*), MAX(date) FROM eh_collections_action
                    WHERE case_id IN %s AND state = 'done' GROUP BY case_id, action_type""",
                ids,
            )
        ):
            stats.setdefault(case_id, {})[action_type] = (count, last)
        rows = self.env.execute_query_dict(
            SQL(
                """SELECT c.id, c.company_id, c.state, c.days_overdue_max, c.total_overdue_amount,
                          cur.name AS currency, c.promise_date, c.promise_kept, c.disputed,
                          c.payment_plan_id IS NOT NULL AS active_payment_plan,
                          -- the case company's score: the partner's risk is per company (jsonb)
                          (p.eh_risk_score ->> c.company_id::text)::int AS eh_risk_score,
                          (p.eh_risk_updated_at ->> c.company_id::text) IS NOT NULL AS risk_scored
                     FROM eh_collections_case c
                     JOIN res_company co ON co.id = c.company_id
                     JOIN res_currency cur ON cur.id = co.currency_id
                     JOIN res_partner p ON p.id = c.partner_id
                    WHERE c.id IN %s""",
                ids,
            )
        )
        today_of = {company.id: company._eh_collections_today() for company in cases.company_id}
        due_level = cases._eh_ai_due_levels()
        snapshots = {}
        for row in rows:
            today = today_of[row["company_id"]]
            by_type = stats.get(row["id"], {})
            followups = [by_type[t] for t in OUTREACH_TYPES if t in by_type]
            last_followup = max((last for _count, last in followups), default=None)
            last_any = max(by_type.items(), key=lambda item: item[1][1], default=None)
            letter = by_type.get("letter")
            promise_date = row["promise_date"]
            active, broken = self._promise_flags(row["state"], promise_date, row["promise_kept"], today)
            snapshots[row["id"]] = CaseSnapshot(
                days_overdue=max(row["days_overdue_max"] or 0, 0),
                total_overdue=float(row["total_overdue_amount"] or 0.0),
                currency=row["currency"] or "",
                followup_count=sum(count for count, _last in followups),
                days_since_last_followup=_days(today, last_followup),
                active_promise=active,
                broken_promise=broken,
                promise_days_left=(promise_date - today).days if active else None,
                demand_letter_sent=bool(letter),
                days_since_demand_letter=_days(today, letter[1]) if letter else None,
                open_dispute=bool(row["disputed"]),
                risk_score=row["eh_risk_score"] if row["risk_scored"] else None,
                last_action_type=last_any[0] if last_any else None,
                days_since_last_action=_days(today, last_any[1][1]) if last_any else None,
                active_payment_plan=row["active_payment_plan"],
                reminder_due_tone=due_level[row["id"]].tone or None,
                reminder_due_letter=bool(due_level[row["id"]].channel_letter),
            )
        return snapshots

    def _eh_ai_due_levels(self):
        """{case id: the ladder's level due today}, empty when none is due or the one
        decision holds the customer: the reminder steps of the next action are the
        ones the follow-up cron sends. Read from the ladder's own compute (`next_level_id`
        and `next_followup_date`, batched with the holds), not asked a second time."""
        return {
            case.id: case.next_level_id
            if case.next_followup_date and case.next_followup_date <= case._today()
            else case.next_level_id.browse()
            for case in self
        }

    # -- live suggestion ------------------------------------------------------

    def _eh_ai_answers(self):
        """{case id: Answer}: always the ladder's action and priority; the rationale
        and a second opinion from the AI only when the suggestion cache holds them for
        the very same case state and the same step. Never calls the network: a read
        must not wait on a provider."""
        cases = self.filtered("id")
        snapshots = cases._eh_ai_snapshots()
        cached = {}
        for company in cases.company_id:
            if company.sudo().eh_ai_provider == "none":
                continue
            digests = [snapshots[c.id].digest() for c in cases if c.company_id == company]
            cached[company.id] = self.env["eh.ai.suggestion.cache"]._lookup(company, digests, PROMPT_VERSION)
        thresholds_of = {company: company._eh_ai_thresholds() for company in cases.company_id}
        money_of = {company: company._eh_ai_money() for company in cases.company_id}
        answers = {}
        for case in cases:
            snapshot = snapshots[case.id]
            thresholds = thresholds_of[case.company_id]
            ladder = deterministic_suggest(snapshot, thresholds, money_of[case.company_id])
            answer = Answer(ladder.action.value, ladder.priority.value, ladder.rationale, "deterministic")
            entry = cached.get(case.company_id.id, {}).get(snapshot.digest())
            # The narrative explains one step: a cache entry for another (the
            # thresholds changed since) is not shown.
            if entry and entry.action == answer.action:
                opinion = entry.second_opinion_action
                if opinion and guardrail_violation(opinion, snapshot, thresholds):
                    opinion = False
                answer = answer._replace(
                    rationale=entry.rationale,
                    source="llm",
                    second_opinion_action=opinion or False,
                    second_opinion=opinion and entry.second_opinion_reason or False,
                )
            answers[case.id] = answer
        return answers

    @api.depends(*SNAPSHOT_DEPENDS)
    @api.depends_context("tz")
    def _compute_eh_ai_suggestion(self):
        answers = self._eh_ai_answers()
        for case in self:
            answer = answers.get(case.id, NO_ANSWER)
            case.eh_ai_suggested_action = answer.action
            case.eh_ai_suggested_priority = answer.priority
            case.eh_ai_suggestion_source = answer.source
            case.eh_ai_second_opinion_action = answer.second_opinion_action
            case.eh_ai_second_opinion = answer.second_opinion

    @api.depends(*SNAPSHOT_DEPENDS, "next_level_id", "next_followup_date")
    @api.depends_context("tz")
    def _compute_eh_ai_suggestion_rationale(self):
        """The reasons, then what the follow-up cron sends next and when: the next
        action and the reminders tell one story. (Its own compute, so that the kanban,
        which shows the action only, does not pay for the ladder's outlook.)"""
        answers = self._eh_ai_answers()
        for case in self:
            answer = answers.get(case.id)
            case.eh_ai_suggestion_rationale = (
                answer and f"{answer.rationale}\n{case._next_reminder_sentence()}"
            )

    def _search_eh_ai_suggested_action(self, operator, value):
        """Filters use the stored copy (what group-by shows), not a live pass over
        every open case."""
        if operator not in ("in", "not in"):
            return NotImplemented
        return [("eh_ai_action_group", operator, value)]

    def _eh_copilot_sync(self):
        """Bring what the copilot stores in step with the cases, from one pass over
        their snapshots: the suggested action (always the ladder's, so no cache is
        read; one UPDATE per value) and My day's score and reason."""
        cases = self.filtered(lambda c: c.state == "open")
        if not cases:
            return
        snapshots = cases._eh_ai_snapshots()
        cases._eh_my_day_sync(snapshots)
        thresholds_of = {company: company._eh_ai_thresholds() for company in cases.company_id}
        by_action = {}
        for case in cases:
            action = deterministic_suggest(snapshots[case.id], thresholds_of[case.company_id]).action.value
            if case.eh_ai_action_group != action:
                by_action.setdefault(action, []).append(case.id)
        for action, ids in by_action.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE eh_collections_case SET eh_ai_action_group = %s WHERE id IN %s",
                    action,
                    tuple(ids),
                )
            )
        self.invalidate_recordset(["eh_ai_action_group"], flush=False)

    # -- keep the stored copy in step ------------------------------------------------

    def _source_of_truth_fields(self):
        origin = self.env._("the stored next action follows the case: it is recomputed, never typed.")
        return {**super()._source_of_truth_fields(), "eh_ai_action_group": origin}

    def _on_case_changed(self):
        """A few cases (a logged action, a button) are synced at once: the collector who
        acted sees it. A bulk refresh, and the live refresh of a payment (whoever
        registers it is not looking at My day, and the payment should not pay for it),
        leave it to the background job, triggered for right after the commit."""
        result = super()._on_case_changed()
        if len(self) <= SYNC_INLINE_LIMIT and not self.env.context.get("eh_collections_live_refresh"):
            self._eh_copilot_sync()
        else:
            self.env.ref("eh_collections_next_action.ir_cron_sync_action_groups")._trigger()
        return result

    @api.model
    def _cron_eh_ai_sync_action_groups(self, batch=SYNC_BATCH):
        """Bring the stored next action and My day of every open case in step, a batch
        per commit."""
        ids = self.search([("state", "=", "open")], order="id").ids
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(ids))
        for start in range(0, len(ids), batch):
            chunk = self.browse(ids[start : start + batch])
            chunk._eh_copilot_sync()
            self.env.invalidate_all()
            if not cron._commit_progress(len(chunk)):
                break

    # -- buttons ----------------------------------------------------------------

    def action_eh_ai_refresh_suggestion(self):
        """Ask the company's AI provider about this case now (with its timeout); the
        answer is audited and cached, and the form reloads to show it. A refresh that
        fails forgets what was kept for this state, so the form shows the rules' own
        reasons, as the message says."""
        self.ensure_one()
        if self.company_id.sudo().eh_ai_provider == "none":
            return _notify(self.env._("No AI provider is set: the suggestion comes from the rules."), "info")
        snapshot = self._eh_ai_snapshots()[self.id]
        suggestion = self.env["eh.ai.agent"]._suggest(self.company_id, snapshot, self)
        self.invalidate_recordset(["eh_ai_suggested_action"])
        if suggestion.fallback_reason:
            self.env["eh.ai.suggestion.cache"]._forget(self.company_id, snapshot.digest(), PROMPT_VERSION)
            return _notify(
                self.env._(
                    "The AI provider's answer was not used (%(reason)s). The rules' suggestion and their "
                    "own reasons are shown; no AI narrative or second opinion.",
                    reason=suggestion.fallback_reason,
                ),
                "warning",
                reload=True,
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_eh_ai_prewarm(self, limit=50, call_workers=True):
        """Ask the provider ahead of time for the most urgent cases of companies
        that have one, so collectors open them with the AI narrative ready.

        Several workers may run it at once (this cron and its worker cron, called when
        there is more than one case to ask about; other servers): each claims a case
        before asking (`ir.cron._eh_try_claim`) and looks in the cache again once it
        holds it, so no case is asked about twice."""
        Cache = self.env["eh.ai.suggestion.cache"]
        cron = self.env["ir.cron"]
        companies = self.env["res.company"].sudo().search([("eh_ai_provider", "!=", "none")])
        for company in companies:
            cases = self.search(
                [("company_id", "=", company.id), ("state", "=", "open")],
                order="priority desc, days_overdue_max desc",
                limit=limit,
            )
            snapshots = cases._eh_ai_snapshots()
            live = Cache._lookup(company, [s.digest() for s in snapshots.values()], PROMPT_VERSION)
            todo = cases.filtered(lambda c, s=snapshots, lv=live: s[c.id].digest() not in lv)
            if call_workers and len(todo) > 1:
                self.env.ref("eh_collections_next_action.ir_cron_prewarm_ai_suggestions_worker")._trigger()
            cron._commit_progress(remaining=len(todo))
            for case in todo:
                digest = snapshots[case.id].digest()
                if cron._eh_try_claim("eh_collections_next_action.prewarm", case.id) and not Cache._lookup(
                    company, [digest], PROMPT_VERSION
                ):
                    self.env["eh.ai.agent"]._suggest(company, snapshots[case.id], case)
                if not cron._commit_progress(1):
                    return

    def action_eh_ai_prepare_step(self):
        """Set up the suggested step for a person to carry out; never carries it out.
        Dispatches on the action code: `_eh_ai_prepare_<code>`."""
        self.ensure_one()
        return getattr(self, f"_eh_ai_prepare_{self.eh_ai_suggested_action}")()

    def _eh_ai_prepare_send_demand_letter(self):
        """The demand letter of the customer's strategy, previewed in Send reminders
        and waiting for a click; the Statement of Account letter when it has none."""
        return self._eh_ai_preview_reminder("letter")

    def _eh_ai_prepare_send_first_contact_email(self):
        """The ladder's reminder due, previewed in Send reminders and waiting for a
        click: the level's own template, subject and tone, as the follow-up cron would
        send it (a held customer shows *Held* with the reason, and is not sent)."""
        return self._eh_ai_preview_reminder("next")

    def _eh_ai_preview_reminder(self, purpose):
        wizard = self.env["eh.collections.send.reminders"].create(
            {"case_ids": [Command.set(self.ids)], "purpose": purpose}
        )
        return wizard.action_preview()

    def _eh_ai_prepare_phone_call(self):
        return self._eh_ai_schedule(
            "mail.mail_activity_data_call",
            self.env._("Call %(customer)s about the overdue invoices", customer=self.partner_id.name),
            self.user_id or self.env.user,
        )

    def _eh_ai_prepare_escalate_broken_promise(self):
        return self._eh_ai_manager_review(self.env._("Review the broken promise"))

    def _eh_ai_prepare_refer_to_collections_agency(self):
        return self._eh_ai_manager_review(self.env._("Decide on a collections agency referral"))

    def _eh_ai_prepare_write_off_review(self):
        return self._eh_ai_manager_review(self.env._("Review for write-off"))

    def _eh_ai_prepare_manual_review(self):
        return self._eh_ai_schedule(
            "mail.mail_activity_data_todo", self.env._("Review the case"), self.user_id or self.env.user
        )

    def _eh_ai_prepare_monitor(self):
        return _notify(self.env._("Nothing to prepare: keep monitoring the promise."), "info")

    def _eh_ai_manager_review(self, summary):
        return self._eh_ai_schedule("mail.mail_activity_data_todo", summary, self._collections_manager())

    def _eh_ai_schedule(self, activity_type, summary, user):
        """An activity carrying the suggestion's reasons, then the form again."""
        self.activity_schedule(
            activity_type,
            summary=summary,
            note=Markup("<p>%s</p>") % (self.eh_ai_suggestion_rationale or ""),
            user_id=user.id,
        )
        return {"type": "ir.actions.client", "tag": "soft_reload"}


def _days(today, moment):
    return (today - moment.date()).days if moment else None


def _notify(message, kind, reload=False):
    params = {"type": kind, "message": message, "sticky": False}
    if reload:
        params["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
