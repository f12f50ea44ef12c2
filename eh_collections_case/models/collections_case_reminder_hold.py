from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..tools.holds import ReminderHold, hold_sentence


class CollectionsCase(models.Model):
    """The one decision: may this customer be reminded now, and if not, why.

    `_reminder_holds_by_case` answers for a batch of cases; every path that sends or
    queues outreach asks it when it acts (the follow-up cron, the To approve queue,
    *Send reminders*, the AI drafts, the agent API, the SMS and WhatsApp queues), and
    the next reminder's date is the ladder's, moved past every hold
    (`_next_reminder`). Modules that know another reason (a reply waiting to be
    read) add their holds in `_collect_reminder_holds`."""

    _inherit = "eh.collections.case"

    reminder_hold = fields.Char(
        compute="_compute_reminder_hold",
        string="Reminders held",
        help="Why the customer may not be reminded now, with dates; empty when they may. Every path "
        "that sends a reminder asks this same question when it acts.",
    )

    @api.depends_context("tz")
    def _compute_reminder_hold(self):
        holds = self._reminder_holds_by_case()
        for case in self:
            case.reminder_hold = hold_sentence(holds[case.id])

    def _reminder_holds_by_case(self):
        """{case id: [ReminderHold]} for these cases, in one pass; an empty list means
        the customer may be reminded now."""
        holds = {case.id: [] for case in self}
        if self:
            self._collect_reminder_holds(holds)
        return holds

    def _reminder_holds(self):
        """The holds of this one case (see `_reminder_holds_by_case`)."""
        self.ensure_one()
        return self._reminder_holds_by_case()[self.id]

    def _collect_reminder_holds(self, holds):
        """Add to `holds` ({case id: [ReminderHold]}) what this module knows, and return
        it. Extend it, calling super, to add a reason of your own."""
        for case in self:
            found = holds[case.id]
            if case.state != "open" or case.currency_id.compare_amounts(case.total_overdue_amount, 0) <= 0:
                found.append(ReminderHold("nothing_overdue", self.env._("nothing overdue")))
                continue
            if case.disputed:
                found.append(
                    ReminderHold(
                        "dispute",
                        self.env._("in dispute: %(reason)s", reason=case.dispute_reason)
                        if case.dispute_reason
                        else self.env._("in dispute"),
                    )
                )
            elif case.reminders_held:
                found.append(
                    ReminderHold("invoices_held", self.env._("every overdue invoice disputed or held"))
                )
            if case.paused:
                found.append(
                    ReminderHold(
                        "pause",
                        self.env._(
                            "paused until %(date)s", date=case.company_id._eh_format_day(case.pause_until)
                        )
                        if case.pause_until
                        else self.env._("paused until resumed"),
                        case.pause_until or None,
                    )
                )
            if case.payment_plan_id:
                found.append(ReminderHold("payment_plan", self.env._("payment plan holds")))
            if case.has_active_promise:
                found.append(
                    ReminderHold(
                        "promise",
                        self.env._(
                            "promise of %(amount)s running until %(date)s",
                            amount=format_amount(self.env, case.promise_amount, case.currency_id),
                            date=case.company_id._eh_format_day(case.promise_date),
                        ),
                        case.promise_date,
                    )
                )
        return holds

    def _check_may_remind(self, override_reason=None):
        """Refuse, in the collector's words, to remind a customer the decision holds;
        with `override_reason`, a Collections Manager sends anyway (the caller logs
        it with `_log_hold_override`)."""
        for case in self:
            holds = case._reminder_holds()
            if not holds:
                continue
            sentence = hold_sentence(holds)
            if not all(hold.overridable for hold in holds):
                raise UserError(
                    self.env._(
                        "%(customer)s is not reminded: %(why)s.", customer=case.partner_id.name, why=sentence
                    )
                )
            if not (override_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Held: %(why)s. A Collections Manager can send it anyway with a reason "
                        "(Send anyway).",
                        why=sentence,
                    )
                )
            if not self.env.user.has_group("eh_collections_case.group_collections_manager"):
                raise UserError(
                    self.env._(
                        "Held: %(why)s. Only a Collections Manager can send a held reminder anyway.",
                        why=sentence,
                    )
                )

    def _log_hold_override(self, what, reason):
        """Log, before it goes, that a manager sends `what` although the decision holds
        the customer: who, why, and what held them."""
        for case in self:
            holds = case._reminder_holds()
            if holds:
                case._log_action(
                    [
                        {
                            "action_type": "note",
                            "note": self.env._(
                                "Sent anyway by %(user)s although held (%(why)s): %(what)s. "
                                "Reason: %(reason)s",
                                user=self.env.user.name,
                                why=hold_sentence(holds),
                                what=what,
                                reason=reason.strip(),
                            ),
                        }
                    ]
                )
