from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date

from ..tools.case_method import case_method, in_case_method
from ..tools.charges import to_decimal
from ..tools.instalments import MISSED, PAID, Instalment, instalment_states, monthly_dates, split_evenly

# What a person may change on a plan, and only while it is a draft.
DRAFT_FIELDS = ("line_ids", "grace_days", "instalment_count", "first_date", "note")
# What only the plan's own methods write.
PLAN_FIELDS = (
    "case_id",
    "currency_id",
    "state",
    "amount_planned",
    "base_amount",
    "move_line_ids",
    "activated_on",
    "end_reason",
)


class CollectionsPaymentPlan(models.Model):
    """Instalments agreed with a customer for what it has left to collect.

    A draft proposes equal monthly instalments that a collector may edit; *Activate*
    checks them, logs the plan on the case and sends the schedule to the customer.
    While the plan is active the ladder waits: the follow-up cron, the broken-promise
    escalation and the next action leave the case alone. The ledger decides each
    instalment (`tools/instalments.py`): paid once what the plan covers has fallen by
    the instalments due so far, missed once unpaid after its date and the grace days.
    The first missed instalment escalates the case once and the ladder resumes; a
    fully paid plan completes. Both are logged."""

    _name = "eh.collections.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "eh.collections.case", required=True, index=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, string="Customer")
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        readonly=True,
        help="The currency of the invoices the plan covers: the customer agrees and pays in it, and "
        "its amounts are never converted into another.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("completed", "Completed"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    line_ids = fields.One2many("eh.collections.payment.plan.line", "plan_id", string="Instalments", copy=True)
    instalment_count = fields.Integer(string="Number of instalments", default=3)
    first_date = fields.Date(string="First instalment", default=lambda self: self._default_first_date())
    grace_days = fields.Integer(
        string="Grace days", default=3, help="Days after an instalment's date before it counts as missed."
    )
    amount_planned = fields.Monetary(
        string="Amount planned",
        readonly=True,
        help="What the customer had left to collect when the plan was drafted.",
    )
    amount_scheduled = fields.Monetary(compute="_compute_amounts", string="Instalments total")
    amount_difference = fields.Monetary(compute="_compute_amounts", string="Still to schedule")
    base_amount = fields.Monetary(
        readonly=True, help="What the plan covers, as the ledger said at activation."
    )
    move_line_ids = fields.Many2many(
        "account.move.line", string="Instalments of the invoices covered", readonly=True, copy=False
    )
    amount_paid = fields.Monetary(
        compute="_compute_amounts", help="Paid on what the plan covers since it began."
    )
    activated_on = fields.Date(string="Agreed on", readonly=True, copy=False)
    note = fields.Text(string="Terms")
    end_reason = fields.Char(
        string="Why it ended", readonly=True, copy=False, help="Why the plan was cancelled or replaced."
    )

    _one_active_per_case = models.UniqueIndex(
        "(case_id) WHERE state = 'active'", "This case already has an active payment plan."
    )
    _grace_days_positive = models.Constraint("CHECK (grace_days >= 0)", "Grace days cannot be negative.")

    def _default_first_date(self):
        return self.env.company._eh_collections_today() + timedelta(days=30)

    @api.depends("case_id", "state", "activated_on")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "Payment plan of %(customer)s", customer=plan.partner_id.name or ""
            ) + (f" ({format_date(self.env, plan.activated_on)})" if plan.activated_on else "")

    @api.depends("line_ids.amount", "amount_planned", "base_amount", "move_line_ids.amount_residual")
    def _compute_amounts(self):
        for plan in self:
            plan.amount_scheduled = sum(plan.line_ids.mapped("amount"))
            plan.amount_difference = plan.amount_planned - plan.amount_scheduled
            plan.amount_paid = plan._paid() if plan.state != "draft" else 0.0

    # -- CRUD --------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            case = self.env["eh.collections.case"].browse(vals.get("case_id")).exists()
            if not case:
                raise ValidationError(self.env._("A payment plan is agreed on an existing collections case."))
            if case.state != "open":
                raise UserError(self.env._("A resolved case takes no payment plan."))
            if vals.get("state", "draft") != "draft" and not in_case_method():
                raise UserError(
                    self.env._("A payment plan starts as a draft: activate it with action_activate().")
                )
            vals["currency_id"] = case._eh_plan_currency().id
        plans = super().create(vals_list)
        for plan in plans.filtered(lambda p: not p.amount_planned):
            plan._write_own({"amount_planned": plan._left_to_collect(plan.case_id.overdue_line_ids)})
        plans.filtered(lambda p: not p.line_ids).action_propose()
        return plans

    def write(self, vals):
        if not in_case_method():
            locked = [name for name in vals if name in PLAN_FIELDS]
            if locked:
                raise UserError(
                    self.env._(
                        "%(field)s of a payment plan follows the plan: activate, cancel or replace it.",
                        field=self._fields[locked[0]]._description_string(self.env),
                    )
                )
            if set(vals) & set(DRAFT_FIELDS) and self.filtered(lambda p: p.state != "draft"):
                raise UserError(
                    self.env._("Only a draft plan can be edited: replace an active plan to change its terms.")
                )
        return super().write(vals)

    def _write_own(self, vals):
        with case_method():
            return self.write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if self.filtered(lambda p: p.state != "draft"):
            raise UserError(self.env._("An agreed payment plan stays in the history: cancel it instead."))

    # -- the proposal ----------------------------------------------------------------

    def action_propose(self):
        """Equal monthly instalments of the amount planned, from the first date, the
        remainder on the last one."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan takes a new proposal."))
            plan._write_own({"amount_planned": plan._left_to_collect(plan.case_id.overdue_line_ids)})
            if plan.instalment_count < 1 or not plan.first_date:
                raise ValidationError(self.env._("Say how many instalments, and from which date."))
            digits = plan.currency_id.decimal_places
            try:
                amounts = split_evenly(to_decimal(plan.amount_planned), plan.instalment_count, digits)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "%(amount)s cannot be split in %(count)s instalments: %(why)s",
                        amount=format_amount(self.env, plan.amount_planned, plan.currency_id),
                        count=plan.instalment_count,
                        why=error,
                    )
                ) from error
            dates = monthly_dates(plan.first_date, plan.instalment_count)
            plan.line_ids = [Command.clear()] + [
                Command.create({"date": day, "amount": float(amount)})
                for day, amount in zip(dates, amounts, strict=True)
            ]
        return True

    def _check_schedule(self):
        """Refuse, in the collector's words, instalments that cannot be agreed."""
        self.ensure_one()
        today = self.case_id._today()
        if not self.line_ids:
            raise ValidationError(self.env._("A payment plan needs at least one instalment."))
        if any(self.currency_id.compare_amounts(line.amount, 0.0) <= 0 for line in self.line_ids):
            raise ValidationError(self.env._("Every instalment must be above zero."))
        if any(line.date < today for line in self.line_ids):
            raise ValidationError(self.env._("No instalment can fall due before today."))
        if self.currency_id.compare_amounts(self.amount_scheduled, self.amount_planned):
            raise ValidationError(
                self.env._(
                    "The instalments add up to %(scheduled)s, not the %(planned)s planned: "
                    "%(difference)s still to schedule.",
                    scheduled=format_amount(self.env, self.amount_scheduled, self.currency_id),
                    planned=format_amount(self.env, self.amount_planned, self.currency_id),
                    difference=format_amount(self.env, self.amount_difference, self.currency_id),
                )
            )

    # -- agreement -------------------------------------------------------------------

    def action_activate(self):
        """Agree the plan: check it, log it on the case, send the schedule to the
        customer. The ladder waits while it is honoured."""
        for plan in self:
            case = plan.case_id
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be activated."))
            if case.state != "open":
                raise UserError(self.env._("A resolved case takes no payment plan."))
            if case.payment_plan_id:
                raise UserError(
                    self.env._("This case already has an active payment plan: replace it instead.")
                )
            plan._check_schedule()
            case._refresh_from_ledger(case.company_id, partners=case.partner_id)
            lines = case.overdue_line_ids
            left = plan._left_to_collect(lines)
            if plan.currency_id.compare_amounts(left, plan.amount_planned):
                raise UserError(
                    self.env._(
                        "What %(customer)s has left to collect changed since the plan was drafted "
                        "(%(planned)s, now %(left)s): propose the instalments again.",
                        customer=case.partner_id.name,
                        planned=format_amount(self.env, plan.amount_planned, plan.currency_id),
                        left=format_amount(self.env, left, plan.currency_id),
                    )
                )
            plan._write_own(
                {
                    "state": "active",
                    "activated_on": case._today(),
                    "move_line_ids": [Command.set(lines.ids)],
                    "base_amount": left,
                }
            )
            with case_method():
                case.write({"payment_plan_id": plan.id})
                case._log_action([{"action_type": "payment_plan", "note": plan._summary()}])
            case._leave_promised_stage()
            plan._send_schedule()
        return True

    def _summary(self):
        self.ensure_one()
        lines = self.line_ids.sorted("date")
        return self.env._(
            "Payment plan agreed: %(count)s instalments, %(total)s from %(first)s to %(last)s.",
            count=len(lines),
            total=format_amount(self.env, self.amount_scheduled, self.currency_id),
            first=format_date(self.env, lines[:1].date),
            last=format_date(self.env, lines[-1:].date),
        )

    def _send_schedule(self):
        """The schedule to the customer's invoicing contact, in their language, with the
        PDF and the pay link (the mail queue sends it after the commit)."""
        template = self.env.ref("eh_collections_case.mail_template_payment_plan", raise_if_not_found=False)
        if template and self.case_id.eh_reminder_partner_id.email:
            template.send_mail(self.id)

    # -- the ledger decides --------------------------------------------------------------

    def _left_to_collect(self, lines=None):
        """What is left to collect on the invoices the plan covers: their residuals
        less the customer's open credits (payments not yet matched count as paid)."""
        self.ensure_one()
        lines = self.move_line_ids if lines is None else lines
        credit_lines = self.case_id.credit_line_ids
        if self.currency_id == self.company_id.currency_id:
            # The company's currency (a plan agreed before plans had a currency of
            # their own counts so too): the ledger's company amounts.
            owed = sum(line.amount_residual for line in lines if not line.reconciled)
            credits = -sum(credit_lines.mapped("amount_residual"))
        else:
            mine = lines.filtered(lambda line: line.currency_id == self.currency_id and not line.reconciled)
            owed = sum(mine.mapped("amount_residual_currency"))
            credits = -sum(
                credit_lines.filtered(lambda line: line.currency_id == self.currency_id).mapped(
                    "amount_residual_currency"
                )
            )
        return max(owed - credits, 0.0)

    def _paid(self):
        return max(self.base_amount - self._left_to_collect(), 0.0)

    def _track(self):
        """Bring the instalments in step with the ledger; escalate the first missed one
        once, complete a fully paid plan. Idempotent: run it as often as you like. A paid
        instalment never goes back (see below)."""
        for plan in self.filtered(lambda p: p.state == "active"):
            lines = plan.line_ids.sorted("date")
            states = instalment_states(
                [Instalment(line.date, to_decimal(line.amount)) for line in lines],
                to_decimal(plan.currency_id.round(plan._paid())),
                plan.case_id._today(),
                plan.grace_days,
            )
            # What paid an instalment stays paid: the open credits count while they
            # are open, and one applied to another invoice later takes nothing back.
            states = [
                PAID if line.state == PAID else state for line, state in zip(lines, states, strict=True)
            ]
            for line, state in zip(lines, states, strict=True):
                if line.state != state:
                    line._write_own({"state": state})
            if all(state == PAID for state in states):
                plan._end("completed", self.env._("Payment plan completed: every instalment was paid."))
            elif MISSED in states:
                missed = lines[states.index(MISSED)]
                plan._end("broken")
                plan.case_id._escalate(
                    self.env._(
                        "Instalment of %(amount)s due %(date)s missed: payment plan broken, escalated, "
                        "the reminders resume.",
                        amount=format_amount(self.env, missed.amount, plan.currency_id),
                        date=format_date(self.env, missed.date),
                    )
                )

    def _end(self, state, note=None):
        """Close the plan; the case's ladder resumes."""
        self.ensure_one()
        self._write_own({"state": state})
        with case_method():
            if self.case_id.payment_plan_id == self:
                self.case_id.write({"payment_plan_id": False})
            if note:
                self.case_id._log_action([{"action_type": "payment_plan_ended", "note": note}])

    def action_cancel(self, reason):
        """Cancel the plan, with why; the ladder resumes and the history stays."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the plan is cancelled: a cancellation needs a reason."))
        for plan in self:
            if plan.state not in ("draft", "active"):
                raise UserError(self.env._("Only a draft or an active plan can be cancelled."))
            was_active = plan.state == "active"
            plan._write_own({"end_reason": reason})
            plan._end(
                "cancelled",
                self.env._("Payment plan cancelled: %(reason)s", reason=reason) if was_active else None,
            )
        return True

    def action_replace(self, reason):
        """Cancel the plan with why, and open a new draft for what is left to collect."""
        self.ensure_one()
        case = self.case_id
        self.action_cancel(reason)
        replacement = self.create(
            {
                "case_id": case.id,
                "instalment_count": self.instalment_count,
                "grace_days": self.grace_days,
                "note": self.note,
            }
        )
        return replacement._get_records_action()

    @api.model
    def _cron_track_payment_plans(self):
        """Daily: refresh the customers with an active plan from the ledger, then bring
        each plan in step, a commit per plan."""
        plans = self.search([("state", "=", "active")])
        Case = self.env["eh.collections.case"]
        for company in plans.company_id:
            mine = plans.filtered(lambda p, co=company: p.company_id == co)
            Case._refresh_from_ledger(company, partners=mine.partner_id)
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(plans))
        # Every plan in this call, whatever Odoo's 10 seconds say: a plan still active
        # after its tracking would be listed first again by the next call, and the
        # plans after it never tracked. A plan is cheap to track, and there is one per
        # customer on a plan.
        for plan in plans:
            plan._track()
            cron._commit_progress(1)


class CollectionsPaymentPlanLine(models.Model):
    """One instalment: a date, an amount, and what the ledger says of it."""

    _name = "eh.collections.payment.plan.line"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date, id"

    plan_id = fields.Many2one("eh.collections.payment.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("paid", "Paid"), ("missed", "Missed")],
        default="pending",
        required=True,
        readonly=True,
    )

    def write(self, vals):
        if not in_case_method():
            if "state" in vals:
                raise UserError(self.env._("An instalment is paid or missed by the ledger, never by hand."))
            if self.plan_id.filtered(lambda p: p.state != "draft"):
                raise UserError(
                    self.env._("Only a draft plan can be edited: replace an active plan to change its terms.")
                )
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["eh.collections.payment.plan"].browse({v.get("plan_id") for v in vals_list})
        if not in_case_method() and plans.filtered(lambda p: p.state != "draft"):
            raise UserError(
                self.env._("Only a draft plan can be edited: replace an active plan to change its terms.")
            )
        return super().create(vals_list)

    def _write_own(self, vals):
        with case_method():
            return self.write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if self.plan_id.filtered(lambda p: p.state != "draft"):
            raise UserError(self.env._("An agreed instalment stays in the history."))
