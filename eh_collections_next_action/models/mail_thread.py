from contextvars import ContextVar

from odoo import api, models

# The headers a reply reader needs and Odoo does not keep on the message: they say an
# answer was sent by a machine (RFC 3834 and the common vendor headers).
AUTO_REPLY_HEADERS = ("Auto-Submitted", "X-Autoreply", "X-Autorespond", "X-Autoresponder", "Precedence")

# Set by the mail gateway while it routes a message: a ContextVar, not a key of Odoo's
# context, so no JSON-2 call can pass a message_post off as mail the gateway received.
_gateway_headers = ContextVar("eh_collections_gateway_headers", default=None)


def eh_mail_headers():
    """The auto-reply headers of the message the gateway is routing, or None when the
    message did not come through the gateway."""
    return _gateway_headers.get()


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """Carry the auto-reply headers of an incoming mail to the thread that takes it."""
        headers = {name: str(message[name]) for name in AUTO_REPLY_HEADERS if message[name] is not None}
        token = _gateway_headers.set(headers)
        try:
            return super()._message_route_process(message, message_dict, routes)
        finally:
            _gateway_headers.reset(token)
