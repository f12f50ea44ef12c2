from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    eh_collections_strategy_id = fields.Many2one(
        "eh.collections.strategy",
        string="Collections strategy",
        company_dependent=True,
        help="Overrides the company's default dunning ladder for this customer.",
    )
    eh_collections_strategic = fields.Boolean(
        string="Strategic customer", help="Reminders to this customer always wait for a person's approval."
    )
    eh_collections_case_ids = fields.One2many(
        "eh.collections.case",
        "partner_id",
        string="Collections cases",
        groups="eh_collections_case.group_collections_user",
    )
    eh_collections_open_case_count = fields.Integer(
        compute="_compute_eh_collections_open_case_count", groups="eh_collections_case.group_collections_user"
    )

    eh_reminder_count = fields.Integer(
        string="Reminders",
        compute="_compute_eh_reminder_count",
        groups="eh_collections_case.group_collections_user",
    )

    def _eh_reminder_contact(self):
        """Who a customer's reminders and notices go to: its invoicing address with an
        email, else the customer itself."""
        self.ensure_one()
        invoicing = self.child_ids.filtered(lambda c: c.type == "invoice" and c.email)
        return invoicing[:1] or self

    def _compute_eh_reminder_count(self):
        counts = dict(
            self.env["eh.collections.action"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids), ("invoice_ids", "!=", False)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.eh_reminder_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_eh_reminders(self):
        """Every reminder sent to the customer, with the invoices each one named."""
        self.ensure_one()
        return self.env["eh.collections.action"]._reminders_action(
            [("partner_id", "=", self.commercial_partner_id.id)]
        )

    def _compute_eh_collections_open_case_count(self):
        counts = dict(
            self.env["eh.collections.case"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids), ("state", "=", "open")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.eh_collections_open_case_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_eh_collections_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "eh_collections_case.eh_collections_case_action"
        )
        cases = self.env["eh.collections.case"].search([("partner_id", "=", self.commercial_partner_id.id)])
        if len(cases) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=cases.id)
        else:
            action["domain"] = [("id", "in", cases.ids)]
            action["context"] = {}
        return action
