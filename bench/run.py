"""Run every benchmark at one scale and write bench/results/*.json.

Each database is a copy of a template with the suite installed; each measurement
runs in its own process (see refresh.py, kanban.py, followup.py, analytics.py).

Usage: python bench/run.py --template DB [-c CONFIG] [--scale small|full]
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

from common import say, write_results

HERE = Path(__file__).resolve().parent
# Per scale: refresh ledgers (lines, customers, run the naive baseline?), kanban cases,
# follow-up cases, analytics ledgers (lines, customers); risk customers and payments per
# size of the cash-application bench (pure Python, no database).
SCALES = {
    "small": {
        "refresh": [(10_000, 1_000, True), (100_000, 10_000, True)],
        "kanban": [1_000, 100_000],
        "followup": [1_000],
        "parallel": 1_000,
        "analytics": [(10_000, 1_000), (100_000, 10_000)],
        "risk": 1_200,
        "cash_application": 450,
    },
    "full": {
        "refresh": [(10_000, 1_000, True), (100_000, 10_000, True), (1_000_000, 100_000, False)],
        "kanban": [1_000, 100_000],
        "followup": [10_000, 100_000, 1_000_000],
        "parallel": 100_000,
        "analytics": [(10_000, 1_000), (100_000, 10_000), (1_000_000, 100_000)],
        "risk": 1_200,
        "cash_application": 450,
    },
}


class Bench:
    def __init__(self, template, config):
        self.template = template
        self.config = config

    def python(self, script, *args):
        command = [sys.executable, str(HERE / script), *args]
        if self.config:
            command += ["-c", self.config]
        last = ""
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=HERE) as process:
            for line in process.stdout:  # progress as it comes; the last line is the result
                if line.startswith(("{", "[")):
                    last = line
                else:
                    print(line, end="", flush=True)
        if process.returncode:
            raise SystemExit(f"{script} {' '.join(args)} failed ({process.returncode})")
        return json.loads(last) if last else None

    def database(self, name, customers, lines, **options):
        """A fresh copy of the template filled with a generated ledger."""
        subprocess.run(["dropdb", "--if-exists", name], check=True, stderr=subprocess.DEVNULL)
        subprocess.run(["createdb", "-T", self.template, name], check=True)
        args = ["-d", name, "--customers", str(customers), "--lines", str(lines)]
        for key, value in options.items():
            args += [f"--{key.replace('_', '-')}", str(value)]
        self.python("generate.py", *args)
        tables = "account_move, account_move_line, account_partial_reconcile, res_partner"
        subprocess.run(["psql", "-X", "-q", "-d", name, "-c", f"VACUUM ANALYZE {tables}"], check=True)
        return name

    def refresh(self, lines, customers, naive, db=None):
        """The refresh at one size, on a fresh generated ledger (or on `db`, a ledger of
        that size generated before, whose cases are emptied first)."""
        say(f"refresh at {lines:,} lines, {customers:,} customers")
        if db:
            subprocess.run(
                ["psql", "-X", "-q", "-d", db, "-c", "DELETE FROM eh_collections_case"], check=True
            )
        else:
            db = self.database(f"eh_bench_refresh_{lines}", customers, lines)
        # From an empty case table, each in its own process and rolled back...
        product = self.python("refresh.py", "-d", db, "--mode", "refresh")
        floor = self.python("refresh.py", "-d", db, "--mode", "floor")
        baseline = naive and self.python("refresh.py", "-d", db, "--mode", "naive", "--repeat", "1")
        # ...then with the cases committed, as every day after the first refresh.
        targeted = self.python("refresh.py", "-d", db, "--mode", "targeted")
        payment = self.python("payment.py", "-d", db)
        entry = {
            "lines": lines,
            "partners": customers,
            "cases": product["cases"],
            "refresh_s": product["seconds"],
            "floor_s": floor["seconds"],
            "ratio_to_floor": round(product["seconds"] / floor["seconds"], 2),
            "peak_rss_mb": product["peak_rss_mb"],
            "targeted_refresh_ms": round(targeted["seconds"] * 1000, 1),
            "payment_ms": payment["payment_ms"],
            "payment_without_suite_ms": payment["payment_without_suite_ms"],
            "payment_ratio": payment["ratio_to_without"],
            "payment_peak_rss_mb": payment["peak_rss_mb"],
        }
        if baseline:
            entry.update(
                naive_s=baseline["seconds"],
                speedup_vs_naive=round(baseline["seconds"] / product["seconds"], 1),
                naive_peak_rss_mb=baseline["peak_rss_mb"],
            )
        subprocess.run(["dropdb", db], check=True)
        say(json.dumps(entry))
        return entry

    def analytics(self, lines, customers):
        say(f"analytics at {lines:,} lines, {customers:,} customers")
        db = self.database(f"eh_bench_analytics_{lines}", customers, lines)
        product = self.python("analytics.py", "-d", db, "--mode", "snapshot")
        floor = self.python("analytics.py", "-d", db, "--mode", "floor")
        dashboard = self.python("analytics.py", "-d", db, "--mode", "dashboard")
        entry = {
            "lines": lines,
            "partners": customers,
            "snapshot_s": product["seconds"],
            "floor_s": floor["seconds"],
            "ratio_to_floor": round(product["seconds"] / floor["seconds"], 2),
            "dashboard_ms": round(dashboard["seconds"] * 1000, 1),
            "peak_rss_mb": product["peak_rss_mb"],
            "dashboard_peak_rss_mb": dashboard["peak_rss_mb"],
        }
        subprocess.run(["dropdb", db], check=True)
        say(json.dumps(entry))
        return entry

    def per_case(self, name, cases, due_days, *args):
        """`name`.py on `cases` customers with one open invoice each, `due_days` overdue."""
        say(f"{name} at {cases:,} cases")
        db = self.database(f"eh_bench_{name}_{cases}", cases, cases, history=0, due_days=due_days)
        entry = self.python(f"{name}.py", "-d", db, *args)
        subprocess.run(["dropdb", db], check=True)
        say(json.dumps(entry))
        return entry

    def kanban(self, cases):
        return self.per_case("kanban", cases, due_days=40)  # past every ladder's first level

    def followup(self, cases):
        """The cron on `cases` due cases (the first level), and up to 10k the bare
        baseline on the same database, side by side, each in a process of its own. Past
        10k the cron alone: bare per-record send_mail of 100k reminders would take an hour
        here. Past 100k, the run's first 50,000 reminders: the whole run would take hours."""
        say(f"followup at {cases:,} cases")
        db = self.database(f"eh_bench_followup_{cases}", cases, cases, history=0, due_days=10)
        bare = self.python("followup.py", "-d", db, "--bare") if cases <= 10_000 else {}
        options = ["--sample", "50000"] if cases > 100_000 else []
        entry = self.python("followup.py", "-d", db, *options)
        subprocess.run(["dropdb", db], check=True)
        bare_s = bare.get("bare_s")
        entry.update(
            bare_per_min=bare.get("bare_per_min"),
            bare_s=bare_s,
            ratio_to_bare_send=bare_s and round(entry["cron_s"] / bare_s, 2),
            speedup_vs_bare=bare_s and round(bare_s / entry["cron_s"], 2),
            bare_peak_rss_mb=bare.get("bare_peak_rss_mb"),
        )
        say(json.dumps(entry))
        return entry

    def parallel(self, cases):
        say(f"parallel follow-up workers at {cases:,} cases")
        db = self.database(f"eh_bench_parallel_{cases}", cases, cases, history=0, due_days=10)
        rows = self.python("parallel.py", "-d", db, "--workers", "1", "--workers", "2")
        subprocess.run(["dropdb", db], check=True)
        return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--scale", choices=SCALES, default="full")
    parser.add_argument(
        "--only",
        choices=[
            "refresh",
            "kanban",
            "followup",
            "parallel",
            "analytics",
            "risk",
            "cash_application",
            "replies",
        ],
        action="append",
    )
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    bench = Bench(args.template, args.config)
    only = args.only or [
        "refresh", "kanban", "followup", "parallel", "analytics", "risk", "cash_application", "replies"
    ]  # fmt: skip
    if "refresh" in only:
        write_results("refresh", [bench.refresh(*point) for point in scale["refresh"]])
    if "kanban" in only:
        write_results("kanban", [bench.kanban(cases) for cases in scale["kanban"]])
    if "followup" in only:
        write_results("followup", [bench.followup(cases) for cases in scale["followup"]])
    if "parallel" in only:
        write_results("parallel", bench.parallel(scale["parallel"]))
    if "analytics" in only:
        write_results("analytics", [bench.analytics(*point) for point in scale["analytics"]])
    if "risk" in only:  # pure Python: it writes risk.json and risk.png itself
        say(f"risk score on {scale['risk']:,} generated customers")
        subprocess.run([sys.executable, str(HERE / "risk.py"), "--customers", str(scale["risk"])], check=True)
    if "cash_application" in only:  # pure Python as well: cash_application.json
        say(f"cash application on {scale['cash_application']} payments per size")
        payments = str(scale["cash_application"])
        command = [sys.executable, str(HERE / "cash_application.py"), "--payments", payments]
        subprocess.run(command, check=True)
    if "replies" in only:  # the labelled corpus of bench/replies: replies.json
        say("reply reading on the labelled corpus")
        subprocess.run([sys.executable, str(HERE / "replies.py")], check=True)
    say("the README's tables (bench/tables.py):")
    subprocess.run([sys.executable, str(HERE / "tables.py")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
