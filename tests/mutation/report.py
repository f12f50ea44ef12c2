"""Summarise a `mutmut run` (make mutation): the score per file and every surviving
mutant with its diff, as Markdown on stdout and as JSON in tests/mutation/results.json.

Run from the repository root, after `mutmut run`, with the mutation virtualenv's
Python (it calls that environment's `mutmut`).
"""

import collections
import datetime
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTMUT = Path(sys.executable).with_name("mutmut")
KILLED = {"killed", "timeout"}  # a mutant that made the tests fail or hang is caught


def mutmut(*args):
    return subprocess.run([str(MUTMUT), *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def statuses():
    """{mutant name: status} of every mutant."""
    result = {}
    for line in mutmut("results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            result[name] = status.strip()
    return result


def source_of(name):
    """eh_account_ai_agent.tools.ladder.x_f__mutmut_3 -> eh_account_ai_agent/tools/ladder.py"""
    module = name.split(".x")[0] if ".x" in name else name.rsplit(".", 1)[0]
    return module.replace(".", "/") + ".py"


def main():
    found = statuses()
    by_file = collections.defaultdict(collections.Counter)
    for name, status in found.items():
        by_file[source_of(name)][status] += 1
    total = collections.Counter(status for status in found.values())
    killed = sum(total[s] for s in KILLED)
    tested = sum(total.values()) - total["no tests"] - total["not checked"]
    survivors = sorted(name for name, status in found.items() if status == "survived")
    results = {
        "date": datetime.date.today().isoformat(),
        "mutants": sum(total.values()),
        "killed": killed,
        "survived": len(survivors),
        "no_tests": total["no tests"],
        "score": round(100 * killed / tested, 1) if tested else 0.0,
        "files": {
            path: {"killed": sum(c[s] for s in KILLED), "survived": c["survived"], "no_tests": c["no tests"]}
            for path, c in sorted(by_file.items())
        },
        "survivors": survivors,
    }
    (ROOT / "tests" / "mutation" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"# Mutation score: {results['score']}% ({killed} of {tested} mutants killed, {results['date']})\n")
    print("| file | killed | survived | no tests |\n|---|---:|---:|---:|")
    for path, figures in results["files"].items():
        print(f"| `{path}` | {figures['killed']} | {figures['survived']} | {figures['no_tests']} |")
    for name in survivors:
        print(f"\n## {name}\n\n```diff\n{mutmut('show', name).strip()}\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
