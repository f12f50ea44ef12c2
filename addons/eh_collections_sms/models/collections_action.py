from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.eh_collections_case.tools.case_method import in_case_method

# Odoo's SMS tracker (`mail.notification.notification_status`) as a log row's status:
# "pending" is with the provider, "sent" is delivered.
DELIVERY_STATUS = {
    "ready": "queued",
    "process": "queued",
    "pending": "sent",
    "sent": "delivered",
    "bounce": "failed",
    "exception": "failed",
    "canceled": "failed",
}


class CollectionsAction(models.Model):
    """An SMS reminder's log row keeps the chatter message the SMS went out with. The
    row itself never changes (the log is append-only): its delivery is read from Odoo's
    SMS tracker, which the provider's delivery reports update."""

    _inherit = "eh.collections.action"

    channel = fields.Selection(selection_add=[("sms", "SMS")], ondelete={"sms": "set null"})
    sms_message_id = fields.Many2one("mail.message", string="SMS sent", readonly=True, index="btree_not_null")
    sms_status = fields.Selection(
        selection="_selection_sms_status",
        string="SMS delivery",
        compute="_compute_sms_status",
        help="As Odoo's SMS tracker has it: ready to send, sent to the provider, delivered, or why it "
        "failed.",
    )
    sms_failure_type = fields.Selection(
        selection="_selection_sms_failure_type", string="SMS failure", compute="_compute_sms_status"
    )
    status = fields.Selection(
        selection_add=[("queued", "Queued"), ("sent", "Sent"), ("delivered", "Delivered")]
    )

    @api.model
    def _selection_sms_status(self):
        return self.env["mail.notification"]._fields["notification_status"]._description_selection(self.env)

    @api.model
    def _selection_sms_failure_type(self):
        return self.env["mail.notification"]._fields["failure_type"]._description_selection(self.env)

    @api.depends("sms_message_id.notification_ids.notification_status")
    def _compute_sms_status(self):
        for action in self:
            notification = action.sms_message_id.sudo().notification_ids.filtered(
                lambda n: n.notification_type == "sms"
            )[:1]
            action.sms_status = notification.notification_status
            action.sms_failure_type = notification.failure_type

    @api.depends("sms_status")
    def _compute_status(self):
        return super()._compute_status()

    def _delivery_status(self):
        return DELIVERY_STATUS.get(self.sms_status) or super()._delivery_status()

    def _check_row(self, vals, case):
        if vals.get("sms_message_id") and not in_case_method():
            raise ValidationError(
                self.env._("The SMS of a row is the one its reminder sent: leave sms_message_id out.")
            )
        return super()._check_row(vals, case)
