from odoo import fields, models
from odoo.tools import format_amount


class CollectionsCase(models.Model):
    """What the sales side sees of a case: whether it blocks new sales, and the
    customer's confirmed orders not invoiced yet."""

    _inherit = "eh.collections.case"

    eh_blocks_sales = fields.Boolean(string="Blocks new sales", compute="_compute_eh_blocks_sales")
    eh_open_orders_amount = fields.Monetary(
        string="Open orders not invoiced", compute="_compute_eh_open_orders_amount"
    )

    def _eh_blocking_level(self):
        """The level that blocks new sales for this case, or an empty recordset: the
        first blocking level of its strategy up to the level reached, while the case
        is open, owes something and is still as overdue as that level. Read each time,
        so a payment or a refresh lifts the block by itself."""
        self.ensure_one()
        case = self.sudo()
        if case.state != "open" or case.total_overdue_amount <= 0 or not case.level_id:
            return case.level_id.browse()
        reached = case.strategy_id.level_ids.filtered(lambda lv: lv.sequence <= case.level_id.sequence)
        blocking = reached.filtered("block_new_sales").sorted("sequence")[:1]
        if blocking and case.days_overdue_max >= blocking.days_overdue:
            return blocking
        return blocking.browse()

    def _eh_credit_hold_message(self):
        """Why this case blocks new sales, in the words every screen uses: the level
        the case is at (its *Level sent*), and the level the block starts from when
        that is an earlier one."""
        self.ensure_one()
        case = self.sudo()
        blocking = case._eh_blocking_level()
        values = {
            "customer": case.partner_id.name,
            "level": case.level_id.name,
            "blocking": blocking.name,
            "amount": format_amount(self.env, case.total_overdue_amount, case.currency_id),
        }
        if blocking == case.level_id:
            hold = self.env._(
                "%(customer)s is on credit hold: its collections case is at the level %(level)s, with "
                "%(amount)s to collect.",
                **values,
            )
        else:
            hold = self.env._(
                "%(customer)s is on credit hold: its collections case is at the level %(level)s (new sales "
                "are blocked from %(blocking)s on), with %(amount)s to collect.",
                **values,
            )
        override = self.env._(
            "A Sales Manager or a Collections Manager can confirm anyway with a reason (Override credit "
            "hold); paying the overdue invoices lifts the hold."
        )
        return f"{hold} {override}"

    def _compute_eh_blocks_sales(self):
        for case in self:
            case.eh_blocks_sales = bool(case.id and case._eh_blocking_level())

    def _compute_eh_open_orders_amount(self):
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("state", "=", "sale"),
                    ("invoice_status", "=", "to invoice"),
                ]
            )
        )
        for case in self:
            mine = orders.filtered(
                lambda o, c=case: o.partner_id.commercial_partner_id == c.partner_id
                and o.company_id == c.company_id
            )
            case.eh_open_orders_amount = sum(
                o.currency_id._convert(o.amount_to_invoice, case.currency_id, case.company_id, case._today())
                for o in mine
            )
