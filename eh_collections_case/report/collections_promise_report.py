from odoo import fields, models
from odoo.tools import SQL

from ..models.collections_case_promise import PROMISE_GRACE_DAYS
from .collections_report_sql import company_today


class CollectionsPromiseReport(models.Model):
    """Every promise to pay in the history, and how it turned out.

    A promise is kept when the customer paid at least the promised amount between the
    day it was made and its deadline, the promised day plus the grace the escalation
    gives (PROMISE_GRACE_DAYS); broken when the deadline passed first; pending until
    then. Payments are the customer's payments and bank transfers (one definition,
    `account.move.line._eh_collected_domain()`)."""

    _name = "eh.collections.promise.report"
    _description = "Promises to pay and their outcome"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"

    action_id = fields.Many2one("eh.collections.action", string="Logged as", readonly=True)
    case_id = fields.Many2one("eh.collections.case", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Obtained by", readonly=True)
    date = fields.Date(string="Made on", readonly=True)
    promise_date = fields.Date(string="Promised for", readonly=True)
    deadline = fields.Date(readonly=True)
    promise_amount = fields.Monetary(string="Promised", readonly=True)
    collected = fields.Monetary(string="Paid by the deadline", readonly=True)
    outcome = fields.Selection(
        [("kept", "Kept"), ("broken", "Broken"), ("pending", "Pending")], readonly=True
    )
    kept_rate = fields.Float(
        string="Kept (%)",
        digits=(16, 1),
        aggregator="avg",
        readonly=True,
        help="100 for a kept promise, 0 for a broken one, empty while pending: its average is "
        "the promise-kept rate.",
    )

    @property
    def _table_query(self):
        return self._outcomes_sql(as_of=SQL("ct.today"), where=SQL("TRUE"))

    def _outcomes_sql(self, as_of, where):
        """One row per promise logged (`where` filters the log rows `a`), judged as of
        `as_of`, an SQL date that may use `ct.today`, the company's today."""
        cash = self.env["account.move.line"]._eh_collected_lines_sql("company_id", "date", "balance")
        return SQL(
            """
            SELECT a.id, a.id AS action_id, a.case_id, a.partner_id, a.company_id, a.user_id,
                   company.currency_id, a.date::date AS date, a.promise_date,
                   a.promise_date + %(grace)s AS deadline, a.promise_amount,
                   COALESCE(paid.amount, 0) AS collected,
                   CASE WHEN COALESCE(paid.amount, 0) >= a.promise_amount THEN 'kept'
                        WHEN a.promise_date + %(grace)s < %(as_of)s THEN 'broken'
                        ELSE 'pending' END AS outcome,
                   CASE WHEN COALESCE(paid.amount, 0) >= a.promise_amount THEN 100.0
                        WHEN a.promise_date + %(grace)s < %(as_of)s THEN 0.0 END AS kept_rate
              FROM eh_collections_action a
              JOIN res_company company ON company.id = a.company_id
              JOIN (VALUES %(today)s) ct(company_id, today) ON ct.company_id = a.company_id
              LEFT JOIN LATERAL (
                   SELECT -SUM(cash.balance) AS amount
                     FROM (%(cash)s) cash
                    WHERE cash.commercial_partner_id = a.partner_id AND cash.company_id = a.company_id
                      AND cash.date >= a.date::date
                      AND cash.date <= LEAST(a.promise_date + %(grace)s, %(as_of)s)
              ) paid ON TRUE
             WHERE a.action_type = 'promise' AND a.state = 'done' AND a.promise_date IS NOT NULL
               AND %(where)s
            """,
            grace=PROMISE_GRACE_DAYS,
            as_of=as_of,
            today=company_today(self.env),
            cash=cash,
            where=where,
        )
