from collections import defaultdict
from datetime import timedelta

from odoo import api, models
from odoo.fields import Domain

from ..models.collections_action import OUTREACH_TYPES
from ..tools.aging import AGING_BUCKETS, age, bucket_of

HISTORY_ROWS = 15
# What was said to the customer: reminders sent, calls and meetings, promises. Internal
# rows (follow-up tasks, notes, holds, fees) stay off the customer's statement.
CUSTOMER_FACING = (*OUTREACH_TYPES, "promise", "payment_plan")


class ReportCollectionsStatement(models.AbstractModel):
    """The Statement of Account of a case: the figures the QWeb document prints.

    Everything comes from the open receivable lines of the customer in the case's
    company, so a statement printed from the customer agrees with the case."""

    _name = "report.eh_collections_case.report_statement"
    _description = "Statement of Account"

    @api.model
    def _get_report_values(self, docids, data=None):
        cases = self.env["eh.collections.case"].browse(docids)
        level = self.env["eh.collections.level"].browse((data or {}).get("level_id"))
        return {
            "doc_ids": docids,
            "doc_model": "eh.collections.case",
            "docs": cases,
            "statements": {
                case.id: self._statement(case.partner_id, case.company_id, case=case, level=level)
                for case in cases
            },
        }

    def _statement(self, partner, company, case=None, level=None):
        """The statement of `partner` (a commercial partner) in `company`; the words it
        makes here in the customer's language, as the template's (its t-lang)."""
        words = self.with_context(lang=partner.lang or self.env.lang)
        Case = self.env["eh.collections.case"].with_company(company)
        case = case or Case.search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id), ("state", "=", "open")],
            limit=1,
        )
        today = company._eh_collections_today()
        # Printed from the case, the statement says what the level the case reached
        # says when that level sends it.
        level = level or (case.level_id if case else None)
        AML = self.env["account.move.line"].sudo()
        lines = AML.search(
            AML._eh_open_receivable_domain()
            & Domain("partner_id", "child_of", partner.id)
            & Domain("company_id", "=", company.id),
            order="date_maturity, id",
        )
        interest = company.eh_interest_enabled
        rows = []
        # Per currency, each amount in its own: what a customer reads never adds two.
        subtotals = defaultdict(float)
        aging = defaultdict(lambda: defaultdict(float))
        interest_due = defaultdict(float)
        for line in lines:
            move = line.move_id
            due = line._eh_due_date()
            days = age(due, today)
            residual = line.amount_residual_currency if line.currency_id else line.amount_residual
            currency = line.currency_id or company.currency_id
            owed = line.amount_residual > 0
            accrued = line.eh_interest_accrued if interest and owed else 0.0
            rows.append(
                {
                    "name": move.name,
                    "kind": words._kind(move, line),
                    "reference": move.ref if move.ref != move.name else "",
                    "invoice_date": move.invoice_date or line.date,
                    "due_date": due,
                    "days_overdue": max(0, days) if owed else 0,
                    "original": move.amount_total_in_currency_signed if move.is_invoice() else residual,
                    "residual": residual,
                    "currency": currency,
                    "interest": accrued,
                    "disputed": move.eh_disputed,
                    "held_until": move.eh_followup_hold_until if move._eh_followup_held(today) else None,
                    "pay_url": move.eh_pay_url if owed and move.is_sale_document() else "",
                }
            )
            subtotals[currency] += residual
            interest_due[currency] += accrued
            aging[currency][bucket_of(days).key if owed else "credits"] += residual
        history = case.action_ids.filtered(lambda a: a.state == "done" and a.action_type in CUSTOMER_FACING)[
            :HISTORY_ROWS
        ]
        return {
            "partner": partner,
            "company": company,
            "case": case,
            "date": today,
            "lines": rows,
            "subtotals": list(subtotals.items()),
            "aging": list(aging.items()),
            "aging_columns": words._aging_columns(),
            "show_interest": interest,
            "interest_due": [(currency, amount) for currency, amount in interest_due.items() if amount],
            "history": history,
            "banks": company.partner_id.bank_ids,
            "portal_url": f"{company.get_base_url()}/my/invoices",
            "level": level,
            "pay_by": today + timedelta(days=company.eh_demand_days)
            if level and level.statement_note
            else None,
            "plan": case.payment_plan_id if case else self.env["eh.collections.payment.plan"],
        }

    def _aging_columns(self):
        """(key, title) of the aging summary: the buckets as the case's fields name them."""
        fields = self.env["eh.collections.case"]._fields
        return [(bucket.key, fields[bucket.field]._description_string(self.env)) for bucket in AGING_BUCKETS]

    def _kind(self, move, line):
        if move.move_type == "out_invoice":
            return self.env._("Invoice")
        if move.move_type == "out_refund":
            return self.env._("Credit note")
        if line.amount_residual < 0:
            return self.env._("Payment")
        return self.env._("Entry")


class ReportPartnerStatement(models.AbstractModel):
    """The same statement printed from the customer, in the current company."""

    _name = "report.eh_collections_case.report_partner_statement"
    _inherit = "report.eh_collections_case.report_statement"
    _description = "Statement of Account (customer)"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        company = self.env.company
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "statements": {partner.id: self._statement(partner, company) for partner in partners},
        }
