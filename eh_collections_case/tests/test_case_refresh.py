from contextlib import closing
from datetime import datetime, time, timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.base.models import ir_cron as ir_cron_module

from .common import TODAY, CollectionsCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestCaseRefresh(CollectionsCommon):
    """Cases rebuilt from the ledger: one per (company, commercial partner)."""

    def test_invoices_to_contacts_roll_up_to_one_case(self):
        self.post_invoice(1000, 10, partner=self.customer)
        self.post_invoice(400, 45, partner=self.contact)
        self.post_invoice(250, 95, partner=self.invoice_address)
        self.post_invoice(300, -5, partner=self.contact)  # not yet due
        self.post_invoice(700, 20, partner=self.other_customer)
        stats = self.refresh()

        self.assertEqual(stats["created"], 2)
        case = self.open_case()
        self.assertEqual(len(case), 1)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.stage_id, self.env.ref("eh_collections_case.stage_new"))
        self.assertAlmostEqual(case.total_overdue_amount, 1650)
        self.assertAlmostEqual(case.total_due_amount, 1950)
        self.assertEqual(case.overdue_invoice_count, 3)
        self.assertEqual(case.days_overdue_max, 95)
        self.assertEqual(case.oldest_due_date, TODAY - timedelta(days=95))
        self.assertAlmostEqual(case.amount_not_due, 300)
        self.assertAlmostEqual(case.amount_1_30, 1000)
        self.assertAlmostEqual(case.amount_31_60, 400)
        self.assertAlmostEqual(case.amount_61_90, 0)
        self.assertAlmostEqual(case.amount_91_120, 250)
        self.assertAlmostEqual(self.open_case(self.other_customer).total_overdue_amount, 700)

    def test_aging_bucket_edges(self):
        for amount, days in ((1, 30), (2, 31), (4, 60), (8, 61), (16, 90), (32, 91), (64, 120), (128, 121)):
            self.post_invoice(amount, days)
        self.post_invoice(256, 0)  # due today: not overdue
        self.refresh()
        case = self.open_case()
        self.assertAlmostEqual(case.amount_1_30, 1)
        self.assertAlmostEqual(case.amount_31_60, 2 + 4)
        self.assertAlmostEqual(case.amount_61_90, 8 + 16)
        self.assertAlmostEqual(case.amount_91_120, 32 + 64)
        self.assertAlmostEqual(case.amount_over_120, 128)
        self.assertAlmostEqual(case.amount_not_due, 256)
        self.assertEqual(case.overdue_invoice_count, 8)

    def test_partial_payment_lowers_totals(self):
        invoice = self.post_invoice(1000, 40)
        self.refresh()
        self.pay(invoice, 600)
        stats = self.refresh()
        case = self.open_case()
        self.assertEqual(stats, {"created": 0, "updated": 1, "zeroed": 0, "resolved": 0})
        self.assertAlmostEqual(case.total_overdue_amount, 400)
        self.assertAlmostEqual(case.amount_31_60, 400)
        self.assertEqual(case.state, "open")

    def test_full_payment_zeroes_and_resolves_with_log(self):
        invoice = self.post_invoice(1000, 40)
        self.refresh()
        case = self.open_case()
        self.pay(invoice, 1000)
        stats = self.refresh()

        self.assertEqual(stats["resolved"], 1)
        self.assertEqual(case.state, "resolved")
        self.assertEqual(case.stage_id, self.env.ref("eh_collections_case.stage_resolved"))
        self.assertEqual(case.total_overdue_amount, 0)
        self.assertEqual(case.days_overdue_max, 0)
        self.assertFalse(case.oldest_due_date)
        log = case.action_ids.filtered(lambda a: a.action_type == "resolved")
        self.assertEqual(len(log), 1)
        self.assertIn("Nothing left to collect", log.note)
        self.assertFalse(self.open_case())

    def test_paid_case_only_zeroed_when_company_keeps_it_open(self):
        self.company.eh_collections_resolve_paid_cases = False
        invoice = self.post_invoice(1000, 40)
        self.refresh()
        self.pay(invoice, 1000)
        stats = self.refresh()
        case = self.open_case()
        self.assertEqual(stats["zeroed"], 1)
        self.assertEqual(stats["resolved"], 0)
        self.assertEqual(case.state, "open")
        self.assertEqual(case.total_overdue_amount, 0)
        self.assertFalse(case.action_ids)

    def test_credit_note_and_unapplied_payment_are_netted(self):
        self.post_invoice(1000, 50)
        self.post_invoice(200, 0, move_type="out_refund")
        self.unapplied_payment(300)
        self.refresh()
        case = self.open_case()
        self.assertAlmostEqual(case.overdue_invoice_amount, 1000)
        self.assertAlmostEqual(case.unapplied_credit_amount, 500)
        self.assertAlmostEqual(case.total_overdue_amount, 500)
        self.assertAlmostEqual(case.total_due_amount, 500)

    def test_customer_in_credit_is_never_chased(self):
        self.post_invoice(1000, 50)
        self.unapplied_payment(1500)
        stats = self.refresh()
        self.assertEqual(stats["created"], 0)
        self.assertFalse(self.open_case())

    def test_foreign_currency_counted_in_company_currency(self):
        eur = self.setup_other_currency("EUR")  # 2 EUR per company unit in 2017 onwards
        self.post_invoice(1000, 35, currency=eur)
        self.post_invoice(100, 35)
        self.refresh()
        case = self.open_case()
        self.assertEqual(case.currency_id, self.company.currency_id)
        self.assertAlmostEqual(case.total_overdue_amount, 600)
        self.assertEqual(case.overdue_invoice_count, 2)

    def test_two_companies_stay_apart(self):
        other = self.setup_other_company(name="Collections Europe")["company"]
        self.post_invoice(1000, 40)
        self.post_invoice(300, 70, company=other)
        stats = self.refresh(self.company)
        self.assertEqual(stats["created"], 1)
        self.assertFalse(self.open_case(company=other))
        self.refresh(other)
        self.assertAlmostEqual(self.open_case().total_overdue_amount, 1000)
        self.assertAlmostEqual(self.open_case(company=other).total_overdue_amount, 300)
        self.assertEqual(self.open_case(company=other).days_overdue_max, 70)

    def test_rerun_changes_nothing(self):
        self.post_invoice(1000, 40)
        self.post_invoice(500, 10, partner=self.other_customer)
        self.refresh()
        cases = self.Case.search([("company_id", "=", self.company.id)])

        def row_versions():
            # xmin changes with every rewrite of a row (write_date would not, under freeze_time).
            self.env.flush_all()
            return self.env.execute_query(
                SQL(
                    "SELECT id, xmin::text FROM eh_collections_case WHERE id IN %s ORDER BY id",
                    tuple(cases.ids),
                )
            )

        versions = row_versions()
        self.assertEqual(self.refresh(), {"created": 0, "updated": 0, "zeroed": 0, "resolved": 0})
        self.assertEqual(self.Case.search([("company_id", "=", self.company.id)]), cases)
        self.assertEqual(row_versions(), versions, "no row rewritten")

    def test_resolved_case_is_never_reopened(self):
        invoice = self.post_invoice(1000, 40)
        self.refresh()
        first = self.open_case()
        self.pay(invoice, 1000)
        self.refresh()
        self.post_invoice(250, 5)
        stats = self.refresh()
        second = self.open_case()
        self.assertEqual(stats["created"], 1)
        self.assertNotEqual(second, first)
        self.assertEqual(first.state, "resolved")
        self.assertAlmostEqual(first.total_overdue_amount, 0)
        self.assertAlmostEqual(second.total_overdue_amount, 250)

    def test_today_is_the_frozen_clock_not_the_database(self):
        self.post_invoice(100, 10)
        self.refresh()
        self.assertEqual(self.open_case().days_overdue_max, 10)
        with freeze_time(TODAY + timedelta(days=20)):
            self.refresh()
            self.assertEqual(self.open_case().days_overdue_max, 30)

    def test_today_is_the_companys_day_then_the_users_then_utc(self):
        company = self.env.company
        in_new_york = company.with_user(new_test_user(self.env, "in_new_york", tz="America/New_York"))
        in_utc = company.with_user(new_test_user(self.env, "in_utc", tz=False))
        # 23:30 UTC: already tomorrow in Auckland and Tokyo, still today in New York and UTC.
        with freeze_time(datetime.combine(TODAY, time(23, 30))):
            company.partner_id.tz = "Pacific/Auckland"
            self.assertEqual(in_new_york._eh_collections_today(), TODAY + timedelta(days=1))
            company.partner_id.tz = False
            in_tokyo = in_new_york.with_context(tz="Asia/Tokyo")
            self.assertEqual(in_tokyo._eh_collections_today(), TODAY + timedelta(days=1))
            self.assertEqual(in_new_york._eh_collections_today(), TODAY)
        # 02:00 UTC: still yesterday in New York, today in UTC.
        with freeze_time(datetime.combine(TODAY, time(2, 0))):
            self.assertEqual(in_new_york._eh_collections_today(), TODAY - timedelta(days=1))
            self.assertEqual(in_utc._eh_collections_today(), TODAY)

    def test_refresh_button_limits_work_to_its_customer(self):
        self.post_invoice(1000, 40)
        self.post_invoice(500, 40, partner=self.other_customer)
        self.refresh()
        case = self.open_case()
        self.post_invoice(100, 12)
        self.post_invoice(100, 12, partner=self.other_customer)
        case.with_user(self.collector).action_refresh()
        self.assertAlmostEqual(case.total_overdue_amount, 1100)
        self.assertAlmostEqual(self.open_case(self.other_customer).total_overdue_amount, 500)

    def test_cron_refreshes_every_company(self):
        self.post_invoice(1000, 40)
        cron = self.env.ref("eh_collections_case.ir_cron_refresh_cases")
        with self.enter_registry_test_mode():
            self.assertIs(cron.method_direct_trigger(), True)
        self.assertAlmostEqual(self.open_case().total_overdue_amount, 1000)

    def test_nightly_crons_reach_every_company_however_short_the_crons_calls(self):
        """Odoo's cron calls a job again and again for 10 seconds of work: the refresh
        and the snapshot go through every company once, not the first one again and
        again."""
        self.post_invoice(1000, 40)
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all
        self.assertGreater(len(companies), 1)
        Case, Snapshot = type(self.Case), type(self.env["eh.collections.snapshot"])
        for xmlid, model, method in (
            ("eh_collections_case.ir_cron_refresh_cases", Case, "_refresh_company"),
            ("eh_collections_case.ir_cron_collections_snapshot", Snapshot, "_take"),
        ):
            with (
                patch.object(ir_cron_module, "MIN_TIME_PER_JOB", 0),  # every call out of time at once
                patch.object(model, method, autospec=True, side_effect=getattr(model, method)) as work,
                self.enter_registry_test_mode(),
            ):
                self.assertIs(self.env.ref(xmlid).method_direct_trigger(), True)
            done = [call.args[1] for call in work.call_args_list]
            self.assertEqual(sorted(c.id for c in done), sorted(companies.ids), xmlid)

    def test_a_company_another_worker_holds_is_left_to_it(self):
        """Two refresh workers never refresh the same company at once: one that another
        transaction (a worker, another server) holds is skipped, and free again once
        that transaction ends."""
        self.post_invoice(1000, 40)
        cron = self.env.ref("eh_collections_case.ir_cron_refresh_cases")
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other_worker:
            Other = api.Environment(other_worker, SUPERUSER_ID, {})["ir.cron"]
            self.assertTrue(Other._eh_try_claim("eh_collections_case.refresh", self.company.id))
            self.assertFalse(
                self.env["ir.cron"]._eh_try_claim("eh_collections_case.refresh", self.company.id)
            )
            self.assertTrue(
                self.env["ir.cron"]._eh_try_claim("eh_collections_case.snapshot", self.company.id),
                "another kind of work on the same company is free",
            )
            with self.enter_registry_test_mode():
                self.assertIs(cron.method_direct_trigger(), True)
            self.assertFalse(self.open_case(), "the company was the other worker's")
            other_worker.rollback()
        with self.enter_registry_test_mode():
            self.assertIs(cron.method_direct_trigger(), True)
        self.assertAlmostEqual(self.open_case().total_overdue_amount, 1000)
