from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date


class CollectionsCase(models.Model):
    """Holds: a pause of the reminders, or the whole case in dispute.

    `action_pause`, `action_resume`, `action_dispute` and `action_resolve_dispute` are
    the one path for each (the wizard and external clients call them); each logs its
    row in the history."""

    _inherit = "eh.collections.case"

    paused = fields.Boolean(readonly=True, tracking=True, index=True)
    pause_until = fields.Date(readonly=True)
    pause_reason = fields.Char(readonly=True)
    disputed = fields.Boolean(readonly=True, tracking=True, index=True)
    dispute_reason = fields.Char(readonly=True)

    def _source_of_truth_fields(self):
        pause = self.env._(
            "reminders are paused and resumed with action_pause(reason, pause_until) and action_resume."
        )
        dispute = self.env._(
            "a case is put in dispute with action_dispute(reason) and out of it with action_resolve_dispute."
        )
        return {
            **super()._source_of_truth_fields(),
            **dict.fromkeys(("paused", "pause_until", "pause_reason"), pause),
            **dict.fromkeys(("disputed", "dispute_reason"), dispute),
        }

    def _check_open(self, what):
        if self.filtered(lambda c: c.state != "open"):
            raise UserError(self.env._("A resolved case cannot be %(what)s.", what=what))

    @staticmethod
    def _required_reason(reason, message):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(message)
        return reason

    def action_pause(self, reason, pause_until=False):
        """Stop the reminders, until `pause_until` (the day after it they resume by
        themselves) or until resumed by hand."""
        reason = self._required_reason(
            reason, self.env._("Say why the reminders stop: a pause needs a reason.")
        )
        until = fields.Date.to_date(pause_until) or False
        self._check_open(self.env._("paused"))
        for case in self:
            if until and until <= case._today():
                raise ValidationError(self.env._("Pause until a date after today, or leave the date empty."))
        for case in self:
            case._write_own({"paused": True, "pause_until": until, "pause_reason": reason})
            note = reason + (
                self.env._(" (until %(date)s)", date=format_date(self.env, until)) if until else ""
            )
            case._log_own([{"action_type": "pause", "note": note}])
        return True

    def action_resume(self):
        """Send reminders again."""
        for case in self.filtered("paused"):
            case._resume(self.env._("Reminders resumed."))
        return True

    def _resume(self, note):
        self._write_own({"paused": False, "pause_until": False, "pause_reason": False})
        self._log_own([{"action_type": "resume", "note": note}])

    @api.model
    def _cron_resume_paused_cases(self):
        """Daily: resume the cases whose pause ended, and the invoices whose hold did."""
        paused = self.search([("paused", "=", True), ("pause_until", "!=", False)])
        for case in paused.filtered(lambda c: c.pause_until < c._today()):
            case._resume(self.env._("Pause ended on %(date)s.", date=format_date(self.env, case.pause_until)))
        self.env["account.move"]._cron_eh_release_ended_holds()

    def action_dispute(self, reason):
        """Put the whole case in dispute: no reminder until the dispute is resolved."""
        reason = self._required_reason(
            reason, self.env._("Say what the customer disputes: a dispute needs a reason.")
        )
        self._check_open(self.env._("disputed"))
        for case in self:
            case._write_own({"disputed": True, "dispute_reason": reason})
            case._log_own([{"action_type": "dispute", "note": reason}])
            case._move_to_stage("disputed")
        return True

    def action_resolve_dispute(self):
        """End the dispute: reminders go on."""
        for case in self.filtered("disputed"):
            case._write_own({"disputed": False, "dispute_reason": False})
            case._log_own([{"action_type": "dispute_resolved", "note": self.env._("Dispute resolved.")}])
        return True

    def _log_invoice_hold(self, move, released=False):
        """An invoice of the customer left the reminders until a date, or came back."""
        if released:
            note = self.env._("%(invoice)s is listed in reminders again.", invoice=move.name)
        else:
            note = self.env._(
                "%(invoice)s left out of reminders until %(date)s: %(reason)s",
                invoice=move.name,
                date=self.company_id._eh_format_day(move.eh_followup_hold_until),
                reason=move.eh_followup_hold_reason,
            )
        self._log_own(
            [{"action_type": "invoice_hold_released" if released else "invoice_hold", "note": note}]
        )

    def _log_invoice_dispute(self, move):
        """An invoice of the customer went into dispute or out of it: log it, and take
        the figures from the ledger again (a disputed invoice is not chased)."""
        note = (move.eh_dispute_reason or "") if move.eh_disputed else ""
        self._log_own(
            [
                {
                    "action_type": "dispute" if move.eh_disputed else "dispute_resolved",
                    "note": f"{move.name}: {note}".rstrip(": "),
                }
            ]
        )
        self._refresh_from_ledger(self.company_id, partners=self.partner_id)
