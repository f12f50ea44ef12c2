from datetime import datetime, time, timedelta

from odoo.exceptions import UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.eh_collections_case.tests.common import TODAY, CollectionsCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestMyDay(CollectionsCommon):
    """My day: a collector's open cases in the order to work them, with why."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.promised = cls.overdue_case(800, 20)
        cls.quiet_customer = cls.env["res.partner"].create({"name": "Quiet Big Debtor", "is_company": True})
        cls.post_invoice(50000, 300, partner=cls.quiet_customer)
        cls.Case._refresh_from_ledger(cls.company)
        cls.quiet = cls.Case.search([("partner_id", "=", cls.quiet_customer.id), ("state", "=", "open")])
        (cls.promised | cls.quiet).user_id = cls.collector
        cls.promised.with_user(cls.collector)._log_action(
            [{"action_type": "promise", "promise_amount": 800, "promise_date": TODAY}]
        )

    def my_day(self):
        return self.Case.with_user(self.collector).search(
            [("eh_on_my_day", "=", True), ("company_id", "=", self.company.id)], order="eh_my_day_score desc"
        )

    def test_a_promise_due_today_comes_first_with_its_reason(self):
        self.quiet._eh_copilot_sync()
        self.assertEqual(self.my_day().ids, [self.promised.id, self.quiet.id])
        self.assertEqual(self.promised.eh_my_day_reason, "Promise of $\xa0800.00 due today")
        self.assertEqual(
            self.quiet.eh_my_day_reason, "Demand letter is due today", "the highest level reached"
        )

    def test_a_payment_leaves_my_day_to_the_sync_job_right_after_the_commit(self):
        self.quiet._eh_copilot_sync()
        score = self.quiet.eh_my_day_score
        invoice = self.quiet.overdue_move_ids
        sync = self.env.ref("eh_collections_next_action.ir_cron_sync_action_groups")
        Trigger = self.env["ir.cron.trigger"]
        waiting = Trigger.search_count([("cron_id", "=", sync.id)])
        self.pay(invoice, 40000)
        self.env.cr.flush()  # the commit's precommit: the live refresh
        self.assertEqual(self.quiet.total_overdue_amount, 10000, "the case follows the payment at once")
        self.assertEqual(self.quiet.eh_my_day_score, score, "My day is not the payment's work")
        self.assertEqual(
            Trigger.search_count([("cron_id", "=", sync.id)]), waiting + 1, "its job, after the commit"
        )
        with self.enter_registry_test_mode():
            self.assertIs(sync.method_direct_trigger(), True)
        self.quiet.invalidate_recordset()
        self.assertLess(self.quiet.eh_my_day_score, score, "a smaller debt, lower in My day")
        self.assertEqual(self.quiet.eh_my_day_reason, "Demand letter is due today")

    def test_weights_in_settings_change_the_order(self):
        self.company.write({"eh_my_day_weight_promise_due": 0, "eh_my_day_weight_reminder_due": 0})
        (self.promised | self.quiet)._eh_copilot_sync()
        self.assertEqual(self.my_day().ids, [self.quiet.id, self.promised.id])
        self.assertEqual(self.quiet.eh_my_day_reason, "$\xa050,000.00 overdue for 300 days")

    def test_a_broken_promise_counts_and_says_so(self):
        with freeze_time(TODAY - timedelta(days=10)):
            self.quiet.with_user(self.collector)._log_action(
                [{"action_type": "promise", "promise_amount": 100, "promise_date": TODAY - timedelta(days=5)}]
            )
        self.quiet._eh_copilot_sync()
        self.assertEqual(self.quiet.eh_my_day_reason, "Broken promise: the promised payment did not come")
        # 80 (broken) + 40 (reminder due) + 60 x 0.5 (no risk score) x log10(50001)/6 x 300/365
        self.assertAlmostEqual(self.quiet.eh_my_day_score, 139.31, places=2)

    def test_done_for_today_or_a_call_takes_a_case_off_until_tomorrow(self):
        self.promised.with_user(self.collector).action_eh_done_for_today()
        self.assertNotIn(self.promised, self.my_day())
        self.log_with_wizard(self.quiet, action_type="call", contact_made=True, note="Spoke to AP")
        self.assertEqual(self.quiet.eh_my_day_done_on, TODAY)
        self.assertFalse(self.my_day())
        with freeze_time(TODAY + timedelta(days=1)):
            self.assertEqual(set(self.my_day().ids), {self.promised.id, self.quiet.id})

    def test_done_for_today_is_each_companys_today(self):
        pacific = self.setup_other_company(name="Collections Pacific")["company"]
        pacific.partner_id.tz = "Pacific/Auckland"  # UTC+13 in March; the first company is UTC
        self.collector.company_ids |= pacific
        self.post_invoice(900, 30, company=pacific)
        self.refresh(pacific)
        far = self.open_case(company=pacific)
        far.user_id = self.collector
        collector = self.Case.with_user(self.collector).with_context(
            allowed_company_ids=[self.company.id, pacific.id]
        )
        cases = (self.promised | far).with_env(collector.env)

        def on_my_day():
            found = collector.search([("eh_on_my_day", "=", True)]) & cases
            cases.invalidate_recordset(["eh_on_my_day"])
            self.assertEqual(found, cases.filtered("eh_on_my_day"), "the search and the field agree")
            return found

        # 23:30 UTC on the 15th is 12:30 on the 16th in Auckland.
        with freeze_time(datetime.combine(TODAY, time(23, 30))):
            cases.action_eh_done_for_today()
            self.assertEqual(
                (self.promised.eh_my_day_done_on, far.eh_my_day_done_on), (TODAY, TODAY + timedelta(days=1))
            )
            self.assertFalse(on_my_day(), "both done today, each in its company's day")
        # 12:00 UTC on the 16th is 01:00 on the 17th in Auckland: a new day in both.
        with freeze_time(datetime.combine(TODAY + timedelta(days=1), time(12, 0))):
            self.assertEqual(on_my_day(), cases)
        # 10:00 UTC on the 16th is 23:00 in Auckland: a new day here only.
        with freeze_time(datetime.combine(TODAY + timedelta(days=1), time(10, 0))):
            self.assertEqual(on_my_day(), self.promised.with_env(collector.env))

    def test_an_active_payment_plan_means_monitor_and_its_instalment_due_today_shows(self):
        self.assertEqual(self.quiet.eh_ai_suggested_action, "write_off_review")
        plan = self.env["eh.collections.payment.plan"].create(
            {"case_id": self.quiet.id, "instalment_count": 2, "first_date": TODAY}
        )
        plan.action_activate()
        self.quiet.invalidate_recordset()
        self.assertEqual(self.quiet.eh_ai_suggested_action, "monitor")
        self.assertTrue(self.quiet.eh_ai_suggestion_rationale.startswith("Monitor: the customer is paying"))
        self.assertIn(
            "only if the payment plan is broken or cancelled", self.quiet.eh_ai_suggestion_rationale
        )
        self.quiet._eh_copilot_sync()
        self.assertEqual(self.quiet.eh_my_day_reason, "Instalment of $\xa025,000.00 due today")

    def test_my_day_is_the_collectors_own(self):
        self.assertFalse(self.Case.with_user(self.manager).search([("eh_on_my_day", "=", True)]))

    def test_the_score_is_stored_by_the_log_and_never_typed(self):
        with self.assertRaisesRegex(UserError, "My day's score"):
            self.promised.with_user(self.manager).write({"eh_my_day_score": 999})
        self.assertGreater(self.promised.eh_my_day_score, 100, "stored when the promise was logged")


@tagged("post_install", "-at_install")
class TestMyDayTour(HttpCase):
    """A collector's morning in a real browser."""

    def test_morning_routine(self):
        collector = new_test_user(
            self.env,
            login="collector_day",
            password="collector_day",
            groups="eh_collections_case.group_collections_user",
        )
        Case = self.env["eh.collections.case"]
        cases = Case
        for name, amount, days in (("Morning Promise Ltd", 900, 20), ("Morning Quiet Ltd", 300, 10)):
            customer = self.env["res.partner"].create({"name": name, "is_company": True})
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date_due": Case._today() - timedelta(days=days),
                    "invoice_date": Case._today() - timedelta(days=days + 30),
                    "invoice_line_ids": [
                        (0, 0, {"name": "Service", "price_unit": amount, "tax_ids": [(5, 0, 0)]})
                    ],
                }
            )
            invoice.action_post()
            cases |= Case.create({"partner_id": customer.id, "user_id": collector.id})
        promised = cases[0]
        promised.with_user(collector)._log_action(
            [{"action_type": "promise", "promise_amount": 900, "promise_date": promised._today()}]
        )
        cases._eh_copilot_sync()
        self.start_tour("/odoo", "eh_collections_my_day", login="collector_day")
        self.assertEqual(promised.eh_my_day_done_on, promised._today())
