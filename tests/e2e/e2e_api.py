"""The two doors an external client takes: JSON-2 (Odoo 19's API of record, a bearer
API key, named arguments), which every end-to-end test takes, and the deprecated
JSON-RPC (`execute_kw` with a password), kept for one test while Odoo answers it.

Both raise `ApiError` with the server's exception name and message.
"""

import itertools

import requests

_ids = itertools.count(1)


class ApiError(Exception):
    def __init__(self, name, message, status=None):
        super().__init__(f"{name}: {message}")
        self.name, self.message, self.status = name, message, status


class Json2Client:
    protocol = "json2"

    def __init__(self, base_url, db, user):
        self.base_url, self.db, self.uid = base_url, db, user["uid"]
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"bearer {user['key']}", "X-Odoo-Database": db, "User-Agent": "eh-e2e"}
        )

    def call(self, model, method, ids=None, **params):
        body = dict(params, ids=ids) if ids is not None else params
        response = self.session.post(f"{self.base_url}/json/2/{model}/{method}", json=body, timeout=60)
        if response.status_code != 200:
            error = response.json()
            raise ApiError(error["name"], error["message"], response.status_code)
        return response.json()


class JsonRpcClient:
    protocol = "jsonrpc"

    def __init__(self, base_url, db, user):
        self.base_url, self.db, self.uid, self.password = base_url, db, user["uid"], user["password"]
        self.session = requests.Session()

    def call(self, model, method, ids=None, **params):
        args = [ids] if ids is not None else []
        if method == "create":  # JSON-RPC's create takes its values positionally
            args = [params.pop("vals_list")]
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(_ids),
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, self.uid, self.password, model, method, args, params],
            },
        }
        reply = self.session.post(f"{self.base_url}/jsonrpc", json=payload, timeout=60).json()
        if "error" in reply:
            data = reply["error"].get("data", {})
            raise ApiError(data.get("name", "error"), data.get("message", reply["error"].get("message")))
        return reply["result"]
