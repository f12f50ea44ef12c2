from odoo import api, models


class CollectionsFollowupSend(models.AbstractModel):
    """The SMS channel: the level's SMS template, rendered in the customer's language,
    posted on the case with Odoo's `_message_sms` and queued (`put_in_queue`), so the
    SMS leaves with Odoo's SMS queue after the batch commits, with its log row: a
    crashed batch sends nothing and the next run sends it once."""

    _inherit = "eh.collections.followup.send"

    @api.model
    def _channels(self):
        channels = super()._channels()
        after_email = channels.index("email") + 1
        return [*channels[:after_email], "sms", *channels[after_email:]]

    @api.model
    def _send_sms(self, followups, documents):
        rows, instead = {}, self.env["eh.collections.followup"]
        numbers = {}
        for followup in followups:
            recipient = self._phone_recipient(followup)
            numbers[followup] = recipient, recipient.phone and recipient._phone_format(fname="phone")
        bodies = {}
        for template, batch in followups.grouped(lambda f: f.level_id.sms_template_id).items():
            cases = batch.filtered(lambda f: numbers[f][1]).case_id
            if cases:
                bodies.update(template._render_field("body", cases.ids, compute_lang=True))
        for followup in followups:
            case = followup.case_id
            recipient, number = numbers[followup]
            if not number:
                note, email_instead = self._unreachable(followup, self._sms_unreachable(recipient))
                rows[followup] = [{"action_type": "sms", "channel": "sms", "state": "skipped", "note": note}]
                if email_instead:
                    instead |= followup
                continue
            body = bodies[case.id]
            message = case._message_sms(
                body, partner_ids=recipient.ids, sms_pid_to_number={recipient.id: number}, put_in_queue=True
            )
            rows[followup] = [
                {
                    "action_type": "sms",
                    "channel": "sms",
                    "note": body,
                    "sms_message_id": message.id,
                    "invoice_ids": self._named_invoices(documents[followup]),
                }
            ]
        return self._send_email_instead(instead, documents, rows)

    @api.model
    def _sms_unreachable(self, recipient):
        """Why an SMS cannot reach `recipient`."""
        if recipient.phone:
            return self.env._(
                "%(number)s of %(recipient)s is not a number an SMS can reach",
                number=recipient.phone,
                recipient=recipient.display_name,
            )
        return self.env._("No phone number for %(recipient)s", recipient=recipient.display_name)
