from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

from odoo.addons.eh_collections_case.tools.case_method import case_method, in_case_method

# Who may confirm an order over the credit hold.
OVERRIDE_GROUPS = ("sales_team.group_sale_manager", "eh_collections_case.group_collections_manager")


class SaleOrder(models.Model):
    """The credit hold at confirmation: a customer whose collections case reached a
    level that blocks new sales, or (when the company says *block*) whose credit limit
    this order would exceed, cannot have a quotation confirmed, from the back office,
    the portal or the shop alike. The hold is read from the case each time, so it lifts
    by itself once the customer pays down or the case is resolved. A Sales Manager or a
    Collections Manager may confirm anyway, once per order, with a reason."""

    _inherit = "sale.order"

    eh_credit_hold = fields.Text(
        string="Credit hold",
        compute="_compute_eh_credit_hold",
        help="Why this quotation cannot be confirmed.",
    )
    eh_hold_override_reason = fields.Char(string="Credit hold overridden because", readonly=True, copy=False)
    eh_hold_override_by_id = fields.Many2one(
        "res.users", string="Credit hold overridden by", readonly=True, copy=False
    )

    def write(self, vals):
        """The override is set by *Override credit hold* only (a manager, a reason):
        written over the API, it would lift the hold without either."""
        if not in_case_method() and {"eh_hold_override_reason", "eh_hold_override_by_id"} & set(vals):
            raise UserError(
                self.env._(
                    "The credit hold is overridden with Override credit hold "
                    "(action_eh_override_credit_hold), by a Sales Manager or a Collections Manager "
                    "with a reason."
                )
            )
        return super().write(vals)

    @api.depends("partner_id", "company_id", "state", "amount_total")
    def _compute_eh_credit_hold(self):
        for order in self:
            hold = order._eh_hold() if order.state in ("draft", "sent") else None
            order.eh_credit_hold = hold["message"] if hold else False

    def _eh_hold(self):
        """{"message", "case"} when this order may not be confirmed, else None."""
        self.ensure_one()
        case = self._eh_blocking_case()
        if case:
            return {"case": case, "message": case._eh_credit_hold_message()}
        if self.company_id.eh_credit_limit_mode == "block" and self.partner_credit_warning:
            return {
                "case": self._eh_open_case(),
                "message": self.env._(
                    "%(warning)s\nThis company blocks orders over the credit limit: a Sales Manager or a "
                    "Collections Manager can confirm anyway with a reason (Override credit hold).",
                    warning=self.partner_credit_warning,
                ),
            }
        return None

    def _eh_open_case(self):
        return (
            self.env["eh.collections.case"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "open"),
                ],
                limit=1,
            )
        )

    def _eh_blocking_case(self):
        case = self._eh_open_case()
        return case if case and case._eh_blocking_level() else case.browse()

    def _confirmation_error_message(self):
        """Odoo's one check before confirming: the credit hold joins it, unless a
        manager overrode it for this order. A customer confirming on the portal or in
        the shop reads a polite message, and the collector gets an activity."""
        error = super()._confirmation_error_message()
        if error or self.eh_hold_override_reason:
            return error
        case = self._eh_open_case()
        if case:
            # The hold as committed now: a level sent or a payment since this transaction
            # began wrote the case, so PostgreSQL refuses this share lock and Odoo retries
            # the confirmation, which reads the hold as it is (REPEATABLE READ; a key-share
            # lock would not see the change). While the follow-up cron sends this
            # customer's batch, the confirmation waits for it (seconds).
            self.env.execute_query(SQL("SELECT id FROM eh_collections_case WHERE id = %s FOR SHARE", case.id))
        hold = self._eh_hold()
        if not hold:
            return False
        if self.env.user.share:
            self._eh_tell_collector(hold)
            return self.env._(
                "Thank you for your order. We cannot confirm it online just now: our accounts team will "
                "contact you shortly."
            )
        return hold["message"]

    def _eh_tell_collector(self, hold):
        """An activity for the case's collector, in a transaction of its own: the
        refused confirmation rolls back everything else."""
        case = hold["case"]
        if not case:
            return
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr, su=True)
            env["eh.collections.case"].browse(case.id).activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Order %(order)s held on the portal", order=self.name),
                note=Markup("<p>%s</p>") % hold["message"],
                user_id=case._collector_user().id,
            )

    def action_eh_override_credit_hold(self):
        """The override wizard, for this quotation."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "eh.sale.credit.hold.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _eh_override_credit_hold(self, reason):
        """Confirm over the hold, once for this order, with who and why: logged on the
        case and in the order's chatter."""
        self.ensure_one()
        hold = self._eh_hold()
        with case_method():
            self.sudo().write({"eh_hold_override_reason": reason, "eh_hold_override_by_id": self.env.uid})
        note = self.env._(
            "%(order)s (%(amount)s) confirmed over the credit hold by %(user)s: %(reason)s",
            order=self.name,
            amount=format_amount(self.env, self.amount_total, self.currency_id),
            user=self.env.user.name,
            reason=reason,
        )
        if hold and hold["case"]:
            hold["case"]._log_action([{"action_type": "sale_override", "note": note}])
        self.message_post(body=note)
        return self.action_confirm()
