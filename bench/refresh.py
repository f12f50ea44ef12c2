"""Case refresh against its floor and a naive baseline, on a generated ledger.

Each mode runs in its own process (so its peak memory is its own), from an empty
case table, and rolls back: the product's `_refresh_from_ledger`, the floor (the
bare GROUP BY and one set-based upsert into a plain table), and the naive
baseline (ORM search of the lines, grouping in Python, one write per case).

The targeted mode refreshes every case first and commits them, then times the refresh of one customer
(`_refresh_from_ledger(company, partners=customer)`, what the live refresh runs after
a payment) for 21 customers spread over the ledger: its seconds are the median.

Usage: python bench/refresh.py -d DB [-c CONFIG] --mode refresh|floor|naive|targeted [--repeat N]
Prints one JSON object: seconds (median), peak_rss_mb, cases.
"""

import argparse
import json
import statistics
import sys
from collections import defaultdict

from common import odoo_env, peak_rss_mb, timed

# The floor: a bare GROUP BY computing the same figures, and one bare upsert of its
# rows into the cases table (no Odoo bookkeeping around it).
FLOOR = """
INSERT INTO eh_collections_case
       (partner_id, company_id, state, priority, total_overdue_amount, total_due_amount,
        overdue_invoice_amount, unapplied_credit_amount, days_overdue_max, oldest_due_date,
        overdue_invoice_count, amount_not_due, amount_1_30, amount_31_60, amount_61_90,
        amount_91_120, amount_over_120)
SELECT partner_id, company_id, 'open', '0', overdue - credits, GREATEST(balance, 0), overdue, credits,
       days_max, oldest_due, overdue_count, b0, b30, b60, b90, b120, b999
  FROM (SELECT COALESCE(p.commercial_partner_id, p.id) AS partner_id, aml.company_id,
               SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual > 0 AND age > 0) AS overdue,
               COALESCE(-SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual < 0), 0) AS credits,
               SUM(aml.amount_residual) AS balance,
               MAX(age) FILTER (WHERE aml.amount_residual > 0 AND age > 0) AS days_max,
               MIN(aml.date_maturity) FILTER (WHERE aml.amount_residual > 0 AND age > 0) AS oldest_due,
               COUNT(DISTINCT aml.move_id) FILTER (WHERE aml.amount_residual > 0 AND age > 0) AS overdue_count,
               SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual > 0 AND age <= 0) AS b0,
               SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual > 0 AND age BETWEEN 1 AND 30) AS b30,
               SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual > 0 AND age BETWEEN 31 AND 60) AS b60,
               SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual > 0 AND age BETWEEN 61 AND 90) AS b90,
               SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual > 0 AND age BETWEEN 91 AND 120) AS b120,
               SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual > 0 AND age > 120) AS b999
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id
          JOIN res_partner p ON p.id = aml.partner_id
          JOIN account_move am ON am.id = aml.move_id
          CROSS JOIN LATERAL (SELECT %(today)s::date - COALESCE(aml.date_maturity, aml.date) AS age) a
         WHERE acc.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
           AND am.eh_disputed IS NOT TRUE AND aml.reconciled IS NOT TRUE AND aml.amount_residual != 0
           AND aml.company_id = %(company)s
         GROUP BY 1, 2) agg
 WHERE overdue - credits > 0
ON CONFLICT (partner_id, company_id) WHERE state = 'open' DO UPDATE
   SET total_overdue_amount = EXCLUDED.total_overdue_amount, total_due_amount = EXCLUDED.total_due_amount,
       overdue_invoice_amount = EXCLUDED.overdue_invoice_amount,
       unapplied_credit_amount = EXCLUDED.unapplied_credit_amount,
       days_overdue_max = EXCLUDED.days_overdue_max, oldest_due_date = EXCLUDED.oldest_due_date,
       overdue_invoice_count = EXCLUDED.overdue_invoice_count, amount_not_due = EXCLUDED.amount_not_due,
       amount_1_30 = EXCLUDED.amount_1_30, amount_31_60 = EXCLUDED.amount_31_60,
       amount_61_90 = EXCLUDED.amount_61_90, amount_91_120 = EXCLUDED.amount_91_120,
       amount_over_120 = EXCLUDED.amount_over_120
"""


def refresh(env, company):
    env["eh.collections.case"]._refresh_from_ledger(company)


def floor(env, company):
    today = env["eh.collections.case"].with_company(company)._today()
    env.cr.execute(FLOOR, {"today": today, "company": company.id})


def naive(env, company):
    """What a cheaper module does: read the lines through the ORM, group them in
    Python, then find and write each customer's case one by one. (The case refuses
    its figures from anyone but its own paths, so this stand-in writes as one.)"""
    from odoo.addons.eh_collections_case.tools.case_method import case_method

    Case = env["eh.collections.case"]
    today = Case.with_company(company)._today()
    lines = env["account.move.line"].search(
        [
            ("company_id", "=", company.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ]
    )
    figures = defaultdict(lambda: {"overdue": 0.0, "credits": 0.0, "balance": 0.0, "days": 0, "count": 0})
    for line in lines:
        partner = line.partner_id.commercial_partner_id
        due = line.date_maturity or line.date
        row = figures[partner.id]
        row["balance"] += line.amount_residual
        if line.amount_residual < 0:
            row["credits"] -= line.amount_residual
        elif due < today:
            row["overdue"] += line.amount_residual
            row["days"] = max(row["days"], (today - due).days)
            row["count"] += 1
    for partner_id, row in figures.items():
        to_collect = row["overdue"] - row["credits"]
        if to_collect <= 0:
            continue
        values = {
            "total_overdue_amount": to_collect,
            "total_due_amount": max(row["balance"], 0),
            "overdue_invoice_amount": row["overdue"],
            "unapplied_credit_amount": row["credits"],
            "days_overdue_max": row["days"],
            "overdue_invoice_count": row["count"],
        }
        case = Case.search(
            [("partner_id", "=", partner_id), ("company_id", "=", company.id), ("state", "=", "open")],
            limit=1,
        )
        with case_method():
            if case:
                case.write(values)
            else:
                Case.create(dict(values, partner_id=partner_id, company_id=company.id))
    env.flush_all()


def check_totals(env, company):
    """Every case's total due equals the sum of its customer's open residuals."""
    env.flush_all()
    env.cr.execute(
        """SELECT count(*), count(*) FILTER (WHERE round(c.total_due_amount, 2) != round(s.residual, 2))
             FROM eh_collections_case c
             JOIN (SELECT COALESCE(p.commercial_partner_id, p.id) AS partner_id, SUM(aml.amount_residual) AS residual
                     FROM account_move_line aml
                     JOIN account_account acc ON acc.id = aml.account_id
                     JOIN res_partner p ON p.id = aml.partner_id
                    WHERE acc.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
                      AND aml.reconciled IS NOT TRUE AND aml.company_id = %s
                    GROUP BY 1) s ON s.partner_id = c.partner_id
            WHERE c.company_id = %s AND c.state = 'open'""",
        [company.id, company.id],
    )
    cases, wrong = env.cr.fetchone()
    if not cases or wrong:
        raise AssertionError(f"{wrong} of {cases} cases disagree with the sum of their residuals")
    return cases


MODES = {"refresh": refresh, "floor": floor, "naive": naive}


def targeted(env, company, samples=21):
    """The median time of refreshing one customer's case, once every case is there:
    refreshed, committed and analysed, as PostgreSQL's autovacuum has it every day
    after the first refresh (planned against an empty table, the lookups scan)."""
    Case = env["eh.collections.case"]
    refresh(env, company)
    env.cr.commit()
    env.cr.execute("ANALYZE eh_collections_case")
    partners = Case.search([("company_id", "=", company.id), ("state", "=", "open")], order="id").partner_id
    step = max(len(partners) // samples, 1)
    chosen = partners[::step][:samples]

    def one(partner):
        Case._refresh_from_ledger(company, partners=partner)
        env.flush_all()

    times = []
    # The cases and the ledger are read afresh; the company stays known, as after a payment.
    for partner in chosen:
        Case.invalidate_model()
        env["account.move.line"].invalidate_model()
        times.append(timed(lambda p=partner: one(p), repeat=1))
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--mode", choices=[*MODES, "targeted"], required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with odoo_env(args.database, args.config) as env:
        company = env.ref("base.main_company")
        if args.mode == "targeted":
            seconds = targeted(env, company)
        else:
            run = MODES[args.mode]

            def reset():
                env.cr.rollback()
                env.invalidate_all()

            seconds = timed(lambda: run(env, company), repeat=args.repeat, before=reset)
        cases = check_totals(env, company)
        env.cr.rollback()
    print(json.dumps({"seconds": round(seconds, 3), "peak_rss_mb": peak_rss_mb(), "cases": cases}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
