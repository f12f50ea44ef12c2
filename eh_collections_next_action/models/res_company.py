from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .collections_agent_webhook import MIN_SECRET_LENGTH, secret_problem

# The local part of each company's collections alias: customers' replies come back to it.
COLLECTIONS_ALIAS = "collections"
# How much each component weighs in the order of My day (see `_eh_my_day_components`).
MY_DAY_WEIGHTS = (
    "eh_my_day_weight_promise_due",
    "eh_my_day_weight_broken_promise",
    "eh_my_day_weight_reminder_due",
    "eh_my_day_weight_reply",
    "eh_my_day_weight_exposure",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    # AI autonomy: which AI drafts may go out without a person's click. None by default.
    eh_ai_autonomy_tag_ids = fields.Many2many(
        "res.partner.category",
        "eh_ai_autonomy_tag_rel",
        "company_id",
        "tag_id",
        string="AI drafts without review for tags",
    )
    eh_ai_autonomy_max_amount = fields.Monetary(
        string="AI drafts without review up to", currency_field="currency_id"
    )
    # The nightly round trip with an outside agent service (see eh.collections.agent.webhook).
    eh_agent_webhook_url = fields.Char(string="Agent service URL")
    eh_agent_webhook_secret = fields.Char(
        string="Agent service secret", groups="base.group_system", copy=False
    )
    eh_collections_reply_hold_days = fields.Integer(
        string="A reply holds reminders for (days)",
        default=3,
        help="A customer's reply waiting to be read holds that customer's reminders until a person "
        "accepts or rejects it, or for this many days from the day it came.",
    )
    eh_my_day_weight_promise_due = fields.Float(string="Promise due today", default=100.0)
    eh_my_day_weight_broken_promise = fields.Float(string="Broken promise", default=80.0)
    eh_my_day_weight_reminder_due = fields.Float(string="Reminder due", default=40.0)
    eh_my_day_weight_reply = fields.Float(string="Customer reply to review", default=90.0)
    eh_my_day_weight_exposure = fields.Float(string="Risk, amount and age", default=60.0)

    @api.constrains("eh_ai_autonomy_max_amount", "eh_collections_reply_hold_days", *MY_DAY_WEIGHTS)
    def _check_eh_copilot_settings(self):
        for company in self:
            if company.eh_ai_autonomy_max_amount < 0:
                raise ValidationError(
                    self.env._("The amount up to which AI drafts go without review cannot be negative.")
                )
            if min(company[name] for name in MY_DAY_WEIGHTS) < 0:
                raise ValidationError(self.env._("My day's weights cannot be negative."))
            if company.eh_collections_reply_hold_days < 0:
                raise ValidationError(self.env._("The days a reply holds reminders cannot be negative."))

    @api.constrains("eh_agent_webhook_url", "eh_agent_webhook_secret")
    def _check_eh_agent_webhook(self):
        """The nightly worklist names customers and amounts: no URL without a shared
        secret long enough to sign it (the cron refuses to post otherwise, too)."""
        for company in self.sudo():
            if secret_problem(company.eh_agent_webhook_url, company.eh_agent_webhook_secret):
                raise ValidationError(
                    self.env._(
                        "The agent webhook of %(company)s needs a shared secret of at least %(length)s "
                        "characters before it has a URL: a system administrator types one in Settings > "
                        "Collections AI > Outside agents.",
                        company=company.name,
                        length=MIN_SECRET_LENGTH,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._eh_ensure_collections_aliases()
        return companies

    def write(self, vals):
        result = super().write(vals)
        if "alias_domain_id" in vals:
            self._eh_ensure_collections_aliases()
        return result

    @api.model
    def _eh_ensure_collections_aliases(self):
        """Give every company that receives mail its collections alias (also run at
        install); companies sharing an alias domain share the alias."""
        model = self.env["ir.model"]._get("eh.collections.case")
        Alias = self.env["mail.alias"].sudo()
        for domain in (self or self.search([("alias_domain_id", "!=", False)])).sudo().alias_domain_id:
            if not self._eh_find_alias(domain):
                Alias.create(
                    {
                        "alias_name": COLLECTIONS_ALIAS,
                        "alias_domain_id": domain.id,
                        "alias_model_id": model.id,
                        "alias_contact": "everyone",
                    }
                )

    def _eh_collections_alias(self):
        """The company's collections alias, or an empty recordset when the company has no
        alias domain to receive mail."""
        self.ensure_one()
        return self._eh_find_alias(self.sudo().alias_domain_id)

    @api.model
    def _eh_find_alias(self, domain):
        if not domain:
            return self.env["mail.alias"]
        return (
            self.env["mail.alias"]
            .sudo()
            .search(
                [
                    ("alias_name", "=", COLLECTIONS_ALIAS),
                    ("alias_domain_id", "=", domain.id),
                    ("alias_model_id.model", "=", "eh.collections.case"),
                ],
                limit=1,
            )
        )
