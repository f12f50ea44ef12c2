"""The README's benchmark tables, from bench/results/*.json: `python bench/tables.py`
prints them (run.py does at the end), and a unit test checks the README quotes them
as they are.

Growth is read between consecutive sizes as an exponent: the time (or memory) is
multiplied by 10^k when the size is multiplied by 10. k near 1 is linear, near 0 flat.
"""

import math
import sys
from itertools import pairwise

from common import read_results

TIMES = "\u00d7"  # the multiplication sign of the README's tables


def seconds(value):
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def growth_words(exponent):
    if exponent < 0.3:
        return "flat"
    if exponent < 0.8:
        return "sublinear"
    if exponent <= 1.2:
        return "linear"
    return "superlinear"


def growth(points):
    """'<times>a (k=…)' for each step between consecutive (size, value) points, and the
    words for the worst step."""
    steps, exponents = [], []
    for (size1, value1), (size2, value2) in pairwise(points):
        exponent = math.log(value2 / value1) / math.log(size2 / size1)
        exponents.append(exponent)
        steps.append(f"{TIMES}{value2 / value1:.1f} (k={exponent:.2f})")
    return steps, growth_words(max(exponents)) if exponents else ""


def refresh_table(refresh):
    rows = [
        "| open lines | customers | refresh | floor | refresh / floor | naive ORM | speed-up "
        "| one customer (live) | payment wizard with / without the suite | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for e in refresh:
        naive = (
            (seconds(e["naive_s"]), f"{e['speedup_vs_naive']:.0f}{TIMES}")
            if "naive_s" in e
            else ("not run", "")
        )
        rows.append(
            f"| {e['lines']:,} | {e['partners']:,} | {seconds(e['refresh_s'])} | {seconds(e['floor_s'])} "
            f"| {e['ratio_to_floor']:.2f} | {naive[0]} | {naive[1]} | {e['targeted_refresh_ms']:.0f} ms "
            f"| {e['payment_ms']:.0f} / {e['payment_without_suite_ms']:.0f} ms "
            f"({TIMES}{e['payment_ratio']:.2f}) "
            f"| {e['peak_rss_mb']:.0f} MB |"
        )
    return "\n".join(rows)


def followup_table(followup, parallel):
    rows = [
        "| due cases | workers | follow-up cron | bare `send_mail` | speed-up | duplicates | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for e in followup:
        bare, speedup = "not run", ""  # past 10k cases the bare baseline would take an hour
        if e["bare_per_min"]:
            bare, speedup = f"{e['bare_per_min']:,}/min", f"{e['speedup_vs_bare']:.2f}{TIMES} bare"
        cases = f"{e['cases']:,}" + (f" (its first {e['sample']:,} sent)" if e.get("sample") else "")
        memory = f"{e['peak_rss_mb']:.0f} MB"
        if e.get("bare_peak_rss_mb"):  # measured in a process of its own
            memory += f" (bare {e['bare_peak_rss_mb']:.0f} MB)"
        rows.append(f"| {cases} | 1 | {e['reminders_per_min']:,}/min | {bare} | {speedup} | | {memory} |")
    for e in parallel:
        speedup = f"{e['speedup']:.2f}{TIMES} 1 worker" if "speedup" in e else ""
        rows.append(
            f"| {e['cases']:,} | {e['workers']} | {e['reminders_per_min']:,}/min | | {speedup} "
            f"| {e['duplicates']} | {e['peak_rss_mb']:.0f} MB each |"
        )
    return "\n".join(rows)


def growth_table(refresh, analytics, kanban, followup):
    figures = [
        ("case refresh", "lines", refresh, "refresh_s"),
        ("its floor (bare SQL)", "lines", refresh, "floor_s"),
        ("one customer's refresh", "lines", refresh, "targeted_refresh_ms"),
        ("payment through the wizard", "lines", refresh, "payment_ms"),
        ("refresh peak RSS", "lines", refresh, "peak_rss_mb"),
        ("collections snapshot", "lines", analytics, "snapshot_s"),
        ("dashboard read", "lines", analytics, "dashboard_ms"),
        ("snapshot peak RSS", "lines", analytics, "peak_rss_mb"),
        (f"kanban page (1k → 100k cases: one step of {TIMES}100)", "cases", kanban, "seconds_with"),
        ("follow-up cron (due cases; 1M: its first reminders' pace)", "cases", followup, "run_s"),
        ("follow-up peak RSS", "cases", followup, "peak_rss_mb"),
    ]
    rows = ["| figure | 10k → 100k | 100k → 1M | grows |", "|---|---:|---:|---|"]
    for label, size, entries, key in figures:
        points = [(e[size], e[key]) for e in entries if key in e]
        if len(points) < 2:
            continue
        steps, words = growth(points)
        steps += [""] * (2 - len(steps))
        rows.append(f"| {label} | {steps[0]} | {steps[1]} | {words} |")
    return "\n".join(rows)


def whole_run(entry):
    """A follow-up row with `run_s`: the time of its whole run, measured, or at the pace
    of its first reminders when the run was stopped there (--sample)."""
    run_s = entry["cases"] / entry["reminders_per_min"] * 60 if entry.get("sample") else entry["cron_s"]
    return {**entry, "run_s": run_s}


def markdown():
    refresh, analytics = read_results("refresh"), read_results("analytics")
    kanban, parallel = read_results("kanban"), read_results("parallel")
    followup = [whole_run(entry) for entry in read_results("followup")]
    return "\n\n".join(
        [
            refresh_table(refresh),
            followup_table(followup, parallel),
            growth_table(refresh, analytics, kanban, followup),
        ]
    )


if __name__ == "__main__":
    print(markdown())
    sys.exit(0)
