import logging
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.aging import AGING_BUCKETS
from ..tools.kpi import countback_dso, dso_figures
from .collections_case_ledger import aging_bucket_sums

_logger = logging.getLogger(__name__)

# How far back the countback DSO walks, in months, before it gives up counting.
COUNTBACK_MONTHS = 24
# The month-ends a backfill rebuilds, besides today.
BACKFILL_MONTHS = 12
# Figures that may have no value (no credit sales, nothing receivable): NULL in the
# table, shown empty, never 0.
OPTIONAL_FIGURES = ("dso", "dso_countback", "best_possible_dso", "add", "cei", "recovery_rate")


class CollectionsSnapshot(models.Model):
    """A company's receivables and collection figures as they stood at the end of a day.

    Rows are written by `_take(companies, day)`, one set-based pass over the posted
    ledger as of that day (reconciliations dated after it are undone), and read by
    the dashboard and the trend graphs. A rerun of the same day updates the row."""

    _name = "eh.collections.snapshot"
    _description = "Collections figures of a day"
    _order = "date desc, company_id"
    _rec_name = "date"

    date = fields.Date(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_days = fields.Integer(
        string="Period (days)", readonly=True, help="The DSO period: credit sales, CEI, collected."
    )
    ar_total = fields.Monetary(
        string="Receivables", readonly=True, help="The receivable balance: open invoices less open credits."
    )
    overdue_total = fields.Monetary(string="Overdue", readonly=True)
    unapplied_credit_amount = fields.Monetary(string="Open credits", readonly=True)
    # The aging buckets of the case (tools/aging.py), over open invoices as of the day.
    locals().update(
        {
            bucket.field: fields.Monetary(string=bucket.label, readonly=True, aggregator="sum")
            for bucket in AGING_BUCKETS
        }
    )
    credit_sales = fields.Monetary(readonly=True, help="Invoices less credit notes of the period.")
    collected = fields.Monetary(readonly=True, help="Customer payments received in the period.")
    ar_at_start = fields.Monetary(string="Receivables at start", readonly=True)
    overdue_at_start = fields.Monetary(string="Overdue at start", readonly=True)
    recovered = fields.Monetary(
        readonly=True, help="Payments in the period applied to what was overdue at its start."
    )
    dso = fields.Float(string="DSO", digits=(16, 1), readonly=True, aggregator="avg")
    dso_countback = fields.Float(string="DSO (countback)", digits=(16, 1), readonly=True, aggregator="avg")
    best_possible_dso = fields.Float(
        string="Best possible DSO", digits=(16, 1), readonly=True, aggregator="avg"
    )
    add = fields.Float(
        string="ADD", digits=(16, 1), readonly=True, aggregator="avg", help="Average days delinquent."
    )
    cei = fields.Float(
        string="CEI (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Collection effectiveness index.",
    )
    recovery_rate = fields.Float(string="Recovery (%)", digits=(16, 1), readonly=True, aggregator="avg")
    has_dso = fields.Boolean(
        readonly=True, help="There were credit sales in the period and something receivable."
    )
    has_cei = fields.Boolean(readonly=True)
    has_recovery = fields.Boolean(readonly=True)
    open_case_count = fields.Integer(string="Open cases", readonly=True, aggregator="max")
    promise_count = fields.Integer(string="Promises made", readonly=True)
    promise_kept_count = fields.Integer(string="Promises kept", readonly=True)
    promise_broken_count = fields.Integer(string="Promises broken", readonly=True)
    dispute_count = fields.Integer(string="Disputes", readonly=True)

    _company_date_unique = models.UniqueIndex(
        "(company_id, date)", "A company has one set of figures per day: take it again to update it."
    )

    # The figures are written by one SQL upsert (_upsert); no ORM create or write path
    # exists to call super() on, whoever asks (sudo and the API included).
    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(
            self.env._(
                "Collections figures come from the ledger: take them with the daily cron or "
                "Rebuild 12 months (action_backfill)."
            )
        )

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("Collections figures come from the ledger and cannot be edited."))

    # -- taking the figures ---------------------------------------------------------

    @api.model
    def _cron_take_snapshot(self):
        """Daily: today's figures of every company, once; a rerun updates them. Several
        workers may run it at once: each takes the companies no other one holds."""
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(companies))
        for company in companies:
            if cron._eh_try_claim("eh_collections_case.snapshot", company.id):
                self._take(company, company._eh_collections_today())
            cron._commit_progress(1)  # every company in this call: see `_cron_refresh_cases`

    @api.model
    def action_backfill(self):
        """Rebuild the figures of the last 12 month-ends and today, from the ledger's own
        dates, for the companies selected in the company switcher."""
        if not self.env.user.has_group("eh_collections_case.group_collections_manager"):
            raise UserError(self.env._("Only a Collections Manager rebuilds the collections figures."))
        for company in self.env.companies:
            self._backfill(company)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _backfill_all_companies(self):
        """On install: every company's last 12 month-ends and today."""
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            self._backfill(company)

    @api.model
    def _backfill(self, company, months=BACKFILL_MONTHS):
        today = company._eh_collections_today()
        for day in (*month_ends(today, months), today):
            self._take(company, day)

    @api.model
    def _take(self, company, day):
        """Write `company`'s figures as of the end of `day`: one statement aggregates the
        ledger and the log, the countback walks the monthly sales, one upsert writes."""
        company = company.sudo()
        period = company.eh_dso_period_days
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["eh.collections.action"].flush_model()
        self.env["eh.collections.case"].flush_model()
        figures = self.env.execute_query_dict(self._ledger_figures_sql(company, day, period))[0]
        figures.update(self.env.execute_query_dict(self._history_figures_sql(company, day, period))[0])
        monthly_sales = self._monthly_credit_sales(company, day)
        figures.update(
            dso_figures(
                ar_total=figures["ar_total"],
                not_due=figures["amount_not_due"],
                credit_sales=figures["credit_sales"],
                ar_at_start=figures["ar_at_start"],
                overdue_at_start=figures["overdue_at_start"],
                recovered=figures["recovered"],
                period_days=period,
            )
        )
        figures["dso_countback"] = countback_dso(figures["ar_total"], monthly_sales)
        self._upsert(company, day, period, figures)

    def _upsert(self, company, day, period, figures):
        for name in OPTIONAL_FIGURES:
            if figures.get(name) is not None:
                figures[name] = round(figures[name], 1)
        figures["has_dso"] = figures["dso"] is not None
        figures["has_cei"] = figures["cei"] is not None
        figures["has_recovery"] = figures["recovery_rate"] is not None
        figures.update(company_id=company.id, date=day, period_days=period)
        names = list(figures)
        ident = SQL.identifier
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO eh_collections_snapshot
                       (%(columns)s, create_uid, create_date, write_uid, write_date)
                VALUES (%(values)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (company_id, date) DO UPDATE SET %(updates)s
                """,
                columns=SQL(", ").join(ident(name) for name in names),
                values=SQL(", ").join(SQL("%s", figures[name]) for name in names),
                uid=self.env.uid,
                now=now,
                updates=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", ident(name), ident(name))
                    for name in (*names, "write_uid", "write_date")
                ),
            )
        )
        self.invalidate_model()

    def _lines_sql(self, domain, *columns):
        """The receivable lines of `domain` as a subquery, through the ORM's own SQL."""
        AML = self.env["account.move.line"].sudo()
        return AML._search(domain, bypass_access=True).select(
            *(SQL.identifier("account_move_line", name) for name in columns)
        )

    def _ledger_figures_sql(self, company, day, period):
        """Receivables as of the end of `day` and at the start of the period, the period's
        credit sales, collections and recoveries, in company currency.

        A line's residual as of a day is its residual now plus the reconciliations dated
        after that day (a partial's max_date is the later of its two lines' dates): the
        ledger as it stood, without replaying it. Only lines open now or reconciled
        after the day are read."""
        AML = self.env["account.move.line"]
        company_domain = Domain("company_id", "=", company.id)
        start = day - timedelta(days=period)
        receivable = self._lines_sql(
            AML._eh_receivable_domain() & company_domain,
            "id",
            "date",
            "date_maturity",
            "balance",
            "amount_residual",
        )

        def as_of(alias, on_day):
            return SQL(
                """
                %(later)s AS (
                    SELECT line_id, SUM(amount) AS amount
                      FROM (SELECT debit_move_id AS line_id, amount
                              FROM account_partial_reconcile
                             WHERE company_id = %(company)s AND max_date > %(day)s
                            UNION ALL
                            SELECT credit_move_id, -amount
                              FROM account_partial_reconcile
                             WHERE company_id = %(company)s AND max_date > %(day)s) undone
                     GROUP BY line_id
                ),
                %(alias)s AS (
                    SELECT l.id, l.amount_residual + COALESCE(later.amount, 0) AS residual,
                           %(day)s::date - COALESCE(l.date_maturity, l.date) AS age
                      FROM receivable l
                      LEFT JOIN %(later)s later ON later.line_id = l.id
                     WHERE l.date <= %(day)s AND (l.amount_residual != 0 OR later.line_id IS NOT NULL)
                )
                """,
                alias=SQL.identifier(alias),
                later=SQL.identifier(f"{alias}_later"),
                company=company.id,
                day=on_day,
            )

        return SQL(
            """
            WITH receivable AS (%(receivable)s),
            payments AS (%(payments)s),
            %(at_end)s,
            %(at_start)s,
            in_period AS (
                SELECT COALESCE(SUM(balance), 0) AS movement
                  FROM receivable
                 WHERE date > %(start)s AND date <= %(day)s
            ),
            sales AS (
                SELECT COALESCE(SUM(l.balance), 0) AS credit_sales FROM (%(sales)s) l
                 WHERE l.date > %(start)s AND l.date <= %(day)s
            ),
            cash AS (
                SELECT COALESCE(-SUM(balance), 0) AS collected FROM payments
                 WHERE date > %(start)s AND date <= %(day)s
            ),
            recovered AS (
                SELECT COALESCE(SUM(pr.amount), 0) AS recovered
                  FROM account_partial_reconcile pr
                  JOIN at_start ON at_start.id = pr.debit_move_id
                                AND at_start.residual > 0 AND at_start.age > 0
                  JOIN payments ON payments.id = pr.credit_move_id
                 WHERE pr.max_date > %(start)s AND pr.max_date <= %(day)s
            ),
            ending AS (
                SELECT COALESCE(SUM(residual), 0) AS ar_total,
                       COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND age > 0), 0) AS overdue_total,
                       COALESCE(-SUM(residual) FILTER (WHERE residual < 0), 0) AS unapplied_credit_amount,
                       %(buckets)s
                  FROM at_end
            )
            SELECT ending.*, sales.credit_sales, cash.collected, recovered.recovered,
                   ending.ar_total - in_period.movement AS ar_at_start,
                   (SELECT COALESCE(SUM(residual), 0) FROM at_start WHERE residual > 0 AND age > 0)
                       AS overdue_at_start
              FROM ending, sales, cash, recovered, in_period
            """,
            receivable=receivable,
            at_end=as_of("at_end", day),
            at_start=as_of("at_start", start),
            start=start,
            day=day,
            sales=self._lines_sql(AML._eh_credit_sale_domain() & company_domain, "date", "balance"),
            payments=AML._eh_collected_lines_sql("id", "date", "balance", domain=company_domain),
            buckets=aging_bucket_sums(),
        )

    def _history_figures_sql(self, company, day, period):
        """Open cases at the end of `day`, promises made and disputes opened in the period,
        and how those promises turned out by then."""
        start = day - timedelta(days=period)
        return SQL(
            """
            WITH promises AS (%(promises)s)
            SELECT (SELECT COUNT(*) FROM eh_collections_case c
                     WHERE c.company_id = %(company)s AND c.create_date::date <= %(day)s
                       AND NOT EXISTS (SELECT 1 FROM eh_collections_action a
                                        WHERE a.case_id = c.id AND a.action_type = 'resolved'
                                          AND a.date::date <= %(day)s)) AS open_case_count,
                   (SELECT COUNT(*) FROM promises) AS promise_count,
                   (SELECT COUNT(*) FROM promises WHERE outcome = 'kept') AS promise_kept_count,
                   (SELECT COUNT(*) FROM promises WHERE outcome = 'broken') AS promise_broken_count,
                   (SELECT COUNT(*) FROM eh_collections_action a
                     WHERE a.company_id = %(company)s AND a.action_type = 'dispute'
                       AND a.date::date > %(start)s AND a.date::date <= %(day)s) AS dispute_count
            """,
            promises=self.env["eh.collections.promise.report"]._outcomes_sql(
                as_of=SQL("%s::date", day),
                where=SQL(
                    "a.company_id = %s AND a.date::date > %s AND a.date::date <= %s", company.id, start, day
                ),
            ),
            company=company.id,
            day=day,
            start=start,
        )

    def _monthly_credit_sales(self, company, day):
        """Credit sales of each month counted back from `day`, the month ending on `day`
        first, for COUNTBACK_MONTHS months: calendar months when `day` ends one."""
        AML = self.env["account.move.line"]
        bounds = [(months_back(day, k + 1), months_back(day, k)) for k in range(COUNTBACK_MONTHS)]
        months = SQL(", ").join(
            SQL("(%s, %s::date, %s::date)", k, low, high) for k, (low, high) in enumerate(bounds)
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT m.k, COALESCE(SUM(l.balance), 0)
                  FROM (VALUES %(months)s) m(k, low, high)
                  LEFT JOIN (%(sales)s) l ON l.date > m.low AND l.date <= m.high
                 GROUP BY m.k ORDER BY m.k
                """,
                months=months,
                sales=self._lines_sql(
                    AML._eh_credit_sale_domain()
                    & Domain("company_id", "=", company.id)
                    & Domain("date", ">", bounds[-1][0])
                    & Domain("date", "<=", day),
                    "date",
                    "balance",
                ),
            )
        )
        return [((high - low).days, sales) for (_k, sales), (low, high) in zip(rows, bounds, strict=True)]


def month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the `months` months before today's, oldest first."""
    first_of_month = today.replace(day=1)
    return [first_of_month - relativedelta(months=k) - timedelta(days=1) for k in range(months - 1, -1, -1)]


def months_back(day: date, months: int) -> date:
    """`day`, `months` months earlier; a month's last day stays its month's last day
    (28 February, one month back, is 31 January), so month-ends count calendar months."""
    if (day + timedelta(days=1)).day == 1:
        return day + relativedelta(months=-months, day=31)
    return day - relativedelta(months=months)
