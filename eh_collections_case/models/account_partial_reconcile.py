from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A reconciliation made or undone moves what the customers concerned owe: their
    open cases refresh before the commit (`eh.collections.case._ledger_changed`)."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["eh.collections.case"]._ledger_changed(partials.debit_move_id | partials.credit_move_id)
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        result = super().unlink()
        self.env["eh.collections.case"]._ledger_changed(lines.exists())
        return result
