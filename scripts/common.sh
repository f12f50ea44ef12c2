# Shared settings and helpers, sourced by every script in this folder.
# Everything generated lives in ignored folders of the checkout:
#   .odoo/  Odoo 19 fetched from Debian (when no Odoo is given)
#   .venv/  the virtualenv
#   .run/   runtime config, logs, generated passwords, a private PostgreSQL cluster

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.run"
VENV="${VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
SUITE_MODULES="eh_collections_case,eh_account_ai_agent,eh_collections_next_action,eh_collections_sale,eh_collections_sms,eh_collections_whatsapp"
# The Odoo apps the bridges in addons/ join: installed with the suite in the demo and
# test databases, so each bridge installs by itself (auto_install) and is tested.
BRIDGED_APPS="sale_management,sms"
mkdir -p "$RUN_DIR"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die() {
    printf '\033[1;31merror:\033[0m %s\n' "$*" >&2
    exit 1
}

# Run a command as root: directly when we are root, through sudo when it asks nothing.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

# Load the facts the bootstrap found (Odoo location, database connection).
load_env() {
    [ -f "$RUN_DIR/env.sh" ] || die "run 'make demo' or 'make test' first: the environment is not bootstrapped"
    # shellcheck disable=SC1091
    . "$RUN_DIR/env.sh"
}

# -- databases (after load_env) ---------------------------------------------

db_exists() {
    [ "$(psql -X -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

drop_db() {
    PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force "$1"
    rm -rf "$RUN_DIR/data/filestore/$1"
}

# Copy a database and its filestore (createdb -T copies only the database).
clone_db() {
    drop_db "$2"
    createdb -T "$1" "$2"
    if [ -d "$RUN_DIR/data/filestore/$1" ]; then
        mkdir -p "$RUN_DIR/data/filestore"
        cp -a "$RUN_DIR/data/filestore/$1" "$RUN_DIR/data/filestore/$2"
    fi
}

# Create database $1 with the suite installed, printing each module as it loads.
install_suite() {
    local db="$1" log="$RUN_DIR/install-$1.log"
    say "Creating database $db with $BRIDGED_APPS,$SUITE_MODULES (about two minutes; log: .run/install-$1.log)"
    set +e
    "$ROOT/scripts/odoo-bin" -d "$db" -i "$BRIDGED_APPS,$SUITE_MODULES" --stop-after-init --no-http \
        --max-cron-threads=0 --log-level=info 2>&1 | tee "$log" |
        sed -un 's/.*Loading module \([^ ]*\) (\([0-9]*\/[0-9]*\)).*/    [\2] \1/p'
    local rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -ne 0 ] || grep -q " ERROR \| CRITICAL " "$log"; then
        grep -m 5 -A 15 " ERROR \| CRITICAL " "$log" >&2 || tail -n 30 "$log" >&2
        die "installing the suite into $db failed: see $log"
    fi
}

# A hash of the suite's code: a database made from another checkout is updated
# (`update_suite`) before it is used.
suite_code_sha() {
    (cd "$ROOT" && find eh_* addons -type f -not -path '*/__pycache__/*' 2>/dev/null |
        LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}

update_suite() {
    local db="$1"
    say "The suite's code changed: updating its modules in $db"
    "$ROOT/scripts/odoo-bin" -d "$db" -u "$SUITE_MODULES" --stop-after-init --no-http \
        --max-cron-threads=0 >"$RUN_DIR/update-$db.log" 2>&1 ||
        die "updating the suite failed: see $RUN_DIR/update-$db.log"
}

suite_installed() {
    db_exists "$1" && [ "$(psql -X -d "$1" -tAc "SELECT count(*) FROM ir_module_module
        WHERE state = 'installed' AND name = ANY(string_to_array('$SUITE_MODULES', ','))")" = \
        "$(tr ',' '\n' <<<"$SUITE_MODULES" | wc -l)" ]
}

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
