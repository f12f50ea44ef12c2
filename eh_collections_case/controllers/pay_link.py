from odoo import fields, http
from odoo.http import request


class CollectionsPayLink(http.Controller):
    """The signed pay link of reminders: Odoo's own invoice page to pay it, or a page
    that says why not. Only a correctly signed link whose date has passed offers a
    fresh link, mailed to the invoicing contact; an invalid link gets one page,
    whether its invoice exists or not, and sends nothing. A burst of requests from
    one address is answered 429 and sends nothing either."""

    @http.route(
        "/collections/pay/<int:move_id>/<string:expires>/<string:signature>",
        type="http",
        auth="public",
        website=True,
    )
    def pay(self, move_id, expires, signature, **kwargs):
        outcome, move = request.env["account.move"]._eh_check_pay_link(move_id, expires, signature)
        if outcome == "pay":
            return request.redirect(move._get_share_url(redirect=False), local=True)
        return self._page(outcome, move, expires, signature, sent=False)

    @http.route(
        "/collections/pay/<int:move_id>/<string:expires>/<string:signature>/renew",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def renew(self, move_id, expires, signature, **kwargs):
        Request = request.env["eh.collections.pay.link.request"].sudo()
        remote_addr = request.httprequest.remote_addr
        if Request._burst(remote_addr):
            return self._page("busy", request.env["account.move"], expires, signature, sent=False, status=429)
        outcome, move = request.env["account.move"]._eh_check_pay_link(move_id, expires, signature)
        sent = outcome == "expired" and move._eh_send_fresh_pay_link(remote_addr)
        if not sent:  # counted for the burst, whatever it asked
            Request.create({"move_id": move.id, "remote_addr": remote_addr})
        return self._page(outcome, move, expires, signature, sent=sent or "done")

    def _page(self, outcome, move, expires, signature, sent, status=200):
        values = {"outcome": outcome, "move": move, "expires": expires, "signature": signature, "sent": sent}
        # The expiry in the customer's format; it is only read once the signature holds.
        values["expired_on"] = fields.Date.to_date(expires) if outcome == "expired" else None
        return request.render("eh_collections_case.pay_link_page", values, status=status)
