from odoo import api, fields, models


class CollectionsCase(models.Model):
    """Late fees and statutory interest on the case (charged by `eh.collections.late.fee`)."""

    _inherit = "eh.collections.case"

    fee_move_ids = fields.One2many("account.move", "eh_fee_case_id", string="Fee invoices", readonly=True)
    fee_count = fields.Integer(compute="_compute_fee_count", string="Fees")
    interest_accrued_amount = fields.Monetary(
        compute="_compute_interest_accrued_amount",
        string="Accrued interest",
        help="Statutory interest accrued on the overdue invoices and not invoiced yet, in company currency.",
    )
    show_statutory_interest = fields.Boolean(
        compute="_compute_show_statutory_interest",
        help="The company charges statutory interest and the level being sent (else the current "
        "level) applies it: reminders show the interest.",
    )

    def _source_of_truth_fields(self):
        origin = self.env._(
            "fee invoices are posted with Charge late fees (eh.collections.late.fee, action_post)."
        )
        return {**super()._source_of_truth_fields(), "fee_move_ids": origin}

    def _compute_fee_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [("eh_fee_case_id", "in", self.ids)], ["eh_fee_case_id"], ["__count"]
            )
        )
        for case in self:
            case.fee_count = counts.get(case, 0)

    def _compute_interest_accrued_amount(self):
        for case in self:
            total = 0.0
            if case.company_id.eh_interest_enabled:
                today = case._today()
                for line in case.overdue_line_ids:
                    total += line.currency_id._convert(
                        line.eh_interest_accrued, case.currency_id, case.company_id, today
                    )
            case.interest_accrued_amount = total

    @api.depends_context("eh_level_id")
    def _compute_show_statutory_interest(self):
        sending = self.env["eh.collections.level"].browse(self.env.context.get("eh_level_id"))
        for case in self:
            level = sending or case.level_id
            case.show_statutory_interest = bool(
                case.company_id.eh_interest_enabled and level.apply_statutory_interest
            )
