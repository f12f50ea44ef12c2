from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.eh_collections_case.tools.case_method import in_case_method


class CollectionsAction(models.Model):
    """A WhatsApp reminder's log row keeps the message it queued. The row never
    changes (the log is append-only): the message's delivery is read from the message,
    which the sending cron and Meta's webhook update."""

    _inherit = "eh.collections.action"

    channel = fields.Selection(selection_add=[("whatsapp", "WhatsApp")], ondelete={"whatsapp": "set null"})
    whatsapp_message_id = fields.Many2one(
        "eh.collections.whatsapp.message", string="WhatsApp message", readonly=True, index="btree_not_null"
    )
    whatsapp_state = fields.Selection(related="whatsapp_message_id.state", string="WhatsApp delivery")
    whatsapp_failure = fields.Text(related="whatsapp_message_id.failure_reason", string="WhatsApp failure")
    status = fields.Selection(
        selection_add=[("queued", "Queued"), ("sent", "Sent"), ("delivered", "Delivered"), ("read", "Read")]
    )

    @api.depends("whatsapp_state")
    def _compute_status(self):
        return super()._compute_status()

    def _delivery_status(self):
        # The message's states are status values as they are, but for "sending" (queued).
        state = "queued" if self.whatsapp_state == "sending" else self.whatsapp_state
        return state or super()._delivery_status()

    def _check_row(self, vals, case):
        if vals.get("whatsapp_message_id") and not in_case_method():
            raise ValidationError(
                self.env._(
                    "The WhatsApp message of a row is the one its reminder queued: leave "
                    "whatsapp_message_id out."
                )
            )
        return super()._check_row(vals, case)
