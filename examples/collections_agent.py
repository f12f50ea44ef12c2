"""An outside agent for the collections suite, over Odoo 19's JSON-2 API.

It reads the worklist of the user its API key belongs to, and proposes the next step
for the top cases: each proposal waits in Odoo for a person (a reminder in To
approve, a call or review activity, or a note); nothing is sent by the agent.

A real agent would decide with its own model; this one takes the suite's own next
action and says so. Only `requests` is needed.

Usage:
    python examples/collections_agent.py --url http://127.0.0.1:8069 --db collections_demo \
        --key "$COLLECTIONS_API_KEY" [--top 5] [--dry-run]
"""

import argparse
import os
import sys

import requests


class CollectionsApi:
    """The suite's agent API: one POST per call, named arguments, a bearer key."""

    def __init__(self, url, db, key, timeout=60):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"bearer {key}", "X-Odoo-Database": db})

    def call(self, method, **arguments):
        response = self.session.post(
            f"{self.url}/json/2/eh.collections.case/{method}", json=arguments, timeout=self.timeout
        )
        if response.status_code != 200:
            error = (
                response.json()
                if response.headers.get("Content-Type", "").startswith("application/json")
                else {}
            )
            raise RuntimeError(
                f"{method}: HTTP {response.status_code}: {error.get('message', response.text[:200])}"
            )
        return response.json()

    def worklist(self, limit=50, offset=0):
        return self.call("api_worklist", limit=limit, offset=offset)

    def propose(self, case_id, action, rationale, subject=None, body=None):
        return self.call(
            "api_propose", case_id=case_id, action=action, rationale=rationale, subject=subject, body=body
        )


def run(api, top, dry_run=False, out=sys.stdout):
    """Propose the next step for the `top` first cases; returns what was filed."""
    filed = []
    for item in api.worklist(limit=top):
        action = item["next_action"]["action"]
        reason = (item["next_action"]["rationale"] or "").splitlines()[0]
        rationale = f"The suite's ladder suggests it: {reason}"
        owed = f"{item['total_overdue']:,.2f} {item['currency']}"
        line = f"{item['customer']}: {owed}, {item['days_overdue']} days -> {action}"
        if dry_run:
            print(f"{line} (dry run)", file=out)
            continue
        result = api.propose(item["id"], action, rationale)
        filed.append({"case_id": item["id"], "action": action, **result})
        print(f"{line}: filed {result['kind']} {result['id']}", file=out)
    return filed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--key", default=os.environ.get("COLLECTIONS_API_KEY"), help="or COLLECTIONS_API_KEY")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("an API key is needed: --key or COLLECTIONS_API_KEY")
    try:
        run(CollectionsApi(args.url, args.db, args.key), args.top, args.dry_run)
    except (RuntimeError, requests.RequestException) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
