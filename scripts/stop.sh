#!/usr/bin/env bash
# Stop a demo server started with DETACH=1.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PID_FILE="$RUN_DIR/demo-server.pid"
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PID_FILE")"
    say "Demo server stopped"
else
    say "No demo server running"
fi
rm -f "$PID_FILE"
