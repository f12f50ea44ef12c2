from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectionsStrategy(models.Model):
    """A dunning ladder: the levels a customer goes through, per company.

    Resolution for a customer: its own strategy, else its commercial partner's,
    else the company default."""

    _name = "eh.collections.strategy"
    _description = "Collections Strategy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    is_default = fields.Boolean(string="Company default")
    level_ids = fields.One2many("eh.collections.level", "strategy_id", string="Levels", copy=True)
    active = fields.Boolean(default=True)

    _one_default = models.UniqueIndex(
        "(company_id) WHERE is_default AND active", "A company has one default collections strategy."
    )

    @api.constrains("level_ids")
    def _check_levels(self):
        for strategy in self:
            days = strategy.level_ids.sorted("sequence").mapped("days_overdue")
            if days != sorted(days):
                raise ValidationError(
                    self.env._("The levels of %(name)s must come in rising days overdue.", name=strategy.name)
                )

    @api.model
    def _for_partner(self, partner, company):
        """The strategy that applies to a customer in a company."""
        return self._for_partners(partner, company)[partner.id]

    @api.model
    def _for_partners(self, partners, company):
        """The strategy of each of `partners` (by id) in `company`, in a constant number
        of queries: the customer's own, else its commercial partner's, else the default."""
        default = self.search([("company_id", "=", company.id), ("is_default", "=", True)], limit=1)
        field = "eh_collections_strategy_id"
        partners = partners.with_company(company)
        (partners | partners.commercial_partner_id).mapped(field)  # one read for all

        def own(candidate):
            strategy = candidate[field]
            return strategy if strategy and strategy.active and strategy.company_id == company else None

        return {
            partner.id: own(partner) or own(partner.commercial_partner_id) or default for partner in partners
        }
