from odoo import api, fields, models
from odoo.exceptions import UserError


class AiCall(models.Model):
    """One call to an LLM provider, for audit: what was asked (by hash), how it
    went, how long it took. Append-only; never holds the key or the case's identity
    beyond the record it was made for."""

    _name = "eh.ai.call"
    _description = "AI Call Audit"
    _order = "id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    res_model = fields.Char(string="Model", readonly=True)
    res_id = fields.Many2oneReference(string="Record", model_field="res_model", readonly=True)
    provider = fields.Char(readonly=True)
    model = fields.Char(string="AI model", readonly=True)
    snapshot_hash = fields.Char(readonly=True, index=True)
    prompt_version = fields.Char(readonly=True)
    latency_ms = fields.Integer(string="Latency (ms)", readonly=True)
    outcome = fields.Selection(
        [("ok", "OK"), ("fallback", "Fallback"), ("error", "Error")], required=True, readonly=True, index=True
    )
    fallback_reason = fields.Char(readonly=True)
    input_tokens = fields.Integer(readonly=True)
    output_tokens = fields.Integer(readonly=True)
    suggested_action = fields.Char(readonly=True, help="The ladder's step: an LLM never changes it.")
    second_opinion_action = fields.Char(readonly=True, help="Another step the LLM proposed, shown beside.")

    def write(self, vals):  # pylint: disable=method-required-super
        """Never: the audit log is append-only."""
        raise UserError(self.env._("The AI call audit log cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The AI call audit log cannot be deleted."))
