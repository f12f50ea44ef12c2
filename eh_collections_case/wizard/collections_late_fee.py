from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import LockError, UserError
from odoo.tools import format_amount, format_date

from ..tools.case_method import case_method
from ..tools.charges import (
    charge_period,
    prorated_fee,
    round_money,
    statutory_interest,
    to_decimal,
)


@dataclass(frozen=True)
class Charge:
    """One fee line: what is charged on one invoice, and up to when."""

    move_id: int
    line_id: int
    kind: str  # "fee", "interest" or "compensation"
    start: date | None
    end: date
    days: int
    residual: Decimal
    amount: Decimal
    description: str


class CollectionsLateFee(models.TransientModel):
    """Charge a case's customer late fees or statutory interest on its overdue invoices.

    The lines are the preview; Post recomputes them on locked invoices and refuses
    when anything changed, so what is posted is what was shown. Each invoice
    remembers up to which date it was charged, so nothing is charged twice."""

    _name = "eh.collections.late.fee"
    _description = "Charge Late Fees"

    case_id = fields.Many2one("eh.collections.case", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id")
    currency_id = fields.Many2one(related="case_id.currency_id")
    charge = fields.Selection(
        [
            ("prorated", "Percent per month"),
            ("flat", "Flat fee per invoice"),
            ("interest", "Statutory interest"),
        ],
        required=True,
        default=lambda self: self._default_charge(),
    )
    monthly_rate = fields.Float(string="Rate per month (%)", digits=(16, 2), default=1.0)
    flat_amount = fields.Monetary(
        string="Fee per invoice", help="In company currency; converted for invoices in another currency."
    )
    include_compensation = fields.Boolean(
        string="Add the fixed compensation",
        default=lambda self: self._default_include_compensation(),
        help="The company's fixed recovery compensation, once per invoice.",
    )
    date = fields.Date(
        string="Charge up to",
        required=True,
        default=lambda self: self._default_date(),
        help="Fees and interest run up to this day, included.",
    )
    line_ids = fields.One2many(
        "eh.collections.late.fee.line", "wizard_id", compute="_compute_line_ids", store=True, readonly=True
    )
    summary = fields.Char(compute="_compute_line_ids", store=True)
    warning = fields.Char(compute="_compute_line_ids", store=True)

    def _default_case(self):
        return self.env["eh.collections.case"].browse(self.env.context.get("default_case_id"))

    def _default_charge(self):
        return "interest" if self._default_case().company_id.eh_interest_enabled else "prorated"

    def _default_include_compensation(self):
        return bool(self._default_case().company_id.eh_interest_compensation)

    def _default_date(self):
        case = self._default_case()
        return case._today() if case else fields.Date.context_today(self)

    # -- the figures ------------------------------------------------------------

    def _check_input(self):
        """Refuse what cannot be charged, in the collector's words."""
        company = self.case_id.company_id
        if self.date > self.case_id._today():
            raise UserError(self.env._("Late fees cannot be charged beyond today."))
        if self.charge == "prorated" and self.monthly_rate <= 0:
            raise UserError(
                self.env._("The monthly rate must be positive (%(rate)s%%).", rate=self.monthly_rate)
            )
        if self.charge == "flat" and self.currency_id.compare_amounts(self.flat_amount, 0) <= 0:
            raise UserError(self.env._("The fee per invoice must be positive."))
        if self.charge == "interest" and not company.eh_interest_enabled:
            raise UserError(
                self.env._(
                    "%(company)s does not charge statutory interest: enable it in the Collections settings.",
                    company=company.name,
                )
            )

    def _chargeable_lines(self):
        """The overdue instalments of chargeable invoices on the charge date: a line is
        late, not an invoice (an invoice with several instalments is charged on the
        late ones only)."""
        AML = self.env["account.move.line"]
        lines = self.case_id._open_lines().filtered_domain(AML._eh_overdue_domain(self.date))
        return lines.filtered(lambda line: line.move_id._eh_is_chargeable())

    def _charges(self):
        """The lines to charge, computed from the invoices as they are now."""
        self._check_input()
        case = self.case_id
        lines = self._chargeable_lines()
        if not lines:
            raise UserError(
                self.env._(
                    "%(customer)s has no overdue invoice to charge on %(date)s.",
                    customer=case.partner_id.display_name,
                    date=format_date(self.env, self.date),
                )
            )
        charges = []
        for move in lines.move_id:
            charges.extend(self._charges_on(move, lines.filtered(lambda ln, m=move: ln.move_id == m)))
        if not charges:
            raise UserError(
                self.env._(
                    "The overdue invoices of %(customer)s are already charged up to %(date)s.",
                    customer=case.partner_id.display_name,
                    date=format_date(self.env, self.date),
                )
            )
        return charges

    def _charges_on(self, move, lines):
        """The charges on one invoice: one per overdue instalment, and the fixed
        compensation once per invoice."""
        charges = [charge for line in lines for charge in [self._charge_on(move, line)] if charge]
        compensation = self.case_id.company_id.eh_interest_compensation
        if (
            self.charge == "interest"
            and self.include_compensation
            and compensation
            and not move.eh_compensation_charged
        ):
            amount = self._in_currency(compensation, move.currency_id)
            if amount > 0:
                charges.append(
                    Charge(
                        move.id,
                        lines[:1].id,
                        "compensation",
                        None,
                        self.date,
                        0,
                        to_decimal(sum(lines.mapped("amount_residual_currency"))),
                        amount,
                        self.env._("Fixed compensation for recovery costs on %(invoice)s", invoice=move.name),
                    )
                )
        return charges

    def _charge_on(self, move, line):
        """The fee or interest on one overdue instalment, or None."""
        env = self.env
        currency = line.currency_id
        digits = currency.decimal_places
        residual = to_decimal(line.amount_residual_currency)
        due = line._eh_due_date()
        if self.charge == "interest":
            period = charge_period(due, move.eh_interest_charged_until, self.date)
            owed = line._eh_amounts_owed(period)
            rate = self.case_id.company_id._eh_interest_annual_rate()
            amount = statutory_interest(owed, rate, digits)
            description = self._charge_description(move, owed, rate, currency)
            kind = "interest"
        else:
            period = charge_period(due, move.eh_fee_charged_until, self.date)
            if not period.days:
                return None
            if self.charge == "flat":
                amount = self._in_currency(self.flat_amount, currency)
                description = env._("Late fee on %(invoice)s", invoice=move.name)
            else:
                owed = line._eh_amounts_owed(period)
                rate = to_decimal(self.monthly_rate)
                amount = prorated_fee(owed, rate, digits)
                description = self._charge_description(move, owed, rate, currency)
            kind = "fee"
        if not period.days or amount <= 0:
            return None
        return Charge(
            move.id, line.id, kind, period.start, period.end, period.days, residual, amount, description
        )

    def _charge_description(self, move, owed, rate, currency):
        """The fee invoice line's words: the rate, and what was owed for how many days
        (each stretch when a payment came in the middle)."""
        env, rate = self.env, rate.normalize()
        if len(owed) == 1:
            values = {
                "invoice": move.name,
                "rate": rate,
                "days": owed[0].days,
                "residual": format_amount(env, float(owed[0].amount), currency),
            }
            if self.charge == "interest":
                return env._(
                    "Interest on %(invoice)s: %(rate)s%% a year for %(days)s days on %(residual)s", **values
                )
            return env._(
                "Late fee on %(invoice)s: %(rate)s%% a month for %(days)s days on %(residual)s", **values
            )
        stretches = ", ".join(
            env._(
                "%(amount)s for %(days)s days",
                amount=format_amount(env, float(stretch.amount), currency),
                days=stretch.days,
            )
            for stretch in owed
        )
        if self.charge == "interest":
            return env._(
                "Interest on %(invoice)s: %(rate)s%% a year on %(stretches)s",
                invoice=move.name,
                rate=rate,
                stretches=stretches,
            )
        return env._(
            "Late fee on %(invoice)s: %(rate)s%% a month on %(stretches)s",
            invoice=move.name,
            rate=rate,
            stretches=stretches,
        )

    def _in_currency(self, amount, currency):
        """A company-currency amount in the invoice's currency, at the charge date's rate."""
        company = self.case_id.company_id
        converted = company.currency_id._convert(amount, currency, company, self.date)
        return round_money(to_decimal(converted), currency.decimal_places)

    @api.depends("case_id", "charge", "monthly_rate", "flat_amount", "include_compensation", "date")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [Command.clear()]
            wizard.warning = wizard.summary = False
            if not (wizard.case_id and wizard.date):
                continue
            try:
                charges = wizard._charges()
            except UserError as error:
                wizard.warning = error.args[0]
                continue
            wizard.line_ids = [Command.create(wizard._line_values(c)) for c in charges]
            wizard.summary = wizard._summary(charges)

    def _line_values(self, charge):
        return {
            "move_id": charge.move_id,
            "move_line_id": charge.line_id,
            "kind": charge.kind,
            "date_from": charge.start,
            "date_to": charge.end,
            "days": charge.days,
            "residual": float(charge.residual),
            "amount": float(charge.amount),
            "description": charge.description,
        }

    def _summary(self, charges):
        moves = self.env["account.move"].browse([c.move_id for c in charges])
        totals = defaultdict(Decimal)
        for charge in charges:
            totals[moves.browse(charge.move_id).currency_id] += charge.amount
        return " + ".join(format_amount(self.env, float(total), cur) for cur, total in totals.items())

    # -- posting ------------------------------------------------------------------

    def action_post(self):
        """Post one fee invoice per currency, exactly as previewed, in one transaction."""
        self.ensure_one()
        case = self.case_id
        moves = self._chargeable_lines().move_id
        try:
            moves.lock_for_update()
        except LockError:
            raise UserError(
                self.env._("Someone is charging these invoices right now: try again in a moment.")
            ) from None
        moves.invalidate_recordset()
        charges = self._charges()
        previewed = [(line.move_line_id.id, line.kind, line._amount()) for line in self.line_ids]
        if previewed != [(c.line_id, c.kind, c.amount) for c in charges]:
            raise UserError(
                self.env._(
                    "The invoices changed since this preview (a payment, or a fee charged meanwhile): "
                    "close and open the wizard again to see the new figures."
                )
            )
        with case_method():
            fee_moves = self._create_fee_invoices(charges)
            fee_moves.action_post()
            self._mark_charged(charges)
            case._log_action(
                [
                    {
                        "action_type": "fee",
                        "note": self.env._(
                            "%(invoice)s: %(amount)s (%(what)s up to %(date)s)",
                            invoice=fee.name,
                            amount=format_amount(self.env, fee.amount_total, fee.currency_id),
                            what=dict(self._fields["charge"]._description_selection(self.env))[self.charge],
                            date=format_date(self.env, self.date),
                        ),
                    }
                    for fee in fee_moves
                ]
            )
        case._refresh_from_ledger(case.company_id, partners=case.partner_id)  # the fee is now due too
        action = case.action_view_fees()
        if len(fee_moves) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=fee_moves.id)
        return action

    def _create_fee_invoices(self, charges):
        case = self.case_id
        company = case.company_id
        Move = self.env["account.move"].with_company(company)
        moves = Move.browse([c.move_id for c in charges])
        by_currency = defaultdict(list)
        for charge in charges:
            by_currency[moves.browse(charge.move_id).currency_id].append(charge)
        partner = case.partner_id.address_get(["invoice"])["invoice"]
        vals_list = []
        for currency, currency_charges in by_currency.items():
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": partner,
                    "currency_id": currency.id,
                    "invoice_date": self.date,
                    "invoice_origin": self.env._("Collections: %(customer)s", customer=case.partner_id.name),
                    "eh_fee_case_id": case.id,
                    "invoice_line_ids": [
                        Command.create(self._fee_line_values(charge)) for charge in currency_charges
                    ],
                }
            )
        return Move.create(vals_list)

    def _fee_line_values(self, charge):
        company = self.case_id.company_id
        product = company._eh_fee_product(interest=charge.kind != "fee")
        values = {
            "product_id": product.id,
            "name": charge.description,
            "quantity": 1,
            "price_unit": float(charge.amount),
        }
        if company.eh_fee_account_id:
            values["account_id"] = company.eh_fee_account_id.id
        return values

    def _mark_charged(self, charges):
        Move = self.env["account.move"].sudo()
        for charge in charges:
            move = Move.browse(charge.move_id)
            if charge.kind == "fee":
                move.eh_fee_charged_until = charge.end
            elif charge.kind == "interest":
                move.eh_interest_charged_until = charge.end
            else:
                move.eh_compensation_charged = True


class CollectionsLateFeeLine(models.TransientModel):
    _name = "eh.collections.late.fee.line"
    _description = "Late Fee Preview Line"
    _order = "id"

    wizard_id = fields.Many2one("eh.collections.late.fee", required=True, ondelete="cascade")
    move_id = fields.Many2one("account.move", string="Invoice", required=True)
    move_line_id = fields.Many2one("account.move.line", string="Instalment", required=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    kind = fields.Selection(
        [("fee", "Late fee"), ("interest", "Interest"), ("compensation", "Compensation")], required=True
    )
    date_from = fields.Date(string="After")
    date_to = fields.Date(string="Up to")
    days = fields.Integer()
    residual = fields.Monetary()
    amount = fields.Monetary()
    description = fields.Char()

    def _amount(self):
        """The previewed amount as the Decimal it was computed as."""
        return round_money(to_decimal(self.amount), self.currency_id.decimal_places)
