from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.case_method import case_method
from .collections_action import OUTREACH_TYPES


class CollectionsCase(models.Model):
    """The case's history: the log rows and what each of them does to the case."""

    _inherit = "eh.collections.case"

    action_ids = fields.One2many("eh.collections.action", "case_id", string="History", readonly=True)
    # Counted from the log, never stored: no increment can be lost or written by hand,
    # concurrent loggers never update the case's row, and a merge that moves history
    # moves the counts with it.
    followup_count = fields.Integer(
        string="Follow-ups",
        compute="_compute_history_counters",
        help="Reminders sent and calls, meetings and messages to the customer.",
    )
    last_followup_date = fields.Datetime(string="Last follow-up", compute="_compute_history_counters")
    contact_count = fields.Integer(
        string="Contacts",
        compute="_compute_history_counters",
        help="Logged rows in which the customer was reached (answered, replied, met, promised), "
        "whatever their type.",
    )
    last_contact_date = fields.Datetime(string="Last contact", compute="_compute_history_counters")

    def _source_of_truth_fields(self):
        origin = self.env._("it is counted from the case history: log an action (eh.collections.action).")
        return {
            **super()._source_of_truth_fields(),
            **dict.fromkeys(
                ("action_ids", "followup_count", "last_followup_date", "contact_count", "last_contact_date"),
                origin,
            ),
        }

    @api.depends("action_ids.state", "action_ids.action_type", "action_ids.contact_made", "action_ids.date")
    def _compute_history_counters(self):
        stats = self._history_stats()
        for case in self:
            followups, last_followup, contacts, last_contact = stats.get(case.id, (0, False, 0, False))
            case.followup_count = followups
            case.last_followup_date = last_followup
            case.contact_count = contacts
            case.last_contact_date = last_contact

    def _history_stats(self):
        """{case id: (follow-ups, last follow-up, contacts, last contact)} in one query.

        A follow-up is a done row of an outreach type; a contact, any done row with
        *Contact made*, whatever its type (a promise the customer gave on the phone is a
        contact). These are the only definitions: the collector league and the
        dashboard's *Reached* count `contact_made` rows the same way."""
        ids = tuple(self.filtered("id").ids)
        if not ids:
            return {}
        Action = self.env["eh.collections.action"]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT case_id,
                       COUNT(*) FILTER (WHERE action_type IN %(outreach)s),
                       MAX(date) FILTER (WHERE action_type IN %(outreach)s),
                       COUNT(*) FILTER (WHERE contact_made), MAX(date) FILTER (WHERE contact_made)
                  FROM eh_collections_action
                 WHERE case_id IN %(ids)s AND state = 'done' AND (action_type IN %(outreach)s OR contact_made)
                 GROUP BY case_id
                """,
                ids=ids,
                outreach=OUTREACH_TYPES,
                to_flush=[
                    Action._fields[name]
                    for name in ("case_id", "state", "action_type", "date", "contact_made")
                ],
            )
        )
        return {
            case_id: (followups, last, contacts, last_contact)
            for case_id, followups, last, contacts, last_contact in rows
        }

    def _log_action(self, vals_list):
        """Append rows to this case's history. A shorthand for creating them: every row,
        whoever creates it, has its effects through `eh.collections.action.create`."""
        self.ensure_one()
        return self.env["eh.collections.action"].create([dict(vals, case_id=self.id) for vals in vals_list])

    def _log_own(self, vals_list):
        """Log rows of the types only the case's own methods write (pause, dispute,
        escalation, resolved, fee...)."""
        with case_method():
            return self._log_action(vals_list)

    def _apply_logged_actions(self, actions):
        """What new log rows do to their cases: a chatter line each, a promise becomes
        the current promise, the stage moves (the first reminder sent by any path, the
        first contact, a promise), and the modules that follow the case hear of it.
        Called by `eh.collections.action.create`, once for all the cases of the rows it
        wrote (a follow-up batch logs hundreds)."""
        by_case = actions.grouped("case_id")
        # `_message_log_batch` takes one body per record: the notes go in layers, the
        # first row of every case, then the second..., so each case keeps its order.
        for layer in range(max(map(len, by_case.values()), default=0)):
            bodies = {
                case.id: rows[layer]._chatter_body() for case, rows in by_case.items() if len(rows) > layer
            }
            self.browse(list(bodies))._message_log_batch(bodies)  # notes, without notification work
        to_stage = {}
        for case, rows in by_case.items():
            done = rows.filtered(lambda a: a.state == "done")
            promise = done.filtered(lambda a: a.action_type == "promise")[-1:]
            if promise:
                case._record_promise(promise.promise_amount, promise.promise_date)
                to_stage[case] = "promised"
            elif case.stage_id.stage_type in (False, "new", "reminded") and any(a.contact_made for a in done):
                to_stage[case] = "contacted"
            elif case.stage_id.stage_type in (False, "new") and any(a._is_reminder() for a in done):
                to_stage[case] = "reminded"
        # Untracked: the row's own chatter line says what moved the case, and a batch of
        # reminders would write a second message per case for it.
        for stage_type in set(to_stage.values()):
            moved = self.browse([case.id for case, target in to_stage.items() if target == stage_type])
            moved.with_context(mail_notrack=True)._move_to_stage(stage_type)
        self._on_case_changed()
