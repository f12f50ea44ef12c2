#!/usr/bin/env bash
# Stop a demo server started with DETACH=1, and the demo's mail catcher and WhatsApp stand-in.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PID_FILE="$RUN_DIR/demo-server.pid"
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PID_FILE")"
    say "Demo server stopped"
else
    say "No demo server running"
fi
rm -f "$PID_FILE"
PEERS_PID_FILE="$RUN_DIR/demo-peers.pid"
if [ -f "$PEERS_PID_FILE" ] && kill -0 "$(cat "$PEERS_PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PEERS_PID_FILE")"
    say "Demo mail catcher and WhatsApp stand-in stopped"
fi
rm -f "$PEERS_PID_FILE"
