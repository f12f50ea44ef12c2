"""Take README screenshots of a running Odoo as a logged-in user.

Logs in through /web/session/authenticate, hands the session cookie to a headless
Chromium over the DevTools protocol, opens each page, waits for the web client to
settle and saves a PNG.

Usage: python screenshots.py --url http://127.0.0.1:8069 --db collections_demo \
           --login admin --password admin OUT.png=/odoo/action-... [OUT2.png=PATH ...]
"""

import argparse
import base64
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar

import websocket

SETTLE_S = 4.0


def login(url, db, user, password):
    """Return the session id of an authenticated session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps({"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}})
    request = urllib.request.Request(
        f"{url}/web/session/authenticate", body.encode(), {"Content-Type": "application/json"}
    )
    with opener.open(request, timeout=60) as response:
        answer = json.load(response)
    if answer.get("error"):
        raise SystemExit(f"login failed: {answer['error'].get('message')}")
    return next(cookie.value for cookie in jar if cookie.name == "session_id")


class Browser:
    """A headless Chromium spoken to over its DevTools websocket."""

    def __init__(self, width=1440, height=900):
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            raise SystemExit("chromium is not installed (scripts/system_packages.sh installs it)")
        self.profile = tempfile.mkdtemp(prefix="eh-shots-")
        self.process = subprocess.Popen(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        port = self._devtools_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            page = next(target for target in json.load(response) if target["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.ids = itertools.count(1)
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _devtools_port(self):
        for line in self.process.stderr:
            if "DevTools listening on ws://" in line:
                return int(line.split("ws://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        raise SystemExit("chromium did not start")

    def call(self, method, **params):
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def shoot(self, url, path, click=None):
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = self.call("Runtime.evaluate", expression="document.readyState")["result"]["value"]
            busy = self.call(
                "Runtime.evaluate",
                expression="!!document.querySelector('.o_loading_indicator, .o_blockUI')",
            )["result"]["value"]
            if state == "complete" and not busy:
                break
            time.sleep(0.5)
        time.sleep(SETTLE_S)
        if click:  # a notebook tab, say: the page shows its first one
            script = f"(el => el ? (el.click(), true) : false)(document.querySelector({json.dumps(click)}))"
            found = self.call("Runtime.evaluate", expression=script)["result"]["value"]
            if not found:
                raise SystemExit(f"{click!r} is not on {url}")
            time.sleep(SETTLE_S / 2)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument(
        "--size", default="1440x900", help="window size, WIDTHxHEIGHT (a tall form: 1440x1300)"
    )
    parser.add_argument("--click", help="CSS selector clicked before each shot (a form's tab)")
    parser.add_argument(
        "--companies", help="the companies the web client works in, first the current one (ids, as 2-1)"
    )
    parser.add_argument("shots", nargs="+", metavar="OUT.png=PATH (or a full address)")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))

    session = login(args.url, args.db, args.login, args.password)
    host = args.url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
    browser = Browser(width, height)
    try:
        browser.call("Network.enable")
        browser.call("Network.setCookie", name="session_id", value=session, domain=host, path="/")
        if args.companies:  # the web client's own cookie for the company switcher
            browser.call("Network.setCookie", name="cids", value=args.companies, domain=host, path="/")
        for shot in args.shots:
            out, path = shot.split("=", 1)
            # A full address is shot as it is (the demo's mail catcher page).
            browser.shoot(path if path.startswith("http") else args.url + path, out, args.click)
            print(f"saved {out}")
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
