from datetime import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

from ..tools.charges import annual_rate, to_decimal

_lt = LazyTranslate(__name__)

# The shipped ladders: (name, default, [(level, days, wait, tone, template xmlid, call, letter)]).
DEFAULT_LADDERS = [
    (
        "Standard B2B",
        True,
        [
            ("Courteous reminder", 7, 0, "courteous", "mail_template_reminder_courteous", False, False),
            ("Firm reminder", 30, 7, "firm", "mail_template_reminder_firm", False, False),
            ("Final notice", 60, 7, "final", "mail_template_reminder_final", True, False),
            ("Demand letter", 90, 7, "final", "mail_template_reminder_final_formal", True, True),
        ],
    ),
    (
        "VIP soft touch",
        False,
        [
            ("Friendly note", 14, 0, "courteous", "mail_template_reminder_courteous", False, False),
            ("Personal follow-up", 45, 14, "courteous", "mail_template_reminder_courteous", True, False),
            ("Firm reminder", 75, 14, "firm", "mail_template_reminder_firm", True, False),
        ],
    ),
]


# Printed at the top of the Statement of Account that a letter level sends.
DEMAND_NOTE = _lt(
    "Despite our reminders, the invoices below are still unpaid. Unless the total due reaches us "
    "by the date above, we will pass the matter on for recovery, with the interest and "
    "costs the law allows."
)
# The shipped levels' names and note, in every language the module is translated to:
# the levels are created in English and given these translations (`_eh_translate_ladders`).
SHIPPED_TERMS = [
    _lt("Courteous reminder"),
    _lt("Firm reminder"),
    _lt("Final notice"),
    _lt("Demand letter"),
    _lt("Friendly note"),
    _lt("Personal follow-up"),
    DEMAND_NOTE,
]


class ResCompany(models.Model):
    _inherit = "res.company"

    eh_collections_send_mode = fields.Selection(
        [
            ("suggest", "Suggest only"),
            ("approve", "Approve everything"),
            ("auto", "Automatic below the ceiling"),
        ],
        string="Reminder sending",
        default="auto",
        required=True,
        help="Suggest only: the cron sends and prepares nothing. Approve everything: it prepares every "
        "reminder for a person to send. Automatic: it sends, except levels that need approval, cases "
        "above the ceiling and strategic customers, which wait in the To approve queue.",
    )
    eh_collections_default_user_id = fields.Many2one(
        "res.users",
        string="Default collector",
        domain="[('share', '=', False)]",
        help="Gets the calls, letters to post and reviews of cases that have no collector. Empty: a "
        "Collections Manager does.",
    )
    eh_collections_auto_ceiling = fields.Monetary(
        string="Autonomous ceiling",
        currency_field="currency_id",
        help="Above this amount to collect, reminders wait for approval. Zero: no ceiling.",
    )
    eh_collections_resolve_paid_cases = fields.Boolean(
        string="Resolve paid cases",
        default=True,
        help="When a refresh finds nothing left to collect from a customer, resolve the case "
        "(with a log row) instead of only zeroing its amounts.",
    )

    eh_pay_link_days = fields.Integer(
        string="Pay links valid for",
        default=30,
        required=True,
        help="Days a reminder's pay link opens the invoice's payment page; after that it offers to send "
        "a fresh one to the invoicing contact.",
    )
    eh_demand_days = fields.Integer(
        string="Days to pay a reminder",
        default=8,
        required=True,
        help="The days the firm and final reminders and the demand letter give the customer to pay: "
        "the emails say 'within N days' and the statement a letter level sends prints the date.",
    )
    eh_dso_period_days = fields.Integer(
        string="DSO period (days)",
        default=90,
        required=True,
        help="The period over which credit sales, the DSO, the CEI and the amounts collected are "
        "measured in the collections figures.",
    )

    # Late fees and statutory interest.
    eh_interest_enabled = fields.Boolean(
        string="Statutory interest",
        help="Accrue interest on overdue invoices: shown on the Statement of Account and in the "
        "reminders of levels that apply it, invoiceable through the late fee wizard.",
    )
    eh_interest_reference_rate = fields.Float(
        string="Reference rate (%)",
        digits=(16, 4),
        help="The central bank's reference rate, e.g. the ECB main refinancing rate.",
    )
    eh_interest_margin = fields.Float(
        string="Margin (%)",
        digits=(16, 4),
        default=8.0,
        help="Points added to the reference rate (8 under the EU late payment directive).",
    )
    eh_interest_compensation = fields.Monetary(
        string="Fixed compensation per invoice",
        currency_field="currency_id",
        help="A fixed amount for recovery costs, charged once per overdue invoice with the "
        "interest (40 EUR under the EU late payment directive). Zero: none.",
    )
    eh_fee_product_id = fields.Many2one(
        "product.product",
        string="Late fee product",
        help="Product of late fee lines; the shipped Late payment fee when empty.",
    )
    eh_interest_product_id = fields.Many2one(
        "product.product",
        string="Interest product",
        help="Product of interest and compensation lines; the shipped Late payment interest when empty.",
    )
    eh_fee_account_id = fields.Many2one(
        "account.account",
        string="Late fee income account",
        help="Income account of fee and interest lines; the product's when empty.",
    )

    eh_cash_fee_tolerance = fields.Monetary(
        string="Bank fee tolerance",
        help="A payment short by up to this much, with nothing else to explain it, is a bank fee: applying "
        "its match writes the difference off.",
    )
    eh_cash_writeoff_account_id = fields.Many2one(
        "account.account",
        string="Short payment write-off account",
        check_company=True,
        help="Where an accepted bank fee or rounding difference goes when a collector applies a payment "
        "match; an early-payment discount goes to the company's cash discount loss account.",
    )

    _eh_cash_fee_tolerance_positive = models.Constraint(
        "CHECK (eh_cash_fee_tolerance IS NULL OR eh_cash_fee_tolerance >= 0)",
        "The bank fee tolerance cannot be negative.",
    )
    _eh_pay_link_days_positive = models.Constraint(
        "CHECK (eh_pay_link_days > 0)", "Pay links are valid for at least one day."
    )
    _eh_demand_days_positive = models.Constraint(
        "CHECK (eh_demand_days > 0)", "The days to pay a reminder must be at least one."
    )
    _eh_dso_period_positive = models.Constraint(
        "CHECK (eh_dso_period_days BETWEEN 1 AND 366)",
        "The DSO period is a number of days from 1 to 366 (90 is the usual quarter).",
    )

    @api.constrains(
        "eh_interest_enabled", "eh_interest_reference_rate", "eh_interest_margin", "eh_interest_compensation"
    )
    def _check_eh_interest(self):
        for company in self:
            if company.eh_interest_margin < 0 or company.eh_interest_compensation < 0:
                raise ValidationError(
                    self.env._("The interest margin and the fixed compensation cannot be negative.")
                )
            if company.eh_interest_enabled and company._eh_interest_annual_rate() <= 0:
                raise ValidationError(
                    self.env._(
                        "Statutory interest needs a positive annual rate: the reference rate plus the "
                        "margin is %(rate)s%%.",
                        rate=company._eh_interest_annual_rate(),
                    )
                )

    def _eh_collections_today(self):
        """Today in the company's timezone (its partner's, else the user's): the one
        "today" of the suite. Ages, due dates, promises, pauses, fees, interest and the
        next action all count from it, wherever the user who looks sits."""
        self.ensure_one()
        # `fields.Date.context_today` reads the timezone off the environment, and an
        # environment of its own per call cost the follow-up cron about 5 %.
        # `env.tz` is the context's, else the user's, else UTC, and is cached.
        tz = pytz.timezone(self.partner_id.tz) if self.partner_id.tz else self.env.tz
        return pytz.utc.localize(datetime.now()).astimezone(tz).date()  # naive now() is UTC in Odoo

    def _eh_format_day(self, day):
        """A day in words as the web client writes dates beside it: "Dec 9" this year,
        "Dec 9, 2027" another year, in the user's language."""
        self.ensure_one()
        pattern = "MMM d" if day.year == self._eh_collections_today().year else "MMM d, y"
        return format_date(self.env, day, date_format=pattern)

    def _eh_interest_annual_rate(self):
        """The statutory annual rate (%), as a Decimal."""
        self.ensure_one()
        return annual_rate(to_decimal(self.eh_interest_reference_rate), to_decimal(self.eh_interest_margin))

    def _eh_fee_product(self, interest=False):
        self.ensure_one()
        if interest:
            return self.eh_interest_product_id or self.env.ref("eh_collections_case.product_late_interest")
        return self.eh_fee_product_id or self.env.ref("eh_collections_case.product_late_fee")

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._eh_collections_ensure_ladders()
        return companies

    @api.model
    def _eh_collections_ensure_all_ladders(self):
        """Every company gets the shipped ladders (on install and on every update)."""
        self.search([])._eh_collections_ensure_ladders()  # pylint: disable=no-search-all

    def _eh_collections_ensure_ladders(self):
        """Give each company without a strategy the shipped ladders."""
        Strategy = self.env["eh.collections.strategy"].sudo()
        for company in self:
            if Strategy.with_context(active_test=False).search_count([("company_id", "=", company.id)]):
                continue
            for name, is_default, levels in DEFAULT_LADDERS:
                Strategy.create(
                    {
                        "name": name,
                        "company_id": company.id,
                        "is_default": is_default,
                        "level_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": level,
                                    "sequence": position * 10,
                                    "days_overdue": days,
                                    "min_days_since_previous": wait,
                                    "tone": tone,
                                    "mail_template_id": self.env.ref(f"eh_collections_case.{template}").id,
                                    "channel_call": call,
                                    "channel_letter": letter,
                                    "statement_note": DEMAND_NOTE._translate("en_US") if letter else False,
                                    "apply_statutory_interest": tone == "final",
                                },
                            )
                            for position, (level, days, wait, tone, template, call, letter) in enumerate(
                                levels, 1
                            )
                        ],
                    }
                ).level_ids._eh_translate_shipped_terms()
