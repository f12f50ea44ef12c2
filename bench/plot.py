"""Draw bench/results/bench.png from the JSON results: refresh time against lines
(product, floor, naive), kanban read cost, follow-up throughput."""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from common import RESULTS, read_results


def main():
    refresh, kanban, followup = read_results("refresh"), read_results("kanban"), read_results("followup")
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(15, 4.5))
    lines = [e["lines"] for e in refresh]
    ax1.plot(lines, [e["refresh_s"] for e in refresh], "o-", label="refresh (product)")
    ax1.plot(lines, [e["floor_s"] for e in refresh], "s--", label="floor (bare SQL)")
    naive = [e for e in refresh if "naive_s" in e]
    if naive:
        ax1.plot([e["lines"] for e in naive], [e["naive_s"] for e in naive], "x:", label="naive ORM baseline")
    ax1.set(xscale="log", yscale="log", xlabel="open receivable lines", ylabel="seconds")
    ax1.set_title("Case refresh")
    ax1.legend()
    labels = [f"{e['cases']:,} cases" for e in kanban]
    x = range(len(kanban))
    ax2.bar([i - 0.2 for i in x], [e["queries_with"] for e in kanban], 0.4, label="with suggestions")
    ax2.bar([i + 0.2 for i in x], [e["queries_without"] for e in kanban], 0.4, label="without")
    for i, e in enumerate(kanban):
        ax2.annotate(f"time x{e['time_ratio']}", (i, e["queries_with"]), ha="center", va="bottom")
    ax2.set(xticks=list(x), xticklabels=labels, ylabel="SQL queries", title="Kanban page of 80 cases")
    ax2.legend(loc="lower right")
    labels = [
        f"{e['cases']:,} due cases" + (f"\n(its first {e['sample']:,})" if e.get("sample") else "")
        for e in followup
    ]
    x = range(len(followup))
    ax3.bar([i - 0.2 for i in x], [e["reminders_per_min"] for e in followup], 0.4, label="follow-up cron")
    bare = [(i, e["bare_per_min"]) for i, e in enumerate(followup) if e["bare_per_min"]]  # past 10k: not run
    ax3.bar([i + 0.2 for i, _ in bare], [per_min for _, per_min in bare], 0.4, label="bare send_mail")
    ax3.set(xticks=list(x), xticklabels=labels, ylabel="reminders per minute", title="Follow-up throughput")
    ax3.legend(loc="lower right")
    fig.tight_layout()
    path = RESULTS / "bench.png"
    fig.savefig(path, dpi=110)
    print(f"  plot: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
