from odoo import fields, models
from odoo.tools import SQL

from ..models.collections_action import ACTION_TYPES, OUTREACH_TYPES

# The windows, in days after a reminder, in which payments are counted.
WINDOWS = (7, 14, 30)


class CollectionsEffectivenessReport(models.Model):
    """What each reminder, call or meeting achieved: what the customer paid within 7,
    14 and 30 days of it, up to what was overdue at the time.

    One row per outreach logged done with something overdue. Grouped by level,
    channel or collector, the sums give the share of amounts paid (paid / overdue)
    and the averages of the `settled_*` measures the share of cases paid in full."""

    _name = "eh.collections.effectiveness.report"
    _description = "What reminders and calls achieved"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"

    action_id = fields.Many2one("eh.collections.action", string="Logged as", readonly=True)
    case_id = fields.Many2one("eh.collections.case", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    level_id = fields.Many2one("eh.collections.level", readonly=True)
    channel = fields.Selection(ACTION_TYPES, readonly=True)  # the row's action type
    date = fields.Date(string="Sent on", readonly=True)
    amount = fields.Monetary(string="Overdue at the time", readonly=True)
    locals().update(
        {
            f"paid_{days}": fields.Monetary(string=f"Paid within {days} days", readonly=True)
            for days in WINDOWS
        }
        | {
            f"settled_{days}": fields.Float(
                string=f"Cases paid within {days} days (%)",
                digits=(16, 1),
                aggregator="avg",
                readonly=True,
                help="100 when the customer paid everything overdue at the time, else 0.",
            )
            for days in WINDOWS
        }
    )

    @property
    def _table_query(self):
        cash = self.env["account.move.line"]._eh_collected_lines_sql("company_id", "date", "balance")
        windows = max(WINDOWS)
        return SQL(
            """
            SELECT a.id, a.id AS action_id, a.case_id, a.partner_id, a.company_id, company.currency_id,
                   a.user_id, a.level_id, a.action_type AS channel, a.date::date AS date,
                   a.amount_at_action AS amount, %(paid)s, %(settled)s
              FROM eh_collections_action a
              JOIN res_company company ON company.id = a.company_id
              LEFT JOIN LATERAL (
                   SELECT %(sums)s
                     FROM (%(cash)s) cash
                    WHERE cash.commercial_partner_id = a.partner_id AND cash.company_id = a.company_id
                      AND cash.date >= a.date::date AND cash.date <= a.date::date + %(windows)s
              ) paid ON TRUE
             WHERE a.action_type IN %(outreach)s AND a.state = 'done' AND a.amount_at_action > 0
            """,
            paid=SQL(", ").join(
                SQL(
                    "LEAST(COALESCE(paid.%s, 0), a.amount_at_action) AS %s",
                    SQL.identifier(f"d{d}"),
                    SQL.identifier(f"paid_{d}"),
                )
                for d in WINDOWS
            ),
            settled=SQL(", ").join(
                SQL(
                    "CASE WHEN COALESCE(paid.%s, 0) >= a.amount_at_action THEN 100.0 ELSE 0.0 END AS %s",
                    SQL.identifier(f"d{d}"),
                    SQL.identifier(f"settled_{d}"),
                )
                for d in WINDOWS
            ),
            sums=SQL(", ").join(
                SQL(
                    "-SUM(cash.balance) FILTER (WHERE cash.date <= a.date::date + %s) AS %s",
                    d,
                    SQL.identifier(f"d{d}"),
                )
                for d in WINDOWS
            ),
            cash=cash,
            windows=windows,
            outreach=OUTREACH_TYPES,
        )
