from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..tools import InvoiceRecord, payment_risk
from ..tools import risk as risk_module


@tagged("post_install", "-at_install")
class TestRiskScore(AccountTestInvoicingCommon):
    """The chance of paying late, on real posted invoices and payments, per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.punctual = cls.env["res.partner"].create({"name": "Punctual Ltd", "is_company": True})
        cls.late = cls.env["res.partner"].create({"name": "Always Late Ltd", "is_company": True})
        cls.records = {}
        for partner, days_late in ((cls.punctual, 0), (cls.late, 40)):
            for due_days_ago in (100, 160):
                due = cls.today - timedelta(days=due_days_ago)
                invoice = cls.invoice(partner, 1000, due)
                cls._register_payment(invoice, payment_date=due + timedelta(days=days_late))
                record = InvoiceRecord(
                    1000, due, due + timedelta(days=days_late), 0.0, due - timedelta(days=30)
                )
                cls.records.setdefault(partner, []).append(record)

    @classmethod
    def invoice(cls, partner, amount, due, **values):
        return cls._create_invoice(
            partner_id=partner.id,
            invoice_date=due - timedelta(days=30),
            invoice_date_due=due,
            invoice_payment_term_id=False,
            invoice_line_ids=[cls._prepare_invoice_line(price_unit=amount, tax_ids=[])],
            post=True,
            **values,
        )

    def test_late_payer_has_the_higher_chance_with_reasons(self):
        self.assertFalse(self.late.eh_risk_updated_at, "never scored yet")
        self.assertEqual(self.late.eh_risk_summary, "Not scored yet")
        started = fields.Datetime.now()
        (self.punctual | self.late)._eh_compute_risk_scores()
        # The ledger read back is the history written: same dates, same amounts.
        for partner in (self.punctual, self.late):
            expected = payment_risk(self.records[partner], self.today)
            self.assertEqual(partner.eh_risk_score, expected.score, partner.name)
        self.assertLess(self.punctual.eh_risk_score, 25)
        self.assertGreater(self.late.eh_risk_score, self.punctual.eh_risk_score + 25)
        self.assertEqual(self.late.eh_risk_summary, f"Chance of paying late: {self.late.eh_risk_score}%")
        self.assertRegex(self.late.eh_risk_factors, r"paid 2 of 2 invoices late: \+\d+%")
        self.assertGreaterEqual(self.late.eh_risk_updated_at, started)

    def test_open_overdue_invoice_raises_the_chance(self):
        self.punctual._eh_compute_risk_scores()
        before = self.punctual.eh_risk_score
        self.invoice(self.punctual, 500, self.today - timedelta(days=30))
        self.punctual.action_eh_compute_risk_score()
        self.assertGreater(self.punctual.eh_risk_score, before)
        self.assertIn("paid 1 of 3 invoices late", self.punctual.eh_risk_factors, "past due is late already")

    def test_no_history_gets_the_company_base_rate_labelled(self):
        newcomer = self.env["res.partner"].create({"name": "Credit Notes Only", "is_company": True})
        self._create_invoice(
            move_type="out_refund",
            partner_id=newcomer.id,
            invoice_date=self.today - timedelta(days=20),
            invoice_line_ids=[self._prepare_invoice_line(price_unit=300, tax_ids=[])],
            post=True,
        )
        self.env.company._eh_fit_risk_model()  # too little history: fallback, with the company's rate
        newcomer._eh_compute_risk_scores()
        self.assertFalse(newcomer.eh_risk_has_history)
        self.assertEqual(newcomer.eh_risk_score, 50, "2 of the company's 4 invoices were paid late")
        self.assertEqual(newcomer.eh_risk_summary, "No history yet: the company's base rate, 50%")
        self.assertIn("no history yet", newcomer.eh_risk_factors)

    def test_companies_and_currencies_are_kept_apart(self):
        """The same customer pays the other company late, in another currency: neither
        score reads the other company's invoices, and amounts are in company currency."""
        other = self.setup_other_company()["company"]
        euro = self.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        self.assertNotEqual(other.currency_id, euro)
        self.env["res.currency.rate"].create({"currency_id": euro.id, "company_id": other.id, "rate": 2.0})
        self.env.user.company_ids |= other
        for due_days_ago in (100, 130, 160):
            due = self.today - timedelta(days=due_days_ago)
            invoice = (
                self.env["account.move"]
                .with_company(other)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.punctual.id,
                        "currency_id": euro.id,
                        "invoice_date": due - timedelta(days=30),
                        "invoice_date_due": due,
                        "invoice_line_ids": [self._prepare_invoice_line(price_unit=1000, tax_ids=[])],
                    }
                )
            )
            invoice.action_post()
            self._register_payment(invoice.with_company(other), payment_date=due + timedelta(days=50))
        here, there = self.punctual, self.punctual.with_company(other)
        here._eh_compute_risk_scores()
        there._eh_compute_risk_scores()
        self.assertEqual(here.eh_risk_score, payment_risk(self.records[self.punctual], self.today).score)
        self.assertRegex(there.eh_risk_factors, r"paid 3 of 3 invoices late")
        self.assertGreater(there.eh_risk_score, here.eh_risk_score + 25)
        self.assertEqual(
            [r.amount for r in there._eh_risk_history()[self.punctual.id]], [500.0] * 3, "EUR 1000 at 2 per $"
        )
        self.assertEqual(len(here._eh_risk_history()[self.punctual.id]), 2, "this company's two invoices")

    def test_nightly_cron_fits_each_company_and_scores_with_it(self):
        cron = self.env.ref("eh_account_ai_agent.ir_cron_compute_risk_scores")
        company = self.env.company
        # Four outcomes are too few for a fit; lower the bar to see the fitted model at work.
        with (
            patch.object(risk_module, "MIN_SAMPLES", 2),
            patch.object(risk_module, "MIN_CLASS", 1),
            self.enter_registry_test_mode(),
        ):
            self.assertIs(cron.sudo().method_direct_trigger(), True)
        company.invalidate_recordset()
        model = company._eh_risk_model()
        self.assertEqual((model.kind, model.base_rate), ("fitted", 0.5))
        self.assertRegex(company.eh_risk_model_summary, r"^Fitted on \d+ invoices known by .*; 50% of them")
        self.late.invalidate_recordset()
        self.assertEqual(
            self.late.eh_risk_score, payment_risk(self.records[self.late], self.today, model=model).score
        )
        self.assertGreater(self.late.eh_risk_score, self.punctual.eh_risk_score)
        self.assertTrue(all(model.weights[f.code] >= 0 for f in risk_module.FEATURES if f.monotone))

    def test_a_fit_with_little_history_keeps_the_documented_weights(self):
        model = self.env.company._eh_fit_risk_model()
        self.assertEqual(model.kind, "fallback")
        self.assertEqual(
            self.env.company.eh_risk_model_summary,
            "Documented fallback weights: 2 invoices with a known outcome so far, 200 needed to fit this "
            "company's own; base rate 50%.",
        )
        self.assertEqual(self.env.company.eh_risk_model["kind"], "fallback")

    def test_only_the_scoring_writes_the_risk(self):
        editor = new_test_user(
            self.env, "risk_editor", groups="account.group_account_invoice,base.group_partner_manager"
        )
        partner = self.late.with_user(editor)
        message = "The payment risk is computed from the customer's invoices and payments: use Recompute"
        for forged in ({"eh_risk_score": 1}, {"eh_risk_factors": "all good"}, {"eh_risk_has_history": False}):
            with self.assertRaisesRegex(UserError, message):
                partner.write(forged)
            with self.assertRaisesRegex(UserError, message):
                partner.with_context(eh_risk_scoring=True).write(forged)
        with self.assertRaisesRegex(UserError, message):
            self.env["res.partner"].with_user(editor).create({"name": "Forged", "eh_risk_score": 0})
        # The one path, open to an invoicing user who may not edit contacts at all.
        invoicing = new_test_user(self.env, "risk_invoicing", groups="account.group_account_invoice")
        self.late.with_user(invoicing).action_eh_compute_risk_score()
        self.assertEqual(self.late.eh_risk_score, payment_risk(self.records[self.late], self.today).score)

    def test_merging_customers_scores_the_survivor_on_both_histories(self):
        (self.punctual | self.late)._eh_compute_risk_scores()
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .sudo()
            .create(
                {
                    "partner_ids": [Command.set((self.punctual | self.late).ids)],
                    "dst_partner_id": self.punctual.id,
                }
            )
        )
        wizard.action_merge()
        self.assertFalse(self.late.exists())
        merged = self.records[self.punctual] + self.records[self.late]
        self.punctual.invalidate_recordset()
        self.assertEqual(self.punctual.eh_risk_score, payment_risk(merged, self.today).score)
        self.assertIn("paid 2 of 4 invoices late", self.punctual.eh_risk_factors)
