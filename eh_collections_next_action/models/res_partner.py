from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _eh_risk_today(self):
        return self.env.company._eh_collections_today()

    def _eh_risk_extra_counts(self):
        """Broken promises (escalations) and disputes from the company's collections history."""
        counts = super()._eh_risk_extra_counts()
        groups = (
            self.env["eh.collections.action"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "=", self.env.company.id),
                    ("action_type", "in", ("escalation", "dispute")),
                ],
                ["partner_id", "action_type"],
                ["__count"],
            )
        )
        for partner, action_type, count in groups:
            broken, disputes = counts.get(partner.id, (0, 0))
            if action_type == "escalation":
                broken += count
            else:
                disputes += count
            counts[partner.id] = (broken, disputes)
        return counts
