#!/usr/bin/env bash
# Benchmarks (bench/README in the main README): BENCH_SCALE=small (about 100k lines,
# under 10 minutes) or full (up to 1M lines). Results in bench/results.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/bootstrap.sh"
load_env

SCALE="${BENCH_SCALE:-full}"
TEMPLATE=eh_bench_template
stamp="$RUN_DIR/bench-$TEMPLATE.sha256"
code_sha=$(suite_code_sha)
if ! suite_installed "$TEMPLATE"; then
    drop_db "$TEMPLATE"
    install_suite "$TEMPLATE"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$code_sha" ]; then
    update_suite "$TEMPLATE"  # what is measured is the checked-out code, its indexes too
fi
echo "$code_sha" >"$stamp"
"$VENV/bin/pip" install -q -r "$ROOT/bench/requirements.txt" >"$RUN_DIR/pip-bench.log" 2>&1 ||
    die "installing bench/requirements.txt failed: see $RUN_DIR/pip-bench.log"

say "Benchmarks at scale $SCALE (results in bench/results)"
cd "$ROOT/bench"
"$VENV/bin/python" run.py --template "$TEMPLATE" -c "$ODOO_RC" --scale "$SCALE" "$@"
"$VENV/bin/python" plot.py
