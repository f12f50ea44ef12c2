from odoo import api, models
from odoo.tools import format_amount


class CollectionsFollowupSend(models.AbstractModel):
    _inherit = "eh.collections.followup.send"

    @api.model
    def _send(self, followups):
        """A level may propose tighter credit terms to a manager, and tell the
        salesperson of the customer's latest order (an activity on the customer, with the
        case and the amount)."""
        super()._send(followups)
        for followup in followups.filtered(
            lambda f: f.level_id.propose_credit_terms or f.level_id.notify_salesperson
        ):
            self._tell_sales(followup)

    @api.model
    def _tell_sales(self, followup):
        level, case = followup.level_id, followup.case_id
        if level.propose_credit_terms:
            self.env["eh.collections.credit.proposal"]._propose(
                case, self.env._("level %(level)s sent", level=level.name)
            )
        if level.notify_salesperson:
            order = (
                self.env["sale.order"]
                .sudo()
                .search(
                    [
                        ("partner_id.commercial_partner_id", "=", case.partner_id.id),
                        ("company_id", "=", case.company_id.id),
                        ("user_id", "!=", False),
                    ],
                    order="date_order desc, id desc",
                    limit=1,
                )
            )
            if order:
                case.partner_id.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._(
                        "%(customer)s owes %(amount)s: collections level %(level)s",
                        customer=case.partner_id.name,
                        amount=format_amount(self.env, case.total_overdue_amount, case.currency_id),
                        level=level.name,
                    ),
                    note=self.env._(
                        "The collections case of %(customer)s reached %(level)s. Talk to your contact before "
                        "taking new orders.",
                        customer=case.partner_id.name,
                        level=level.name,
                    ),
                    user_id=order.user_id.id,
                )
