from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    eh_credit_limit_mode = fields.Selection(related="company_id.eh_credit_limit_mode", readonly=False)
    eh_credit_proposal_risk = fields.Integer(related="company_id.eh_credit_proposal_risk", readonly=False)
