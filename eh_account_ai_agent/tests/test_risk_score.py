from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestRiskScore(AccountTestInvoicingCommon):
    """The payment-risk score on real posted invoices and payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.punctual = cls.env["res.partner"].create({"name": "Punctual Ltd", "is_company": True})
        cls.late = cls.env["res.partner"].create({"name": "Always Late Ltd", "is_company": True})
        for partner, days_late in ((cls.punctual, 0), (cls.late, 40)):
            for due_days_ago in (100, 160):
                due = cls.today - timedelta(days=due_days_ago)
                invoice = cls._create_invoice(
                    partner_id=partner.id,
                    invoice_date=due - timedelta(days=30),
                    invoice_date_due=due,
                    invoice_payment_term_id=False,
                    invoice_line_ids=[cls._prepare_invoice_line(price_unit=1000, tax_ids=[])],
                    post=True,
                )
                cls._register_payment(invoice, payment_date=due + timedelta(days=days_late))

    def test_late_payer_scores_higher_with_reasons(self):
        self.assertFalse(self.late.eh_risk_updated_at, "never scored yet")
        started = fields.Datetime.now()
        (self.punctual | self.late)._eh_compute_risk_scores()
        self.assertEqual(self.punctual.eh_risk_score, 0)
        # late share 30 + 40 of 60 days late 16.7 + trend 6.7 = 53
        self.assertEqual(self.late.eh_risk_score, 53)
        self.assertIn("2 of 2 invoices paid late", self.late.eh_risk_factors)
        self.assertGreaterEqual(self.late.eh_risk_updated_at, started)

    def test_open_overdue_invoice_raises_the_score(self):
        self.punctual._eh_compute_risk_scores()
        before = self.punctual.eh_risk_score
        self._create_invoice(
            partner_id=self.punctual.id,
            invoice_date=self.today - timedelta(days=60),
            invoice_date_due=self.today - timedelta(days=30),
            invoice_payment_term_id=False,
            invoice_line_ids=[self._prepare_invoice_line(price_unit=500, tax_ids=[])],
            post=True,
        )
        self.punctual.action_eh_compute_risk_score()
        self.assertGreater(self.punctual.eh_risk_score, before)
        self.assertIn("past due", self.punctual.eh_risk_factors)

    def test_nightly_cron_scores_customers(self):
        cron = self.env.ref("eh_account_ai_agent.ir_cron_compute_risk_scores")
        with self.enter_registry_test_mode():
            self.assertIs(cron.sudo().method_direct_trigger(), True)
        self.late.invalidate_recordset()
        self.assertEqual(self.late.eh_risk_score, 53)
