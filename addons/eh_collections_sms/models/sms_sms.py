from datetime import timedelta

from odoo import models

from odoo.addons.eh_collections_case.tools.holds import hold_sentence

# A manager's *Send anyway* lets the SMS its reminder queued go: the override is found
# as one decided on the case at most this long before the SMS was queued.
OVERRIDE_WINDOW = timedelta(hours=1)


class SmsSms(models.Model):
    """A reminder's SMS asks the case's one decision again when Odoo's SMS queue sends
    it: a customer held since it was queued (a promise logged, a reply come in) gets
    nothing, and the SMS is cancelled with a row in the case's history."""

    _inherit = "sms.sms"

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        held = self._eh_collections_held()
        to_send = self - held
        if not to_send:
            return None
        return super(SmsSms, to_send)._send(
            unlink_failed=unlink_failed, unlink_sent=unlink_sent, raise_exception=raise_exception
        )

    def _eh_collections_held(self):
        """Cancel, and return, the reminders' SMS whose customer may not be reminded now."""
        reminders = self.filtered(lambda sms: sms.mail_message_id.model == "eh.collections.case")
        if not reminders:
            return self.browse()
        Case = self.env["eh.collections.case"].sudo()
        cases = Case.browse(set(reminders.mail_message_id.mapped("res_id"))).exists()
        holds = cases._reminder_holds_by_case()
        Followup = self.env["eh.collections.followup"].sudo()
        held = self.browse()
        for sms in reminders:
            case = Case.browse(sms.mail_message_id.res_id)
            if not holds.get(case.id):
                continue
            overridden = Followup.search_count(
                [
                    ("case_id", "=", case.id),
                    ("override_reason", "!=", False),
                    ("decided_at", "<=", sms.create_date),
                    ("decided_at", ">=", sms.create_date - OVERRIDE_WINDOW),
                ],
                limit=1,
            )
            if overridden:
                continue
            why = hold_sentence(holds[case.id])
            case._log_action(
                [
                    {
                        "action_type": "follow_up",
                        "state": "skipped",
                        "note": self.env._(
                            "SMS to %(number)s not sent: held (%(why)s).", number=sms.number, why=why
                        ),
                    }
                ]
            )
            held |= sms
        held.action_set_canceled()
        return held
