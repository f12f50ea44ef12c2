from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_company import SHIPPED_TERMS


class CollectionsLevel(models.Model):
    """One rung of a dunning ladder: when it applies and what it does.

    Several channels may fire in one level; one message per customer and level
    covers all its overdue invoices."""

    _name = "eh.collections.level"
    _description = "Collections Level"
    _order = "strategy_id, sequence, days_overdue, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    strategy_id = fields.Many2one(
        "eh.collections.strategy", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="strategy_id.company_id", store=True, index=True)
    days_overdue = fields.Integer(
        string="Days overdue",
        required=True,
        help="The level applies from this many days overdue. Negative: a pre-due level, a courteous "
        "coming-due email that many days before an invoice falls due.",
    )
    min_days_since_previous = fields.Integer(
        string="Days after the previous level",
        default=7,
        help="Minimum wait after the previous level was sent.",
    )
    channel_email = fields.Boolean(string="Email", default=True)
    channel_letter = fields.Boolean(
        string="Letter",
        help="The Statement of Account PDF, attached to the email and queued for print and post "
        "(a Print and post activity carrying the PDF).",
    )
    channel_call = fields.Boolean(string="Call", help="A call activity for the collector.")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email template",
        domain="[('model', '=', 'eh.collections.predue.notice' if days_overdue < 0 "
        "else 'eh.collections.case')]",
    )
    attach_invoices = fields.Boolean(string="Attach the invoices")
    tone = fields.Selection(
        [("courteous", "Courteous"), ("firm", "Firm"), ("final", "Final notice")],
        default="courteous",
        required=True,
    )
    needs_approval = fields.Boolean(string="Needs approval", help="Prepared by the cron, sent by a person.")
    apply_statutory_interest = fields.Boolean(
        string="Statutory interest", help="Show and charge statutory interest from this level on."
    )
    statement_note = fields.Text(
        string="Statement note",
        translate=True,
        help="Printed at the top of the Statement of Account when the case is at this level: sent by "
        "the level's letter or printed from the case.",
    )

    @api.constrains("min_days_since_previous")
    def _check_days(self):
        for level in self:
            if level.min_days_since_previous < 0:
                raise ValidationError(
                    self.env._(
                        "Days after the previous level cannot be negative on %(name)s.", name=level.name
                    )
                )

    def _eh_translate_shipped_terms(self, langs=None):
        """Give the levels still named (and noted) as shipped their translations in
        `langs` (by default every active language): the shipped ladders are created in
        English, and a language activated later translates them too."""
        langs = langs or [code for code, _name in self.env["res.lang"].get_installed()]
        langs = [lang for lang in langs if lang != "en_US"]
        if not langs:
            return
        terms = {term._translate("en_US"): term for term in SHIPPED_TERMS}
        for level in self.with_context(lang="en_US"):
            for fname in ("name", "statement_note"):
                term = terms.get(level[fname] or "")
                if term:
                    level.update_field_translations(fname, {lang: term._translate(lang) for lang in langs})

    def _is_predue(self):
        return self.days_overdue < 0

    @api.constrains("days_overdue", "mail_template_id", "needs_approval", "channel_letter", "channel_call")
    def _check_predue(self):
        """A pre-due level sends a courteous email about invoices not due yet, by
        itself: no letter, call or other channel, no approval, and a template made for
        coming-due notices (the case's templates list overdue invoices)."""
        channels = self.env["eh.collections.followup.send"]._channels()
        for level in self:
            template_model = level.mail_template_id.model
            expected = "eh.collections.predue.notice" if level._is_predue() else "eh.collections.case"
            if template_model and template_model != expected:
                raise ValidationError(
                    self.env._(
                        "Level %(name)s needs an email template of %(model)s: a level before the due date "
                        "sends a coming-due notice, a level after it a reminder of the case.",
                        name=level.name,
                        model=self.env["ir.model"]._get(expected).name,
                    )
                )
            if not level._is_predue():
                continue
            others = [c for c in channels if c != "email" and level[f"channel_{c}"]]
            if not level.channel_email or others or level.needs_approval:
                raise ValidationError(
                    self.env._(
                        "Level %(name)s comes before the due date: it sends its email by itself, and "
                        "nothing else (no letter, call, SMS or WhatsApp, no approval).",
                        name=level.name,
                    )
                )

    @api.constrains("channel_email", "mail_template_id")
    def _check_template(self):
        for level in self:
            if level.channel_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._("Level %(name)s sends an email: choose its template.", name=level.name)
                )
