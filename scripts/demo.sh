#!/usr/bin/env bash
# Serve the demo: database $DEMO_DB (collections_demo) with the suite and realistic
# receivables, on http://127.0.0.1:8069. The first run builds it; later runs reuse
# it, updating the suite's modules when their code changed. RESET=1 rebuilds it.
# DETACH=1 starts the server in the background (stop it with `make stop`).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/bootstrap.sh"
load_env

DB="${DEMO_DB:-collections_demo}"
PORT="${DEMO_PORT:-8069}"
PID_FILE="$RUN_DIR/demo-server.pid"
# The demo's outside world on loopback (scripts/demo_peers.py): a mail catcher (SMTP and
# a page listing what was sent) and a WhatsApp Cloud API stand-in.
SMTP_PORT="${DEMO_SMTP_PORT:-2525}"
PEERS_PORT="${DEMO_PEERS_PORT:-8025}"
PEERS_PID_FILE="$RUN_DIR/demo-peers.pid"
LOG="$RUN_DIR/demo-server.log"
stamp="$RUN_DIR/demo-$DB.sha256"
code_sha=$(suite_code_sha)

port_in_use "$PORT" && die "port $PORT is already in use (another demo? run 'make stop'), or set DEMO_PORT"
port_in_use "$SMTP_PORT" && die "port $SMTP_PORT is already in use (run 'make stop'), or set DEMO_SMTP_PORT"
port_in_use "$PEERS_PORT" && die "port $PEERS_PORT is already in use (run 'make stop'), or set DEMO_PEERS_PORT"

# A rebuilt demo starts with an empty mailbox.
[ "${RESET:-0}" = 1 ] && rm -rf "$RUN_DIR/mail" "$RUN_DIR/whatsapp.jsonl"
# Up before the data loads: mail sent while loading reaches the catcher too.
nohup "$VENV/bin/python" "$ROOT/scripts/demo_peers.py" --smtp-port "$SMTP_PORT" --http-port "$PEERS_PORT" \
    --mail-dir "$RUN_DIR/mail" --whatsapp-log "$RUN_DIR/whatsapp.jsonl" --odoo-url "http://127.0.0.1:$PORT" \
    >"$RUN_DIR/demo-peers.log" 2>&1 &
echo $! >"$PEERS_PID_FILE"

[ "${RESET:-0}" = 1 ] && drop_db "$DB"
if ! suite_installed "$DB"; then
    drop_db "$DB"
    install_suite "$DB"
    say "Loading the demo receivables (customers, invoices, payments, credit notes)"
    "$VENV/bin/python" "$ROOT/scripts/demo_data.py" -c "$ODOO_RC" -d "$DB" --smtp-port "$SMTP_PORT" \
        --peers-url "http://127.0.0.1:$PEERS_PORT" 2>"$RUN_DIR/demo-data.log" ||
        die "loading the demo receivables failed: see $RUN_DIR/demo-data.log"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$code_sha" ]; then
    update_suite "$DB"
else
    say "Reusing database $DB"
fi
echo "$code_sha" >"$stamp"

cat >&2 <<MSG

  Collections demo on http://127.0.0.1:$PORT  (database $DB)
    administrator (Collections Manager):  admin / admin
    collector     (Collections User):     collector / collector
  Invoicing > Collections > Cases
  Mail the demo sends (every language, with attachments): http://127.0.0.1:$PEERS_PORT  (maildir .run/mail)

MSG
server=("$ROOT/scripts/odoo-bin" -d "$DB" "--db-filter=^$DB\$" --http-port="$PORT")
if [ "${DETACH:-0}" = 1 ]; then
    nohup "${server[@]}" >"$LOG" 2>&1 &
    echo $! >"$PID_FILE"
    for _ in $(seq 1 120); do
        curl -fsS "http://127.0.0.1:$PORT/web/health" >/dev/null 2>&1 && {
            say "Server running in the background (pid $(cat "$PID_FILE"), log .run/demo-server.log)"
            exit 0
        }
        kill -0 "$(cat "$PID_FILE")" 2>/dev/null || die "the server stopped: see $LOG"
        sleep 1
    done
    die "the server did not answer within 120 s: see $LOG"
fi
say "Starting the server (Ctrl-C to stop)"
trap 'kill "$(cat "$PEERS_PID_FILE")" 2>/dev/null; rm -f "$PEERS_PID_FILE"' EXIT
"${server[@]}"
