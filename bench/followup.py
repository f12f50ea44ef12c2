"""Follow-up throughput: the daily cron on N due cases against bare
`mail.template.send_mail` of the same template for the same records.

The bare run queues the mails one by one in one transaction and rolls back; then the
cron runs as Odoo's cron thread runs it (`ir.cron.method_direct_trigger`, a job in a
cursor of its own: calls of the cron's code for at least 10 seconds, the job run again
while it reports work left): the run lists its cases, then takes a batch at a time
(renders its mails at once, writes its reminder records, log rows, named invoices and
chatter notes, commits). Both only queue mail: delivery is the mail queue's job.

Usage: python bench/followup.py -d DB [-c CONFIG] [--cron-only] [--sample N]
Prints one JSON object: cases, reminders_per_min, bare_per_min, cron_s, bare_s,
ratio_to_bare_send (cron time / bare time), speedup_vs_bare (its inverse), cron_jobs
(how many times Odoo ran the job), sample (the reminders sent when --sample stopped
the run, else null), peak_rss_mb (the cron's, from its start: not the set-up's).
--cron-only measures the cron alone (the bare keys are null): how it grows past the size
where the bare baseline takes an hour. --sample N stops the run once N reminders are
sent (at 1M due cases the whole run would take hours here): its throughput then
includes listing all the due cases.
"""

import argparse
import json
import sys
import time

from common import analyze, odoo_env, peak_rss_mb, reset_peak_rss, say

TEMPLATE = "eh_collections_case.mail_template_reminder_courteous"
OURS = [("partner_id.name", "=like", "Bench %")]  # the generator's customers (generate.py)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--cron-only", action="store_true", help="no bare send_mail baseline")
    parser.add_argument("--sample", type=int, help="stop the cron's run after its first SAMPLE reminders")
    args = parser.parse_args(argv)
    with odoo_env(args.database, args.config) as env:
        Case = env["eh.collections.case"]
        Case._refresh_from_ledger(env.ref("base.main_company"))
        env.cr.commit()
        analyze(env)
        # Every generated case is past the first level: its candidates are the due cases
        # (checked below by what the cron sends). Not listed here with `_due_followups`:
        # the process's peak memory is the cron's. The template database may hold cases
        # of its own (its tests commit some): they are sent too, and not counted.
        due = Case.search_count(Case._followup_candidates_domain() + OURS)
        opened = Case.search_count([("state", "=", "open"), *OURS])
        assert due >= 0.99 * opened, f"only {due} of {opened} cases are due"
        bare = None
        if not args.cron_only:
            cases = Case.search(Case._followup_candidates_domain() + OURS)
            template = env.ref(TEMPLATE)
            template.send_mail(cases[0].id)  # warm the caches both runs share
            env.cr.rollback()
            env.invalidate_all()
            say(f"{due} due cases: bare send_mail")
            started = time.perf_counter()
            for case in cases:
                template.send_mail(case.id)
            env.flush_all()
            bare = time.perf_counter() - started
            env.cr.rollback()
            env.invalidate_all()

        Action, Mail = env["eh.collections.action"], env["mail.mail"]
        sent_domain = [("action_type", "=", "email"), ("state", "=", "done"), ("case_id", "any", OURS)]
        queued_domain = [("model", "=", "eh.collections.case"), ("res_id", "in", Case._search(OURS))]
        sent_before, queued_before = Action.search_count(sent_domain), Mail.search_count(queued_domain)
        env.cr.commit()
        say("the follow-up cron" + (f", its first {args.sample:,} reminders" if args.sample else ""))
        cron, jobs = env.ref("eh_collections_case.ir_cron_send_followups"), 0
        any_sent = [("action_type", "=", "email"), ("state", "=", "done")]  # cheap to count
        any_before = Action.search_count(any_sent)
        reset_peak_rss()  # the cron's peak, not the set-up's (the refresh of every case, the bare run)
        started = time.perf_counter()
        while not jobs or env["eh.collections.followup.pending"]._remaining():
            cron.method_direct_trigger()
            env.cr.commit()  # the job's own cursor committed its work; this one holds its cron row
            jobs += 1
            if args.sample and Action.search_count(any_sent) - any_before >= args.sample:
                break
        product = time.perf_counter() - started
        peak = peak_rss_mb()  # the cron's; the check below lists every case again
        env.invalidate_all()
        sent = Action.search_count(sent_domain) - sent_before
        queued = Mail.search_count(queued_domain) - queued_before
        expected = min(due, sent) if args.sample else due
        assert sent == queued == expected, f"{sent} log rows and {queued} mails for {expected} cases"
        if not args.sample:
            assert not Case._due_followups(OURS), "a due case was not sent"
    print(
        json.dumps(
            {
                "cases": due,
                "sample": sent if args.sample and sent < due else None,
                "reminders_per_min": round(sent / product * 60),
                "bare_per_min": bare and round(due / bare * 60),
                "cron_s": round(product, 2),
                "bare_s": bare and round(bare, 2),
                "ratio_to_bare_send": bare and round(product / bare, 2),
                "speedup_vs_bare": bare and round(bare / product, 2),
                "cron_jobs": jobs,
                "peak_rss_mb": peak,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
