from datetime import timedelta

from odoo import api, fields, models

# A burst: more renew requests than this from one address within the window.
BURST_REQUESTS = 5
BURST_WINDOW = timedelta(minutes=10)
# A fresh link goes at most once in this time per invoice.
FRESH_LINK_EVERY = timedelta(days=1)


class CollectionsPayLinkRequest(models.Model):
    """Every *Send me a fresh link* a pay link page received: the stored limit of one
    fresh link a day per invoice (whatever language its mail went in), and the
    record that slows down a burst from one address. Written by the public page
    only; read by system administrators."""

    _name = "eh.collections.pay.link.request"
    _description = "Pay link renewal request"
    _order = "id desc"

    move_id = fields.Many2one("account.move", string="Invoice", index=True, ondelete="cascade", readonly=True)
    remote_addr = fields.Char(string="From address", index=True, readonly=True)
    sent = fields.Boolean(string="Fresh link sent", readonly=True)

    @api.model
    def _burst(self, remote_addr):
        """Whether `remote_addr` asked too often lately (any link, forged ones too)."""
        since = fields.Datetime.now() - BURST_WINDOW
        return (
            self.sudo().search_count([("remote_addr", "=", remote_addr), ("create_date", ">", since)])
            >= BURST_REQUESTS
        )

    @api.model
    def _sent_lately(self, move):
        since = fields.Datetime.now() - FRESH_LINK_EVERY
        return bool(
            self.sudo().search_count(
                [("move_id", "=", move.id), ("sent", "=", True), ("create_date", ">", since)], limit=1
            )
        )
