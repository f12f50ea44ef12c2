from odoo import api, models

# The headers a reply reader needs and Odoo does not keep on the message: they say an
# answer was sent by a machine (RFC 3834 and the common vendor headers).
AUTO_REPLY_HEADERS = ("Auto-Submitted", "X-Autoreply", "X-Autorespond", "X-Autoresponder", "Precedence")


def eh_mail_headers(env):
    """The auto-reply headers of the message the gateway is routing, or None when the
    message did not come through the gateway."""
    return env.context.get("eh_mail_headers")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """Carry the auto-reply headers of an incoming mail to the thread that takes it."""
        headers = {name: str(message[name]) for name in AUTO_REPLY_HEADERS if message[name] is not None}
        return super(MailThread, self.with_context(eh_mail_headers=headers))._message_route_process(
            message, message_dict, routes
        )
