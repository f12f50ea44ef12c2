import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..tools.case_method import case_method, in_case_method
from ..tools.matching import DISCOUNT, FEE, ROUNDING, OpenInvoice, match_payment

_logger = logging.getLogger(__name__)

DIFFERENCE_REASONS = [
    ("discount", "Early-payment discount"),
    ("fee", "Bank fee"),
    ("dispute", "Disputed invoice left out"),
    ("rounding", "Rounding"),
    ("overpaid", "Overpaid"),
    ("unexplained", "Unexplained"),
]
# Payment lines posted in the current transaction, suggested for just before it commits.
PENDING_MATCHES = "eh_collections_case.pending_payment_matches"
# Short payments applied in full with a write-off line; any other difference stays open.
WRITTEN_OFF = (DISCOUNT, FEE, ROUNDING)


class CollectionsPaymentMatch(models.Model):
    """Which open invoices an unapplied customer payment pays: up to three ranked
    suggestions per payment line, made by the matcher (`tools/matching.py`) when the
    payment is posted and by the refresh. A collector applies one (Odoo's own
    reconciliation, a write-off line for an accepted short payment, a row on the case)
    or rejects it; nothing is reconciled by itself."""

    _name = "eh.collections.payment.match"
    _description = "Payment Match Suggestion"
    _order = "move_line_id, rank, id"
    _check_company_auto = True
    _rec_name = "reason"

    case_id = fields.Many2one("eh.collections.case", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True)
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Payment",
        required=True,
        ondelete="cascade",
        index=True,
        help="The payment's open receivable line.",
    )
    payment_date = fields.Date(related="move_line_id.date", string="Paid on")
    memo = fields.Char(readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    payment_amount = fields.Monetary(string="Unapplied", readonly=True, help="What was open of the payment.")
    invoice_ids = fields.Many2many("account.move", string="Invoices", readonly=True)
    invoice_residual = fields.Monetary(string="Invoices open", readonly=True)
    rank = fields.Integer(readonly=True)
    confidence = fields.Float(readonly=True, help="From 0 to 1: how sure the matcher is.")
    reason = fields.Char(readonly=True)
    difference = fields.Monetary(
        readonly=True, help="What the invoices owe less the payment: short when positive, over when negative."
    )
    difference_reason = fields.Selection(DIFFERENCE_REASONS, string="Difference reason", readonly=True)
    difference_note = fields.Char(string="Difference note", readonly=True)
    state = fields.Selection(
        [("suggested", "Suggested"), ("applied", "Applied"), ("rejected", "Rejected")],
        default="suggested",
        required=True,
        readonly=True,
        index=True,
    )

    _confidence_range = models.Constraint(
        "CHECK (confidence >= 0 AND confidence <= 1)", "A confidence is between 0 and 1."
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not in_case_method():
            raise UserError(self._paths_message())
        return super().create(vals_list)

    def write(self, vals):
        if not in_case_method():
            raise UserError(self._paths_message())
        return super().write(vals)

    def _paths_message(self):
        return self.env._(
            "Payment match suggestions are made by the matcher when a payment is posted or the case "
            "is refreshed (action_refresh); apply one with action_apply() or hide it with action_reject()."
        )

    # -- the collector's decision ------------------------------------------------

    def action_apply(self):
        """Reconcile the payment with these invoices through Odoo's reconciliation, with a
        write-off line when a discount, a fee or rounding explains a short payment; log it
        on the case and refresh the case at once."""
        self.ensure_one()
        self.case_id.check_access("write")
        match = self.sudo()
        payment_line, invoice_lines = match._check_still_open()
        with self.env.cr.savepoint(), case_method():
            lines = payment_line | invoice_lines
            if match.difference > 0 and match.difference_reason in WRITTEN_OFF:
                lines |= match._write_off_line(invoice_lines[0].account_id)
            lines.reconcile()
            match.write({"state": "applied"})
            # The other suggestions for this payment are moot now.
            match.search([("move_line_id", "=", payment_line.id), ("state", "=", "suggested")]).unlink()
        names = ", ".join(match.invoice_ids.mapped("name"))
        note = self.env._(
            "%(payment)s applied to %(invoices)s: %(reason)s.",
            payment=payment_line.move_id.name,
            invoices=names,
            reason=match.reason,
        )
        if match.difference_note:
            note = f"{note} {match.difference_note[:1].upper()}{match.difference_note[1:]}."
        self.case_id._log_own([{"action_type": "payment_applied", "note": note}])
        self.case_id._refresh_from_ledger(self.case_id.company_id, partners=self.case_id.partner_id)
        match.case_id._sync_match_activity()
        return True

    def action_reject(self):
        """Hide these suggestions; the matcher does not make them again."""
        self.case_id.check_access("write")
        with case_method():
            self.sudo().filtered(lambda m: m.state == "suggested").write({"state": "rejected"})
        self.sudo().case_id._sync_match_activity()
        return True

    def _check_still_open(self):
        """The payment and the invoices as they were suggested, or a clear refusal."""
        if self.state != "suggested":
            raise UserError(self.env._("This suggestion was already %(state)s.", state=self.state))
        payment_line = self.move_line_id
        if payment_line.reconciled or round(-payment_line.amount_residual_currency, 6) != round(
            self.payment_amount, 6
        ):
            raise UserError(
                self.env._(
                    "%(payment)s was applied or changed since this suggestion: refresh the case for "
                    "new ones.",
                    payment=payment_line.move_id.name,
                )
            )
        invoice_lines = self.invoice_ids.line_ids.filtered_domain(
            self.env["account.move.line"]._eh_open_receivable_domain() & Domain("amount_residual", ">", 0)
        )
        if round(sum(invoice_lines.mapped("amount_residual_currency")), 6) != round(self.invoice_residual, 6):
            raise UserError(
                self.env._(
                    "%(invoices)s were paid or changed since this suggestion: nothing was reconciled; "
                    "refresh the case for new suggestions.",
                    invoices=", ".join(self.invoice_ids.mapped("name")),
                )
            )
        return payment_line, invoice_lines

    def _write_off_line(self, receivable_account):
        """A posted entry moving the accepted difference from the customer's receivable to
        the discount or write-off account; its receivable line, to reconcile."""
        company = self.company_id
        if self.difference_reason == DISCOUNT:
            account = company.account_journal_early_pay_discount_loss_account_id
        else:
            account = company.eh_cash_writeoff_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Set the write-off account in Settings > Collections to accept a short payment; "
                    "nothing was reconciled."
                )
            )
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "general")], limit=1
        )
        label = self.env._(
            "%(reason)s: %(note)s",
            reason=dict(DIFFERENCE_REASONS)[self.difference_reason],
            note=self.difference_note,
        )
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "company_id": company.id,
                "date": fields.Date.context_today(self),
                "ref": label,
                "line_ids": [
                    fields.Command.create(
                        {
                            "name": label,
                            "account_id": receivable_account.id,
                            "partner_id": self.partner_id.id,
                            "currency_id": self.currency_id.id,
                            "amount_currency": -self.difference,
                        }
                    ),
                    fields.Command.create(
                        {
                            "name": label,
                            "account_id": account.id,
                            "partner_id": self.partner_id.id,
                            "currency_id": self.currency_id.id,
                            "amount_currency": self.difference,
                        }
                    ),
                ],
            }
        )
        move.action_post()
        return move.line_ids.filtered(lambda line: line.account_id == receivable_account)

    # -- the matcher ---------------------------------------------------------------

    @api.model
    def _suggest(self, payment_lines):
        """Suggestions for these unapplied payment lines of customers with an open case:
        their suggested rows made again, a set once rejected never suggested again."""
        AML = self.env["account.move.line"]
        payment_lines = payment_lines.sudo().filtered_domain(AML._eh_unapplied_payment_domain())
        if not payment_lines:
            return self
        Case = self.env["eh.collections.case"].sudo()
        cases = Case.search(
            [
                ("state", "=", "open"),
                ("company_id", "in", payment_lines.company_id.ids),
                ("partner_id", "in", payment_lines.partner_id.commercial_partner_id.ids),
            ]
        )
        case_of = {(case.company_id.id, case.partner_id.id): case for case in cases}
        open_lines = AML.sudo().search(
            AML._eh_open_receivable_domain()
            & Domain("amount_residual", ">", 0)
            & Domain("company_id", "in", cases.company_id.ids)
            & Domain("partner_id.commercial_partner_id", "in", cases.partner_id.ids)
        )
        # The open invoices of each customer by currency, per invoice: read once for all the payments.
        invoice_lines = defaultdict(lambda: defaultdict(lambda: AML.sudo().browse()))
        for line in open_lines:
            key = (line.company_id.id, line.partner_id.commercial_partner_id.id, line.currency_id.id)
            invoice_lines[key][line.move_id] |= line
        existing = self.sudo().search([("move_line_id", "in", payment_lines.ids)])
        rejected = {}
        for match in existing.filtered(lambda m: m.state == "rejected"):
            rejected.setdefault(match.move_line_id.id, set()).add(frozenset(match.invoice_ids.ids))
        made = self.sudo()
        with case_method():
            existing.filtered(lambda m: m.state == "suggested").unlink()
            for line in payment_lines:
                case = case_of.get((line.company_id.id, line.partner_id.commercial_partner_id.id))
                if case:
                    # Never mix currencies unless the payment does: its own currency only.
                    lines_by_invoice = invoice_lines[
                        (case.company_id.id, case.partner_id.id, line.currency_id.id)
                    ]
                    made |= self._suggest_one(case, line, lines_by_invoice, rejected.get(line.id, set()))
        (cases & (made.case_id | existing.exists().case_id))._sync_match_activity()
        return made

    def _suggest_one(self, case, payment_line, lines_by_invoice, rejected):
        """Create the suggestions for one payment line from its customer's open invoice
        lines in the payment's currency ({invoice: its open receivable lines})."""
        currency = payment_line.currency_id
        factor = 10**currency.decimal_places
        invoices = []
        for move, lines in lines_by_invoice.items():
            residual = sum(lines.mapped("amount_residual_currency"))
            discounted = None
            eligible = move.is_invoice() and move._is_eligible_for_early_payment_discount(
                currency, payment_line.date
            )
            if eligible and currency.is_zero(residual - move.amount_total):  # not partly paid yet
                discounted = round(sum(lines.mapped("discount_amount_currency")) * factor)
            invoices.append(
                OpenInvoice(
                    key=move.id,
                    number=move.name or "",
                    residual=round(residual * factor),
                    due_date=min(ln._eh_due_date() for ln in lines),
                    reference=move.payment_reference or "",
                    discounted=discounted,
                    disputed=move.eh_disputed,
                )
            )
        memo = payment_line._eh_payment_memo()
        amount = round(-payment_line.amount_residual_currency * factor)
        tolerance = case.company_id.currency_id._convert(
            case.company_id.eh_cash_fee_tolerance, currency, case.company_id, payment_line.date
        )
        suggestions = [
            s
            for s in match_payment(amount, memo, invoices, fee_tolerance=round(tolerance * factor), limit=6)
            if frozenset(s.keys) not in rejected
        ][:3]
        residual_of = {inv.key: inv.residual for inv in invoices}
        return self.sudo().create(
            [
                {
                    "case_id": case.id,
                    "move_line_id": payment_line.id,
                    "memo": memo,
                    "currency_id": currency.id,
                    "payment_amount": amount / factor,
                    "invoice_ids": [fields.Command.set(list(s.keys))],
                    "invoice_residual": sum(residual_of[key] for key in s.keys) / factor,
                    "rank": rank,
                    "confidence": s.confidence,
                    "reason": s.reason,
                    "difference": s.difference / factor,
                    "difference_reason": s.difference_reason or False,
                    "difference_note": s.difference_note,
                }
                for rank, s in enumerate(suggestions, start=1)
            ]
        )

    @api.model
    def _suggest_pending(self):
        """The precommit of a transaction that posted payments (account.move._post)."""
        ids = self.env.cr.precommit.data.pop(PENDING_MATCHES, set())
        # Suggestions are advice: a failure must not cost the payment its commit. The
        # savepoint undoes whatever the failed attempt wrote; the refresh tries again.
        try:
            with self.env.cr.savepoint():
                self._suggest(self.env["account.move.line"].browse(sorted(ids)).exists())
        except Exception:  # pylint: disable=broad-exception-caught
            _logger.exception(
                "Payment match suggestions failed for lines %s; the next refresh retries", sorted(ids)
            )

    @api.model
    def _suggest_for_cases(self, cases):
        """The refresh's pass: suggestions for every unapplied payment of these cases,
        and none left for a payment matched since by other means."""
        if not cases:
            return self
        return self._suggest(self._drop_stale(cases))

    @api.model
    def _drop_stale(self, cases):
        """Remove the suggestions of these cases whose payment is no longer unapplied;
        return the payment lines that still are."""
        AML = self.env["account.move.line"].sudo()
        lines = AML.search(
            AML._eh_unapplied_payment_domain()
            & Domain("company_id", "in", cases.company_id.ids)
            & Domain("partner_id.commercial_partner_id", "in", cases.partner_id.ids)
        )
        stale = self.sudo().search(
            [("case_id", "in", cases.ids), ("state", "=", "suggested"), ("move_line_id", "not in", lines.ids)]
        )
        if stale:
            touched = stale.case_id
            with case_method():
                stale.unlink()
            touched._sync_match_activity()
        return lines
