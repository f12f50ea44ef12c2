from odoo import fields, models


class CollectionsReplyReject(models.TransientModel):
    """Reject customer replies with the reason a collector gives."""

    _name = "eh.collections.reply.reject"
    _description = "Reject Customer Replies"

    reply_ids = fields.Many2many("eh.collections.reply", string="Replies", required=True)
    reason = fields.Char(
        required=True, help="Why the reply is not read into the case, e.g. 'Not this customer'."
    )

    def action_reject(self):
        self.reply_ids.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
