#!/usr/bin/env bash
# Make sure a PostgreSQL server answers and Odoo has a role of its own on it (Odoo
# refuses to run as `postgres`). Prints the connection as three lines: host, port, role.
#   - PGHOST/PGPORT/PGUSER when set, else 127.0.0.1:5432;
#   - PGUSER other than postgres is used as Odoo's role as it is;
#   - otherwise the role $ODOO_DB_ROLE (default eh_collections) is created with CREATEDB;
#   - no server reachable: a private cluster under .run/pgdata, run by a dedicated
#     system user because initdb refuses root.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

HOST="${PGHOST:-127.0.0.1}"
PORT="${PGPORT:-5432}"
ROLE="${ODOO_DB_ROLE:-eh_collections}"
ADMIN="${PGUSER:-postgres}"
PRIVATE_PORT=54329
PGDATA_DIR="$RUN_DIR/pgdata"
PG_OS_USER="eh-postgres"

answers() { # $1 host, $2 port: does a server answer there (accepting or not)?
    local rc=0
    pg_isready -q -h "$1" -p "$2" -t 3 || rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]
}

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] || die "no PostgreSQL server reachable at $HOST:$PORT and no PostgreSQL binaries to start one (apt-get install postgresql)"
    echo "$dir"
}

start_private_cluster() {
    local bin run=() ; bin=$(pg_bin)
    if [ "$(id -u)" -eq 0 ]; then
        id "$PG_OS_USER" >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
        run=(runuser -u "$PG_OS_USER" --)
        ADMIN="$PG_OS_USER"
    else
        ADMIN="$(id -un)"
    fi
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in .run/pgdata"
        mkdir -p "$PGDATA_DIR"
        [ ${#run[@]} -eq 0 ] || chown "$PG_OS_USER" "$PGDATA_DIR"
        "${run[@]}" "$bin/initdb" -D "$PGDATA_DIR" -A trust -U "$ADMIN" -E UTF8 >"$RUN_DIR/initdb.log" 2>&1 ||
            die "initdb failed (the dedicated user must be able to reach $PGDATA_DIR): see $RUN_DIR/initdb.log"
    fi
    say "Starting the private PostgreSQL cluster on 127.0.0.1:$PRIVATE_PORT"
    "${run[@]}" "$bin/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w start \
        -o "-c listen_addresses=127.0.0.1 -p $PRIVATE_PORT -k $PGDATA_DIR" >/dev/null ||
        die "the private cluster did not start: see $PGDATA_DIR/server.log"
}

if ! answers "$HOST" "$PORT"; then
    HOST=127.0.0.1
    PORT=$PRIVATE_PORT
    answers "$HOST" "$PORT" || start_private_cluster
    ADMIN=$(stat -c %U "$PGDATA_DIR/PG_VERSION")
fi

if [ -n "${PGUSER:-}" ] && [ "$PGUSER" != postgres ]; then
    ROLE="$PGUSER"
else
    psql_admin=(psql -X -q -h "$HOST" -p "$PORT" -U "$ADMIN" -d postgres -v ON_ERROR_STOP=1 -tA)
    exists=$("${psql_admin[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'" 2>"$RUN_DIR/psql.log") ||
        die "cannot connect to PostgreSQL at $HOST:$PORT as $ADMIN: $(cat "$RUN_DIR/psql.log")"
    if [ "$exists" != 1 ]; then
        say "Creating the PostgreSQL role $ROLE"
        "${psql_admin[@]}" -c "CREATE ROLE \"$ROLE\" LOGIN CREATEDB" >/dev/null
    fi
fi
psql -X -q -h "$HOST" -p "$PORT" -U "$ROLE" -d postgres -c 'SELECT 1' >/dev/null 2>"$RUN_DIR/psql.log" ||
    die "role $ROLE cannot log in to $HOST:$PORT: $(cat "$RUN_DIR/psql.log")"
printf '%s\n%s\n%s\n' "$HOST" "$PORT" "$ROLE"
