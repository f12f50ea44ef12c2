#!/usr/bin/env bash
# Mutation testing of the pure packages (eh_account_ai_agent/tools,
# eh_collections_case/tools) against tests/unit, with mutmut (settings in setup.cfg).
# Not part of `make test`: it runs each mutant's tests, which takes a while. Writes
# tests/mutation/results.json and prints the score and every survivor's diff.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

MUTATION_VENV="$RUN_DIR/mutation-venv"
if [ ! -x "$MUTATION_VENV/bin/mutmut" ]; then
    say "Creating $MUTATION_VENV with tests/mutation/requirements.txt"
    "$PYTHON" -m venv "$MUTATION_VENV"
    "$MUTATION_VENV/bin/pip" install -q -r "$ROOT/tests/mutation/requirements.txt" >"$RUN_DIR/pip-mutation.log" 2>&1 ||
        die "installing tests/mutation/requirements.txt failed: see $RUN_DIR/pip-mutation.log"
fi
cd "$ROOT"
rm -rf mutants
say "Mutating the tools packages and running tests/unit against each mutant (log: .run/mutation.log)"
"$MUTATION_VENV/bin/mutmut" run --max-children "$(nproc)" >"$RUN_DIR/mutation.log" 2>&1 ||
    die "mutmut failed: see $RUN_DIR/mutation.log"
"$MUTATION_VENV/bin/python" tests/mutation/report.py | tee "$RUN_DIR/mutation-report.md"
