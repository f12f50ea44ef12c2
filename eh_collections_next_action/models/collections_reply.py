from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_amount, html2plaintext

from odoo.addons.eh_account_ai_agent.tools import read_reply_with_llm
from odoo.addons.eh_collections_case.tools.case_method import MethodGuard

from .mail_thread import eh_mail_headers

# The reply's own paths (the gateway, the reading, Accept and Reject): a ContextVar no
# request can carry, not a key of Odoo's context, which any JSON-2 call may set.
reply_method = MethodGuard("eh_collections_reply_method")

KINDS = [
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("payment_sent", "Payment sent"),
    ("out_of_office", "Out of office"),
    ("other", "Other"),
]
# A payment the customer says was sent is expected in the bank this many days later:
# reminders wait that long, as for a promise, and a payment that never comes is a
# broken promise like any other.
PAYMENT_CLEARING_DAYS = 3
# What a collector may change on a reply; the rest moves through its actions.
SORTABLE = {"case_id"}
# The reading a collector may correct while the reply waits to be reviewed.
READING = {
    "kind",
    "promise_date",
    "promise_amount",
    "payment_date",
    "payment_amount",
    "return_date",
    "dispute_reason",
    "invoice_ids",
}


class CollectionsReply(models.Model):
    """A customer's message read into what it says: a promise, a dispute, a payment
    sent, an out-of-office or something else, waiting for a collector to accept or
    reject it. Made by the mail gateway only (`eh.collections.case._eh_route_reply`);
    accepting it goes through the case's own paths, nothing is applied by itself.

    A message that matched no case is kept here without one, under Replies to sort,
    until a collector gives it its case."""

    _name = "eh.collections.reply"
    _inherit = ["mail.thread"]
    _description = "Customer Reply"
    _order = "received desc, id desc"
    _check_company_auto = True
    _rec_name = "subject"

    case_id = fields.Many2one("eh.collections.case", index=True, check_company=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="From", readonly=True, index=True)
    email_from = fields.Char(readonly=True)
    subject = fields.Char(readonly=True)
    received = fields.Datetime(readonly=True, default=fields.Datetime.now)
    message_id = fields.Many2one("mail.message", readonly=True, ondelete="set null")
    text = fields.Text(string="What the customer wrote", readonly=True)
    kind = fields.Selection(KINDS, required=True, default="other", tracking=True)
    promise_date = fields.Date(tracking=True)
    promise_amount = fields.Monetary(
        tracking=True,
        help="Empty when the customer gave a date only or promised the whole balance: accepting it "
        "promises what is owed then.",
    )
    payment_date = fields.Date(string="Paid on", tracking=True)
    payment_amount = fields.Monetary(string="Amount paid", tracking=True)
    return_date = fields.Date(string="Back on", tracking=True)
    dispute_reason = fields.Char(tracking=True)
    invoice_ids = fields.Many2many("account.move", string="Invoices named", check_company=True)
    known_invoice_ids = fields.Many2many(
        "account.move", compute="_compute_known_invoice_ids", string="Invoices it may name"
    )
    source = fields.Selection(
        [("rules", "Rules"), ("llm", "LLM")], required=True, default="rules", readonly=True
    )
    evidence = fields.Char(string="Read from", readonly=True, help="The sentence that decided the kind.")
    state = fields.Selection(
        [("to_review", "To review"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        required=True,
        default="to_review",
        readonly=True,
        index=True,
        tracking=True,
    )
    reject_reason = fields.Char(readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_at = fields.Datetime(readonly=True)
    summary = fields.Char(compute="_compute_summary", string="What it says")

    @api.depends("case_id", "partner_id")
    def _compute_known_invoice_ids(self):
        for reply in self:
            reply.known_invoice_ids = reply._eh_known_invoices()

    @api.depends("kind", "promise_date", "promise_amount", "payment_date", "payment_amount", "return_date")
    def _compute_summary(self):
        for reply in self:
            reply.summary = reply._summary()

    def _summary(self):
        self.ensure_one()

        def amount(value):
            return format_amount(self.env, value, self.currency_id)

        def day(value):
            return self.company_id._eh_format_day(value)

        if self.kind == "promise":
            when = day(self.promise_date) if self.promise_date else self.env._("no date given")
            if self.promise_amount:
                return self.env._(
                    "Promises %(amount)s on %(date)s", amount=amount(self.promise_amount), date=when
                )
            return self.env._("Promises to pay on %(date)s", date=when)
        if self.kind == "dispute":
            return self.env._(
                "Disputes: %(reason)s", reason=self.dispute_reason or self.env._("no reason read")
            )
        if self.kind == "payment_sent":
            parts = [amount(self.payment_amount)] if self.payment_amount else []
            if self.payment_date:
                parts.append(self.env._("on %(date)s", date=day(self.payment_date)))
            return (
                self.env._("Says paid %(what)s", what=" ".join(parts))
                if parts
                else self.env._("Says it paid")
            )
        if self.kind == "out_of_office":
            return (
                self.env._("Away, back on %(date)s", date=day(self.return_date))
                if self.return_date
                else self.env._("Away")
            )
        return self.env._("Nothing to act on")

    # -- the one way in: the mail gateway ---------------------------------------------

    @api.model
    def _eh_from_message(self, message, case=None, reply=None):
        """Read `message` (a customer's mail the gateway posted) into a reply on `case`,
        or into `reply` (one waiting to be sorted). The rules read it; the company's
        LLM, when it has one, reads it too, checked and audited."""
        Reply = self.sudo()
        company = (case or reply).company_id
        partner = message.author_id.commercial_partner_id
        values = {
            "company_id": company.id,
            "case_id": case.id if case else False,
            "partner_id": partner.id or False,
            "email_from": message.email_from,
            "subject": message.subject or message.record_name or "",
            "received": message.date,
            "message_id": message.id,
        }
        with reply_method():
            if reply:
                reply = reply.sudo()
                reply.write(values)
            else:
                reply = Reply.create(values)
        reply._eh_read(str(message.body or ""), eh_mail_headers())
        return reply

    def _message_post_after_hook(self, message, msg_vals):
        """A mail to the alias that found no case is read here, waiting to be sorted."""
        result = super()._message_post_after_hook(message, msg_vals)
        if eh_mail_headers() is not None and message.message_type == "email":
            for reply in self.filtered(lambda r: not r.message_id):
                self._eh_from_message(message, reply=reply)
        return result

    def _eh_known_invoices(self):
        """The invoice numbers a reply may name: the customer's open invoices."""
        self.ensure_one()
        if self.case_id:
            return self.case_id.invoice_ids
        if not self.partner_id:
            return self.env["account.move"]
        AML = self.env["account.move.line"].sudo()
        lines = AML.search(
            AML._eh_open_receivable_domain()
            & Domain("partner_id", "child_of", self.partner_id.id)
            & Domain("company_id", "=", self.company_id.id)
        )
        return lines.move_id.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))

    def _eh_received_day(self):
        """The day the message came, in the company's timezone."""
        tz = pytz.timezone(self.company_id.partner_id.tz or self.env.user.tz or "UTC")
        return pytz.utc.localize(self.received).astimezone(tz).date()

    def _eh_read(self, body_html, headers):
        """Read the message's text into the reply's fields."""
        self.ensure_one()
        invoices = self._eh_known_invoices()
        company = self.company_id
        reading, trace = read_reply_with_llm(
            body_html,
            self._eh_received_day(),
            company._eh_ai_provider(),
            subject=self.subject or "",
            headers=headers,
            html=True,
            known_invoices=invoices.mapped("name"),
        )
        if trace:
            self.env["eh.ai.agent"]._audit(company, trace, self, reading.kind)
        by_name = {invoice.name: invoice for invoice in invoices}
        values = {
            "text": html2plaintext(body_html)[:5000],
            "kind": reading.kind,
            "promise_date": reading.promise_date,
            "promise_amount": reading.promise_amount,
            "payment_date": reading.payment_date,
            "payment_amount": reading.payment_amount,
            "return_date": reading.return_date,
            "dispute_reason": reading.dispute_reason,
            "invoice_ids": [(6, 0, [by_name[name].id for name in reading.invoices if name in by_name])],
            "source": reading.source,
            "evidence": (reading.evidence or "")[:250],
        }
        with reply_method():
            self.write(values)
        if self.case_id:
            self.case_id._eh_reply_arrived(self)

    # -- the collector's two buttons --------------------------------------------------

    def _check_to_review(self):
        for reply in self:
            if reply.state != "to_review":
                raise UserError(self.env._("This reply was already %(state)s.", state=reply.state))
            if not reply.case_id:
                raise UserError(
                    self.env._("Give this reply its case first: a reply to sort is accepted on a case.")
                )
            if reply.case_id.state != "open":
                raise UserError(self.env._("The case of this reply is resolved: reject the reply instead."))

    def action_accept(self):
        """Apply what the customer said through the case's own paths: a promise is
        logged as a promise, a dispute disputes the invoices it names (else the case),
        a payment sent waits for the money as a promise would, an out-of-office
        pauses the reminders until the customer is back."""
        self._check_to_review()
        for reply in self:
            done = getattr(reply, f"_eh_accept_{reply.kind}")()
            with reply_method():
                reply.write(
                    {"state": "accepted", "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
                )
            reply._eh_say(self.env._("Accepted by %(user)s: %(done)s", user=self.env.user.name, done=done))
        self.case_id._on_case_changed()  # read: no longer first on My day, nor holding reminders
        return True

    def _eh_say(self, sentence):
        """What a decision did to the case, on the reply's chatter and the case's."""
        self.ensure_one()
        body = Markup("<p>%s</p>") % sentence
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        if self.case_id:
            self.case_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_reject(self, reason):
        """Close the reply without applying it, saying why."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the reply is rejected: a rejection needs a reason."))
        for reply in self:
            if reply.state != "to_review":
                raise UserError(self.env._("This reply was already %(state)s.", state=reply.state))
        with reply_method():
            self.write(
                {
                    "state": "rejected",
                    "reject_reason": reason,
                    "decided_by_id": self.env.uid,
                    "decided_at": fields.Datetime.now(),
                }
            )
        for reply in self:
            reply._eh_say(
                self.env._(
                    "Rejected by %(user)s (%(reason)s): nothing changed on the case, and this reply no "
                    "longer holds its reminders.",
                    user=self.env.user.name,
                    reason=reason,
                )
            )
        self.case_id._on_case_changed()
        return True

    def action_open_reject(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "eh.collections.reply.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_reply_ids": self.ids},
        }

    def _eh_note(self):
        return self.env._("From the customer's reply: %(summary)s", summary=self.summary)

    def _eh_accept_promise(self):
        case = self.case_id
        if not self.promise_date:
            raise UserError(
                self.env._("The reply gives no date: log the promise by hand with the date agreed.")
            )
        if self.promise_date < case._today():
            raise UserError(
                self.env._("The promised date has passed: log the promise by hand with a new date.")
            )
        amount = self.promise_amount or case.total_overdue_amount
        case._log_action(
            [
                {
                    "action_type": "promise",
                    "contact_made": True,
                    "promise_amount": amount,
                    "promise_date": self.promise_date,
                    "note": self._eh_note(),
                }
            ]
        )
        return self.env._(
            "a promise of %(amount)s by %(date)s was logged on the case; reminders wait until then.",
            amount=format_amount(self.env, amount, case.currency_id),
            date=case.company_id._eh_format_day(self.promise_date),
        )

    def _eh_accept_dispute(self):
        reason = self.dispute_reason or self.summary
        invoices = self.invoice_ids.filtered(lambda move: move.state == "posted" and not move.eh_disputed)
        if invoices:
            # The invoice's own Disputed flag, as a collector would tick it: logged on the
            # case, which takes its figures from the ledger again.
            invoices.sudo().write({"eh_disputed": True, "eh_dispute_reason": reason[:200]})
            return self.env._(
                "%(invoices)s disputed; reminders leave them out.",
                invoices=", ".join(invoices.mapped("name")),
            )
        self.case_id.action_dispute(reason)
        return self.env._("the case is in dispute; reminders stop until it is resolved.")

    def _eh_accept_payment_sent(self):
        case = self.case_id
        expected = max(
            case._today(), (self.payment_date or case._today()) + timedelta(days=PAYMENT_CLEARING_DAYS)
        )
        case._log_action(
            [
                {
                    "action_type": "promise",
                    "contact_made": True,
                    "promise_amount": self.payment_amount or case.total_overdue_amount,
                    "promise_date": expected,
                    "note": self._eh_note(),
                }
            ]
        )
        return self.env._(
            "the payment is expected by %(date)s and logged as a promise; reminders wait for it.",
            date=case.company_id._eh_format_day(expected),
        )

    def _eh_accept_out_of_office(self):
        case = self.case_id
        if self.return_date and self.return_date - timedelta(days=1) > case._today() and not case.paused:
            case.action_pause(self._eh_note(), self.return_date - timedelta(days=1))
            return self.env._(
                "reminders are paused until %(date)s.",
                date=case.company_id._eh_format_day(self.return_date - timedelta(days=1)),
            )
        return self.env._("nothing changed on the case (no return date ahead, or already paused).")

    def _eh_accept_other(self):
        return self.env._("nothing changed on the case.")

    # -- one path per change ----------------------------------------------------------

    def write(self, vals):
        if not reply_method.active():
            if set(vals) <= READING:
                self._eh_check_reading(vals)
                result = super().write(vals)
                self._eh_check_named_invoices()
                return result
            refused = set(vals) - SORTABLE
            if refused:
                raise UserError(
                    self.env._(
                        "A reply changes through its buttons: action_accept() or action_reject(reason) "
                        "(%(fields)s cannot be written).",
                        fields=", ".join(sorted(refused)),
                    )
                )
            for reply in self:
                if reply.case_id or reply.state != "to_review":
                    raise UserError(self.env._("Only a reply to sort, still to review, gets a case."))
        result = super().write(vals)
        if "case_id" in vals and not reply_method.active():
            for reply in self:
                if reply.case_id.partner_id and not reply.partner_id:
                    with reply_method():
                        reply.partner_id = reply.case_id.partner_id
                reply._eh_read(str(reply.message_id.body or ""), {})
        return result

    def _eh_check_reading(self, vals):
        """A collector corrects what the reply was read to say, before deciding: only
        while it waits to be reviewed."""
        for reply in self:
            if reply.state != "to_review":
                raise UserError(
                    self.env._("This reply was already %(state)s: its reading stays.", state=reply.state)
                )
        if any((vals.get(name) or 0) < 0 for name in ("promise_amount", "payment_amount")):
            raise ValidationError(self.env._("An amount read from a reply cannot be negative."))

    def _eh_check_named_invoices(self):
        for reply in self:
            if reply.invoice_ids - reply._eh_known_invoices():
                raise ValidationError(self.env._("A reply names only open invoices of its customer."))

    @api.model_create_multi
    def create(self, vals_list):
        if not reply_method.active():
            raise UserError(
                self.env._("Replies come from the mail gateway: send the customer's email to the case.")
            )
        return super().create(vals_list)

    @api.constrains("case_id", "company_id")
    def _check_case_company(self):
        for reply in self:
            if reply.case_id and reply.case_id.company_id != reply.company_id:
                raise ValidationError(self.env._("A reply stays in the company it was sent to."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Replies are kept: reject one instead."))
