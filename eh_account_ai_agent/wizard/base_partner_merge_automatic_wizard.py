from odoo import api, models

from ..models.res_partner import risk_scoring


class MergePartnerAutomatic(models.TransientModel):
    """*Merge contacts* copies the source customers' values onto the surviving one, the
    payment risk among them (the scoring's own write, let through). The survivor now
    holds every merged customer's invoices, so it is then scored again in each company
    that invoiced it."""

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_values(self, src_partners, dst_partner):
        with risk_scoring():
            return super()._update_values(src_partners, dst_partner)

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        survivors = self.env["res.partner"].browse(partner_ids).exists().commercial_partner_id.sudo()
        for company in survivors._eh_risk_companies():
            survivors.with_company(company)._eh_compute_risk_scores()
        return result
