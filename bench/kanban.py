"""Server-side cost of the Workbench kanban: reading a page of 80 cases with every
field of the kanban view, suggestions included, against the same read without the
suggestion fields. Counts SQL queries and times the median of several reads.

Usage: python bench/kanban.py -d DB [-c CONFIG] [--log-rows 10]
Prints one JSON object: cases, log_rows, queries_with, queries_without,
seconds_with, seconds_without, time_ratio.
"""

import argparse
import json
import sys

from common import odoo_env, peak_rss_mb, say, timed
from lxml import etree

PAGE = 80
SUGGESTION_PREFIX = "eh_ai_suggest"


def add_history(env, rows_per_case):
    """Give every open case `rows_per_case` log rows (bulk SQL; the log is append-only)."""
    env.cr.execute(
        """INSERT INTO eh_collections_action
                  (case_id, partner_id, company_id, action_type, channel, date, user_id, state,
                   contact_made, note, create_uid, create_date, write_uid, write_date)
           SELECT c.id, c.partner_id, c.company_id,
                  (ARRAY['email', 'call', 'note', 'letter', 'follow_up'])[1 + k %% 5],
                  (ARRAY['email', 'call', NULL, 'letter', 'email'])[1 + k %% 5],
                  now() at time zone 'UTC' - make_interval(days => k * 3), 1, 'done', k %% 2 = 0,
                  'Bench history', 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
             FROM eh_collections_case c CROSS JOIN generate_series(1, %s) k
            WHERE c.state = 'open'""",
        [rows_per_case],
    )
    rows = env.cr.rowcount
    env.cr.execute("ANALYZE eh_collections_action")
    return rows


def kanban_specification(env):
    """The web client's read specification for the kanban view's fields."""
    Case = env["eh.collections.case"]
    view = Case.get_views([(False, "kanban")])
    arch = etree.fromstring(view["views"]["kanban"]["arch"])
    names = {node.get("name") for node in arch.iter("field")}
    spec = {}
    for name in sorted(names):
        field = Case._fields[name]
        spec[name] = {"fields": {"display_name": {}}} if field.relational else {}
    return spec


def read_page(env, spec):
    env.invalidate_all()
    return env["eh.collections.case"].web_search_read(
        [("state", "=", "open")], spec, limit=PAGE, order="priority desc, days_overdue_max desc, id desc"
    )


def measure(env, spec):
    read_page(env, spec)  # warm the registry caches, as a running server has them
    before = env.cr.sql_log_count
    result = read_page(env, spec)
    queries = env.cr.sql_log_count - before
    assert len(result["records"]) == min(PAGE, result["length"]), "the page is not full"
    return queries, timed(lambda: read_page(env, spec), repeat=7)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--log-rows", type=int, default=10)
    args = parser.parse_args(argv)
    with odoo_env(args.database, args.config) as env:
        env["eh.collections.case"]._refresh_from_ledger(env.ref("base.main_company"))
        env["eh.collections.case"]._cron_eh_ai_sync_action_groups()
        cases = env["eh.collections.case"].search_count([("state", "=", "open")])
        rows = add_history(env, args.log_rows)
        env.cr.commit()
        say(f"{cases} cases, {rows} log rows")
        spec = kanban_specification(env)
        without = {name: value for name, value in spec.items() if not name.startswith(SUGGESTION_PREFIX)}
        assert len(without) < len(spec), "the kanban shows no suggestion field"
        queries_with, seconds_with = measure(env, spec)
        queries_without, seconds_without = measure(env, without)
        env.cr.rollback()
    print(
        json.dumps(
            {
                "cases": cases,
                "log_rows": rows,
                "queries_with": queries_with,
                "queries_without": queries_without,
                "seconds_with": round(seconds_with, 4),
                "seconds_without": round(seconds_without, 4),
                "time_ratio": round(seconds_with / seconds_without, 2),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
