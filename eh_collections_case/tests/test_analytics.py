from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .common import TODAY, CollectionsCommon

MONTH_END = date(2026, 2, 28)


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestCollectionsFigures(CollectionsCommon):
    """DSO, countback DSO, ADD, CEI and recovery of a ledger built through the accounting
    engine, against figures worked out by hand in the comments (company currency USD,
    one EUR = 1.25 USD, a DSO period of 90 days)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Snapshot = cls.env["eh.collections.snapshot"]
        eur = cls.euro_at_0_8()
        cls.company.eh_dso_period_days = 90
        # A: 1,000 invoiced 1 Oct, due 31 Oct; 400 paid 10 Jan.
        cls.inv_a = cls.invoice(1000, date(2025, 10, 1), date(2025, 10, 31))
        cls._register_payment(cls.inv_a, amount=400, payment_date=date(2026, 1, 10))
        # F: 1,500 invoiced 1 Dec, due 31 Dec; paid in full 20 Feb.
        cls.inv_f = cls.invoice(1500, date(2025, 12, 1), date(2025, 12, 31))
        cls._register_payment(cls.inv_f, amount=1500, payment_date=date(2026, 2, 20))
        # B: 2,000 invoiced 5 Jan, due 4 Feb; 500 paid 5 Mar, after the month-end.
        cls.inv_b = cls.invoice(2000, date(2026, 1, 5), date(2026, 2, 4))
        cls._register_payment(cls.inv_b, amount=500, payment_date=date(2026, 3, 5))
        # E: 800 EUR (1,000 USD) invoiced 1 Feb, due 3 Mar.
        cls.inv_e = cls.invoice(800, date(2026, 2, 1), date(2026, 3, 3), currency=eur)
        # C: 3,000 invoiced 10 Feb, due 12 Mar. R: a 200 credit note of 15 Feb, left open.
        cls.inv_c = cls.invoice(3000, date(2026, 2, 10), date(2026, 3, 12))
        cls.refund = cls.invoice(200, date(2026, 2, 15), date(2026, 2, 15), move_type="out_refund")
        # Another company's ledger must never leak into these figures.
        cls.other_company = cls.setup_other_company(name="Figures Elsewhere")["company"]
        cls.invoice(9999, date(2026, 2, 1), date(2026, 2, 1), company=cls.other_company)

    @classmethod
    def invoice(cls, amount, invoice_date, due, currency=None, move_type="out_invoice", company=None):
        company = company or cls.company
        return cls._create_invoice(
            move_type=move_type,
            partner_id=cls.customer.id,
            invoice_date=invoice_date,
            invoice_date_due=due,
            invoice_payment_term_id=False,
            currency_id=(currency or company.currency_id).id,
            company_id=company.id,
            invoice_line_ids=[cls._prepare_invoice_line(price_unit=amount, tax_ids=[])],
            post=True,
        )

    def run_snapshot_cron(self):
        with self.enter_registry_test_mode():
            self.assertIs(
                self.env.ref("eh_collections_case.ir_cron_collections_snapshot").method_direct_trigger(), True
            )
        self.env.invalidate_all()

    def take(self, day, company=None):
        self.Snapshot._take(company or self.company, day)
        return self.Snapshot.search([("company_id", "=", (company or self.company).id), ("date", "=", day)])

    def test_month_end_as_the_ledger_stood(self):
        row = self.take(MONTH_END)
        # As of 28 Feb: A 600 (120 days late), B 2,000 (its 5 Mar payment undone),
        # E 1,000 and C 3,000 not due, R -200 open; F paid.
        self.assertAlmostEqual(row.ar_total, 6400)
        self.assertAlmostEqual(row.overdue_total, 2600)
        self.assertAlmostEqual(row.unapplied_credit_amount, 200)
        self.assertAlmostEqual(row.amount_not_due, 4000)
        self.assertAlmostEqual(row.amount_1_30, 2000)
        self.assertAlmostEqual(row.amount_91_120, 600, msg="120 days late is still the 91-120 bucket")
        self.assertAlmostEqual(row.amount_over_120, 0)
        # Sales of 1 Dec - 28 Feb: F 1,500 + B 2,000 + E 1,000 + C 3,000 - R 200.
        self.assertAlmostEqual(row.credit_sales, 7300)
        self.assertAlmostEqual(row.collected, 1900)  # 400 on A, 1,500 on F
        self.assertAlmostEqual(row.dso, 78.9)  # 6,400 / 7,300 x 90 = 78.90
        self.assertAlmostEqual(row.best_possible_dso, 49.3)  # 4,000 / 7,300 x 90 = 49.32
        self.assertAlmostEqual(row.add, 29.6)  # 78.90 - 49.32 = 29.59
        # Receivables at 30 Nov: A's 1,000. (1,000 + 7,300 - 6,400) / (1,000 + 7,300 - 4,000).
        self.assertAlmostEqual(row.ar_at_start, 1000)
        self.assertAlmostEqual(row.cei, 44.2)  # 1,900 / 4,300 = 44.19 %
        # Overdue at 30 Nov: A's 1,000; recovered since: the 400 paid on 10 Jan.
        self.assertAlmostEqual(row.overdue_at_start, 1000)
        self.assertAlmostEqual(row.recovered, 400)
        self.assertAlmostEqual(row.recovery_rate, 40.0)
        # Countback by calendar month: February's 3,800 (28 days), January's 2,000 (31
        # days), then 600 of December's 1,500 (31 days): 28 + 31 + 12.4 = 71.4.
        self.assertAlmostEqual(row.dso_countback, 71.4)
        self.assertTrue(row.has_dso and row.has_cei and row.has_recovery)

    def test_today(self):
        row = self.take(TODAY)
        # As of 15 Mar: A 600 (135 days), B 1,500 (39), C 3,000 (3), E 1,000 (12), R -200.
        self.assertAlmostEqual(row.ar_total, 5900)
        self.assertAlmostEqual(row.overdue_total, 6100)
        self.assertAlmostEqual(row.amount_over_120, 600)
        self.assertAlmostEqual(row.amount_31_60, 1500)
        self.assertAlmostEqual(row.amount_1_30, 4000)
        self.assertAlmostEqual(row.amount_not_due, 0)
        # Sales of 16 Dec - 15 Mar: B 2,000 + E 1,000 + C 3,000 - R 200 (F is of 1 Dec).
        self.assertAlmostEqual(row.credit_sales, 5800)
        self.assertAlmostEqual(row.collected, 2400)
        self.assertAlmostEqual(row.dso, 91.6)  # 5,900 / 5,800 x 90 = 91.55
        self.assertAlmostEqual(row.best_possible_dso, 0)
        self.assertAlmostEqual(row.add, 91.6)
        # Receivables at 15 Dec: A 1,000 + F 1,500. (2,500 + 5,800 - 5,900) / (2,500 + 5,800 - 0).
        self.assertAlmostEqual(row.ar_at_start, 2500)
        self.assertAlmostEqual(row.cei, 28.9)  # 2,400 / 8,300 = 28.92 %
        self.assertAlmostEqual(row.overdue_at_start, 1000)  # F fell due on 31 Dec, after the start
        self.assertAlmostEqual(row.recovered, 400)
        # Countback from 15 Mar: 16 Feb - 15 Mar sold nothing (28 days), 16 Jan - 15 Feb
        # 3,800 (31 days), 16 Dec - 15 Jan 2,000 (31 days), then 100 of 16 Nov - 15 Dec's
        # 1,500 (30 days): 28 + 31 + 31 + 2 = 92.0.
        self.assertAlmostEqual(row.dso_countback, 92.0)

    def test_rerun_updates_the_day_and_other_companies_stay_apart(self):
        self.run_snapshot_cron()
        self.run_snapshot_cron()
        rows = self.Snapshot.search([("company_id", "=", self.company.id)])
        self.assertEqual(rows.mapped("date"), [TODAY], "a rerun updates today's row, it never adds one")
        self.assertAlmostEqual(rows.ar_total, 5900)
        other = self.Snapshot.search([("company_id", "=", self.other_company.id)])
        self.assertAlmostEqual(other.ar_total, 9999)
        self.assertAlmostEqual(other.credit_sales, 9999)
        # A payment registered later moves today's figures on the next run, in place.
        self._register_payment(self.inv_c, amount=3000, payment_date=TODAY)
        self.run_snapshot_cron()
        self.assertAlmostEqual(rows.ar_total, 2900)
        self.assertEqual(len(self.Snapshot.search([("company_id", "=", self.company.id)])), 1)

    def test_backfill_rebuilds_twelve_month_ends_and_today(self):
        self.Snapshot.with_user(self.manager).action_backfill()
        rows = self.Snapshot.search([("company_id", "=", self.company.id)], order="date")
        firsts = [date(2025, month, 1) for month in range(4, 13)] + [
            date(2026, month, 1) for month in (1, 2, 3)
        ]
        month_ends = [first - timedelta(days=1) for first in firsts]  # 31 Mar 2025 .. 28 Feb 2026
        self.assertEqual(rows.mapped("date"), [*month_ends, TODAY])
        by_day = {row.date: row for row in rows}
        self.assertAlmostEqual(by_day[MONTH_END].dso, 78.9)
        self.assertAlmostEqual(by_day[date(2025, 10, 31)].ar_total, 1000)
        # Before the first invoice there is nothing to measure: no DSO, not a DSO of 0.
        empty = by_day[date(2025, 8, 31)]
        self.assertFalse(empty.has_dso)
        self.assertFalse(empty.has_cei)
        self.assertFalse(empty.has_recovery)
        self.assertIsNone(self.Snapshot._figures(empty)["dso"])
        self.assertIsNone(self.Snapshot._figures(empty)["cei"])
        self.assertEqual(
            self.env.execute_query_dict(
                SQL("SELECT dso, dso_countback, cei FROM eh_collections_snapshot WHERE id = %s", empty.id)
            ),
            [{"dso": None, "dso_countback": None, "cei": None}],
            "an unmeasurable figure is NULL in the table, so an average never counts it as 0",
        )

    def test_no_credit_sales_means_no_dso(self):
        # 31 Oct: A's 1,000 is receivable, but nothing was sold in Aug - Oct but A itself;
        # 31 Jul: nothing receivable and nothing sold.
        quiet = self.take(date(2025, 7, 31))
        self.assertFalse(quiet.has_dso)
        self.assertEqual(quiet.credit_sales, 0)
        # Receivables but no sales in the period: A, with a 30-day period starting after it.
        self.company.eh_dso_period_days = 30
        old_debt = self.take(date(2025, 12, 1) - timedelta(days=1))
        self.assertAlmostEqual(old_debt.ar_total, 1000)
        self.assertEqual(old_debt.credit_sales, 0)
        self.assertFalse(old_debt.has_dso, "receivables without sales in the period: no DSO")
        self.assertIsNone(self.Snapshot._figures(old_debt)["dso"])

    def test_figures_are_written_by_the_ledger_only(self):
        with self.assertRaisesRegex(UserError, "take them with the daily cron"):
            self.Snapshot.create({"company_id": self.company.id, "date": TODAY})
        row = self.take(TODAY)
        with self.assertRaisesRegex(UserError, "cannot be edited"):
            row.write({"ar_total": 1})
        with self.assertRaisesRegex(UserError, "Only a Collections Manager"):
            self.Snapshot.with_user(self.collector).action_backfill()
        with self.assertRaises(AccessError):
            row.with_user(self.collector).unlink()
        self.assertEqual(row.with_user(self.collector).ar_total, 5900, "a collector reads the figures")
        foreign = self.take(TODAY, company=self.other_company)
        self.assertFalse(
            self.Snapshot.with_user(self.collector).search([("id", "=", foreign.id)]),
            "another company's figures stay out of sight",
        )


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestCollectionsEffectiveness(CollectionsCommon):
    """What reminders, promises and collectors achieved, read from the log and the
    payments that followed, and the dashboard that shows it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level = cls.env["eh.collections.level"].search(
            [("company_id", "=", cls.company.id)], order="days_overdue", limit=1
        )
        cls.big = cls.post_invoice(1000, (TODAY - date(2026, 1, 15)).days)
        cls.small = cls.post_invoice(300, (TODAY - date(2026, 1, 25)).days, partner=cls.other_customer)
        with freeze_time(date(2026, 2, 1)):
            cls.Case._refresh_from_ledger(cls.company)
            cls.case = cls.Case.search([("partner_id", "=", cls.customer.id)])
            cls.other_case = cls.Case.search([("partner_id", "=", cls.other_customer.id)])
            (cls.case | cls.other_case).user_id = cls.collector
            cls.case._log_action([{"action_type": "email", "level_id": cls.level.id}])

    def promise(self, case, day, amount, promised_for):
        with freeze_time(day):
            return self.log_with_wizard(
                case,
                action_type="call",
                contact_made=True,
                with_promise=True,
                promise_amount=amount,
                promise_date=promised_for,
            )

    def test_reminder_paid_within_seven_fourteen_and_thirty_days(self):
        self._register_payment(self.big, amount=400, payment_date=date(2026, 2, 5))
        self._register_payment(self.big, amount=600, payment_date=date(2026, 2, 25))
        row = self.env["eh.collections.effectiveness.report"].search([("level_id", "=", self.level.id)])
        self.assertEqual(len(row), 1)
        self.assertEqual(row.channel, "email")
        self.assertAlmostEqual(row.amount, 1000, msg="what was overdue when the level was sent")
        self.assertAlmostEqual(row.paid_7, 400)
        self.assertAlmostEqual(row.paid_14, 400)
        self.assertAlmostEqual(row.paid_30, 1000)
        self.assertEqual((row.settled_7, row.settled_14, row.settled_30), (0, 0, 100))
        # Another customer's payment, or a payment 31 days on, never counts.
        self._register_payment(self.small, amount=300, payment_date=date(2026, 2, 3))
        self.assertAlmostEqual(
            self.env["eh.collections.effectiveness.report"].search([("level_id", "=", self.level.id)]).paid_7,
            400,
        )

    def test_promises_kept_broken_and_pending(self):
        # Promised 600 for 20 Feb, paid 25 Feb: broken (the deadline is 21 Feb).
        self.promise(self.case, date(2026, 2, 10), 600, date(2026, 2, 20))
        self._register_payment(self.big, amount=600, payment_date=date(2026, 2, 25))
        # Promised 300 for 10 Mar, paid 8 Mar: kept.
        self.promise(self.other_case, date(2026, 3, 1), 300, date(2026, 3, 10))
        self._register_payment(self.small, amount=300, payment_date=date(2026, 3, 8))
        # Promised 400 for 20 Mar on the 14th: pending.
        self.promise(self.case, date(2026, 3, 14), 400, date(2026, 3, 20))
        Promises = self.env["eh.collections.promise.report"]
        outcomes = {(p.partner_id, p.promise_date): p.outcome for p in Promises.search([])}
        self.assertEqual(
            outcomes,
            {
                (self.customer, date(2026, 2, 20)): "broken",
                (self.other_customer, date(2026, 3, 10)): "kept",
                (self.customer, date(2026, 3, 20)): "pending",
            },
        )
        [(rate,)] = Promises._read_group([], [], ["kept_rate:avg"])
        self.assertAlmostEqual(rate, 50.0, msg="1 kept of 2 settled; the pending one is not counted")

        # The collector league: 3 calls and 3 promises logged, all with the customer
        # reached, 1 promise kept, and 900 paid by the customers of the collector's cases.
        [league] = self.env["eh.collections.collector.report"]._read_group(
            [("user_id", "=", self.collector.id)],
            [],
            [
                "action_count:sum",
                "contact_count:sum",
                "promise_count:sum",
                "promise_kept_count:sum",
                "collected:sum",
            ],
        )
        self.assertEqual(league, (6, 6, 3, 1, 900.0))

        # The snapshot counts the period's promises as they stood at the end of its day.
        self.env["eh.collections.snapshot"]._take(self.company, TODAY)
        row = self.env["eh.collections.snapshot"].search([("company_id", "=", self.company.id)])
        self.assertEqual(
            (row.promise_count, row.promise_kept_count, row.promise_broken_count, row.open_case_count),
            (3, 1, 1, 2),
        )
        self.env["eh.collections.snapshot"]._take(self.company, date(2026, 2, 28))
        feb = self.env["eh.collections.snapshot"].search(
            [("company_id", "=", self.company.id), ("date", "=", date(2026, 2, 28))]
        )
        self.assertEqual((feb.promise_count, feb.promise_kept_count, feb.promise_broken_count), (1, 0, 1))

    def test_dashboard_reads_the_figures_of_the_current_company(self):
        self._register_payment(self.big, amount=1000, payment_date=date(2026, 2, 5))
        self.promise(self.other_case, date(2026, 3, 1), 300, date(2026, 3, 10))
        self.env["eh.collections.snapshot"].with_user(self.manager).action_backfill()
        dashboard = self.env["eh.collections.snapshot"].with_user(self.collector).get_dashboard()
        self.assertEqual(dashboard["latest"]["date"], TODAY)
        self.assertAlmostEqual(dashboard["latest"]["ar_total"], 300)
        self.assertEqual(len(dashboard["trend"]), 13, "twelve month-ends and today")
        self.assertIsNone(dashboard["trend"][0]["dso"], "no sales a year ago: no DSO, not 0")
        by_level = {row["key"]: row for row in dashboard["levels"]}
        self.assertEqual(set(by_level), {self.level.id, False}, "the level's reminder, and the call by hand")
        self.assertEqual(by_level[self.level.id]["count"], 1)
        self.assertAlmostEqual(by_level[self.level.id]["share_7"], 100.0)
        self.assertEqual(by_level[False]["label"], "No level (by hand)")
        self.assertEqual({row["key"] for row in dashboard["channels"]}, {"email", "call"})
        league = {row["name"]: (row["actions"], row["collected"]) for row in dashboard["collectors"]}
        self.assertEqual(league, {"Casey Collector": (2, 1000), self.env.user.name: (1, 0)})
        self.assertEqual(
            dashboard["collectors"][0]["name"], "Casey Collector", "the league ranks by collected"
        )
        self.assertEqual(dashboard["promises"], {"kept": 0, "broken": 1, "pending": 0, "kept_rate": 0.0})
        self.assertEqual(
            [d["id"] for d in dashboard["top_debtors"]],
            (self.case | self.other_case).ids,
            "until the refresh",
        )
        self.refresh()
        top = self.env["eh.collections.snapshot"].with_user(self.collector).get_dashboard()["top_debtors"]
        self.assertEqual([(d["id"], d["amount"], d["days"]) for d in top], [(self.other_case.id, 300, 49)])
