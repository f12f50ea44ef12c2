from markupsafe import Markup

from odoo import api, fields, models

from odoo.addons.eh_account_ai_agent.models.res_config_settings import secret_hint


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    eh_ai_autonomy_tag_ids = fields.Many2many(related="company_id.eh_ai_autonomy_tag_ids", readonly=False)
    eh_ai_autonomy_max_amount = fields.Monetary(
        related="company_id.eh_ai_autonomy_max_amount", readonly=False
    )
    eh_collections_reply_hold_days = fields.Integer(
        related="company_id.eh_collections_reply_hold_days", readonly=False
    )
    eh_my_day_weight_promise_due = fields.Float(
        related="company_id.eh_my_day_weight_promise_due", readonly=False
    )
    eh_my_day_weight_broken_promise = fields.Float(
        related="company_id.eh_my_day_weight_broken_promise", readonly=False
    )
    eh_my_day_weight_reminder_due = fields.Float(
        related="company_id.eh_my_day_weight_reminder_due", readonly=False
    )
    eh_my_day_weight_exposure = fields.Float(related="company_id.eh_my_day_weight_exposure", readonly=False)
    eh_my_day_weight_reply = fields.Float(related="company_id.eh_my_day_weight_reply", readonly=False)
    # Not a related field: a related one is written when the settings are created,
    # before the secret typed beside it, and the company refuses a URL without one.
    eh_agent_webhook_url = fields.Char(
        string="Agent service URL", compute="_compute_eh_agent_webhook_url", store=True, readonly=False
    )
    # The secret is write-only, as the AI key: typed here, shown back as a hint.
    eh_agent_webhook_secret_input = fields.Char(string="New shared secret", groups="base.group_system")
    eh_agent_webhook_secret_hint = fields.Char(
        string="Shared secret", compute="_compute_eh_agent_webhook_secret_hint", groups="base.group_system"
    )

    eh_collections_step_timeline = fields.Html(
        string="Reminders and steps", compute="_compute_eh_collections_step_timeline", sanitize=False
    )

    @api.depends(
        "company_id",
        "eh_ai_threshold_phone",
        "eh_ai_threshold_agency",
        "eh_ai_threshold_agency_after_letter",
        "eh_ai_threshold_write_off",
    )
    def _compute_eh_collections_step_timeline(self):
        """One timeline by days overdue: the default strategy's reminder levels (the
        ladder decides every reminder) between the next action's other steps (these
        thresholds decide only a call, an agency referral and a write-off review)."""
        Sender = self.env["eh.collections.followup.send"]
        for settings in self:
            company = settings.company_id
            strategy = self.env["eh.collections.strategy"].search(
                [("company_id", "=", company.id), ("is_default", "=", True)], limit=1
            )
            ladder = self.env._("Ladder: %(strategy)s", strategy=strategy.name or "")
            rows = [
                (
                    level.days_overdue,
                    0,
                    self.env._(
                        "%(level)s (%(channels)s)",
                        level=level.name,
                        channels=", ".join(Sender._channel_labels(level)),
                    ),
                    ladder,
                )
                for level in strategy.level_ids.sorted("sequence")
                if not level._is_predue()
            ]
            step = self.env._("Next action")
            rows += [
                (
                    settings.eh_ai_threshold_phone,
                    1,
                    self.env._("Phone call, when no reminder is due and none was paid"),
                    step,
                ),
                (
                    settings.eh_ai_threshold_agency,
                    1,
                    self.env._(
                        "Collections agency, %(days)s days after the demand letter",
                        days=settings.eh_ai_threshold_agency_after_letter,
                    ),
                    step,
                ),
                (settings.eh_ai_threshold_write_off, 1, self.env._("Write-off review"), step),
            ]
            body = Markup("").join(
                Markup(
                    "<tr><td class='text-end text-nowrap pe-2'>%s</td><td>%s</td>"
                    "<td class='text-muted text-nowrap ps-2'>%s</td></tr>"
                )
                % (self.env._("%(days)s days", days=days), what, who)
                for days, _order, what, who in sorted(rows, key=lambda row: row[:2])
            )
            settings.eh_collections_step_timeline = (
                Markup("<table class='table table-sm mb-0'>%s</table>") % body
            )

    def _compute_eh_agent_webhook_secret_hint(self):
        for settings in self:
            settings.eh_agent_webhook_secret_hint = secret_hint(
                settings.company_id.sudo().eh_agent_webhook_secret
            )

    @api.depends("company_id")
    def _compute_eh_agent_webhook_url(self):
        for settings in self:
            settings.eh_agent_webhook_url = settings.company_id.eh_agent_webhook_url

    def set_values(self):
        result = super().set_values()
        company = self.company_id
        # The secret first: the company refuses a webhook URL without one.
        if self.eh_agent_webhook_secret_input and self.env.user.has_group("base.group_system"):
            company.sudo().eh_agent_webhook_secret = self.eh_agent_webhook_secret_input.strip()
        if (self.eh_agent_webhook_url or False) != (company.eh_agent_webhook_url or False):
            company.eh_agent_webhook_url = self.eh_agent_webhook_url
        return result
