import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_amount, format_date

from .collections_action import FOLLOWUP_TYPES

_logger = logging.getLogger(__name__)

# Amounts the refresh writes, in the order of the aggregation's columns.
LEDGER_FIELDS = (
    "total_overdue_amount",
    "total_due_amount",
    "overdue_invoice_amount",
    "unapplied_credit_amount",
    "days_overdue_max",
    "oldest_due_date",
    "overdue_invoice_count",
    "amount_not_due",
    "amount_1_30",
    "amount_31_60",
    "amount_61_90",
    "amount_91_120",
    "amount_over_120",
)
COUNTER_FIELDS = ("followup_count", "last_followup_date", "contact_count", "last_contact_date")
# Cases the follow-up cron sends per commit (each in its own savepoint).
FOLLOWUP_BATCH = 50


class CollectionsCase(models.Model):
    """A customer's overdue receivables in one company, worked as one case.

    Cases are built from the ledger by `_refresh_from_ledger` (one GROUP BY pass and
    one set-based upsert); what collectors do is logged in `eh.collections.action`.
    """

    _name = "eh.collections.case"
    _description = "Collections Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, days_overdue_max desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        domain="[('parent_id', '=', False)]",
        help="The commercial partner: invoices to its contacts and addresses roll up here.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], default="open", required=True, tracking=True, index=True
    )
    stage_id = fields.Many2one(
        "eh.collections.stage",
        index=True,
        tracking=True,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        default=lambda self: self.env["eh.collections.stage"]._get_by_type("new"),
    )
    user_id = fields.Many2one(
        "res.users", string="Collector", tracking=True, index=True, domain="[('share', '=', False)]"
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Medium"), ("2", "High"), ("3", "Urgent")], default="0", index=True
    )
    color = fields.Integer()
    refreshed_at = fields.Datetime(string="Refreshed", readonly=True)

    # Ledger figures, in company currency, written by the refresh.
    total_overdue_amount = fields.Monetary(
        string="To collect",
        readonly=True,
        aggregator="sum",
        help="Overdue invoices less unapplied credits (credit notes, payments not yet matched).",
    )
    total_due_amount = fields.Monetary(
        string="Total due",
        readonly=True,
        aggregator="sum",
        help="All open receivable, due or not, net of credits.",
    )
    overdue_invoice_amount = fields.Monetary(string="Overdue invoices", readonly=True, aggregator="sum")
    unapplied_credit_amount = fields.Monetary(string="Unapplied credits", readonly=True, aggregator="sum")
    days_overdue_max = fields.Integer(string="Days overdue", readonly=True, aggregator="max")
    oldest_due_date = fields.Date(readonly=True)
    overdue_invoice_count = fields.Integer(string="Overdue invoices (count)", readonly=True, aggregator="sum")
    amount_not_due = fields.Monetary(string="Not due", readonly=True, aggregator="sum")
    amount_1_30 = fields.Monetary(string="1-30", readonly=True, aggregator="sum")
    amount_31_60 = fields.Monetary(string="31-60", readonly=True, aggregator="sum")
    amount_61_90 = fields.Monetary(string="61-90", readonly=True, aggregator="sum")
    amount_91_120 = fields.Monetary(string="91-120", readonly=True, aggregator="sum")
    amount_over_120 = fields.Monetary(string="120+", readonly=True, aggregator="sum")

    # History and counters (moved by atomic SQL increments, see _increment_counters).
    action_ids = fields.One2many("eh.collections.action", "case_id", string="History", readonly=True)
    followup_count = fields.Integer(string="Follow-ups", readonly=True, default=0)
    last_followup_date = fields.Datetime(string="Last follow-up", readonly=True)
    contact_count = fields.Integer(string="Contacts", readonly=True, default=0)
    last_contact_date = fields.Datetime(string="Last contact", readonly=True)

    # Promise, pause and dispute.
    promise_date = fields.Date(readonly=True, tracking=True)
    promise_amount = fields.Monetary(readonly=True)
    promise_kept = fields.Boolean(readonly=True)
    has_active_promise = fields.Boolean(
        compute="_compute_promise_status", search="_search_has_active_promise", string="Active promise"
    )
    broken_promise = fields.Boolean(compute="_compute_promise_status", search="_search_broken_promise")
    paused = fields.Boolean(readonly=True, tracking=True, index=True)
    pause_until = fields.Date(readonly=True)
    pause_reason = fields.Char(readonly=True)
    disputed = fields.Boolean(readonly=True, tracking=True, index=True)
    dispute_reason = fields.Char(readonly=True)

    # The dunning ladder.
    level_id = fields.Many2one("eh.collections.level", index=True, readonly=True, check_company=True)
    strategy_id = fields.Many2one(
        "eh.collections.strategy", compute="_compute_ladder", help="The customer's, else the company default."
    )
    next_level_id = fields.Many2one("eh.collections.level", compute="_compute_ladder", string="Next level")
    next_followup_date = fields.Date(compute="_compute_ladder", string="Next follow-up")
    followup_asap = fields.Boolean(
        readonly=True, help="Send the next level without waiting (broken promise)."
    )
    promise_base_amount = fields.Monetary(readonly=True, help="To collect when the promise was made.")
    promise_escalated = fields.Boolean(readonly=True, help="The lapse of the current promise was escalated.")
    eh_reminder_partner_id = fields.Many2one(
        "res.partner", compute="_compute_eh_reminder_partner_id", string="Reminders to"
    )
    overdue_move_ids = fields.Many2many(
        "account.move", compute="_compute_invoice_ids", string="Overdue invoices chased"
    )
    credit_line_ids = fields.Many2many(
        "account.move.line",
        compute="_compute_credit_line_ids",
        string="Open credits",
        help="Credit notes and payments not yet matched to an invoice.",
    )

    invoice_ids = fields.Many2many(
        "account.move",
        compute="_compute_invoice_ids",
        string="Open invoices",
        help="Open posted receivables.",
    )
    # Late fees and statutory interest.
    fee_move_ids = fields.One2many("account.move", "eh_fee_case_id", string="Fee invoices", readonly=True)
    fee_count = fields.Integer(compute="_compute_fee_count", string="Fees")
    interest_accrued_amount = fields.Monetary(
        compute="_compute_interest_accrued_amount",
        string="Accrued interest",
        help="Statutory interest accrued on the overdue invoices and not invoiced yet, in company "
        "currency.",
    )
    show_statutory_interest = fields.Boolean(
        compute="_compute_show_statutory_interest",
        help="The company charges statutory interest and the level being sent (else the current "
        "level) applies it: reminders show the interest.",
    )

    _one_open_case = models.UniqueIndex(
        "(partner_id, company_id) WHERE state = 'open'",
        "This customer already has an open collections case in this company.",
    )
    _state_company_idx = models.Index("(company_id, state)")

    # -- compute / search ---------------------------------------------------

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([("active", "=", True)], order=stages._order)

    def _today(self):
        """Today in the case company's timezone (falling back on the user's)."""
        company = self.company_id[:1] or self.env.company
        tz = company.partner_id.tz or self.env.context.get("tz") or self.env.user.tz or "UTC"
        return fields.Date.context_today(self.with_context(tz=tz))

    @api.depends("promise_date", "promise_kept", "state")
    @api.depends_context("tz")
    def _compute_promise_status(self):
        today_of = {company: self.with_company(company)._today() for company in self.company_id}
        for case in self:
            today = today_of.get(case.company_id) or case._today()
            case.has_active_promise, case.broken_promise = self._promise_flags(
                case.state, case.promise_date, case.promise_kept, today
            )

    @staticmethod
    def _promise_flags(state, promise_date, kept, today):
        """(active, broken): a pending promise dated today or later, or before today."""
        pending = state == "open" and bool(promise_date) and not kept
        return pending and promise_date >= today, pending and promise_date < today

    def _promise_domain(self, operator, value, active):
        """Pending promises dated today or later (active) or before today (broken)."""
        if operator != "in":
            return NotImplemented
        domain = Domain(
            [
                ("state", "=", "open"),
                ("promise_kept", "=", False),
                ("promise_date", "!=", False),
                ("promise_date", ">=" if active else "<", self._today()),
            ]
        )
        return domain if True in value else ~domain

    def _search_has_active_promise(self, operator, value):
        return self._promise_domain(operator, value, active=True)

    def _search_broken_promise(self, operator, value):
        return self._promise_domain(operator, value, active=False)

    def _compute_invoice_ids(self):
        moves = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            order="invoice_date_due, id",
        )
        for case in self:
            today = case._today()
            mine = moves.filtered(
                lambda m, c=case: m.commercial_partner_id == c.partner_id and m.company_id == c.company_id
            )
            case.invoice_ids = mine
            case.overdue_move_ids = mine.filtered(
                lambda m, t=today: m.move_type == "out_invoice"
                and not m.eh_disputed
                and m.invoice_date_due
                and m.invoice_date_due < t
            )

    def _compute_credit_line_ids(self):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id.commercial_partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "<", 0),
            ]
        )
        for case in self:
            case.credit_line_ids = lines.filtered(
                lambda ln, c=case: ln.partner_id.commercial_partner_id == c.partner_id
                and ln.company_id == c.company_id
            )

    def _compute_fee_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [("eh_fee_case_id", "in", self.ids)], ["eh_fee_case_id"], ["__count"]
            )
        )
        for case in self:
            case.fee_count = counts.get(case, 0)

    @api.depends_context("tz")
    def _compute_interest_accrued_amount(self):
        for case in self:
            total = 0.0
            if case.company_id.eh_interest_enabled:
                for move in case.overdue_move_ids:
                    total += move.currency_id._convert(
                        move.eh_interest_accrued, case.currency_id, case.company_id, case._today()
                    )
            case.interest_accrued_amount = total

    @api.depends_context("eh_level_id")
    def _compute_show_statutory_interest(self):
        sending = self.env["eh.collections.level"].browse(self.env.context.get("eh_level_id"))
        for case in self:
            level = sending or case.level_id
            case.show_statutory_interest = bool(
                case.company_id.eh_interest_enabled and level.apply_statutory_interest
            )

    def _compute_eh_reminder_partner_id(self):
        for case in self:
            invoicing = case.partner_id.child_ids.filtered(lambda c: c.type == "invoice" and c.email)
            case.eh_reminder_partner_id = invoicing[:1] or case.partner_id

    @api.depends(
        "partner_id", "company_id", "level_id", "days_overdue_max", "last_followup_date", "oldest_due_date"
    )
    def _compute_ladder(self):
        Strategy = self.env["eh.collections.strategy"]
        strategies = {}
        for company in self.company_id:
            mine = self.filtered(lambda c, co=company: c.company_id == co)
            for partner_id, strategy in Strategy._for_partners(mine.partner_id, company).items():
                strategies[partner_id, company.id] = strategy
        for case in self:
            strategy = strategies.get((case.partner_id.id, case.company_id.id), Strategy)
            case.strategy_id = strategy
            following = strategy.level_ids.sorted("sequence")
            if case.level_id in following:
                following = following.filtered(lambda lv, cur=case.level_id: lv.sequence > cur.sequence)
            level = following[:1]
            case.next_level_id = level
            if not level or not case.oldest_due_date:
                case.next_followup_date = False
                continue
            when = case.oldest_due_date + timedelta(days=level.days_overdue)
            if case.last_followup_date:
                when = max(
                    when, case.last_followup_date.date() + timedelta(days=level.min_days_since_previous)
                )
            case.next_followup_date = when

    # -- CRUD -----------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Refuse, in the collector's words, a second open case for a customer."""
        for vals in vals_list:
            if vals.get("state", "open") != "open" or not vals.get("partner_id"):
                continue
            company_id = vals.get("company_id") or self.env.company.id
            partner = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
            vals["partner_id"] = partner.id
            if self.sudo().search_count(
                [("partner_id", "=", partner.id), ("company_id", "=", company_id), ("state", "=", "open")]
            ):
                raise UserError(
                    self.env._(
                        "%(customer)s already has an open collections case.", customer=partner.display_name
                    )
                )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if self.action_ids:
            raise UserError(self.env._("A case with history cannot be deleted: resolve it instead."))

    # -- actions ---------------------------------------------------------------

    def action_refresh(self):
        """Refresh these cases' customers from the ledger."""
        for company in self.company_id:
            cases = self.filtered(lambda c, co=company: c.company_id == co)
            self._refresh_from_ledger(company, partners=cases.partner_id)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def action_refresh_all(self):
        """Refresh every case of the companies selected in the company switcher."""
        stats = self._refresh_from_ledger(self.env.companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Cases refreshed"),
                "message": self.env._(
                    "%(new)s new, %(updated)s updated, %(resolved)s resolved.",
                    new=stats["created"],
                    updated=stats["updated"],
                    resolved=stats["resolved"],
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_log_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log action"),
            "res_model": "eh.collections.log.action",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_open_log_promise(self):
        action = self.action_open_log_action()
        action["name"] = self.env._("Log promise to pay")
        action["context"] = dict(action["context"], default_with_promise=True, default_contact_made=True)
        return action

    def action_open_hold(self):
        """Pause the case or put it in dispute (the wizard's mode comes from the button)."""
        self.ensure_one()
        mode = self.env.context.get("hold_mode", "pause")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute") if mode == "dispute" else self.env._("Pause"),
            "res_model": "eh.collections.hold",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id, "default_mode": mode},
        }

    def action_resume(self):
        for case in self.filtered("paused"):
            case._set_hold(paused=False)
            case._log_action([{"action_type": "resume", "note": self.env._("Reminders resumed.")}])
        return True

    def action_resolve_dispute(self):
        for case in self.filtered("disputed"):
            case._set_hold(disputed=False)
            case._log_action([{"action_type": "dispute_resolved", "note": self.env._("Dispute resolved.")}])
        return True

    def action_open_late_fee(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Charge late fees"),
            "res_model": "eh.collections.late.fee",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_view_fees(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("eh_fee_case_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    # -- business -------------------------------------------------------------

    def _set_hold(self, **values):
        """Write pause or dispute fields (readonly in the form, moved by wizards only)."""
        return self.write(values)

    def _log_action(self, vals_list):
        """Append rows to the case history; the one way anything gets logged.

        Moves the counters atomically, posts each row in the chatter and moves the
        stage (first contact, promise). Returns the new rows.
        """
        self.ensure_one()
        actions = self.env["eh.collections.action"].create(
            [dict(vals, case_id=self.id) for vals in vals_list]
        )
        done = actions.filtered(lambda a: a.state == "done")
        followups = done.filtered(lambda a: a.action_type in FOLLOWUP_TYPES)
        contacts = done.filtered("contact_made")
        self._increment_counters(
            followups=len(followups),
            contacts=len(contacts),
            when=max(done.mapped("date")) if done else None,
        )
        for action in actions:
            self._message_log(body=action._chatter_body())  # a note, without notification work
        stage_type = self.stage_id.stage_type
        if any(a.action_type == "promise" for a in done):
            self._move_to_stage("promised")
        elif contacts and stage_type in (False, "new"):
            self._move_to_stage("contacted")
        return actions

    def _move_to_stage(self, stage_type):
        stage = self.env["eh.collections.stage"]._get_by_type(stage_type)
        if stage and self.stage_id != stage:
            self.stage_id = stage

    def _increment_counters(self, followups=0, contacts=0, when=None):
        """Add to the counters in one atomic UPDATE, so that a collector and a cron
        acting on the same case at once cannot lose an increment."""
        if not (followups or contacts):
            return
        self.flush_recordset(list(COUNTER_FIELDS))
        self.env.cr.execute(
            SQL(
                """
                UPDATE eh_collections_case
                   SET followup_count = followup_count + %(followups)s,
                       last_followup_date = CASE WHEN %(followups)s > 0
                           THEN GREATEST(last_followup_date, %(when)s) ELSE last_followup_date END,
                       contact_count = contact_count + %(contacts)s,
                       last_contact_date = CASE WHEN %(contacts)s > 0
                           THEN GREATEST(last_contact_date, %(when)s) ELSE last_contact_date END
                 WHERE id IN %(ids)s
                """,
                followups=followups,
                contacts=contacts,
                when=when or fields.Datetime.now(),
                ids=tuple(self.ids),
            )
        )
        self.invalidate_recordset(list(COUNTER_FIELDS), flush=False)

    # -- follow-up engine -------------------------------------------------------

    def _due_level(self):
        """The level to send now, or an empty recordset.

        The highest level reached above the current one, for an open case with
        something to collect that is not paused, disputed or under an active
        promise, once the level's wait since the last follow-up is over."""
        self.ensure_one()
        Level = self.env["eh.collections.level"]
        if (
            self.state != "open"
            or self.paused
            or self.disputed
            or self.has_active_promise
            or self.total_overdue_amount <= 0
        ):
            return Level
        levels = self.strategy_id.level_ids.sorted("sequence")
        if self.level_id in levels:
            levels = levels.filtered(lambda lv: lv.sequence > self.level_id.sequence)
        reached = levels.filtered(lambda lv: self.days_overdue_max >= lv.days_overdue)
        if not reached:
            return Level
        level = reached[-1]
        if self.last_followup_date and not self.followup_asap:
            waited = (self._today() - self.last_followup_date.date()).days
            if waited < level.min_days_since_previous:
                return Level
        return level

    @api.model
    def _cron_send_followups(self):
        """Daily: send the due level of every due case, a savepoint per case and a
        commit per batch. A batch's log rows and mails are committed together, so a
        crash loses a whole batch (sent again by the next run) and a re-run never
        sends anything twice."""
        cases = self.search(
            [
                ("state", "=", "open"),
                ("paused", "=", False),
                ("disputed", "=", False),
                ("total_overdue_amount", ">", 0),
            ],
            order="days_overdue_max desc, id",
        )
        cases = cases.filtered(lambda c: c.company_id.eh_collections_send_mode != "suggest")
        due = [(case, level) for case in cases for level in [case._due_level()] if level]
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(due))
        for start in range(0, len(due), FOLLOWUP_BATCH):
            chunk = due[start : start + FOLLOWUP_BATCH]
            for case, level in chunk:
                if case.try_lock_for_update():  # a collector is sending it by hand right now: next run
                    reason = case._approval_reason(level)
                    if reason:
                        self.env["eh.collections.followup"]._prepare(case, level, reason)
                    else:
                        case._send_level(level)
            if not cron._commit_progress(len(chunk)):
                break

    def _approval_reason(self, level):
        """Why this reminder must wait for a person (the To approve queue), or None."""
        company = self.company_id
        if company.eh_collections_send_mode == "approve":
            return self.env._("Every reminder is approved by a person in this company.")
        if level.needs_approval:
            return self.env._("The level %(level)s needs approval.", level=level.name)
        ceiling = company.eh_collections_auto_ceiling
        if ceiling and self.currency_id.compare_amounts(self.total_overdue_amount, ceiling) > 0:
            return self.env._(
                "Above the autonomous ceiling of %(ceiling)s.",
                ceiling=format_amount(self.env, ceiling, self.currency_id),
            )
        if self.partner_id.eh_collections_strategic:
            return self.env._("Strategic customer.")
        return None

    def _manual_level(self):
        """The level a collector's *Send reminders* would send, or (empty, why not)."""
        self.ensure_one()
        Level = self.env["eh.collections.level"]
        if self.state != "open":
            return Level, self.env._("The case is resolved.")
        if self.disputed:
            return Level, self.env._("The case is in dispute.")
        if self.total_overdue_amount <= 0:
            return Level, self.env._("Nothing to collect.")
        levels = self.strategy_id.level_ids.sorted("sequence")
        if self.level_id in levels:
            levels = levels.filtered(lambda lv: lv.sequence > self.level_id.sequence)
        if not levels:
            return Level, self.env._(
                "No level left on the %(strategy)s ladder.", strategy=self.strategy_id.name
            )
        reached = levels.filtered(lambda lv: self.days_overdue_max >= lv.days_overdue)
        return (reached[-1:] or levels[:1]), ""

    def _send_level(self, level, subject=None, body_html=None):
        """Run a level's channels on this case. The log rows and the queued mails are
        written together; a failure rolls back this case only and is logged as failed.
        An approved draft brings its edited subject and body."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return self._run_level_channels(level, subject=subject, body_html=body_html)
        except Exception as error:  # a broken template, a bad address: the queue goes on
            self.env.invalidate_all(flush=False)
            _logger.warning("Collections: level %s failed on case %s: %s", level.name, self.id, error)
            return self._log_action(
                [
                    {
                        "action_type": "follow_up",
                        "level_id": level.id,
                        "state": "failed",
                        "note": self.env._(
                            "%(level)s could not be sent: %(error)s", level=level.name, error=error
                        ),
                    }
                ]
            )

    def _run_level_channels(self, level, subject=None, body_html=None):
        recipient = self.eh_reminder_partner_id
        base = {"level_id": level.id}
        rows = []
        letter = self._statement_attachment(level) if level.channel_letter else self.env["ir.attachment"]
        if level.channel_email and not recipient.email:
            self.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._("Call %(customer)s: no email address", customer=self.partner_id.name),
                user_id=self._collector_user().id,
            )
            rows.append(
                dict(
                    base,
                    action_type="email",
                    channel="email",
                    state="skipped",
                    note=self.env._(
                        "No email address for %(recipient)s: a call activity was scheduled instead.",
                        recipient=recipient.display_name,
                    ),
                )
            )
        elif level.channel_email:
            attachments = (self._invoice_attachments() if level.attach_invoices else letter.browse()) | letter
            email_values = {
                key: value for key, value in (("subject", subject), ("body_html", body_html)) if value
            }
            if attachments:
                email_values["attachment_ids"] = [(4, a.id) for a in attachments]
            mail_id = level.mail_template_id.with_context(eh_level_id=level.id).send_mail(
                self.id, email_values=email_values or None
            )
            sent_subject = self.env["mail.mail"].browse(mail_id).subject
            rows.append(dict(base, action_type="email", channel="email", note=sent_subject))
        if level.channel_letter:
            task = self.activity_schedule(
                "eh_collections_case.mail_activity_type_print_letter",
                summary=self.env._("Print and post: %(level)s", level=level.name),
                note=self.env._(
                    "Print the attached %(document)s and post it to the customer.", document=letter.name
                ),
                user_id=self._collector_user().id,
            )
            task.attachment_ids = letter
            rows.append(dict(base, action_type="letter", channel="letter", note=letter.name))
        if level.channel_call:
            self.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._(
                    "Call %(customer)s: %(level)s", customer=self.partner_id.name, level=level.name
                ),
                user_id=self._collector_user().id,
            )
            rows.append(
                dict(base, action_type="follow_up", channel="call", note=self.env._("Call scheduled"))
            )
        actions = self._log_action(rows)
        self.write({"level_id": level.id, "followup_asap": False})
        return actions

    def _statement_attachment(self, level=None):
        """The Statement of Account as an attachment of the case: the letter a level
        sends (with the level's note) or one printed on demand."""
        self.ensure_one()
        content, kind = (
            self.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf(
                "eh_collections_case.action_report_statement",
                res_ids=self.ids,
                data={"level_id": level.id} if level else None,
            )
        )
        name = self.env._(
            "Statement of Account - %(customer)s - %(date)s",
            customer=self.partner_id.name,
            date=fields.Date.to_string(self._today()),
        )
        return self.env["ir.attachment"].create(
            {"name": f"{name}.{kind}", "raw": content, "res_model": self._name, "res_id": self.id}
        )

    def _invoice_attachments(self):
        Report = self.env["ir.actions.report"].sudo()
        attachments = self.env["ir.attachment"]
        for move in self.overdue_move_ids:
            content, kind = Report._render_qweb_pdf("account.account_invoices", res_ids=move.ids)
            attachments |= attachments.create(
                {
                    "name": f"{move._get_report_base_filename()}.{kind}",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        return attachments

    def _collector_user(self):
        """Who gets the case's tasks: its collector, else a Collections Manager."""
        return self.user_id or self._collections_manager()

    def _collections_manager(self):
        """Who reviews escalations: a Collections Manager of the case's company,
        else the current user."""
        group = self.env.ref("eh_collections_case.group_collections_manager")
        managers = group.sudo().all_user_ids.filtered(
            lambda u: not u.share and u.active and self.company_id in u.company_ids and not u._is_superuser()
        )
        return managers.sorted("id")[:1] or self.env.user

    # -- promises and pauses ------------------------------------------------------

    def _record_promise(self, amount, date):
        """A new promise replaces the previous one, kept or broken."""
        self.write(
            {
                "promise_amount": amount,
                "promise_date": date,
                "promise_base_amount": self.total_overdue_amount,
                "promise_kept": False,
                "promise_escalated": False,
            }
        )

    def _check_promises_kept(self):
        """A promise is kept once what is left to collect fell by the promised amount."""
        for case in self.filtered(lambda c: c.promise_date and not c.promise_kept):
            paid = case.promise_base_amount - case.total_overdue_amount
            if case.state == "resolved" or case.currency_id.compare_amounts(paid, case.promise_amount) >= 0:
                case.promise_kept = True

    @api.model
    def _cron_escalate_broken_promises(self):
        """Daily: escalate each lapsed, unkept promise once, a full day after its date."""
        candidates = self.search(
            [
                ("state", "=", "open"),
                ("promise_date", "!=", False),
                ("promise_kept", "=", False),
                ("promise_escalated", "=", False),
            ]
        )
        for company in candidates.company_id:
            mine = candidates.filtered(lambda c, co=company: c.company_id == co)
            self._refresh_from_ledger(company, partners=mine.partner_id)
        candidates._check_promises_kept()
        lapsed = candidates.filtered(
            lambda c: not c.promise_kept and c.promise_date + timedelta(days=1) < c._today()
        )
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(lapsed))
        for case in lapsed:
            case._escalate_broken_promise()
            if not cron._commit_progress(1):
                break

    def _escalate_broken_promise(self):
        self.write(
            {
                "promise_escalated": True,
                "followup_asap": True,
                "priority": str(min(3, int(self.priority or 0) + 1)),
            }
        )
        self._move_to_stage("escalated")
        self._log_action(
            [
                {
                    "action_type": "escalation",
                    "note": self.env._(
                        "Promise of %(amount)s by %(date)s not kept: escalated, next level queued.",
                        amount=format_amount(self.env, self.promise_amount, self.currency_id),
                        date=format_date(self.env, self.promise_date),
                    ),
                }
            ]
        )

    @api.model
    def _cron_resume_paused_cases(self):
        """Daily: resume the cases whose pause ended."""
        paused = self.search([("paused", "=", True), ("pause_until", "!=", False)])
        for case in paused.filtered(lambda c: c.pause_until < c._today()):
            case._set_hold(paused=False, pause_until=False, pause_reason=False)
            case._log_action(
                [
                    {
                        "action_type": "resume",
                        "note": self.env._(
                            "Pause ended on %(date)s.", date=format_date(self.env, case.pause_until)
                        ),
                    }
                ]
            )

    # -- refresh from the ledger ----------------------------------------------

    @api.model
    def _cron_refresh_cases(self):
        """Nightly: rebuild the cases of every company from its open receivables."""
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all
        stats = self._refresh_from_ledger(companies)
        _logger.info("Collections cases refreshed for %s companies: %s", len(companies), stats)
        self.env["ir.cron"]._commit_progress(len(companies))

    def _ledger_aggregation(self, company_days, partners=None):
        """The one GROUP BY pass: per (company, commercial partner), the figures of
        its open posted receivable lines, for partners with something to collect.

        `company_days` maps each company id to its today; amounts are in company
        currency (`amount_residual`); nothing is loaded into Python.
        """
        aml = self.env["account.move.line"]
        values = SQL(", ").join(
            SQL("(%s, %s::date)", company_id, day) for company_id, day in company_days.items()
        )
        partner_filter = (
            SQL("AND COALESCE(p.commercial_partner_id, p.id) IN %s", tuple(partners.ids))
            if partners
            else SQL()
        )
        return SQL(
            """
            WITH company_today(company_id, today) AS (VALUES %(values)s),
            open_lines AS (
                SELECT COALESCE(p.commercial_partner_id, p.id) AS partner_id,
                       aml.company_id,
                       aml.move_id,
                       aml.amount_residual AS residual,
                       aml.date_maturity,
                       ct.today - COALESCE(aml.date_maturity, aml.date) AS age
                  FROM account_move_line aml
                  JOIN company_today ct ON ct.company_id = aml.company_id
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE acc.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND am.eh_disputed IS NOT TRUE
                   AND aml.reconciled IS NOT TRUE
                   AND aml.amount_residual != 0
                   %(partner_filter)s
            ),
            totals AS (
                SELECT partner_id, company_id,
                       COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND age > 0), 0) AS overdue,
                       COALESCE(-SUM(residual) FILTER (WHERE residual < 0), 0) AS credits,
                       SUM(residual) AS balance,
                       MAX(age) FILTER (WHERE residual > 0 AND age > 0) AS days_max,
                       MIN(date_maturity) FILTER (WHERE residual > 0 AND age > 0) AS oldest_due,
                       COUNT(DISTINCT move_id) FILTER (WHERE residual > 0 AND age > 0) AS overdue_count,
                       COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND age <= 0), 0) AS b_not_due,
                       COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND age BETWEEN 1 AND 30), 0)
                           AS b_1_30,
                       COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND age BETWEEN 31 AND 60), 0)
                           AS b_31_60,
                       COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND age BETWEEN 61 AND 90), 0)
                           AS b_61_90,
                       COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND age BETWEEN 91 AND 120), 0)
                           AS b_91_120,
                       COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND age > 120), 0)
                           AS b_over_120
                  FROM open_lines
                 GROUP BY partner_id, company_id
            )
            SELECT partner_id, company_id,
                   overdue - credits AS to_collect,
                   GREATEST(balance, 0) AS total_due,
                   overdue, credits, days_max, oldest_due, overdue_count,
                   b_not_due, b_1_30, b_31_60, b_61_90, b_91_120, b_over_120
              FROM totals
             WHERE overdue - credits > 0
            """,
            values=values,
            partner_filter=partner_filter,
            to_flush=[
                self.env["account.move"]._fields["eh_disputed"],
                *(
                    aml._fields[name]
                    for name in (
                        "amount_residual",
                        "reconciled",
                        "parent_state",
                        "date_maturity",
                        "partner_id",
                        "company_id",
                        "account_id",
                        "move_id",
                    )
                ),
            ],
        )

    def _refresh_from_ledger(self, companies, partners=None):
        """Rebuild the open cases of `companies` from the ledger in one statement.

        One aggregation feeds a set-based upsert: customers with something to
        collect get their open case created or updated (never a resolved one: the
        partial unique index only matches open cases), and open cases whose customer
        dropped out are zeroed. Those are then resolved, with a log row, where the
        company resolves paid cases. `partners` limits the work to those customers.
        Returns counts: created, updated, zeroed, resolved.
        """
        companies = companies.sudo()
        company_days = {company.id: self.with_company(company)._today() for company in companies}
        stats = {"created": 0, "updated": 0, "zeroed": 0, "resolved": 0}
        if not company_days:
            return stats
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.flush_model()
        now = fields.Datetime.now()
        ident = SQL.identifier
        amounts = [name for name in LEDGER_FIELDS if name != "oldest_due_date"]
        row = self.env.execute_query(
            SQL(
                """
                WITH agg AS (%(aggregation)s),
                upserted AS (
                    INSERT INTO eh_collections_case
                           (partner_id, company_id, state, stage_id, priority, followup_count, contact_count,
                            %(columns)s, refreshed_at, create_uid, create_date, write_uid, write_date)
                    SELECT partner_id, company_id, 'open', %(stage)s, '0', 0, 0,
                           to_collect, total_due, overdue, credits, days_max, oldest_due, overdue_count,
                           b_not_due, b_1_30, b_31_60, b_61_90, b_91_120, b_over_120,
                           %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM agg
                    ON CONFLICT (partner_id, company_id) WHERE state = 'open'
                    DO UPDATE SET %(updates)s WHERE (%(current)s) IS DISTINCT FROM (%(excluded)s)
                    RETURNING (xmax = 0) AS inserted
                ),
                dropped AS (
                    SELECT c.id, (%(any_amount)s) AS nonzero
                      FROM eh_collections_case c
                     WHERE c.state = 'open' AND c.company_id IN %(companies)s %(partner_filter)s
                       AND NOT EXISTS (SELECT 1 FROM agg
                                        WHERE agg.partner_id = c.partner_id AND agg.company_id = c.company_id)
                ),
                zeroed AS (
                    UPDATE eh_collections_case c
                       SET %(zero)s, oldest_due_date = NULL,
                           refreshed_at = %(now)s, write_uid = %(uid)s, write_date = %(now)s
                      FROM dropped
                     WHERE c.id = dropped.id AND dropped.nonzero
                    RETURNING c.id
                )
                SELECT (SELECT COUNT(*) FROM upserted WHERE inserted),
                       (SELECT COUNT(*) FROM upserted WHERE NOT inserted),
                       (SELECT COUNT(*) FROM zeroed),
                       ARRAY(SELECT id FROM dropped)
                """,
                aggregation=self._ledger_aggregation(company_days, partners),
                columns=SQL(", ").join(ident(name) for name in LEDGER_FIELDS),
                stage=self.env["eh.collections.stage"]._get_by_type("new").id or None,
                now=now,
                uid=self.env.uid,
                updates=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", ident(name), ident(name))
                    for name in (*LEDGER_FIELDS, "refreshed_at", "write_uid", "write_date")
                ),
                current=SQL(", ").join(SQL("eh_collections_case.%s", ident(name)) for name in LEDGER_FIELDS),
                excluded=SQL(", ").join(SQL("EXCLUDED.%s", ident(name)) for name in LEDGER_FIELDS),
                any_amount=SQL(" OR ").join(SQL("c.%s != 0", ident(name)) for name in amounts),
                companies=tuple(company_days),
                partner_filter=SQL("AND c.partner_id IN %s", tuple(partners.ids)) if partners else SQL(),
                zero=SQL(", ").join(SQL("%s = 0", ident(name)) for name in amounts),
            )
        )[0]
        stats.update(created=row[0], updated=row[1], zeroed=row[2])
        self.invalidate_model()
        dropped = self.browse(row[3])
        to_resolve = dropped.filtered(lambda c: c.company_id.eh_collections_resolve_paid_cases)
        to_resolve._resolve(self.env._("Nothing left to collect: paid or credited in full."))
        stats["resolved"] = len(to_resolve)
        promised = [
            ("promise_date", "!=", False),
            ("promise_kept", "=", False),
            ("company_id", "in", companies.ids),
        ]
        self.search(promised)._check_promises_kept()
        return stats

    def _resolve(self, reason):
        resolved_stage = self.env["eh.collections.stage"]._get_by_type("resolved")
        for case in self:
            case.write({"state": "resolved", "stage_id": resolved_stage.id or case.stage_id.id})
            case._log_action([{"action_type": "resolved", "note": reason}])
