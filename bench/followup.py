"""Follow-up throughput: the daily cron on N due cases, or (--bare) bare
`mail.template.send_mail` of the same template for the same records.

The cron runs as Odoo's cron thread runs it (`ir.cron.method_direct_trigger`, a job in
a cursor of its own: calls of the cron's code for at least 10 seconds, the job run
again while it reports work left): the run lists its cases, then takes a batch at a time
(renders its mails at once, writes its reminder records, log rows, named invoices and
chatter notes, commits). The bare baseline queues the mails one by one in one
transaction and rolls back. Both only queue mail: delivery is the mail queue's job.
`run.py` runs the two side by side on one database, each in a process of its own, so
that each peak memory is its own run's.

Usage: python bench/followup.py -d DB [-c CONFIG] [--bare] [--sample N]
Prints one JSON object: cases (the due cases), then for the cron reminders_per_min,
cron_s, cron_jobs (how many times Odoo ran the job), sample (the reminders sent when
--sample stopped the run, else null) and peak_rss_mb (from the cron's start: not the
set-up's); for --bare bare_per_min, bare_s and bare_peak_rss_mb. --sample N stops the
run once N reminders are sent (at 1M due cases the whole run would take hours here):
its throughput then includes listing all the due cases.
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
    parser.add_argument("--bare", action="store_true", help="bare send_mail instead of the cron")
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
        result = bare_send(env, due) if args.bare else cron(env, due, args.sample)
    print(json.dumps({"cases": due, **result}))
    return 0


def bare_send(env, due):
    """Per-record `send_mail` of the first level's template to the due cases, rolled back."""
    Case = env["eh.collections.case"]
    cases = Case.search(Case._followup_candidates_domain() + OURS)
    template = env.ref(TEMPLATE)
    template.send_mail(cases[0].id)  # warm the caches, as the cron's first batch does its own
    env.cr.rollback()
    env.invalidate_all()
    say(f"{due} due cases: bare send_mail")
    reset_peak_rss()
    started = time.perf_counter()
    for case in cases:
        template.send_mail(case.id)
    env.flush_all()
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    env.cr.rollback()
    return {"bare_per_min": round(due / seconds * 60), "bare_s": round(seconds, 2), "bare_peak_rss_mb": peak}


def cron(env, due, sample):
    """The follow-up cron run through until it reports nothing left (or `sample` sent)."""
    Case, Action, Mail = env["eh.collections.case"], env["eh.collections.action"], env["mail.mail"]
    sent_domain = [("action_type", "=", "email"), ("state", "=", "done"), ("case_id", "any", OURS)]
    queued_domain = [("model", "=", "eh.collections.case"), ("res_id", "in", Case._search(OURS))]
    sent_before, queued_before = Action.search_count(sent_domain), Mail.search_count(queued_domain)
    env.cr.commit()
    say("the follow-up cron" + (f", its first {sample:,} reminders" if sample else ""))
    job, jobs = env.ref("eh_collections_case.ir_cron_send_followups"), 0
    any_sent = [("action_type", "=", "email"), ("state", "=", "done")]  # cheap to count
    any_before = Action.search_count(any_sent)
    reset_peak_rss()  # the cron's peak, not the set-up's (the refresh of every case)
    started = time.perf_counter()
    while not jobs or env["eh.collections.followup.pending"]._remaining():
        job.method_direct_trigger()
        env.cr.commit()  # the job's own cursor committed its work; this one holds its cron row
        jobs += 1
        if sample and Action.search_count(any_sent) - any_before >= sample:
            break
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()  # the cron's; the check below lists every case again
    env.invalidate_all()
    sent = Action.search_count(sent_domain) - sent_before
    queued = Mail.search_count(queued_domain) - queued_before
    expected = min(due, sent) if sample else due
    assert sent == queued == expected, f"{sent} log rows and {queued} mails for {expected} cases"
    if not sample:
        assert not Case._due_followups(OURS), "a due case was not sent"
    return {
        "sample": sent if sample and sent < due else None,
        "reminders_per_min": round(sent / seconds * 60),
        "cron_s": round(seconds, 2),
        "cron_jobs": jobs,
        "peak_rss_mb": peak,
    }


if __name__ == "__main__":
    sys.exit(main())
