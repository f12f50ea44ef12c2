"""Follow-up throughput: the daily cron on N due cases against bare
`mail.template.send_mail` of the same template for the same records.

The bare run queues the mails one by one in one transaction and rolls back; then the
cron runs its code (claims a batch, renders its mails at once, writes its reminder
records, log rows, named invoices and chatter notes, commits). Both only queue mail:
delivery is the mail queue's job.

Usage: python bench/followup.py -d DB [-c CONFIG] [--cron-only]
Prints one JSON object: cases, reminders_per_min, bare_per_min, cron_s, bare_s,
ratio_to_bare_send (cron time / bare time), speedup_vs_bare (its inverse), peak_rss_mb.
--cron-only measures the cron alone (the bare keys are null): how it grows past the size
where the bare baseline takes an hour.
"""

import argparse
import json
import sys
import time

from common import odoo_env, peak_rss_mb, say

TEMPLATE = "eh_collections_case.mail_template_reminder_courteous"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--cron-only", action="store_true", help="no bare send_mail baseline")
    args = parser.parse_args(argv)
    with odoo_env(args.database, args.config) as env:
        Case = env["eh.collections.case"]
        Case._refresh_from_ledger(env.ref("base.main_company"))
        env.cr.commit()
        cases = Case.browse([case.id for case, _level in Case._due_followups()])
        opened = Case.search_count([("state", "=", "open")])
        assert len(cases) >= 0.99 * opened, f"only {len(cases)} of {opened} cases are due"
        template = env.ref(TEMPLATE)
        template.send_mail(cases[0].id)  # warm the caches both runs share
        env.cr.rollback()
        env.invalidate_all()
        bare = None
        if not args.cron_only:
            say(f"{len(cases)} due cases: bare send_mail")
            started = time.perf_counter()
            for case in cases:
                template.send_mail(case.id)
            env.flush_all()
            bare = time.perf_counter() - started
            env.cr.rollback()
            env.invalidate_all()

        Action, Mail = env["eh.collections.action"], env["mail.mail"]
        sent_domain = [("action_type", "=", "email"), ("state", "=", "done")]
        queued_domain = [("model", "=", "eh.collections.case")]
        sent_before, queued_before = Action.search_count(sent_domain), Mail.search_count(queued_domain)
        say("the follow-up cron")
        started = time.perf_counter()
        Case._cron_send_followups()  # outside a cron job, its progress reports just commit
        product = time.perf_counter() - started
        env.invalidate_all()
        sent = Action.search_count(sent_domain) - sent_before
        queued = Mail.search_count(queued_domain) - queued_before
        assert sent == queued == len(cases), f"{sent} log rows and {queued} mails for {len(cases)} cases"
    print(
        json.dumps(
            {
                "cases": len(cases),
                "reminders_per_min": round(len(cases) / product * 60),
                "bare_per_min": bare and round(len(cases) / bare * 60),
                "cron_s": round(product, 2),
                "bare_s": bare and round(bare, 2),
                "ratio_to_bare_send": bare and round(product / bare, 2),
                "speedup_vs_bare": bare and round(bare / product, 2),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
