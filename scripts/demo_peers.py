"""The demo's stand-ins for the outside world, on 127.0.0.1 only:

- a mail catcher: an SMTP server (aiosmtpd) that keeps every message Odoo sends in a
  maildir, and a page that lists them, with their HTML and their attachments;
- a WhatsApp Business Cloud API stand-in: it takes template messages as Meta does,
  answers with a message id, then reports them delivered and read to the demo
  server's webhook, signed with the demo's app secret.

Started by `make demo` (scripts/demo.sh), stopped by `make stop`.
"""

import argparse
import hashlib
import hmac
import html
import json
import mailbox
import threading
import time
import urllib.request
import uuid
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

# The demo company's WhatsApp settings (scripts/demo_data.py): fiction, loopback only.
DEMO_APP_SECRET = "demo-app-secret"


def read_message(path):
    with open(path, "rb") as raw:
        return BytesParser(policy=policy.default).parse(raw)


class Peers:
    def __init__(self, mail_dir, odoo_url, whatsapp_log):
        mailbox.Maildir(mail_dir, create=True)  # new/, cur/ and tmp/, for the SMTP handler
        self.mail_dir = Path(mail_dir)
        self.odoo_url = odoo_url.rstrip("/")
        self.whatsapp_log = Path(whatsapp_log)

    # -- the mail page -----------------------------------------------------------

    def messages(self):
        """(received, key, message) of every message kept, newest first."""
        paths = [*self.mail_dir.glob("new/*"), *self.mail_dir.glob("cur/*")]
        found = [(path.stat().st_mtime, path.name, read_message(path)) for path in paths]
        return sorted(found, key=lambda item: item[0], reverse=True)

    def index_page(self):
        rows = []
        for _mtime, key, message in self.messages():
            attachments = [part.get_filename() for part in message.iter_attachments()]
            rows.append(
                "<tr><td>{date}</td><td>{to}</td><td><a href='/message/{key}'>{subject}</a></td>"
                "<td>{files}</td></tr>".format(
                    date=html.escape(str(message["Date"] or "")),
                    to=html.escape(str(message["To"] or "")),
                    key=html.escape(key),
                    subject=html.escape(str(message["Subject"] or "(no subject)")),
                    files=", ".join(
                        f"<a href='/message/{html.escape(key)}/{n}'>{html.escape(name or 'file')}</a>"
                        for n, name in enumerate(attachments)
                    ),
                )
            )
        whatsapp = self.whatsapp_log.read_text().splitlines() if self.whatsapp_log.exists() else []
        sent = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in reversed(whatsapp[-50:]))
        return (
            "<html><head><meta charset='utf-8'><title>Demo mail</title><style>"
            "body{font-family:sans-serif;margin:2em} td,th{padding:4px 8px;border-bottom:1px solid #ddd;"
            "text-align:left;vertical-align:top}</style></head><body>"
            f"<h1>Mail the demo sent ({len(rows)})</h1><p>Kept in <code>.run/mail</code> (a maildir).</p>"
            "<table><tr><th>Date</th><th>To</th><th>Subject</th><th>Attachments</th></tr>"
            + "".join(rows)
            + f"</table><h2>WhatsApp messages ({len(whatsapp)})</h2><ul>{sent}</ul></body></html>"
        )

    def message_page(self, key):
        message = read_message(self._path(key))
        body = message.get_body(preferencelist=("html", "plain"))
        content = body.get_content() if body else ""
        if body and body.get_content_type() == "text/plain":
            content = f"<pre>{html.escape(content)}</pre>"
        head = "".join(
            f"<div><b>{name}:</b> {html.escape(str(message[name] or ''))}</div>"
            for name in ("From", "To", "Date", "Subject")
        )
        return f"<html><head><meta charset='utf-8'></head><body>{head}<hr/>{content}</body></html>"

    def attachment(self, key, number):
        part = list(read_message(self._path(key)).iter_attachments())[number]
        return part.get_content_type(), part.get_filename(), part.get_payload(decode=True)

    def _path(self, key):
        for folder in ("new", "cur"):
            path = self.mail_dir / folder / key
            if "/" not in key and not key.startswith(".") and path.is_file():
                return path
        raise KeyError(key)

    # -- the WhatsApp stand-in ---------------------------------------------------

    def take_whatsapp(self, phone_number_id, payload):
        wamid = f"wamid.demo.{uuid.uuid4().hex[:16]}"
        record = {"id": wamid, "to": payload.get("to"), "template": payload.get("template", {}).get("name")}
        with self.whatsapp_log.open("a") as log:
            log.write(json.dumps(record) + "\n")
        thread = threading.Thread(target=self._report, args=(phone_number_id, wamid), daemon=True)
        thread.start()
        return wamid

    def _report(self, phone_number_id, wamid):
        """What Meta does after taking a message: delivered, then read."""
        for delay, status in ((2, "delivered"), (8, "read")):
            time.sleep(delay)
            body = json.dumps(
                {
                    "object": "whatsapp_business_account",
                    "entry": [
                        {
                            "changes": [
                                {
                                    "field": "messages",
                                    "value": {
                                        "metadata": {"phone_number_id": phone_number_id},
                                        "statuses": [{"id": wamid, "status": status}],
                                    },
                                }
                            ]
                        }
                    ],
                }
            ).encode()
            signature = "sha256=" + hmac.new(DEMO_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
            request = urllib.request.Request(
                f"{self.odoo_url}/eh_collections/whatsapp/webhook",
                data=body,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            )
            try:
                urllib.request.urlopen(request, timeout=10).close()
            except OSError as error:
                print(f"webhook for {wamid} failed: {error}", flush=True)


def handler_for(peers):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = [p for p in self.path.split("?")[0].split("/") if p]
            try:
                if not parts:
                    return self._send(200, "text/html; charset=utf-8", peers.index_page().encode())
                if parts[0] == "message" and len(parts) == 2:
                    return self._send(200, "text/html; charset=utf-8", peers.message_page(parts[1]).encode())
                if parts[0] == "message" and len(parts) == 3:
                    kind, name, data = peers.attachment(parts[1], int(parts[2]))
                    return self._send(200, kind, data, {"Content-Disposition": f'inline; filename="{name}"'})
            except (KeyError, IndexError, ValueError):
                pass
            self._send(404, "text/plain", b"Not found")

        def do_POST(self):
            parts = [p for p in self.path.split("/") if p]
            if len(parts) == 3 and parts[2] == "messages":
                payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                wamid = peers.take_whatsapp(parts[1], payload)
                answer = {"messaging_product": "whatsapp", "messages": [{"id": wamid}]}
                return self._send(200, "application/json", json.dumps(answer).encode())
            self._send(404, "application/json", b'{"error": {"message": "unknown path", "code": 100}}')

        def _send(self, status, kind, data, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, default=2525)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--mail-dir", required=True)
    parser.add_argument("--whatsapp-log", required=True)
    parser.add_argument("--odoo-url", default="http://127.0.0.1:8069")
    args = parser.parse_args()
    peers = Peers(args.mail_dir, args.odoo_url, args.whatsapp_log)
    smtp = Controller(Mailbox(args.mail_dir), hostname="127.0.0.1", port=args.smtp_port)
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", args.http_port), handler_for(peers))
    print(
        f"mail catcher smtp://127.0.0.1:{args.smtp_port}, page http://127.0.0.1:{args.http_port}", flush=True
    )
    try:
        http.serve_forever()
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
