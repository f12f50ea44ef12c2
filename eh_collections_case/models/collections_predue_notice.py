import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import IntegrityError

from odoo import Command, api, fields, models
from odoo.fields import Domain

_logger = logging.getLogger(__name__)

# Customers a coming-due batch notifies, in one savepoint and one commit.
PREDUE_BATCH = 100


class CollectionsPredueNotice(models.Model):
    """A courteous "coming due" email to a customer, listing its invoices that fall due
    within the days of a pre-due level (a level with negative days overdue, as in Odoo
    Enterprise). The follow-up cron sends them after the reminders, to customers with
    or without a case, once per invoice and level; like the action log, a notice is
    the record of what went and is never edited."""

    _name = "eh.collections.predue.notice"
    _description = "Coming-due notice"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    level_id = fields.Many2one(
        "eh.collections.level", required=True, index=True, readonly=True, check_company=True
    )
    recipient_id = fields.Many2one("res.partner", string="To", readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    state = fields.Selection([("sent", "Sent"), ("skipped", "Skipped")], required=True, readonly=True)
    note = fields.Char(readonly=True)
    line_ids = fields.One2many(
        "eh.collections.predue.notice.line", "notice_id", string="Invoices", readonly=True
    )
    amount_total = fields.Monetary(string="Coming due", compute="_compute_amount_total")

    @api.depends("line_ids.amount_residual")
    def _compute_amount_total(self):
        for notice in self:
            notice.amount_total = sum(notice.line_ids.mapped("amount_residual"))

    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for notice in self:
            notice.display_name = self.env._(
                "Coming due, %(customer)s, %(date)s",
                customer=notice.partner_id.name or "",
                date=fields.Date.to_string(notice.date) if notice.date else "",
            )

    # -- what is due ----------------------------------------------------------------

    @api.model
    def _due_notices(self, company):
        """[(customer, level, receivable lines)] that `company` notifies today: each open
        invoice falling due within a pre-due level's days gets the level closest to its
        due date, unless that level or a later one went for it already; grouped by
        customer and level. Held and disputed invoices are left out, and so are
        customers whose case is paused."""
        levels = self.env["eh.collections.level"].search(
            [("company_id", "=", company.id), ("days_overdue", "<", 0), ("strategy_id.active", "=", True)]
        )
        if not levels:
            return []
        today = company._eh_collections_today()
        horizon = today + timedelta(days=-min(levels.mapped("days_overdue")))
        AML = self.env["account.move.line"]
        lines = AML.search(
            AML._eh_coming_due_domain(today, horizon) & Domain("company_id", "=", company.id),
            order="date_maturity, id",
        )
        if not lines:
            return []
        customers = lines.partner_id.commercial_partner_id
        strategies = self.env["eh.collections.strategy"]._for_partners(customers, company)
        paused = (
            self.env["eh.collections.case"]
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "open"),
                    ("paused", "=", True),
                    ("partner_id", "in", customers.ids),
                ]
            )
            .partner_id
        )
        latest_sent = defaultdict(lambda: float("-inf"))
        for sent in self.env["eh.collections.predue.notice.line"].search(
            [("move_id", "in", lines.move_id.ids)]
        ):
            latest_sent[sent.move_id] = max(latest_sent[sent.move_id], sent.level_id.days_overdue)
        groups, seen = defaultdict(lambda: AML), set()
        for line in lines:
            customer = line.partner_id.commercial_partner_id
            if customer in paused or line.move_id in seen:
                continue
            days_left = (line.date_maturity - today).days
            reached = strategies[customer.id].predue_level_ids.filtered(
                lambda lv, d=days_left: d <= -lv.days_overdue
            )
            level = reached.sorted("days_overdue")[-1:]
            if level and latest_sent[line.move_id] < level.days_overdue:
                groups[customer, level] |= line
                seen.add(line.move_id)
        return [(customer, level, group) for (customer, level), group in groups.items()]

    # -- sending --------------------------------------------------------------------

    @api.model
    def _send_due_notices(self):
        """Send every company's coming-due notices, a batch per commit, all of them:
        a day's notices are few next to its reminders, and the follow-up run lists its
        cases once they are sent."""
        cron = self.env["ir.cron"]
        for company in self.env["res.company"].search([], order="id"):  # pylint: disable=no-search-all
            due = self._due_notices(company)
            for start in range(0, len(due), PREDUE_BATCH):
                chunk = due[start : start + PREDUE_BATCH]
                self._send_batch(chunk)
                cron._commit_progress(len(chunk))

    @api.model
    def _send_batch(self, due):
        """Notify a batch of customers, once per invoice even with several workers: the
        invoices are claimed with a transaction's advisory lock (never a lock on the
        invoice's row, which would make a payment of it wait for the mail), and a
        (invoice, level) pair is unique, so a worker that lost a race writes nothing."""
        moves = self.env["account.move"].browse({line.move_id.id for _c, _l, lines in due for line in lines})
        claimed = moves.browse(
            self.env["ir.cron"]._eh_try_claim_many("eh_collections_case.predue", moves.ids)
        )
        due = [
            (customer, level, lines.filtered(lambda line: line.move_id in claimed))
            for customer, level, lines in due
        ]
        due = [(customer, level, lines) for customer, level, lines in due if lines]
        if not due:
            return self.browse()
        try:
            with self.env.cr.savepoint():
                return self._notify(due)
        except IntegrityError:  # another worker noticed these invoices since this one looked
            _logger.info("Collections: coming-due notices already sent by another worker.")
            self.env.invalidate_all(flush=False)
            return self.browse()

    @api.model
    def _notify(self, due):
        vals_list = []
        for customer, level, lines in due:
            recipient = customer._eh_reminder_contact()
            vals_list.append(
                {
                    "partner_id": customer.id,
                    "company_id": level.company_id.id,
                    "level_id": level.id,
                    "recipient_id": recipient.id,
                    "state": "sent" if recipient.email else "skipped",
                    "note": False
                    if recipient.email
                    else self.env._("No email address for %(recipient)s", recipient=recipient.display_name),
                    "line_ids": [
                        Command.create(
                            {
                                "move_id": line.move_id.id,
                                "level_id": level.id,
                                "date_maturity": line.date_maturity,
                                "amount_residual": line.amount_residual_currency,
                                "currency_id": line.currency_id.id,
                            }
                        )
                        for line in lines
                    ],
                }
            )
        notices = self.sudo().create(vals_list)
        for level, batch in notices.filtered(lambda n: n.state == "sent").grouped("level_id").items():
            mails = (
                level.mail_template_id.with_context(eh_render_batch=True)
                .send_mail_batch(batch.ids)
                .grouped("res_id")
            )
            for notice in batch:
                notice.note = mails[notice.id].subject
            self.env["eh.collections.followup.send"]._wake_mail_queue()
        bodies = {
            line.move_id.id: Markup("%s")
            % self.env._(
                "Coming-due notice (%(level)s): %(what)s",
                level=notice.level_id.name,
                what=notice.note,
            )
            for notice in notices
            for line in notice.line_ids
        }
        self.env["account.move"].browse(list(bodies))._message_log_batch(bodies)
        return notices


class CollectionsPredueNoticeLine(models.Model):
    """An invoice a coming-due notice listed, with what was due on it then. The pair
    (invoice, level) is unique: a level notifies an invoice once."""

    _name = "eh.collections.predue.notice.line"
    _description = "Coming-due notice invoice"
    _order = "date_maturity, id"

    notice_id = fields.Many2one(
        "eh.collections.predue.notice", required=True, index=True, ondelete="cascade", readonly=True
    )
    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True)
    level_id = fields.Many2one("eh.collections.level", required=True, readonly=True)
    date_maturity = fields.Date(string="Due date", readonly=True)
    amount_residual = fields.Monetary(string="Amount due", currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)

    _invoice_level_unique = models.UniqueIndex("(move_id, level_id)")
