"""Run by `odoo-bin shell` on the end-to-end database before the server starts: the
users the API tests act as, and a bearer API key for each (JSON-2 takes no password).

Prints one JSON line: {login: {"password": ..., "key": ..., "uid": ...}}.
"""

import json
from datetime import datetime, timedelta

from odoo import Command

COLLECTORS = [f"e2e_collector_{n}" for n in range(1, 7)]


def ensure_user(env, login, groups, companies):
    user = env["res.users"].with_context(active_test=False).search([("login", "=", login)])
    if not user:
        user = env["res.users"].create(
            {
                "name": login.replace("_", " ").title(),
                "login": login,
                "password": login,
                "company_id": companies[0].id,
                "company_ids": [Command.set(companies.ids)],
                "group_ids": [Command.set([env.ref(xmlid).id for xmlid in groups])],
            }
        )
    return user


def main(env):
    main_company = env.ref("base.main_company")
    europe = env["res.company"].search([("name", "=", "EH Collections Europe")])
    collector_groups = ["base.group_user", "eh_collections_case.group_collections_user"]
    users = {
        "admin": env.ref("base.user_admin"),
        "collector": env["res.users"].search([("login", "=", "collector")]),
        "e2e_europe": ensure_user(env, "e2e_europe", collector_groups, europe),
        "e2e_employee": ensure_user(env, "e2e_employee", ["base.group_user"], main_company),
    }
    for login in COLLECTORS:
        users[login] = ensure_user(env, login, collector_groups, main_company)
    passwords = {"admin": "admin", "collector": "collector"}
    result = {}
    for login, user in users.items():
        key = env["res.users.apikeys"].with_user(user).sudo()._generate(None, "e2e", None)
        result[login] = {"password": passwords.get(login, login), "key": key, "uid": user.id}
    # The keys an API must turn away: one expired yesterday, one revoked by its user.
    collector = users["collector"]
    Keys = env["res.users.apikeys"].with_user(collector).sudo()
    expired = Keys._generate(None, "e2e expired", datetime.now() - timedelta(days=1))
    revoked = Keys._generate(None, "e2e revoked", None)
    Keys.search([("user_id", "=", collector.id), ("name", "=", "e2e revoked")])._remove()
    result["collector_expired"] = dict(result["collector"], key=expired)
    result["collector_revoked"] = dict(result["collector"], key=revoked)
    env.cr.commit()
    print("E2E_USERS " + json.dumps(result))


main(env)  # noqa: F821 (the shell's environment)
