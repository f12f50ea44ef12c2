"""Registering a payment through Odoo's wizard, with and without the suite's live
work, side by side in one process on a generated ledger.

Each sample invoice (of a customer with an open case) is paid in full through
`account.payment.register`, then the transaction's precommit runs (where the suite
refreshes the customer's case and suggests matches), then everything rolls back.
*Without* switches the suite's payment-time work off in the same process: the live
refresh (`_ledger_changed`) and the payment matching (`_suggest_pending`). The two
alternate invoice by invoice, so that caches and the machine's load are shared.

Usage: python bench/payment.py -d DB [-c CONFIG] [--samples N]
Prints one JSON object: payment_ms, payment_without_suite_ms (medians) and
ratio_to_without, samples, peak_rss_mb.
"""

import argparse
import json
import statistics
import sys
import time
from contextlib import contextmanager
from unittest.mock import patch

from common import odoo_env, peak_rss_mb


@contextmanager
def without_suite(env):
    Case = type(env["eh.collections.case"])
    Match = type(env["eh.collections.payment.match"])
    with (
        patch.object(Case, "_ledger_changed", lambda self, lines: None),
        patch.object(Match, "_suggest_pending", lambda self: None),
    ):
        yield


def pay(env, invoice):
    """The wizard's full payment of `invoice`, and the precommit; seconds."""
    started = time.perf_counter()
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=invoice.ids)
        .create({})
    )
    wizard.action_create_payments()
    env.flush_all()
    env.cr.precommit.run()
    env.flush_all()
    seconds = time.perf_counter() - started
    assert invoice.payment_state in ("paid", "in_payment"), invoice.payment_state
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args(argv)
    with odoo_env(args.database, args.config) as env:
        Case = env["eh.collections.case"]
        company = env.ref("base.main_company")
        Case._refresh_from_ledger(company)
        env.cr.commit()
        cases = Case.search([("state", "=", "open"), ("company_id", "=", company.id)], order="id")
        step = max(len(cases) // args.samples, 1)
        sampled = Case.browse(cases[::step][: args.samples].ids)  # not the 100k cases' open items
        invoices = [case.overdue_move_ids[:1] for case in sampled]
        pay(env, invoices[0])  # warm the caches both sides share
        env.cr.rollback()
        env.invalidate_all()
        with_suite, without = [], []
        for invoice in invoices:
            for side in ("with", "without"):
                if side == "with":
                    with_suite.append(pay(env, invoice))
                else:
                    with without_suite(env):
                        without.append(pay(env, invoice))
                env.cr.rollback()
                env.invalidate_all()
    product, baseline = statistics.median(with_suite), statistics.median(without)
    print(
        json.dumps(
            {
                "payment_ms": round(product * 1000, 1),
                "payment_without_suite_ms": round(baseline * 1000, 1),
                "ratio_to_without": round(product / baseline, 2),
                "samples": len(invoices),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
