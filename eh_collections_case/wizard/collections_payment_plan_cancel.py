from odoo import api, fields, models


class CollectionsPaymentPlanCancel(models.TransientModel):
    """Cancel a payment plan, or replace it with a new draft, with why."""

    _name = "eh.collections.payment.plan.cancel"
    _description = "Cancel or replace a payment plan"

    plan_id = fields.Many2one("eh.collections.payment.plan", required=True)
    reason = fields.Char(required=True)
    replace = fields.Boolean(string="Draft a new plan for what is left to collect")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "eh.collections.payment.plan":
            values.setdefault("plan_id", self.env.context.get("active_id"))
        return values

    def action_confirm(self):
        self.ensure_one()
        if self.replace:
            return self.plan_id.action_replace(self.reason)
        self.plan_id.action_cancel(self.reason)
        return {"type": "ir.actions.act_window_close"}
