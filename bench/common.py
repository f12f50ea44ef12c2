"""What every benchmark script shares: an Odoo environment on a database, timing,
peak memory and the results folder."""

import importlib.util
import json
import resource
import statistics
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = RESULTS.parent.parent


def load_tool(relative_path):
    """A module of a pure `tools/` package, loaded from its file under a name of its own:
    importing the addon's package would import Odoo, and two addons each have a
    `tools` package."""
    name = "eh_bench_" + relative_path.replace("/", "_").removesuffix(".py")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / relative_path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return sys.modules[name]


@contextmanager
def odoo_env(database, config=None):
    """An environment as superuser on `database`; the cursor commits on exit."""
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config as odoo_config

    odoo_config.parse_config(["-c", config] if config else [], setup_logging=False)
    with Registry(database).cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


def analyze(env):
    """Statistics for the cases the refresh just created (and the run's list): this
    machine's PostgreSQL runs without autovacuum, which would have taken them before
    the next cron. Without them, PostgreSQL walked every open case to find a batch of
    100 by id (a quarter of a second per batch at a million cases)."""
    env.cr.execute("ANALYZE eh_collections_case, eh_collections_followup_pending")
    env.cr.commit()


def timed(function, repeat=3, before=None):
    """The median wall time of `repeat` runs of `function` (each after `before`)."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb():
    """This process's peak resident memory so far (or since `reset_peak_rss`), in MB
    (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def reset_peak_rss():
    """Start this process's peak memory afresh from what it holds now: the peak of the
    part measured, not of the set-up before it. Linux resets it when "5" is written
    to /proc/self/clear_refs (since 4.0); elsewhere the peak stays the whole run's."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def write_results(name, entries):
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(entries, indent=2) + "\n")
    return path


def read_results(name):
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else []


def say(message):
    print(f"  {message}", flush=True)
