from odoo import fields, models


class CollectionsHold(models.TransientModel):
    """Pause reminders on a case, or put it in dispute, with the reason why."""

    _name = "eh.collections.hold"
    _description = "Pause or dispute a collections case"

    case_id = fields.Many2one("eh.collections.case", required=True, ondelete="cascade")
    mode = fields.Selection([("pause", "Pause"), ("dispute", "Dispute")], required=True, default="pause")
    reason = fields.Char(required=True)
    pause_until = fields.Date(
        help="Reminders resume by themselves after this date. Empty: until resumed by hand."
    )

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "pause":
            self.case_id.action_pause(self.reason, self.pause_until)
        else:
            self.case_id.action_dispute(self.reason)
        return {"type": "ir.actions.act_window_close"}
