import json
import logging

from odoo import http
from odoo.http import request

from ..tools import statuses

_logger = logging.getLogger(__name__)


class WhatsappWebhook(http.Controller):
    """Meta's webhook: the subscription check (GET, the company's verify token) and
    the message statuses (POST, signed with the app secret). An unsigned or wrongly
    signed call is refused before its body is read as JSON."""

    @http.route(
        "/eh_collections/whatsapp/webhook",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def webhook(self, **params):
        if request.httprequest.method == "GET":
            return self._verify(params)
        body = request.httprequest.get_data()
        companies = (
            request.env["res.company"]
            .sudo()
            ._eh_whatsapp_signed_by(body, request.httprequest.headers.get("X-Hub-Signature-256", ""))
        )
        if not companies:
            _logger.warning("Collections: a WhatsApp webhook with a bad signature was refused.")
            return request.make_response("Bad signature", status=403)
        try:
            payload = json.loads(body)
        except ValueError:
            return request.make_response("Not JSON", status=400)
        request.env["eh.collections.whatsapp.message"].sudo()._receive_statuses(statuses(payload), companies)
        return request.make_response("OK")

    def _verify(self, params):
        token, challenge = params.get("hub.verify_token"), params.get("hub.challenge", "")
        if params.get("hub.mode") == "subscribe" and request.env[
            "res.company"
        ]._eh_whatsapp_verify_token_known(token):
            return request.make_response(challenge)
        return request.make_response("Unknown verify token", status=403)
