"""A real Odoo server on 127.0.0.1 for the end-to-end tests.

scripts/test.sh prepares the database (the suite plus the demo receivables) and
names it in E2E_DB; `e2e_users.py` adds the users the API tests act as and their
API keys; the server runs from scripts/odoo-bin on a free port, with no cron thread,
for the whole session.
"""

import json
import os
import socket
import subprocess
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
from e2e_api import Json2Client

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 180


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url, process, log_path):
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Odoo exited with {process.returncode}: see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"Odoo did not answer {url} within {STARTUP_TIMEOUT_S}s: see {log_path}")


@pytest.fixture(scope="session")
def e2e_db():
    db = os.environ.get("E2E_DB")
    if not db:
        pytest.fail("E2E_DB is not set: run the end-to-end tests through `make test`")
    return db


@pytest.fixture(scope="session")
def e2e_users(e2e_db):
    """{login: {password, key, uid}} for admin, the demo collector, six more collectors
    of the main company, one of the European company only and an employee without
    collections rights; and the collector's expired and revoked keys."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "odoo-bin"), "shell", "-d", e2e_db, "--no-http", "--log-level=warn"],
        stdin=(Path(__file__).parent / "e2e_users.py").open(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("E2E_USERS ")), None)
    if result.returncode or not line:
        pytest.fail(f"creating the e2e users failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return json.loads(line.removeprefix("E2E_USERS "))


@pytest.fixture(scope="session")
def odoo_server(e2e_db, e2e_users, tmp_path_factory):
    """Start Odoo on a free loopback port; yield (host, port)."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("odoo") / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                str(ROOT / "scripts" / "odoo-bin"),
                "-d",
                e2e_db,
                f"--db-filter=^{e2e_db}$",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                f"--gevent-port={_free_port()}",
                "--max-cron-threads=0",
                "--no-database-list",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/web/health", process, log_path)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def server_url(odoo_server):
    host, port = odoo_server
    return f"http://{host}:{port}"


@pytest.fixture
def api(server_url, e2e_db, e2e_users):
    """A factory of JSON-2 clients, each with a user's bearer key: api(login)."""
    return lambda login: Json2Client(server_url, e2e_db, e2e_users[login])


@pytest.fixture
def admin_api(api):
    """The administrator (Collections Manager) over JSON-2."""
    return api("admin")


@pytest.fixture
def collector_api(api):
    """The demo collector (Collections User) over JSON-2."""
    return api("collector")


@pytest.fixture
def server_today(admin_api):
    """The day the server counts ages from: what the last refresh of the cases used
    (a case's oldest due date plus its days overdue). Never the client's clock, which
    may have crossed midnight since the demo was loaded."""
    [case] = admin_api.call(
        "eh.collections.case",
        "search_read",
        domain=[("state", "=", "open"), ("oldest_due_date", "!=", False)],
        fields=["oldest_due_date", "days_overdue_max"],
        limit=1,
    )
    return date.fromisoformat(case["oldest_due_date"]) + timedelta(days=case["days_overdue_max"])
