"""Set up an outside agent's user and give it an API key, for Odoo 19's JSON-2.

Creates (once) the user LOGIN in the Collections User group of the main company, then
generates an API key that expires after DAYS days, and prints it: the only time it
is shown. The agent then calls `POST /json/2/eh.collections.case/<method>` with
`Authorization: bearer <key>` and acts with that user's rights and companies.

Usage: python scripts/agent_key.py -c .run/odoo.conf -d collections_demo \
           [--login collections_agent] [--days 90]
"""

import argparse
import sys
from datetime import datetime, timedelta


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--config", "-c")
    parser.add_argument("--login", default="collections_agent")
    parser.add_argument(
        "--days", type=int, default=90, help="the key's lifetime (Odoo refuses keys in the past)"
    )
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days is at least 1")

    from odoo import SUPERUSER_ID, Command, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config] if args.config else [], setup_logging=False)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Users = env["res.users"].with_context(active_test=False)
        user = Users.search([("login", "=", args.login)])
        if not user:
            user = Users.create(
                {
                    "name": "Collections agent",
                    "login": args.login,
                    "group_ids": [Command.set([env.ref("eh_collections_case.group_collections_user").id])],
                }
            )
        expires = datetime.now() + timedelta(days=args.days)
        key = env["res.users.apikeys"].with_user(user).sudo()._generate(None, "Collections agent", expires)
    print(key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
