from odoo import api, models

from ..tools import language_code


class CollectionsFollowupSend(models.AbstractModel):
    """The WhatsApp channel: the level's approved template, its parameters filled in
    the customer's language, queued as an `eh.collections.whatsapp.message` with the
    batch's log rows. The message leaves with its own cron after the commit: a
    crashed batch queues nothing, and the next run queues it once."""

    _inherit = "eh.collections.followup.send"

    @api.model
    def _channels(self):
        channels = super()._channels()
        before_call = channels.index("call")
        return [*channels[:before_call], "whatsapp", *channels[before_call:]]

    @api.model
    def _send_whatsapp(self, followups, documents):
        rows, queued, instead = {}, [], self.env["eh.collections.followup"]
        for followup in followups:
            case = followup.case_id
            recipient = self._phone_recipient(followup)
            number = recipient.phone and recipient._phone_format(fname="phone")
            why = self._whatsapp_refusal(case, recipient, number)
            if why:
                note, email_instead = self._unreachable(followup, why)
                rows[followup] = [
                    {"action_type": "whatsapp", "channel": "whatsapp", "state": "skipped", "note": note}
                ]
                if email_instead:
                    instead |= followup
                continue
            queued.append((followup, recipient, number))
        messages = (
            self.env["eh.collections.whatsapp.message"]
            .sudo()
            .create(
                [self._whatsapp_values(followup, recipient, number) for followup, recipient, number in queued]
            )
        )
        for (followup, _recipient, _number), message in zip(queued, messages, strict=True):
            rows[followup] = [
                {
                    "action_type": "whatsapp",
                    "channel": "whatsapp",
                    "note": message._summary(),
                    "whatsapp_message_id": message.id,
                    "invoice_ids": self._named_invoices(documents[followup]),
                }
            ]
        if messages:
            self.env.ref("eh_collections_whatsapp.ir_cron_send_whatsapp")._trigger()
        return self._send_email_instead(instead, documents, rows)

    @api.model
    def _whatsapp_refusal(self, case, recipient, number):
        """Why no WhatsApp may go to `recipient` for `case`, or nothing."""
        if not case.company_id._eh_whatsapp_ready():
            return self.env._("WhatsApp is not set up for %(company)s", company=case.company_id.name)
        if not case.partner_id.eh_whatsapp_opt_in:
            return self.env._(
                "%(customer)s has not opted in to WhatsApp", customer=case.partner_id.display_name
            )
        if not recipient.phone:
            return self.env._("No phone number for %(recipient)s", recipient=recipient.display_name)
        if not number:
            return self.env._(
                "%(number)s of %(recipient)s is not a number WhatsApp can reach",
                number=recipient.phone,
                recipient=recipient.display_name,
            )
        return None

    @api.model
    def _whatsapp_values(self, followup, recipient, number):
        """The message: the template's four parameters (the customer, the totals to
        settle, one per currency, the company, the pay link of the oldest invoice named) in the language
        of whoever reads it."""
        case = followup.case_id
        lang = recipient.lang or case.partner_id.lang or self.env.lang or "en_US"
        pay_link = case._eh_reminder_pay_url() or ""
        return {
            "case_id": case.id,
            "followup_id": followup.id,
            "recipient_id": recipient.id,
            "number": number,
            "template": followup.level_id.whatsapp_template,
            "language": language_code(lang),
            "parameters": [
                case.partner_id.name,
                case.with_context(lang=lang)._eh_amounts_to_settle_words(),
                case.company_id.name,
                pay_link,
            ],
        }
