from odoo import SUPERUSER_ID, fields, models
from odoo.tools import SQL

# Log rows that are work a collector did (the refresh's resolutions are not).
NOT_WORK = ("resolved",)


class CollectionsCollectorReport(models.Model):
    """The collector league: per collector and day, the actions logged, customers
    reached, promises obtained and kept, and the payments received from the customers
    of their cases. What the crons send (as OdooBot) counts for its level and channel
    in the effectiveness report, not for a collector.

    A payment counts for the collector of the customer's case open when it arrived
    (the latest case created on or before its date)."""

    _name = "eh.collections.collector.report"
    _description = "What each collector achieved"
    _auto = False
    _order = "date desc"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    case_id = fields.Many2one("eh.collections.case", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(readonly=True)
    action_count = fields.Integer(string="Actions", readonly=True)
    contact_count = fields.Integer(string="Customers reached", readonly=True)
    promise_count = fields.Integer(string="Promises obtained", readonly=True)
    promise_kept_count = fields.Integer(string="Promises kept", readonly=True)
    collected = fields.Monetary(readonly=True)

    @property
    def _table_query(self):
        promises = self.env["eh.collections.promise.report"]._table_query
        cash = self.env["account.move.line"]._eh_collected_lines_sql("company_id", "date", "balance")
        return SQL(
            """
            SELECT row_number() OVER (ORDER BY facts.date, facts.case_id) AS id, facts.*, company.currency_id
              FROM (
                SELECT a.user_id, a.company_id, a.case_id, a.partner_id, a.date::date AS date,
                       1 AS action_count, a.contact_made::int AS contact_count,
                       (a.action_type = 'promise')::int AS promise_count, 0 AS promise_kept_count,
                       0.0 AS collected
                  FROM eh_collections_action a
                 WHERE a.state = 'done' AND a.action_type NOT IN %(not_work)s
                   AND a.user_id IS DISTINCT FROM %(cron_user)s
                UNION ALL
                SELECT p.user_id, p.company_id, p.case_id, p.partner_id, p.date, 0, 0, 0, 1, 0.0
                  FROM (%(promises)s) p
                 WHERE p.outcome = 'kept'
                UNION ALL
                SELECT c.user_id, cash.company_id, c.id, c.partner_id, cash.date, 0, 0, 0, 0, -cash.balance
                  FROM (%(cash)s) cash
                  JOIN LATERAL (
                       SELECT id, user_id, partner_id FROM eh_collections_case c
                        WHERE c.partner_id = cash.commercial_partner_id AND c.company_id = cash.company_id
                          AND c.create_date::date <= cash.date
                        ORDER BY c.create_date DESC, c.id DESC LIMIT 1
                  ) c ON c.user_id IS NOT NULL
              ) facts
              JOIN res_company company ON company.id = facts.company_id
            """,
            not_work=NOT_WORK,
            cron_user=SUPERUSER_ID,
            promises=promises,
            cash=cash,
        )
