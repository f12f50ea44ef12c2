from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectionsStrategy(models.Model):
    """A dunning ladder: the levels a customer goes through, per company.

    Resolution for a customer: its own strategy, else its commercial partner's,
    else the company default."""

    _name = "eh.collections.strategy"
    _inherit = ["mail.thread"]
    _description = "Collections Strategy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    is_default = fields.Boolean(string="Company default", tracking=True)
    level_ids = fields.One2many(
        "eh.collections.level",
        "strategy_id",
        string="Levels",
        domain=[("days_overdue", ">=", 0)],
        copy=True,
        help="The ladder of reminders to overdue customers.",
    )
    predue_level_ids = fields.One2many(
        "eh.collections.level",
        "strategy_id",
        string="Before the due date",
        domain=[("days_overdue", "<", 0)],
        copy=True,
        help="Courteous coming-due emails, a number of days before invoices fall due.",
    )
    active = fields.Boolean(default=True, tracking=True)
    case_count = fields.Integer(
        compute="_compute_case_count",
        string="Customers",
        help="Customers with an open case that this strategy chases: its own customers, and for the "
        "company default every customer without a strategy of its own.",
    )

    _one_default = models.UniqueIndex(
        "(company_id) WHERE is_default AND active", "A company has one default collections strategy."
    )

    def _compute_case_count(self):
        counts = dict(
            self.env["eh.collections.case"]._read_group(
                [("strategy_id", "in", self.ids), ("state", "=", "open")], ["strategy_id"], ["__count"]
            )
        )
        for strategy in self:
            strategy.case_count = counts.get(strategy, 0)

    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "eh_collections_case.eh_collections_case_action"
        )
        action.update(
            domain=[("strategy_id", "=", self.id)],
            context={"search_default_filter_open": 1},
            name=self.env._("Customers of %(strategy)s", strategy=self.name),
        )
        return action

    @api.model_create_multi
    def create(self, vals_list):
        strategies = super().create(vals_list)
        strategies.filtered("is_default")._recompute_company_cases()
        return strategies

    def write(self, vals):
        companies = self.company_id
        result = super().write(vals)
        if {"is_default", "active", "company_id"} & set(vals):
            self._recompute_company_cases(companies | self.company_id)
        return result

    def unlink(self):
        companies = self.company_id
        result = super().unlink()
        self.browse()._recompute_company_cases(companies)
        return result

    def _recompute_company_cases(self, companies=None):
        """Which strategy a case follows hangs on the company default and on which
        strategies are active: recompute the cases of the companies concerned."""
        Case = self.env["eh.collections.case"].sudo()
        cases = Case.search([("company_id", "in", (companies or self.company_id).ids)])
        self.env.add_to_compute(Case._fields["strategy_id"], cases)

    @api.constrains("level_ids", "predue_level_ids")
    def _check_levels(self):
        for strategy in self:
            days = (strategy.predue_level_ids | strategy.level_ids).sorted("sequence").mapped("days_overdue")
            if days != sorted(days):
                raise ValidationError(
                    self.env._("The levels of %(name)s must come in rising days overdue.", name=strategy.name)
                )

    @api.model
    def _for_partner(self, partner, company):
        """The strategy that applies to a customer in a company."""
        return self._for_partners(partner, company)[partner.id]

    @api.model
    def _defaults(self, companies):
        """The default strategy id of each of `companies` (None without one)."""
        defaults = dict.fromkeys(companies.ids)
        for strategy in self.search([("company_id", "in", companies.ids), ("is_default", "=", True)]):
            defaults[strategy.company_id.id] = strategy.id
        return defaults

    @api.model
    def _for_partners(self, partners, company):
        """The strategy of each of `partners` (by id) in `company`, in a constant number
        of queries: the customer's own, else its commercial partner's, else the default."""
        default = self.browse(self._defaults(company)[company.id])
        field = "eh_collections_strategy_id"
        partners = partners.with_company(company)
        (partners | partners.commercial_partner_id).mapped(field)  # one read for all

        def own(candidate):
            strategy = candidate[field]
            return strategy if strategy and strategy.active and strategy.company_id == company else None

        return {
            partner.id: own(partner) or own(partner.commercial_partner_id) or default for partner in partners
        }
