"""The agent API over JSON-2, as an outside agent uses it: the example client end to
end, and every refusal with its HTTP status and a JSON error without a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def json2(server_url, db, key, method, **arguments):
    headers = {"X-Odoo-Database": db}
    if key is not None:
        headers["Authorization"] = f"bearer {key}"
    return requests.post(
        f"{server_url}/json/2/eh.collections.case/{method}", json=arguments, headers=headers, timeout=60
    )


def test_the_example_client_reads_the_worklist_and_files_proposals(server_url, e2e_db, e2e_users, admin_api):
    key = e2e_users["e2e_collector_1"]["key"]
    worklist = json2(server_url, e2e_db, key, "api_worklist", limit=3).json()
    assert worklist, "unassigned demo cases are in a new collector's worklist"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "collections_agent.py"),
            "--url",
            server_url,
            "--db",
            e2e_db,
            "--key",
            key,
            "--top",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(worklist) == 3
    for item, line in zip(worklist, lines, strict=True):
        assert (
            line.startswith(f"{item['customer']}: ") and f"-> {item['next_action']['action']}: filed" in line
        )
    uid = e2e_users["e2e_collector_1"]["uid"]
    reminders = admin_api.call(
        "eh.collections.followup",
        "search_read",
        domain=[("create_uid", "=", uid), ("ai_generated", "=", True)],
        fields=["state", "case_id"],
    )
    activities = admin_api.call(
        "mail.activity",
        "search_count",
        domain=[("create_uid", "=", uid), ("res_model", "=", "eh.collections.case")],
    )
    notes = sum(1 for line in lines if "filed note" in line)
    assert len(reminders) + activities + notes == 3
    assert {r["state"] for r in reminders} <= {"to_approve"}, "never sent"


@pytest.mark.parametrize(
    ("login", "status", "name"),
    [
        (None, 401, "werkzeug.exceptions.Unauthorized"),
        ("collector_expired", 401, "werkzeug.exceptions.Unauthorized"),
        ("collector_revoked", 401, "werkzeug.exceptions.Unauthorized"),
        ("e2e_employee", 403, "odoo.exceptions.AccessError"),
    ],
)
def test_keys_and_rights_are_checked(server_url, e2e_db, e2e_users, login, status, name):
    key = e2e_users[login]["key"] if login else None
    response = json2(server_url, e2e_db, key, "api_worklist", limit=5)
    assert response.status_code == status
    error = response.json()
    assert error["name"] == name
    assert "Traceback" not in response.text and "debug" not in error


def test_another_companys_case_and_bad_arguments_get_json_errors(server_url, e2e_db, e2e_users, admin_api):
    [main_case] = admin_api.call(
        "eh.collections.case",
        "search",
        domain=[("state", "=", "open"), ("company_id.name", "!=", "EH Collections Europe")],
        limit=1,
    )
    europe = e2e_users["e2e_europe"]["key"]
    foreign = json2(server_url, e2e_db, europe, "api_case", case_id=main_case)
    assert foreign.status_code == 403
    assert (
        foreign.json()["message"]
        == f"Collections case {main_case} is not one you may read (another company)."
    )
    missing = json2(server_url, e2e_db, europe, "api_case", case_id=99999999)
    assert (missing.status_code, missing.json()["name"]) == (404, "odoo.exceptions.MissingError")
    unknown = json2(
        server_url,
        e2e_db,
        e2e_users["collector"]["key"],
        "api_propose",
        case_id=main_case,
        action="sue_them",
        rationale="x",
    )
    assert unknown.status_code == 422
    assert "'sue_them' is not a next action" in unknown.json()["message"]
    for response in (foreign, missing, unknown):
        assert "Traceback" not in response.text and "debug" not in response.json()
