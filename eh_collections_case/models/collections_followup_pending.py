import logging

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CollectionsFollowupPending(models.Model):
    """The follow-up run's work table: the cases the run in progress has still to look
    at, the oldest debt first.

    A run lists its cases once (`_plan`, one INSERT ... SELECT); then its workers take
    them a batch at a time (`_take`): the batch's rows are deleted in the transaction
    that sends its reminders, so a committed batch is never looked at again and a
    crashed one comes back. Odoo's cron calls a job again and again for 10 seconds of
    work at a time (`ir.cron._commit_progress`): each call takes up where the last
    one stopped instead of asking every open case again what it is due for."""

    _name = "eh.collections.followup.pending"
    _description = "Case a follow-up run has still to look at"
    _order = "days_overdue desc, id"  # `_take` picks a batch in this order
    _log_access = False

    case_id = fields.Many2one("eh.collections.case", required=True, ondelete="cascade")
    days_overdue = fields.Integer("Days overdue", required=True)  # when the run listed the case
    planned_on = fields.Date("Date", required=True)  # the day the run listed the case

    _case_once = models.UniqueIndex("(case_id)")
    _next_first = models.Index("(days_overdue DESC, id)")
    _planned_on = models.Index("(planned_on)")  # the oldest listing day without a scan (`_stale`)

    @api.model
    def _remaining(self, at_most=10_000):
        """How many cases the run has still to look at, counted up to `at_most`: enough
        for Odoo's cron to know it must call again, and cheap on a list of a million
        (an exact count reads it all, twice per call of the job)."""
        [[count]] = self.env.execute_query(
            SQL(
                "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT %s) listed",
                SQL.identifier(self._table),
                at_most,
            )
        )
        return count

    @api.model
    def _stale(self):
        """Whether the run in progress was listed before today (a run that died
        yesterday): today's run lists the cases that became due since."""
        [[oldest]] = self.env.execute_query(
            SQL("SELECT min(planned_on) FROM %s", SQL.identifier(self._table))
        )
        return bool(oldest) and oldest < self.env["eh.collections.case"]._today()

    @api.model
    def _plan(self):
        """List every case the follow-up may send a reminder today (the search part of
        `_due_followups`: which level is due is asked when the case is taken). A case
        already listed keeps its place; a case a person holds right now (sending it a
        reminder by hand) is left to the next run, not waited for."""
        Case = self.env["eh.collections.case"]
        self.env.execute_query(
            SQL(
                """INSERT INTO %(table)s (case_id, days_overdue, planned_on)
                   SELECT id, coalesce(days_overdue_max, 0), %(today)s FROM %(cases)s
                    WHERE id IN %(candidates)s FOR KEY SHARE SKIP LOCKED
                       ON CONFLICT (case_id) DO NOTHING""",
                table=SQL.identifier(self._table),
                cases=SQL.identifier(Case._table),
                today=Case._today(),
                candidates=Case._search(Case._followup_candidates_domain()).subselect(),
            )
        )

    @api.model
    def _take(self, limit):
        """The next `limit` cases of the run no other transaction holds, taken off the
        list and locked until the commit (which keeps them off it, or a rollback puts
        them back).

        A claim opens its transaction, so its snapshot sees what other workers
        committed; a worker that commits between that snapshot and a lock makes
        PostgreSQL refuse the lock (repeatable read): the claim is tried again."""
        Case = self.env["eh.collections.case"]
        refused = 0
        while True:
            try:
                # The batch is picked in a CTE of its own: as `DELETE ... WHERE id IN
                # (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)`, PostgreSQL may run the
                # subquery again for each row it joins (a semi-join plan, seen at
                # 100,000 rows once the table had statistics), and took more than `n`.
                rows = self.env.execute_query(
                    SQL(
                        """WITH batch AS MATERIALIZED (%(next)s FOR UPDATE SKIP LOCKED)
                           DELETE FROM %(table)s listed USING batch WHERE listed.id = batch.id
                           RETURNING listed.case_id""",
                        next=self._search([], limit=limit, order=self._order).select(),
                        table=SQL.identifier(self._table),
                    )
                )
                # A person sending one of them now holds its row: that case is theirs.
                # (A lock that lets a listing reference the case: see `_plan`.)
                cases = Case.browse([case_id for [case_id] in rows])
                taken = cases.try_lock_for_update(allow_referencing=True)
            except SerializationFailure:
                self.env.cr.rollback()
                refused += 1
                if refused == 3:  # the list stays as it is: the cron is called again
                    _logger.info("Collections: the follow-up list changed under three claims in a row.")
                    return Case
                continue
            self.env.invalidate_all()  # what was read before the claim may be stale
            if taken or not rows:
                return taken
