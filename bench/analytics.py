"""The collections figures against their floor, on a generated ledger.

Modes, each in its own process and rolled back:
- `snapshot`: the product's `eh.collections.snapshot._take(company, today)`, the
  cron's work for one company and day (the ledger as of today, the start of the
  period, credit sales, cash, recoveries, the log's counts and the countback months);
- `floor`: bare SQL computing the same ledger figures with hand-written joins, in
  one statement, and one bare INSERT;
- `dashboard`: `get_dashboard()` after the figures were taken, what the dashboard
  reads when it opens.

Usage: python bench/analytics.py -d DB [-c CONFIG] --mode snapshot|floor|dashboard [--repeat N]
Prints one JSON object: seconds (median), peak_rss_mb, ar_total.
"""

import argparse
import json
import sys

from common import odoo_env, peak_rss_mb, timed

# The floor: the same figures as the snapshot's ledger pass for one company, written
# by hand (receivable lines by their account, cash by the move's payment or statement
# line, sales by the move type), and one bare INSERT of the result.
FLOOR = """
WITH rec AS (
    SELECT aml.id, aml.date, COALESCE(aml.date_maturity, aml.date) AS due, aml.balance,
           aml.amount_residual, am.move_type,
           (am.origin_payment_id IS NOT NULL OR am.statement_line_id IS NOT NULL) AS is_cash
      FROM account_move_line aml
      JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
      JOIN account_move am ON am.id = aml.move_id
     WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted' AND aml.partner_id IS NOT NULL
),
later_end AS (
    SELECT line_id, SUM(amount) AS amount FROM (
        SELECT debit_move_id AS line_id, amount FROM account_partial_reconcile WHERE max_date > %(day)s
        UNION ALL
        SELECT credit_move_id, -amount FROM account_partial_reconcile WHERE max_date > %(day)s) u
     GROUP BY line_id
),
later_start AS (
    SELECT line_id, SUM(amount) AS amount FROM (
        SELECT debit_move_id AS line_id, amount FROM account_partial_reconcile WHERE max_date > %(start)s
        UNION ALL
        SELECT credit_move_id, -amount FROM account_partial_reconcile WHERE max_date > %(start)s) u
     GROUP BY line_id
),
at_end AS (
    SELECT rec.amount_residual + COALESCE(l.amount, 0) AS residual, %(day)s::date - rec.due AS age
      FROM rec LEFT JOIN later_end l ON l.line_id = rec.id
     WHERE rec.date <= %(day)s AND (rec.amount_residual != 0 OR l.line_id IS NOT NULL)
),
at_start AS (
    SELECT rec.id, rec.amount_residual + COALESCE(l.amount, 0) AS residual, %(start)s::date - rec.due AS age
      FROM rec LEFT JOIN later_start l ON l.line_id = rec.id
     WHERE rec.date <= %(start)s AND (rec.amount_residual != 0 OR l.line_id IS NOT NULL)
)
INSERT INTO eh_bench_floor_snapshot
SELECT SUM(residual), SUM(residual) FILTER (WHERE residual > 0 AND age > 0),
       SUM(residual) FILTER (WHERE residual > 0 AND age <= 0),
       SUM(residual) FILTER (WHERE residual > 0 AND age BETWEEN 1 AND 30),
       SUM(residual) FILTER (WHERE residual > 0 AND age BETWEEN 31 AND 60),
       SUM(residual) FILTER (WHERE residual > 0 AND age BETWEEN 61 AND 90),
       SUM(residual) FILTER (WHERE residual > 0 AND age BETWEEN 91 AND 120),
       SUM(residual) FILTER (WHERE residual > 0 AND age > 120),
       (SELECT SUM(balance) FROM rec WHERE date > %(start)s AND date <= %(day)s
                                       AND move_type IN ('out_invoice', 'out_refund', 'out_receipt')),
       (SELECT -SUM(balance) FROM rec WHERE date > %(start)s AND date <= %(day)s AND is_cash),
       (SELECT SUM(balance) FROM rec WHERE date <= %(start)s),
       (SELECT SUM(residual) FROM at_start WHERE residual > 0 AND age > 0),
       (SELECT SUM(pr.amount) FROM account_partial_reconcile pr
          JOIN at_start s ON s.id = pr.debit_move_id AND s.residual > 0 AND s.age > 0
          JOIN rec c ON c.id = pr.credit_move_id AND c.is_cash
         WHERE pr.max_date > %(start)s AND pr.max_date <= %(day)s)
  FROM at_end
"""


def snapshot(env, company):
    env["eh.collections.snapshot"]._take(company, company._eh_collections_today())


def floor(env, company):
    today = company._eh_collections_today()
    env.cr.execute(
        "CREATE TEMP TABLE IF NOT EXISTS eh_bench_floor_snapshot (ar numeric, overdue numeric, b0 numeric,"
        " b30 numeric, b60 numeric, b90 numeric, b120 numeric, b999 numeric, sales numeric, cash numeric,"
        " ar_start numeric, overdue_start numeric, recovered numeric)"
    )
    start = today.fromordinal(today.toordinal() - company.eh_dso_period_days)
    env.cr.execute(FLOOR, {"company": company.id, "day": today, "start": start})


def dashboard(env, company):
    env["eh.collections.snapshot"].with_company(company).get_dashboard()


MODES = {"snapshot": snapshot, "floor": floor, "dashboard": dashboard}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--mode", choices=MODES, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with odoo_env(args.database, args.config) as env:
        company = env.ref("base.main_company")
        run = MODES[args.mode]

        def reset():
            env.cr.rollback()
            env.invalidate_all()
            if args.mode == "dashboard":  # the figures the dashboard reads, taken once
                snapshot(env, company)
                env.cr.commit()

        seconds = timed(lambda: run(env, company), repeat=args.repeat, before=reset)
        snapshot(env, company)
        row = env["eh.collections.snapshot"].search([("company_id", "=", company.id)], limit=1)
        ar_total = row.ar_total
        env.cr.execute(
            "SELECT COALESCE(SUM(aml.balance), 0) FROM account_move_line aml "
            "JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable' "
            "WHERE aml.company_id = %s AND aml.parent_state = 'posted' AND aml.partner_id IS NOT NULL "
            "AND aml.date <= %s",
            [company.id, row.date],
        )
        ledger = float(env.cr.fetchone()[0])
        if round(ledger, 2) != round(ar_total, 2):
            raise AssertionError(f"the snapshot's receivables {ar_total} differ from the ledger's {ledger}")
        env.cr.rollback()
    print(json.dumps({"seconds": round(seconds, 3), "peak_rss_mb": peak_rss_mb(), "ar_total": ar_total}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
