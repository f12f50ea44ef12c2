from odoo import fields, models


class CollectionsFollowupOverride(models.TransientModel):
    """A Collections Manager sends held reminders anyway, saying why (the reason is
    logged on each case with what held the customer)."""

    _name = "eh.collections.followup.override"
    _description = "Send a held reminder anyway"

    followup_ids = fields.Many2many("eh.collections.followup", string="Reminders", required=True)
    hold_reason = fields.Char(compute="_compute_hold_reason", string="Held")
    reason = fields.Char(required=True, string="Why send it anyway")

    def _compute_hold_reason(self):
        for wizard in self:
            wizard.hold_reason = "; ".join(filter(None, wizard.followup_ids.mapped("hold_reason")))

    def action_confirm(self):
        self.ensure_one()
        self.followup_ids.action_send_anyway(self.reason)
        return {"type": "ir.actions.act_window_close"}
