from odoo import fields, models
from odoo.exceptions import ValidationError


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
        case = self.case_id
        if self.mode == "pause":
            if self.pause_until and self.pause_until <= case._today():
                raise ValidationError(self.env._("Pause until a date after today, or leave the date empty."))
            case._set_hold(paused=True, pause_until=self.pause_until, pause_reason=self.reason)
            note = self.reason + (
                self.env._(" (until %(date)s)", date=self.pause_until) if self.pause_until else ""
            )
            case._log_action([{"action_type": "pause", "note": note}])
        else:
            case._set_hold(disputed=True, dispute_reason=self.reason)
            case._log_action([{"action_type": "dispute", "note": self.reason}])
            case._move_to_stage("disputed")
        return {"type": "ir.actions.act_window_close"}
