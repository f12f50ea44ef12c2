from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.case_method import case_method, in_case_method

HOLD_FIELDS = ("eh_followup_hold_until", "eh_followup_hold_reason")


class AccountMove(models.Model):
    """An invoice held from reminders until a date, with a reason. Unlike a dispute, a
    held invoice keeps counting in what the customer owes and in the case's amounts: it
    is only left out of the invoices the reminders list. The resume cron lifts the hold
    the day after its date. Holding and releasing are logged on the customer's case."""

    _inherit = "account.move"

    eh_followup_hold_until = fields.Date(
        string="Reminders held until",
        copy=False,
        readonly=True,
        tracking=True,
        index="btree_not_null",  # few invoices are held: looked up for every case read
        help="Reminders leave this invoice out up to this day; it still counts in the amounts due.",
    )
    eh_followup_hold_reason = fields.Char(string="Hold reason", copy=False, readonly=True)

    def _eh_followup_held(self, today):
        """Whether reminders leave this invoice out on `today`."""
        self.ensure_one()
        return bool(self.eh_followup_hold_until and self.eh_followup_hold_until >= today)

    def action_eh_hold_reminders(self, until, reason):
        """Leave these posted customer invoices out of the reminders up to `until`."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the reminders leave the invoice out: a hold needs a reason."))
        until = fields.Date.to_date(until)
        for move in self:
            if move.move_type != "out_invoice" or move.state != "posted":
                raise UserError(
                    self.env._(
                        "%(invoice)s is not a posted customer invoice: nothing to hold.", invoice=move.name
                    )
                )
            if not until or until < move.company_id._eh_collections_today():
                raise ValidationError(self.env._("Hold the reminders until today or a later day."))
        with case_method():
            self.write({"eh_followup_hold_until": until, "eh_followup_hold_reason": reason})
        for move in self:
            move._eh_log_hold()
        return True

    def action_eh_release_hold(self):
        """Put these invoices back into the reminders."""
        held = self.filtered("eh_followup_hold_until")
        with case_method():
            held.write({"eh_followup_hold_until": False, "eh_followup_hold_reason": False})
        for move in held:
            move._eh_log_hold(released=True)
        return True

    def action_open_eh_hold(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hold reminders"),
            "res_model": "eh.collections.invoice.hold",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": self.ids},
        }

    def _eh_log_hold(self, released=False):
        # What the reminders list follows the hold at once, in this transaction too.
        self.env["eh.collections.case"].invalidate_model(
            [
                "reminder_line_ids",
                "reminders_held",
                "next_level_id",
                "next_followup_date",
                "next_followup_label",
                "followup_due",
            ]
        )
        case = self.sudo().eh_collections_case_id
        if case and case.state == "open":
            case._log_invoice_hold(self, released=released)

    @api.model
    def _cron_eh_release_ended_holds(self):
        """Lift the holds whose day has passed (run by the resume cron)."""
        held = self.search([("eh_followup_hold_until", "!=", False)])
        held.filtered(
            lambda move: move.eh_followup_hold_until < move.company_id._eh_collections_today()
        ).action_eh_release_hold()

    # -- one path ---------------------------------------------------------------------

    def _eh_check_hold_fields(self, vals):
        if not in_case_method() and set(HOLD_FIELDS) & set(vals):
            raise UserError(
                self.env._(
                    "An invoice is held from reminders with action_eh_hold_reminders(until, reason) and "
                    "released with action_eh_release_hold() (Hold reminders on the invoice)."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._eh_check_hold_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._eh_check_hold_fields(vals)
        return super().write(vals)
