from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import email_normalize, formataddr

from odoo.addons.eh_collections_case.tools.holds import ReminderHold

from .collections_reply import reply_method
from .mail_thread import eh_mail_headers
from .res_company import COLLECTIONS_ALIAS


class CollectionsCase(models.Model):
    """Customer replies on the case: reminders go out with the company's collections
    alias as reply-to, and what comes back through Odoo's mail gateway is read into an
    `eh.collections.reply` for a collector to accept or reject.

    A reply threads onto its case by In-Reply-To or References (Odoo's own routing);
    a mail to the alias that threads onto nothing goes to the open case of the sender's
    customer in a company the alias serves, else it waits under Replies to sort."""

    _inherit = "eh.collections.case"

    eh_reply_ids = fields.One2many("eh.collections.reply", "case_id", string="Customer replies")
    eh_reply_to_review_count = fields.Integer(
        compute="_compute_eh_reply_to_review_count", string="Replies to review"
    )

    def _compute_eh_reply_to_review_count(self):
        counts = dict(
            self.env["eh.collections.reply"]._read_group(
                [("case_id", "in", self.ids), ("state", "=", "to_review")], ["case_id"], ["__count"]
            )
        )
        for case in self:
            case.eh_reply_to_review_count = counts.get(case, 0)

    def action_view_eh_replies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "eh_collections_next_action.eh_collections_reply_action"
        )
        action.update(domain=[("case_id", "=", self.id)], context={"search_default_filter_to_review": 1})
        return action

    # -- where the answer goes --------------------------------------------------------

    def _eh_reminder_email_values(self):
        values = super()._eh_reminder_email_values()
        alias = self.company_id._eh_collections_alias()
        if alias:
            name = self.env._("%(company)s Collections", company=self.company_id.name)
            values["reply_to"] = formataddr((name, alias.alias_full_name))
        return values

    def _notify_get_reply_to_batch(self, defaults=None, author_ids=None):
        """Mail posted on a case answers to the company's collections alias too."""
        reply_to = super()._notify_get_reply_to_batch(defaults=defaults, author_ids=author_ids)
        aliases = {company: company._eh_collections_alias() for company in self.company_id}
        for case in self:
            alias = aliases[case.company_id]
            if alias and case.id in reply_to:
                reply_to[case.id] = case._notify_get_reply_to_formatted_email(alias.alias_full_name)
        return reply_to

    # -- what comes back --------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A mail to the collections alias that threads onto no message. Cases come
        from the ledger, never from a mail: it goes to the open case of the sender's
        customer in a company the alias serves, or else to a reply to sort (returned
        as the thread the gateway posts the message on)."""
        companies = self._eh_alias_companies(msg_dict)
        email = email_normalize(msg_dict.get("email_from") or "")
        partners = (
            self.env["res.partner"].sudo().search([("email_normalized", "=", email)]) if email else False
        )
        customers = partners.commercial_partner_id if partners else self.env["res.partner"]
        cases = self.sudo().search(
            [("partner_id", "in", customers.ids), ("company_id", "in", companies.ids), ("state", "=", "open")]
        )
        if len(cases) == 1:
            return cases
        company = cases.company_id[:1] or companies[:1]
        with reply_method():
            return (
                self.env["eh.collections.reply"]
                .sudo()
                .create(
                    {
                        "company_id": company.id,
                        "partner_id": customers[:1].id if len(customers) == 1 else False,
                        "email_from": msg_dict.get("email_from"),
                        "subject": msg_dict.get("subject") or "",
                    }
                )
            )

    @api.model
    def _eh_alias_companies(self, msg_dict):
        """The companies whose collections alias the mail was sent to (by the domain of
        its recipients), else every company."""
        recipients = (msg_dict.get("recipients") or msg_dict.get("to") or "").lower()
        Company = self.env["res.company"].sudo()
        companies = Company.search([("alias_domain_id", "!=", False)], order="sequence, id").filtered(
            lambda company: f"{COLLECTIONS_ALIAS}@{company.alias_domain_id.name}".lower() in recipients
        )
        return companies or Company.search([("active", "=", True)], order="sequence, id")

    def _message_post_after_hook(self, message, msg_vals):
        """A customer's mail the gateway posted on the case becomes a reply to review."""
        result = super()._message_post_after_hook(message, msg_vals)
        if (
            eh_mail_headers() is not None
            and message.message_type == "email"
            and not message.author_id.user_ids.filtered(lambda user: not user.share)
        ):
            for case in self:
                self.env["eh.collections.reply"]._eh_from_message(message, case=case)
        return result

    # -- the one decision: a customer who wrote back is read before being chased ------

    def _collect_reminder_holds(self, holds):
        """A reply to review holds its customer's reminders until a person accepts or
        rejects it, or for the company's days (`eh_collections_reply_hold_days`) from
        the day it came."""
        holds = super()._collect_reminder_holds(holds)
        replies = (
            self.env["eh.collections.reply"]
            .sudo()
            .search(
                [("case_id", "in", self.ids), ("state", "=", "to_review")], order="received desc, id desc"
            )
        )
        for reply in replies:
            case = reply.case_id
            days = case.company_id.eh_collections_reply_hold_days
            if not days or any(hold.code == "reply" for hold in holds[case.id]):
                continue
            received = reply._eh_received_day()
            until = received + timedelta(days=days - 1)
            if until < case._today():
                continue
            holds[case.id].append(
                ReminderHold(
                    "reply",
                    self.env._(
                        "reply of %(date)s waiting to be read",
                        date=case.company_id._eh_format_day(received),
                    ),
                    until,
                )
            )
        return holds

    def _eh_reply_arrived(self, reply):
        """A reply to review weighs in My day at once."""
        self._eh_copilot_sync()
