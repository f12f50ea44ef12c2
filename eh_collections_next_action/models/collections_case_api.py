from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tools import html_sanitize

from odoo.addons.eh_account_ai_agent.tools import ACTION_CODES, guardrail_violation

HISTORY_ITEMS = 5
MAX_LIMIT = 200
MAX_RATIONALE_CHARS = 2000
# What an outside agent's proposal becomes: a reminder for a person to send, a call
# for the collector, a review for a Collections Manager, or a note (monitor).
PROPOSAL_KINDS = {
    "send_first_contact_email": "reminder",
    "send_demand_letter": "reminder",
    "phone_call": "call",
    "manual_review": "review",
    "escalate_broken_promise": "review",
    "write_off_review": "review",
    "refer_to_collections_agency": "review",
    "monitor": "note",
}


class CollectionsCase(models.Model):
    """The API for outside agents, designed for Odoo 19's JSON-2
    (`POST /json/2/eh.collections.case/<method>`, named arguments, bearer API key):
    each method is one call and one transaction, takes and returns plain JSON, and
    runs with the caller's rights and companies, exactly as the screens do. Nothing
    here sends anything: a proposal waits for a person."""

    _inherit = "eh.collections.case"

    # -- reading -----------------------------------------------------------------------

    @api.model
    def api_worklist(self, limit=50, offset=0):
        """The caller's open cases (assigned to them, or to nobody) in the order of My
        day, as JSON: the figures, the level, the next action and its reasons, the
        snapshot the AI layer sees, the last log rows, the promise and the plan."""
        if not isinstance(limit, int) or not isinstance(offset, int) or limit < 1 or offset < 0:
            raise ValidationError(self.env._("limit is a whole number from 1 and offset one from 0."))
        cases = self.search(
            [("state", "=", "open"), ("user_id", "in", [self.env.uid, False])],
            order="eh_my_day_score desc, days_overdue_max desc, id",
            limit=min(limit, MAX_LIMIT),
            offset=offset,
        )
        return cases._api_items()

    @api.model
    def api_case(self, case_id):
        """One case as in the worklist, with its open invoices."""
        case = self._api_case(case_id)
        [item] = case._api_items()
        item["open_invoices"] = [
            {
                "invoice": line.move_id.name,
                "due_date": fields.Date.to_string(line.date_maturity),
                "days_overdue": line.eh_days_overdue,
                "amount_due": line.amount_residual_currency if line.currency_id else line.amount_residual,
                "currency": (line.currency_id or case.currency_id).name,
                "disputed": line.move_id.eh_disputed,
                "pay_url": line.move_id.eh_pay_url,
            }
            for line in case.overdue_line_ids
        ]
        return item

    def _api_case(self, case_id):
        """The case `case_id` as the caller may read it, or a clear refusal."""
        if not isinstance(case_id, int):
            raise ValidationError(self.env._("case_id is the id of a collections case (a whole number)."))
        case = self.browse(case_id).exists()
        if not case:
            raise MissingError(self.env._("There is no collections case %(id)s.", id=case_id))
        try:
            case.check_access("read")
        except AccessError:
            raise AccessError(
                self.env._("Collections case %(id)s is not one you may read (another company).", id=case_id)
            ) from None
        return case

    def _api_items(self):
        snapshots = self._eh_ai_snapshots()
        return [case._api_item(snapshots.get(case.id)) for case in self]

    def _api_item(self, snapshot):
        self.ensure_one()
        plan = self.payment_plan_id
        return {
            "id": self.id,
            "customer": self.partner_id.display_name,
            "customer_id": self.partner_id.id,
            "company": self.company_id.name,
            "currency": self.currency_id.name,
            "total_overdue": self.total_overdue_amount,
            "total_due": self.total_due_amount,
            "days_overdue": self.days_overdue_max,
            "collector": self.user_id.name or None,
            "level": self.level_id.name or None,
            "next_reminder": {
                "level": self.next_level_id.name or None,
                "date": fields.Date.to_string(self.next_followup_date) or None,
            },
            "next_action": {
                "action": self.eh_ai_suggested_action,
                "priority": self.eh_ai_suggested_priority,
                "rationale": self.eh_ai_suggestion_rationale,
                "source": self.eh_ai_suggestion_source,
                "second_opinion": {
                    "action": self.eh_ai_second_opinion_action,
                    "reason": self.eh_ai_second_opinion,
                }
                if self.eh_ai_second_opinion_action
                else None,
            },
            "my_day": {"score": self.eh_my_day_score, "reason": self.eh_my_day_reason or None},
            "snapshot": snapshot.as_dict() if snapshot else None,
            "history": [
                {
                    "date": fields.Datetime.to_string(action.date),
                    "type": action.action_type,
                    "by": action.user_id.name,
                    "contact_made": action.contact_made,
                    "state": action.state,
                    "note": action.note or "",
                }
                for action in self.action_ids[:HISTORY_ITEMS]
            ],
            "promise": {
                "amount": self.promise_amount,
                "date": fields.Date.to_string(self.promise_date),
                "active": self.has_active_promise,
                "broken": self.broken_promise,
            }
            if self.promise_date
            else None,
            "payment_plan": {
                "id": plan.id,
                "state": plan.state,
                "instalments": [
                    {"date": fields.Date.to_string(line.date), "amount": line.amount, "state": line.state}
                    for line in plan.line_ids
                ],
            }
            if plan
            else None,
        }

    # -- writing -----------------------------------------------------------------------

    @api.model
    def api_log(self, case_id, action_type, note, contact_made=False, promise_amount=None, promise_date=None):
        """Log what happened on a case through the one log path (the same checks and
        effects as the Log action wizard). Returns the case as `api_case` does."""
        case = self._api_case(case_id)
        values = {"action_type": action_type, "note": note, "contact_made": bool(contact_made)}
        if promise_amount is not None or promise_date is not None:
            values.update(promise_amount=promise_amount, promise_date=promise_date)
        case._log_action([values])
        return self.api_case(case_id)

    @api.model
    def api_propose(self, case_id, action, rationale, subject=None, body=None):
        """File an agent's proposal for a person to decide: a reminder in To approve
        (the next level's, with the agent's subject and body when given), a call
        activity for the collector, a review activity for a Collections Manager, or a
        note (monitor). Attributed to the caller and tagged AI-generated; never sent.
        Returns {"kind", "id"} of what was filed."""
        case = self._api_case(case_id)
        rationale = (rationale or "").strip() if isinstance(rationale, str) else ""
        if action not in ACTION_CODES:
            raise ValidationError(
                self.env._(
                    "%(action)r is not a next action: use one of %(codes)s.",
                    action=action,
                    codes=", ".join(sorted(ACTION_CODES)),
                )
            )
        if not rationale or len(rationale) > MAX_RATIONALE_CHARS:
            raise ValidationError(
                self.env._("Say why, in plain text of at most %(n)s characters.", n=MAX_RATIONALE_CHARS)
            )
        if case.state != "open":
            raise UserError(self.env._("A resolved case takes no proposal."))
        snapshot = case._eh_ai_snapshots()[case.id]
        violation = guardrail_violation(action, snapshot, case.company_id._eh_ai_thresholds())
        if violation:
            raise ValidationError(
                self.env._("The rules do not allow this step for this case: %(why)s.", why=violation)
            )
        return getattr(case, f"_api_propose_{PROPOSAL_KINDS[action]}")(action, rationale, subject, body)

    def _api_propose_reminder(self, action, rationale, subject, body):
        level = self.next_level_id or self.level_id
        if not level:
            raise UserError(self.env._("This case has no reminder level left to propose."))
        self._check_may_remind()  # the one decision: no reminder is filed for a held customer
        Followup = self.env["eh.collections.followup"]
        reason = self.env._(
            "Proposed by %(agent)s (%(action)s): %(why)s",
            agent=self.env.user.name,
            action=action,
            why=rationale,
        )
        followup = Followup._queue_template(self, level, reason)
        if followup.edited_by_id:  # a person rewrote the waiting reminder: their words stay
            return {"kind": "reminder", "id": followup.id}
        values = {"ai_generated": True, "reason": reason}
        if subject:
            values["subject"] = str(subject)[:250]
        if body:
            values["body_html"] = html_sanitize(str(body), strip_classes=True)
        followup._write_own(values)
        return {"kind": "reminder", "id": followup.id}

    def _api_propose_call(self, action, rationale, subject, body):
        activity = self._api_activity(
            "mail.mail_activity_data_call", subject, rationale, self._collector_user()
        )
        return {"kind": "activity", "id": activity.id}

    def _api_propose_review(self, action, rationale, subject, body):
        activity = self._api_activity(
            "mail.mail_activity_data_todo", subject, rationale, self._collections_manager()
        )
        return {"kind": "activity", "id": activity.id}

    def _api_propose_note(self, action, rationale, subject, body):
        message = self.message_post(
            body=Markup("<p><b>%s</b> %s</p>")
            % (self.env._("Proposed by %(agent)s: keep monitoring.", agent=self.env.user.name), rationale),
            subtype_xmlid="mail.mt_note",
        )
        return {"kind": "note", "id": message.id}

    def _api_activity(self, activity_type, summary, rationale, user):
        return self.activity_schedule(
            activity_type,
            summary=str(summary)[:120]
            if summary
            else self.env._("Proposed by %(agent)s", agent=self.env.user.name),
            note=Markup("<p>%s</p><p><i>%s</i></p>")
            % (rationale, self.env._("AI-generated proposal by %(agent)s.", agent=self.env.user.name)),
            user_id=user.id,
        )
