from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCollectionsUi(HttpCase):
    """A collector reaches the cases from the Invoicing app in a real browser."""

    def test_collector_opens_collections_menu(self):
        new_test_user(
            self.env,
            login="collector_tour",
            password="collector_tour",
            groups="eh_collections_case.group_collections_user",
        )
        customer = self.env["res.partner"].create({"name": "Tour Customer Ltd", "is_company": True})
        today = fields.Date.context_today(customer)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=60),
                "invoice_date_due": today - timedelta(days=30),
                "invoice_line_ids": [(0, 0, {"name": "Service", "price_unit": 500, "tax_ids": [(5, 0, 0)]})],
            }
        )
        invoice.action_post()
        case = self.env["eh.collections.case"].create({"partner_id": customer.id})
        self.assertAlmostEqual(
            case.total_overdue_amount, 500, msg="a case made by hand takes its figures from the ledger"
        )
        self.start_tour("/odoo", "eh_collections_case_open_menu", login="collector_tour")
        call = case.action_ids
        self.assertEqual(call.action_type, "call")
        self.assertTrue(call.contact_made)
        self.assertEqual(call.user_id.login, "collector_tour")

    def test_finance_manager_opens_the_dashboard(self):
        # A company of its own: other tests of the session commit receivables of the
        # main company (the concurrency tests need real transactions).
        company = self.env["res.company"].create(
            {"name": "Dashboard Co", "currency_id": self.env.ref("base.USD").id}
        )
        self.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        new_test_user(
            self.env,
            login="finance_tour",
            password="finance_tour",
            groups="eh_collections_case.group_collections_manager,account.group_account_manager",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        customer = self.env["res.partner"].create({"name": "Dashboard Debtor Ltd", "is_company": True})
        today = company._eh_collections_today()
        # 5,900 receivable from 5,800 sold in the 90 days: a DSO of 91.6 days.
        for amount, days_ago in ((5800, 60), (100, 120)):
            invoice = (
                self.env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "invoice_date": today - timedelta(days=days_ago),
                        "invoice_date_due": today - timedelta(days=days_ago - 30),
                        "invoice_line_ids": [
                            (0, 0, {"name": "Service", "price_unit": amount, "tax_ids": [(5, 0, 0)]})
                        ],
                    }
                )
            )
            invoice.action_post()
        self.env["eh.collections.case"]._refresh_from_ledger(company)
        Snapshot = self.env["eh.collections.snapshot"]
        Snapshot._backfill(company)
        latest = Snapshot.search([("company_id", "=", company.id)], limit=1)
        self.assertEqual((latest.date, latest.dso), (today, 91.6))
        self.start_tour("/odoo", "eh_collections_case_dashboard", login="finance_tour")
