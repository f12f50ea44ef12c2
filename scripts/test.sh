#!/usr/bin/env bash
# Run every test suite in one pytest session, ending with pytest's summary line:
#   tests/unit         the pure-Python tools package and repository files, no Odoo
#   <module>/tests     each module's Odoo tests through pytest-odoo, browser tour included,
#                      against a database created fresh with the suite installed
#   tests/e2e          a real Odoo server on 127.0.0.1, driven over JSON-RPC, on a
#                      copy of that database with the demo receivables loaded
# Extra arguments go to pytest (e.g. -k refresh, -x).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/bootstrap.sh"
load_env

DB="${TEST_DB:-eh_collections_test}"
E2E_DB="${DB}_e2e"
drop_db "$DB"
drop_db "$E2E_DB"
install_suite "$DB"

say "Copying it to $E2E_DB and loading the demo receivables"
clone_db "$DB" "$E2E_DB"
"$VENV/bin/python" "$ROOT/scripts/demo_data.py" -c "$ODOO_RC" -d "$E2E_DB" >"$RUN_DIR/demo-$E2E_DB.log" 2>&1 ||
    die "loading the demo receivables failed: see $RUN_DIR/demo-$E2E_DB.log"

# pytest-odoo's HTTP server (browser tour) gets a free port; no cron thread runs.
TEST_RC="$RUN_DIR/odoo-test.conf"
sed -e "s/^http_port = .*/http_port = $(free_port)/" -e "s/^max_cron_threads = .*/max_cron_threads = 0/" \
    "$ODOO_RC" >"$TEST_RC"

modules=()
for manifest in "$ROOT"/eh_*/__manifest__.py "$ROOT"/addons/*/__manifest__.py; do
    [ -d "$(dirname "$manifest")/tests" ] && modules+=("$(dirname "$manifest")/tests")
done

# Odoo's browser tests wait a few seconds for Chromium's DevTools port and skip the
# tour when a cold first start is slower (seen once on a fresh clone): start it once.
if command -v chromium >/dev/null; then
    timeout 60 chromium --headless --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1 || true
fi

say "Running the tests"
cd "$ROOT"
export E2E_DB PATH="$VENV/bin:$PATH"
exec "$VENV/bin/pytest" -p no:cacheprovider -W ignore::DeprecationWarning \
    --odoo-config="$TEST_RC" --odoo-database="$DB" --odoo-http \
    tests/unit "${modules[@]}" tests/e2e "$@"
