from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

ACTION_TYPES = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("note", "Note"),
    ("follow_up", "Follow-up"),
    ("promise", "Promise to pay"),
    ("escalation", "Escalation"),
    ("dispute", "Dispute"),
    ("dispute_resolved", "Dispute resolved"),
    ("pause", "Pause"),
    ("resume", "Resume"),
    ("fee", "Late fee"),
    ("resolved", "Resolved"),
]
# Rows of these types, when done, are follow-ups sent to the customer.
FOLLOWUP_TYPES = ("email", "sms", "letter", "follow_up")


class CollectionsAction(models.Model):
    """One thing that happened on a case. The log is append-only: rows are never
    updated or deleted, by the ORM (even as superuser) or by raw SQL (a trigger)."""

    _name = "eh.collections.action"
    _description = "Collections Action Log"
    _order = "date desc, id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "eh.collections.case", required=True, index=True, ondelete="restrict", check_company=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    action_type = fields.Selection(ACTION_TYPES, string="Type", required=True)
    level_id = fields.Many2one("eh.collections.level", index=True)
    channel = fields.Selection(
        [("email", "Email"), ("letter", "Letter"), ("call", "Call"), ("sms", "SMS"), ("manual", "Manual")]
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user)
    contact_made = fields.Boolean(help="The customer was reached (answered, replied, met).")
    promise_amount = fields.Monetary()
    promise_date = fields.Date()
    amount_at_action = fields.Monetary(string="Overdue at the time")
    days_overdue_at_action = fields.Integer(string="Days overdue at the time")
    state = fields.Selection(
        [("done", "Done"), ("failed", "Failed"), ("skipped", "Skipped")], default="done", required=True
    )
    note = fields.Text()
    ai_generated = fields.Boolean(string="Suggested by AI")

    def init(self):
        """Refuse UPDATE, DELETE and TRUNCATE in the database itself."""
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE FUNCTION eh_collections_action_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'The collections action log is append-only: %% refused', TG_OP
                        USING ERRCODE = 'restrict_violation';
                END $$;
                DROP TRIGGER IF EXISTS eh_collections_action_no_rewrite ON eh_collections_action;
                CREATE TRIGGER eh_collections_action_no_rewrite
                    BEFORE UPDATE OR DELETE ON eh_collections_action
                    FOR EACH ROW EXECUTE FUNCTION eh_collections_action_append_only();
                DROP TRIGGER IF EXISTS eh_collections_action_no_truncate ON eh_collections_action;
                CREATE TRIGGER eh_collections_action_no_truncate
                    BEFORE TRUNCATE ON eh_collections_action
                    FOR EACH STATEMENT EXECUTE FUNCTION eh_collections_action_append_only();
                """
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        """Copy the customer, company and amounts from the case at the time of the action."""
        cases = self.env["eh.collections.case"].browse(
            {vals["case_id"] for vals in vals_list if vals.get("case_id")}
        )
        by_id = {case.id: case for case in cases}
        for vals in vals_list:
            case = by_id.get(vals.get("case_id"))
            if not case:
                continue
            vals.setdefault("partner_id", case.partner_id.id)
            vals.setdefault("company_id", case.company_id.id)
            vals.setdefault("amount_at_action", case.total_overdue_amount)
            vals.setdefault("days_overdue_at_action", case.days_overdue_max)
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super
        """Never: the history is append-only (a database trigger enforces it too)."""
        raise UserError(
            self.env._("The collections history cannot be changed. Log a new action to correct it.")
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The collections history cannot be deleted."))

    def _chatter_body(self):
        """One line for the case's chatter, e.g. "Call: customer reached; promised $ 500.00 by 12/05"."""
        self.ensure_one()
        selection = dict(self._fields["action_type"]._description_selection(self.env))
        details = []
        if self.contact_made:
            details.append(self.env._("customer reached"))
        if self.promise_date:
            details.append(
                self.env._(
                    "promised %(amount)s by %(date)s",
                    amount=format_amount(self.env, self.promise_amount, self.currency_id),
                    date=format_date(self.env, self.promise_date),
                )
            )
        if self.state != "done":
            details.append(dict(self._fields["state"]._description_selection(self.env))[self.state].lower())
        body = Markup("<b>%s</b>") % selection[self.action_type]
        if details:
            body += Markup(": ") + "; ".join(details)
        if self.note:
            body += Markup("<br/>") + self.note
        return body
