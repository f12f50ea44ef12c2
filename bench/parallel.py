"""Follow-up workers side by side: the same due cases sent by 1, then 2 worker
processes at once, each a server of its own on the one database.

The run's cases are listed first (`eh.collections.followup.pending`, as the cron's
first call does); each worker loads Odoo, says it is ready and waits; all start
together on the worker cron's code (`_cron_send_followups(call_workers=False)`, which
takes its batches from the list with FOR UPDATE SKIP LOCKED). The time is from the
first start to the last end; then the database is asked how many cases got more
than one reminder (log rows and queued mails both).

Usage: python bench/parallel.py -d TEMPLATE_DB [-c CONFIG] --workers 1 --workers 2
Prints one JSON list, a row per worker count: workers, cases, seconds,
reminders_per_min, duplicates, speedup (against the first row), peak_rss_mb (the
largest worker's).
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from common import analyze, odoo_env, peak_rss_mb, say

HERE = Path(__file__).resolve().parent


def worker(database, config):
    """One worker process: ready, wait for the start, run the cron's code, report."""
    with odoo_env(database, config) as env:
        Case = env["eh.collections.case"]
        env["ir.model.data"]._xmlid_to_res_id(
            "eh_collections_case.ir_cron_send_followups"
        )  # warm the registry
        env.cr.commit()
        print("ready", flush=True)
        sys.stdin.readline()
        started = time.time()
        Case._cron_send_followups(call_workers=False)
        ended = time.time()
    print(json.dumps({"started": started, "ended": ended, "peak_rss_mb": peak_rss_mb()}), flush=True)


def count(database, config):
    """(due cases, cases reminded more than once by log row or by queued mail)."""
    with odoo_env(database, config) as env:
        env.cr.execute(
            """SELECT count(*) FILTER (WHERE n > 1) FROM (
                   SELECT case_id, count(*) AS n FROM eh_collections_action
                    WHERE action_type = 'email' AND state = 'done' GROUP BY case_id) rows"""
        )
        [twice_logged] = env.cr.fetchone()
        env.cr.execute(
            """SELECT count(*) FILTER (WHERE n > 1), count(*) FROM (
                   SELECT res_id, count(*) AS n
                     FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
                    WHERE msg.model = 'eh.collections.case' GROUP BY res_id) mails"""
        )
        twice_mailed, mailed = env.cr.fetchone()
        env.cr.rollback()
    return mailed, max(twice_logged, twice_mailed)


def release(database):
    """Close this process's connections to `database`, so that it can be dropped."""
    from odoo.modules.registry import Registry
    from odoo.sql_db import close_db

    Registry.delete(database)
    close_db(database)


def run(database, config, workers):
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "-d", database]
    if config:
        command += ["-c", config]
    processes = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=HERE)
        for _ in range(workers)
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    for process in processes:  # all at once
        process.stdin.write("go\n")
        process.stdin.flush()
    reports = []
    for process in processes:
        out, _ = process.communicate()
        if process.returncode:
            raise SystemExit(f"a worker failed ({process.returncode})")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    cases, duplicates = count(database, config)
    return {
        "workers": workers,
        "cases": cases,
        "seconds": round(seconds, 2),
        "reminders_per_min": round(cases / seconds * 60),
        "duplicates": duplicates,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in reports),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--workers", type=int, action="append")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.database, args.config)
        return 0
    rows = []
    for workers in args.workers or [1, 2]:
        copy = f"{args.database}_w{workers}"
        subprocess.run(["dropdb", "--if-exists", copy], check=True, stderr=subprocess.DEVNULL)
        subprocess.run(["createdb", "-T", args.database, copy], check=True)
        with odoo_env(copy, args.config) as env:  # the cases, committed before the workers start
            env["eh.collections.case"]._refresh_from_ledger(env.ref("base.main_company"))
            env["eh.collections.followup.pending"]._plan()
            analyze(env)
        say(f"{workers} worker(s)")
        row = run(copy, args.config, workers)
        release(copy)
        subprocess.run(["dropdb", copy], check=True)
        if rows:
            row["speedup"] = round(rows[0]["seconds"] / row["seconds"], 2)
        say(json.dumps(row))
        rows.append(row)
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
