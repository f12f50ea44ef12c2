"""Follow-up throughput: the daily cron on N due cases against bare
`mail.template.send_mail` of the same template for the same records.

The bare run queues the mails in one transaction and rolls back; then the cron
runs its code (a savepoint, a log row and a chatter note per case, a commit per
batch). Both only queue mail: delivery is the mail queue's job.

Usage: python bench/followup.py -d DB [-c CONFIG]
Prints one JSON object: cases, reminders_per_min, bare_per_min, cron_s, bare_s,
ratio_to_bare_send.
"""

import argparse
import json
import sys
import time

from common import odoo_env, say

TEMPLATE = "eh_collections_case.mail_template_reminder_courteous"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    args = parser.parse_args(argv)
    with odoo_env(args.database, args.config) as env:
        Case = env["eh.collections.case"]
        Case._refresh_from_ledger(env.ref("base.main_company"))
        env.cr.commit()
        cases = Case.search([("state", "=", "open")])
        due = [case for case in cases if case._due_level()]
        assert len(due) == len(cases), f"only {len(due)} of {len(cases)} cases are due"
        template = env.ref(TEMPLATE)
        template.send_mail(cases[0].id)  # warm the caches both runs share
        env.cr.rollback()
        env.invalidate_all()
        say(f"{len(cases)} due cases: bare send_mail")
        started = time.perf_counter()
        for case in cases:
            template.send_mail(case.id)
        env.flush_all()
        bare = time.perf_counter() - started
        env.cr.rollback()
        env.invalidate_all()

        say("the follow-up cron")
        started = time.perf_counter()
        Case._cron_send_followups()  # outside a cron job, its progress reports just commit
        product = time.perf_counter() - started
        env.invalidate_all()
        sent = env["eh.collections.action"].search_count(
            [("action_type", "=", "email"), ("state", "=", "done")]
        )
        queued = env["mail.mail"].search_count([("model", "=", "eh.collections.case")])
        assert sent == queued == len(cases), f"{sent} log rows and {queued} mails for {len(cases)} cases"
    print(
        json.dumps(
            {
                "cases": len(cases),
                "reminders_per_min": round(len(cases) / product * 60),
                "bare_per_min": round(len(cases) / bare * 60),
                "cron_s": round(product, 2),
                "bare_s": round(bare, 2),
                "ratio_to_bare_send": round(product / bare, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
