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
        case.user_id = self.env["res.users"].search([("login", "=", "collector_tour")])  # My cases
        self.assertAlmostEqual(
            case.total_overdue_amount, 500, msg="a case made by hand takes its figures from the ledger"
        )
        self.start_tour("/odoo", "eh_collections_case_open_menu", login="collector_tour")
        call = case.action_ids
        self.assertEqual(call.action_type, "call")
        self.assertTrue(call.contact_made)
        self.assertEqual(call.user_id.login, "collector_tour")

    def test_collector_morning_from_my_cases(self):
        collector = new_test_user(
            self.env,
            login="morning_tour",
            password="morning_tour",
            groups="eh_collections_case.group_collections_user",
        )
        colleague = new_test_user(
            self.env, login="morning_colleague", groups="eh_collections_case.group_collections_user"
        )
        today = fields.Date.context_today(collector)
        cases = {}
        for name, days_overdue, user in (
            ("Morning Old Debt Ltd", 400, collector),
            ("Morning Promised Ltd", 50, collector),
            ("Morning Paused Ltd", 40, collector),
            ("Morning Colleague Case", 45, colleague),
        ):
            customer = self.env["res.partner"].create({"name": name, "is_company": True})
            self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": today - timedelta(days=days_overdue + 30),
                    "invoice_date_due": today - timedelta(days=days_overdue),
                    "invoice_line_ids": [
                        (0, 0, {"name": "Service", "price_unit": 800, "tax_ids": [(5, 0, 0)]})
                    ],
                }
            ).action_post()
            case = self.env["eh.collections.case"].create({"partner_id": customer.id, "user_id": user.id})
            cases[name] = case
        cases["Morning Promised Ltd"].with_user(collector)._log_action(
            [{"action_type": "promise", "promise_amount": 800, "promise_date": today + timedelta(days=5)}]
        )
        cases["Morning Paused Ltd"].with_user(collector).action_pause("Restructuring talks")
        # What the screens must say is what the cron will do.
        old_debt = cases["Morning Old Debt Ltd"]
        self.assertFalse(old_debt.level_id, "no level was sent yet")
        self.assertEqual((old_debt.next_level_id.name, old_debt.next_followup_date), ("Demand letter", today))
        self.assertEqual(old_debt.next_followup_label, "Demand letter today")
        promised = cases["Morning Promised Ltd"]
        self.assertEqual(promised.next_followup_date, today + timedelta(days=6), "the day after the promise")
        self.assertIn("if the promise of", promised.next_followup_label)
        self.assertFalse(cases["Morning Paused Ltd"].next_followup_date)
        self.assertEqual(cases["Morning Paused Ltd"].next_followup_label, "On hold until resumed")
        self.start_tour("/odoo", "eh_collections_case_collector_morning", login="morning_tour")

    def test_a_promise_holds_the_reminder_queued_before_it(self):
        """The one decision in a real browser: the collector logs a promise, and the
        reminder waiting in To approve since the morning is held, with why."""
        collector = new_test_user(
            self.env,
            login="promise_tour",
            password="promise_tour",
            groups="eh_collections_case.group_collections_user",
        )
        customer = self.env["res.partner"].create(
            {"name": "Held Tour Ltd", "is_company": True, "email": "ap@held.example.com"}
        )
        today = fields.Date.context_today(collector)
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=70),
                "invoice_date_due": today - timedelta(days=40),
                "invoice_line_ids": [(0, 0, {"name": "Service", "price_unit": 900, "tax_ids": [(5, 0, 0)]})],
            }
        ).action_post()
        case = self.env["eh.collections.case"].create({"partner_id": customer.id, "user_id": collector.id})
        queued = self.env["eh.collections.followup"]._queue_template(
            case, case.next_level_id, "Every reminder is approved by a person in this company."
        )
        self.assertEqual((queued.state, queued.hold_reason or ""), ("to_approve", ""), "nothing held it")
        self.start_tour("/odoo", "eh_collections_case_promise_holds_reminder", login="promise_tour")
        queued.invalidate_recordset()
        self.assertEqual(case.promise_amount, 400)
        self.assertRegex(queued.hold_reason, r"^promise of \$\xa0400\.00 running until ")
        self.assertEqual(queued.state, "to_approve", "held, still waiting: nothing was sent")
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", customer.ids)]))

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
