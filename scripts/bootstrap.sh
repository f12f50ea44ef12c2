#!/usr/bin/env bash
# Make this checkout runnable: Debian packages, Odoo 19, the virtualenv, PostgreSQL
# and the runtime configuration. Idempotent: a second run only checks and reuses.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/scripts/system_packages.sh"

mapfile -t odoo_paths < <("$ROOT/scripts/odoo.sh")
[ ${#odoo_paths[@]} -eq 3 ] || die "could not locate Odoo 19"
ODOO_PYROOT="${odoo_paths[0]}"
ODOO_ADDONS="${odoo_paths[1]}"

# The virtualenv: rebuilt when requirements.txt changes. When Odoo is importable
# in the chosen Python, the venv sees that Python's site-packages to use it.
venv_opts=()
[ "${odoo_paths[2]}" = importable ] && venv_opts=(--system-site-packages)
stamp="$VENV/.requirements.sha256"
want=$(sha256sum "$ROOT/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Python dependencies into .venv (requirements.txt)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "${venv_opts[@]}" "$VENV" || die "cannot create a virtualenv with $PYTHON"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements.txt" \
        >"$RUN_DIR/pip.log" 2>&1 || die "pip install failed: see $RUN_DIR/pip.log"
    echo "$want" >"$stamp"
fi

mapfile -t pg < <("$ROOT/scripts/postgres.sh")
[ ${#pg[@]} -eq 3 ] || die "PostgreSQL is not available"

# Master password: from the environment, else generated once into an ignored file.
pw_file="$RUN_DIR/master-password"
if [ -n "${ODOO_MASTER_PASSWORD:-}" ]; then
    master="$ODOO_MASTER_PASSWORD"
else
    [ -s "$pw_file" ] || (umask 077 && "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(18))' >"$pw_file")
    master=$(cat "$pw_file")
fi

# The runtime configuration: the repository's odoo.conf plus what depends on this machine.
"$VENV/bin/python" - "$ROOT/odoo.conf" "$RUN_DIR/odoo.conf" <<PY
import configparser, os, sys
conf = configparser.RawConfigParser()
conf.read(sys.argv[1])
opts = conf["options"]
# addons/ is an addons path once it holds a module (Odoo warns about one that holds none).
bridges = ["$ROOT/addons"] if any(
    os.path.isfile(os.path.join("$ROOT/addons", d, "__manifest__.py")) for d in os.listdir("$ROOT/addons")
) else []
# The bridges first: Odoo's translation export names a file's module after the first
# addons path holding it, and the repository root holds addons/ too.
opts["addons_path"] = ",".join([*bridges, "$ROOT", "$ODOO_ADDONS"])
opts["db_host"], opts["db_port"], opts["db_user"] = "${pg[0]}", "${pg[1]}", "${pg[2]}"
opts["admin_passwd"] = "$master"
opts["data_dir"] = "$RUN_DIR/data"
old = os.umask(0o077)
with open(sys.argv[2], "w") as fh:
    conf.write(fh)
os.umask(old)
PY

cat >"$RUN_DIR/env.sh" <<ENV
# Written by scripts/bootstrap.sh; sourced by the other scripts.
export ODOO_PYROOT="$ODOO_PYROOT"
export ODOO_ADDONS="$ODOO_ADDONS"
export ODOO_RC="$RUN_DIR/odoo.conf"
export PGHOST="${pg[0]}" PGPORT="${pg[1]}" PGUSER="${pg[2]}"
export PYTHONPATH="$ODOO_PYROOT\${PYTHONPATH:+:\$PYTHONPATH}"
ENV
