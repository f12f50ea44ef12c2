from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import consteq, format_amount
from odoo.tools.misc import hmac

PAY_LINK_SCOPE = "eh_collections_pay_link"
PAID_STATES = ("paid", "in_payment", "reversed")


class AccountMove(models.Model):
    """The pay link every reminder carries, on every channel: signed with the database
    secret and good for the days the company sets. It opens Odoo's own portal page of
    the invoice, with the amount due and its Pay button; an expired or tampered link
    opens a page that says so; only a correctly signed link whose date has passed may
    ask for a fresh one, sent to the invoicing contact."""

    _inherit = "account.move"

    def _compute_eh_pay_url(self):
        for move in self:
            move.eh_pay_url = move._eh_pay_link() if move.is_sale_document() else False

    def _eh_pay_link(self, expires=None):
        """The signed link to pay this invoice, good until `expires` (by default the
        company's today plus its pay link days)."""
        self.ensure_one()
        company = self.company_id
        expires = expires or company._eh_collections_today() + timedelta(days=company.eh_pay_link_days)
        signature = self._eh_pay_link_signature(expires)
        return f"{self.get_base_url()}/collections/pay/{self.id}/{expires.isoformat()}/{signature}"

    def _eh_pay_link_signature(self, expires):
        self.ensure_one()
        return hmac(self.env(su=True), PAY_LINK_SCOPE, (self.id, expires.isoformat()))

    @api.model
    def _eh_check_pay_link(self, move_id, expires, signature):
        """What a pay link leads to: ("pay", move), ("paid", move), ("expired", move) or
        ("invalid", move or an empty recordset). `expires` is the link's ISO date."""
        move = self.sudo().browse(move_id).exists()
        try:
            day = fields.Date.to_date(expires)
        except ValueError:
            day = None
        # An invalid link learns nothing: not whether the invoice exists, nor its name.
        if not move or not move.is_sale_document() or move.state != "posted":
            return "invalid", self.browse()
        if not day or not consteq(move._eh_pay_link_signature(day), signature or ""):
            return "invalid", self.browse()
        if move.payment_state in PAID_STATES:
            return "paid", move
        if day < move.company_id._eh_collections_today():
            return "expired", move
        return "pay", move

    def _eh_send_fresh_pay_link(self, remote_addr=None):
        """Mail a fresh pay link to the invoice's invoicing contact (never to whoever asked),
        once a day per invoice, and log it on its case. The limit is stored
        (`eh.collections.pay.link.request`); two requests at once for one invoice are
        told apart by a transaction lock, so only one sends."""
        self.ensure_one()
        Request = self.env["eh.collections.pay.link.request"].sudo()
        if not self.env["ir.cron"]._eh_try_claim("eh_collections_case.fresh_pay_link", self.id):
            return False  # another request is sending it right now
        if Request._sent_lately(self):
            return False
        case = self.eh_collections_case_id
        recipient = case.eh_reminder_partner_id if case else self.partner_id
        if not recipient.email:
            return False
        subject = self.env._("Your payment link for %(invoice)s", invoice=self.name)
        # Markup escapes what it is given: the link and the names go in as text.
        body = Markup(
            self.env._(
                "<p>Here is a fresh link to pay %(invoice)s (%(amount)s due): "
                '<a href="%(url)s">Pay now</a>.</p>'
            )
        ) % {
            "invoice": self.name,
            "amount": format_amount(self.env, self.amount_residual, self.currency_id),
            "url": self._eh_pay_link(),
        }
        self.env["mail.mail"].sudo().create(
            {
                "subject": subject,
                "body_html": body,
                "email_from": self.company_id.email_formatted or self.env.user.email_formatted,
                "recipient_ids": [(4, recipient.id)],
                "model": self._name,
                "res_id": self.id,
            }
        )
        Request.create({"move_id": self.id, "remote_addr": remote_addr, "sent": True})
        if case and case.state == "open":
            note = self.env._("Fresh payment link sent for %(invoice)s", invoice=self.name)
            case.sudo()._log_action([{"action_type": "email", "channel": "email", "note": note}])
        return True
