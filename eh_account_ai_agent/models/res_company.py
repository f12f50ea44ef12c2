from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount

from ..tools import ProviderConfig, RiskModel, Thresholds, fit_risk_model, make_provider
from ..tools.risk import MIN_SAMPLES, fallback_model

PROVIDERS = [
    ("none", "None (rules only)"),
    ("openai_compatible", "OpenAI-compatible"),
    ("anthropic", "Anthropic"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    eh_ai_provider = fields.Selection(PROVIDERS, string="AI provider", default="none", required=True)
    eh_ai_base_url = fields.Char(
        string="AI base URL",
        help="Empty: the provider's public endpoint. Set it for a gateway or a self-hosted model.",
    )
    eh_ai_model = fields.Char(string="AI model")
    eh_ai_api_key = fields.Char(string="AI API key", groups="base.group_system", copy=False)
    eh_ai_timeout = fields.Float(string="AI timeout (s)", default=8.0)
    eh_ai_cache_hours = fields.Integer(string="AI suggestion cache (hours)", default=24)
    eh_ai_threshold_phone = fields.Integer(string="Phone call (days)", default=45)
    eh_ai_threshold_agency = fields.Integer(string="Collections agency (days)", default=120)
    eh_ai_threshold_agency_after_letter = fields.Integer(
        string="Days after the letter before an agency", default=14
    )
    eh_ai_threshold_write_off = fields.Integer(string="Write-off review (days)", default=200)
    eh_risk_model = fields.Json(
        string="Payment-risk model",
        readonly=True,
        copy=False,
        help="The logistic regression the nightly cron fits on this company's own history.",
    )
    eh_risk_model_summary = fields.Char(string="Risk model", compute="_compute_eh_risk_model_summary")

    @api.depends("eh_risk_model")
    def _compute_eh_risk_model_summary(self):
        for company in self:
            model = company._eh_risk_model()
            if model.kind == "fitted":
                company.eh_risk_model_summary = self.env._(
                    "Fitted on %(samples)s invoices known by %(day)s; %(rate)s%% of them were paid late.",
                    samples=model.samples,
                    day=model.as_of,
                    rate=round(100 * model.base_rate),
                )
            else:
                company.eh_risk_model_summary = self.env._(
                    "Documented fallback weights: %(samples)s invoices with a known outcome so far, "
                    "%(minimum)s needed to fit this company's own; base rate %(rate)s%%.",
                    samples=model.samples,
                    minimum=MIN_SAMPLES,
                    rate=round(100 * model.base_rate),
                )

    @api.constrains(
        "eh_ai_timeout",
        "eh_ai_cache_hours",
        "eh_ai_threshold_phone",
        "eh_ai_threshold_agency",
        "eh_ai_threshold_agency_after_letter",
        "eh_ai_threshold_write_off",
    )
    def _check_eh_ai_settings(self):
        for company in self:
            if company.eh_ai_timeout <= 0 or company.eh_ai_timeout > 60:
                raise ValidationError(self.env._("The AI timeout must be between 0 and 60 seconds."))
            if company.eh_ai_cache_hours < 0:
                raise ValidationError(
                    self.env._("The AI suggestion cache cannot last a negative number of hours.")
                )
            try:
                company._eh_ai_thresholds()
            except ValueError as error:
                raise ValidationError(
                    self.env._("The next-action thresholds are not valid: %(reason)s.", reason=error)
                ) from error

    def _eh_ai_money(self):
        """How the ladder's rationale writes this company's amounts: as Odoo does."""
        self.ensure_one()
        return lambda amount: format_amount(self.env, amount, self.currency_id)

    def _eh_ai_thresholds(self):
        """The thresholds of this company's steps that are not reminders (raises
        ValueError when incoherent); the reminders are its dunning ladder's."""
        self.ensure_one()
        return Thresholds(
            phone=self.eh_ai_threshold_phone,
            agency=self.eh_ai_threshold_agency,
            agency_days_after_letter=self.eh_ai_threshold_agency_after_letter,
            write_off=self.eh_ai_threshold_write_off,
        )

    def _eh_ai_provider(self):
        """The configured LLM provider, or None when the company uses the rules only."""
        self.ensure_one()
        company = self.sudo()
        if company.eh_ai_provider == "none" or not company.eh_ai_model:
            return None
        return make_provider(
            ProviderConfig(
                kind=company.eh_ai_provider,
                model=company.eh_ai_model,
                base_url=company.eh_ai_base_url or "",
                api_key=company.eh_ai_api_key or "",
                timeout=company.eh_ai_timeout,
            )
        )

    def _eh_risk_model(self):
        """The model the scores use: the last one fitted, or the documented fallback."""
        self.ensure_one()
        return RiskModel.from_dict(self.eh_risk_model) if self.eh_risk_model else fallback_model()

    def _eh_fit_risk_model(self, histories=None):
        """Refit on every invoice of this company whose outcome is known today
        (`histories`: its customers' invoice records, when already read)."""
        self.ensure_one()
        partners = self.env["res.partner"].with_company(self)
        if histories is None:
            histories = partners._eh_risk_history(every_customer=True)
        model = fit_risk_model(histories, partners._eh_risk_today())
        self.sudo().eh_risk_model = model.to_dict()
        return model
