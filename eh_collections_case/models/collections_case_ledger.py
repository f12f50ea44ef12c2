import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_amount, format_list

from ..tools.aging import AGING_BUCKETS
from ..tools.case_method import case_method

_logger = logging.getLogger(__name__)

# The figures the refresh writes. The aggregation names its columns after these
# fields, so the upsert copies them by name.
LEDGER_FIELDS = (
    "total_overdue_amount",
    "total_due_amount",
    "overdue_invoice_amount",
    "unapplied_credit_amount",
    "days_overdue_max",
    "oldest_due_date",
    "overdue_invoice_count",
    "aging_bucket",
    *(bucket.field for bucket in AGING_BUCKETS),
)
# The figures a customer who drops out of the aggregation keeps empty (the others are
# zeroed).
EMPTIED_FIELDS = ("oldest_due_date", "aging_bucket")


def aging_bucket_sums():
    """The aging buckets (tools/aging.py) as SQL: one sum of the positive `residual`
    per bucket of `age`, named after the bucket's field. The case's refresh and the
    collections figures aggregate with it."""

    def bucket_sum(bucket):
        conditions = [SQL("residual > 0")]
        if bucket.low is not None:
            conditions.append(SQL("age >= %s", bucket.low))
        if bucket.high is not None:
            conditions.append(SQL("age <= %s", bucket.high))
        return SQL(
            "COALESCE(SUM(residual) FILTER (WHERE %s), 0) AS %s",
            SQL(" AND ").join(conditions),
            SQL.identifier(bucket.field),
        )

    return SQL(", ").join(bucket_sum(bucket) for bucket in AGING_BUCKETS)


def aging_bucket_of(age):
    """The key of the aging bucket (tools/aging.py) that the SQL expression `age` falls in."""

    def when(bucket):
        bounds = [SQL("TRUE")]
        if bucket.low is not None:
            bounds.append(SQL("%s >= %s", age, bucket.low))
        if bucket.high is not None:
            bounds.append(SQL("%s <= %s", age, bucket.high))
        return SQL("WHEN %s THEN %s", SQL(" AND ").join(bounds), bucket.key)

    return SQL("CASE %s END", SQL(" ").join(when(bucket) for bucket in AGING_BUCKETS))


class CollectionsCase(models.Model):
    """The case's figures: one GROUP BY pass over the open receivable lines feeding one
    set-based upsert, and the open items behind them."""

    _inherit = "eh.collections.case"

    refreshed_at = fields.Datetime(string="Refreshed", readonly=True)
    # In company currency, written by the refresh only.
    total_overdue_amount = fields.Monetary(
        string="To collect",
        readonly=True,
        aggregator="sum",
        help="Overdue invoices less unapplied credits (credit notes, payments not yet matched).",
    )
    total_due_amount = fields.Monetary(
        string="Total due",
        readonly=True,
        aggregator="sum",
        help="All open receivable, due or not, net of credits.",
    )
    overdue_invoice_amount = fields.Monetary(string="Overdue invoices", readonly=True, aggregator="sum")
    unapplied_credit_amount = fields.Monetary(string="Unapplied credits", readonly=True, aggregator="sum")
    days_overdue_max = fields.Integer(string="Days overdue", readonly=True, aggregator="max")
    oldest_due_date = fields.Date(string="Oldest due date", readonly=True)
    aging_bucket = fields.Selection(
        [
            (bucket.key, bucket.label if bucket.low is None else f"{bucket.label} days")
            for bucket in AGING_BUCKETS
        ],
        string="Aging",
        readonly=True,
        help="The aging bucket of the oldest overdue invoice.",
    )
    overdue_invoice_count = fields.Integer(string="Overdue invoices (count)", readonly=True, aggregator="sum")
    # One Monetary field per aging bucket (amount_not_due, amount_1_30, ...), made from
    # AGING_BUCKETS in the class body, so that the fields, the refresh SQL, the
    # statement and the views cannot drift apart. (A class body's locals() is the
    # class namespace itself: the fields are declared as if written out by hand.)
    locals().update(
        {
            bucket.field: fields.Monetary(string=bucket.label, readonly=True, aggregator="sum")
            for bucket in AGING_BUCKETS
        }
    )

    invoice_ids = fields.Many2many(
        "account.move",
        compute="_compute_open_items",
        string="Open invoices",
        help="Customer invoices and credit notes with an open receivable.",
    )
    overdue_line_ids = fields.Many2many(
        "account.move.line",
        compute="_compute_open_items",
        string="Overdue instalments",
        help="The overdue receivable lines chased: one per invoice, or one per late instalment when "
        "the payment terms have several.",
    )
    overdue_move_ids = fields.Many2many(
        "account.move", compute="_compute_open_items", string="Overdue invoices chased"
    )
    reminder_line_ids = fields.Many2many(
        "account.move.line",
        compute="_compute_open_items",
        string="Instalments reminded",
        help="The overdue instalments a reminder lists: all but those of invoices held from reminders.",
    )
    credit_line_ids = fields.Many2many(
        "account.move.line",
        compute="_compute_open_items",
        string="Open credits",
        help="Credit notes and payments not yet matched to an invoice.",
    )

    def _source_of_truth_fields(self):
        origin = self.env._(
            "it comes from the ledger: post, pay or reconcile the customer's invoices, then refresh "
            "the case (action_refresh)."
        )
        return {
            **super()._source_of_truth_fields(),
            **dict.fromkeys((*LEDGER_FIELDS, "refreshed_at"), origin),
        }

    # -- the open items --------------------------------------------------------------

    def _open_lines(self):
        """The open receivable lines of these cases' customers in their companies."""
        AML = self.env["account.move.line"]
        return AML.search(
            AML._eh_open_receivable_domain()
            & Domain("partner_id.commercial_partner_id", "in", self.partner_id.ids)
            & Domain("company_id", "in", self.company_id.ids),
            order="date_maturity, id",
        )

    def _eh_amounts_to_settle(self):
        """[(currency, amount)] of what the customer owes, one total per currency: the
        overdue instalments (an invoice held from reminders is still owed) and the open
        credits, each in its own currency. What a
        customer reads never adds two currencies into one figure; the case's own
        totals (company currency) are the collector's."""
        self.ensure_one()
        totals = defaultdict(float)
        for line in self.overdue_line_ids | self.credit_line_ids:
            currency = line.currency_id or self.currency_id
            totals[currency] += line.amount_residual_currency if line.currency_id else line.amount_residual
        return [
            (currency, currency.round(amount))
            for currency, amount in sorted(totals.items(), key=lambda t: t[0].name)
        ]

    def _eh_amounts_to_settle_words(self):
        """The totals to settle in the reader's language: "6,389.97 € and $5,252.21"."""
        return format_list(
            self.env,
            [format_amount(self.env, amount, currency) for currency, amount in self._eh_amounts_to_settle()],
        )

    def _eh_reminder_pay_url(self):
        """The signed pay link of the oldest invoice a reminder names: the one link a
        short message (SMS, WhatsApp) has room for."""
        self.ensure_one()
        return self.reminder_line_ids[:1].move_id.eh_pay_url or False

    def _compute_open_items(self):
        # One pass over the batch's lines: the domains are evaluated once per company
        # (a day of its own), then each case takes its customer's share.
        AML = self.env["account.move.line"]
        lines = self._open_lines()
        by_customer = lines.grouped(lambda ln: (ln.partner_id.commercial_partner_id.id, ln.company_id.id))
        credits = lines.filtered_domain(AML._eh_chased_domain() & Domain("amount_residual", "<", 0))
        overdue_by_day, reminded_by_day = {}, {}
        for case in self:
            today = case._today()
            if today not in overdue_by_day:
                overdue_by_day[today] = overdue = lines.filtered_domain(AML._eh_overdue_domain(today))
                reminded_by_day[today] = overdue.filtered(
                    lambda ln, day=today: not ln.move_id._eh_followup_held(day)
                )
            mine = by_customer.get((case.partner_id.id, case.company_id.id), AML)
            overdue = mine & overdue_by_day[today]
            case.invoice_ids = mine.move_id.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
            case.overdue_line_ids = overdue
            case.overdue_move_ids = overdue.move_id
            case.reminder_line_ids = mine & reminded_by_day[today]
            case.credit_line_ids = mine & credits

    # -- the refresh ---------------------------------------------------------------------

    def action_refresh(self):
        """Refresh these cases' customers from the ledger."""
        for company in self.company_id:
            cases = self.filtered(lambda c, co=company: c.company_id == co)
            self._refresh_from_ledger(company, partners=cases.partner_id)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def action_refresh_all(self):
        """Refresh every case of the companies selected in the company switcher."""
        stats = self._refresh_from_ledger(self.env.companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Cases refreshed"),
                "message": self.env._(
                    "%(new)s new, %(updated)s updated, %(resolved)s resolved.",
                    new=stats["created"],
                    updated=stats["updated"],
                    resolved=stats["resolved"],
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_refresh_cases(self):
        """Nightly: rebuild the cases of every company from its open receivables, a
        company per commit. Several workers may run it at once: each refreshes the
        companies no other one holds (`ir.cron._eh_try_claim`)."""
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(companies))
        for company in companies:
            if cron._eh_try_claim("eh_collections_case.refresh", company.id):
                self._refresh_company(company)
            # Every company in this call, whatever Odoo's 10 seconds say: its next call
            # would list the same companies and refresh the first one again, never the
            # others. Companies are few; each is a commit of its own.
            cron._commit_progress(1)

    @api.model
    def _refresh_company(self, company):
        """The nightly refresh of one company's cases; its counts."""
        stats = self._refresh_from_ledger(company)
        _logger.info("Collections cases of %s refreshed: %s", company.name, stats)
        return stats

    def _ledger_aggregation(self, company_days, partners=None):
        """The one GROUP BY pass: per (company, commercial partner), the figures of its
        chased receivable lines, for customers with something to collect.

        The lines are those of `account.move.line._eh_chased_domain()`, turned into SQL
        by the ORM, so the refresh and every screen read the same definition.
        `company_days` maps each company id to its today; amounts are in company
        currency (`amount_residual`); nothing is loaded into Python. Columns are named
        after the case fields they fill.
        """
        AML = self.env["account.move.line"].sudo()
        domain = AML._eh_chased_domain() & Domain("company_id", "in", list(company_days))
        if partners:
            domain &= Domain("partner_id.commercial_partner_id", "in", partners.ids)
        lines = AML._search(domain, bypass_access=True)
        values = SQL(", ").join(
            SQL("(%s, %s::date)", company_id, day) for company_id, day in company_days.items()
        )
        # Overdue from age 1, the day after the due date (tools/aging.py).
        overdue = SQL("residual > 0 AND age > 0")

        return SQL(
            """
            WITH company_today(company_id, today) AS (VALUES %(values)s),
            open_lines AS (
                SELECT p.commercial_partner_id AS partner_id,
                       l.company_id,
                       l.move_id,
                       l.amount_residual AS residual,
                       l.date_maturity,
                       ct.today - COALESCE(l.date_maturity, l.date) AS age
                  FROM (%(lines)s) l
                  JOIN company_today ct ON ct.company_id = l.company_id
                  JOIN res_partner p ON p.id = l.partner_id
            ),
            totals AS (
                SELECT partner_id, company_id,
                       COALESCE(SUM(residual) FILTER (WHERE %(overdue)s), 0) AS overdue,
                       COALESCE(-SUM(residual) FILTER (WHERE residual < 0), 0) AS credits,
                       SUM(residual) AS balance,
                       MAX(age) FILTER (WHERE %(overdue)s) AS days_overdue_max,
                       MIN(date_maturity) FILTER (WHERE %(overdue)s) AS oldest_due_date,
                       COUNT(DISTINCT move_id) FILTER (WHERE %(overdue)s) AS overdue_invoice_count,
                       %(buckets)s
                  FROM open_lines
                 GROUP BY partner_id, company_id
            )
            SELECT partner_id, company_id,
                   overdue - credits AS total_overdue_amount,
                   GREATEST(balance, 0) AS total_due_amount,
                   overdue AS overdue_invoice_amount,
                   credits AS unapplied_credit_amount,
                   days_overdue_max, oldest_due_date, overdue_invoice_count,
                   %(aging_bucket)s AS aging_bucket,
                   %(bucket_columns)s
              FROM totals
             WHERE overdue - credits > 0
            """,
            values=values,
            lines=lines.select(
                SQL.identifier("account_move_line", "partner_id"),
                SQL.identifier("account_move_line", "company_id"),
                SQL.identifier("account_move_line", "move_id"),
                SQL.identifier("account_move_line", "amount_residual"),
                SQL.identifier("account_move_line", "date_maturity"),
                SQL.identifier("account_move_line", "date"),
            ),
            overdue=overdue,
            buckets=aging_bucket_sums(),
            aging_bucket=aging_bucket_of(SQL("days_overdue_max")),
            bucket_columns=SQL(", ").join(SQL.identifier(bucket.field) for bucket in AGING_BUCKETS),
            to_flush=[
                self.env["account.move"]._fields["eh_disputed"],
                self.env["res.partner"]._fields["commercial_partner_id"],
                *(
                    AML._fields[name]
                    for name in (
                        "amount_residual",
                        "reconciled",
                        "parent_state",
                        "date_maturity",
                        "date",
                        "partner_id",
                        "company_id",
                        "account_id",
                        "move_id",
                    )
                ),
            ],
        )

    @api.model
    def _ledger_figures(self, company, partner):
        """The refresh's figures for one customer now, or {} when it has nothing to collect."""
        rows = self.env.execute_query_dict(
            self._ledger_aggregation({company.id: company._eh_collections_today()}, partner)
        )
        return rows[0] if rows else {}

    def _refresh_from_ledger(self, companies, partners=None):
        """Rebuild the open cases of `companies` from the ledger in one statement.

        One aggregation feeds a set-based upsert: customers with something to
        collect get their open case created or updated (never a resolved one: the
        partial unique index only matches open cases), and open cases whose customer
        dropped out are zeroed. Those are then resolved, with a log row, where the
        company resolves paid cases. `partners` limits the work to those customers.
        Returns counts: created, updated, zeroed, resolved.
        """
        companies = companies.sudo()
        company_days = {company.id: company._eh_collections_today() for company in companies}
        stats = {"created": 0, "updated": 0, "zeroed": 0, "resolved": 0}
        if not company_days:
            return stats
        self.flush_model()
        now = fields.Datetime.now()
        ident = SQL.identifier
        amounts = [name for name in LEDGER_FIELDS if name not in EMPTIED_FIELDS]
        row = self.env.execute_query_dict(
            SQL(
                """
                WITH agg AS (%(aggregation)s),
                upserted AS (
                    INSERT INTO eh_collections_case
                           (partner_id, company_id, state, stage_id, priority, strategy_id,
                            %(columns)s, refreshed_at, create_uid, create_date, write_uid, write_date)
                    SELECT partner_id, company_id, 'open', %(stage)s, '0', defaults.strategy_id,
                           %(columns)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM agg
                      LEFT JOIN (VALUES %(defaults)s) AS defaults(company, strategy_id)
                             ON defaults.company = agg.company_id
                    ON CONFLICT (partner_id, company_id) WHERE state = 'open'
                    DO UPDATE SET %(updates)s WHERE (%(current)s) IS DISTINCT FROM (%(excluded)s)
                    RETURNING id, partner_id, company_id, (xmax = 0) AS inserted
                ),
                -- NOT IN over an uncorrelated subquery, not NOT EXISTS: PostgreSQL hashes it
                -- once whatever its estimates (a GROUP BY is always underestimated, and a
                -- nested loop over the CTE took minutes for 100k cases); agg has no NULLs.
                dropped AS (
                    SELECT c.id, (%(any_amount)s) AS nonzero
                      FROM eh_collections_case c
                     WHERE c.state = 'open' AND c.company_id IN %(companies)s %(partner_filter)s
                       AND (c.partner_id, c.company_id) NOT IN (SELECT partner_id, company_id FROM agg)
                ),
                zeroed AS (
                    UPDATE eh_collections_case c
                       SET %(zero)s, %(empty)s,
                           refreshed_at = %(now)s, write_uid = %(uid)s, write_date = %(now)s
                      FROM dropped
                     WHERE c.id = dropped.id AND dropped.nonzero
                    RETURNING c.id
                )
                SELECT (SELECT COUNT(*) FROM upserted WHERE inserted) AS created,
                       (SELECT COUNT(*) FROM upserted WHERE NOT inserted) AS updated,
                       (SELECT COUNT(*) FROM zeroed) AS zeroed,
                       ARRAY(SELECT ARRAY[id, partner_id, company_id]
                               FROM upserted WHERE inserted) AS created_rows,
                       ARRAY(SELECT id FROM upserted UNION SELECT id FROM zeroed) AS changed_ids,
                       ARRAY(SELECT id FROM dropped) AS dropped_ids
                """,
                aggregation=self._ledger_aggregation(company_days, partners),
                columns=SQL(", ").join(ident(name) for name in LEDGER_FIELDS),
                stage=self.env["eh.collections.stage"]._get_by_type("new").id or None,
                defaults=SQL(", ").join(
                    SQL("(%s, %s::int)", company_id, strategy_id)
                    for company_id, strategy_id in self.env["eh.collections.strategy"]
                    .sudo()
                    ._defaults(companies)
                    .items()
                ),
                now=now,
                uid=self.env.uid,
                updates=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", ident(name), ident(name))
                    for name in (*LEDGER_FIELDS, "refreshed_at", "write_uid", "write_date")
                ),
                current=SQL(", ").join(SQL("eh_collections_case.%s", ident(name)) for name in LEDGER_FIELDS),
                excluded=SQL(", ").join(SQL("EXCLUDED.%s", ident(name)) for name in LEDGER_FIELDS),
                any_amount=SQL(" OR ").join(SQL("c.%s != 0", ident(name)) for name in amounts),
                companies=tuple(company_days),
                partner_filter=SQL("AND c.partner_id IN %s", tuple(partners.ids)) if partners else SQL(),
                zero=SQL(", ").join(SQL("%s = 0", ident(name)) for name in amounts),
                empty=SQL(", ").join(SQL("%s = NULL", ident(name)) for name in EMPTIED_FIELDS),
            )
        )[0]
        stats.update(created=row["created"], updated=row["updated"], zeroed=row["zeroed"])
        self.invalidate_model()
        self._set_stored_computes(row["created_rows"])
        dropped = self.browse(row["dropped_ids"])
        to_resolve = dropped.filtered(lambda c: c.company_id.eh_collections_resolve_paid_cases)
        to_resolve._resolve(self.env._("Nothing left to collect: paid or credited in full."))
        stats["resolved"] = len(to_resolve)
        promised = [
            ("promise_date", "!=", False),
            ("promise_kept", "=", False),
            ("company_id", "in", companies.ids),
        ]
        if partners:
            promised.append(("partner_id", "in", partners.ids))
        self.search(promised)._check_promises_kept()
        (self.browse(row["changed_ids"]) - to_resolve)._on_case_changed()
        return stats

    @api.model
    def _set_stored_computes(self, created):
        """The stored computed fields of the rows the refresh inserted in SQL, given as
        (id, partner, company). They were inserted with their company's default
        strategy: only customers with a strategy of their own (few) go through the
        compute, as the ORM's recompute of every new case costs more than the refresh."""
        if not created:
            return
        partners_of = defaultdict(list)
        for _case_id, partner_id, company_id in created:
            partners_of[company_id].append(partner_id)
        own = set()
        for company_id, partner_ids in partners_of.items():
            Partner = self.env["res.partner"].with_company(company_id)
            domain = [("id", "in", partner_ids), ("eh_collections_strategy_id", "!=", False)]
            own.update((company_id, partner_id) for partner_id in Partner._search(domain))
        cases = self.browse(case_id for case_id, _partner_id, _company_id in created)
        for field in self._fields.values():
            if field.store and field.compute:
                computed = (
                    cases
                    if field.name != "strategy_id"
                    else self.browse(
                        case_id
                        for case_id, partner_id, company_id in created
                        if (company_id, partner_id) in own
                    )
                )
                self.env.add_to_compute(field, computed)
        cases.flush_recordset()
        cases.invalidate_recordset()

    def _resolve(self, reason):
        """Resolve these cases, each with a log row saying why. The state and the stage
        are not tracked in the chatter a second time: the row's note says it (and a
        payment that settles a case does not pay for two messages)."""
        if not self:
            return
        resolved_stage = self.env["eh.collections.stage"]._get_by_type("resolved")
        with case_method():
            for stage, cases in self.grouped(lambda case: resolved_stage or case.stage_id).items():
                cases.with_context(mail_notrack=True).write({"state": "resolved", "stage_id": stage.id})
            self.env["eh.collections.action"].create(
                [{"case_id": case.id, "action_type": "resolved", "note": reason} for case in self]
            )
