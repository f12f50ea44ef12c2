from odoo import api, fields, models

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
                                },
                            )
                            for position, (level, days, wait, tone, template, call, letter) in enumerate(
                                levels, 1
                            )
                        ],
                    }
                )
