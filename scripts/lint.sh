#!/usr/bin/env bash
# Every pre-commit hook over the whole tree, with the venv's pinned tools.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
# pre-commit needs a git work tree; its cache stays inside the ignored .run/.
PRE_COMMIT_HOME="$RUN_DIR/pre-commit" exec "$VENV/bin/pre-commit" run --all-files --show-diff-on-failure
