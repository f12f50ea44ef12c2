from datetime import timedelta
from decimal import Decimal

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import TODAY, CollectionsCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestLateFees(CollectionsCommon):
    """Fees and interest to the cent on real posted invoices, in two currencies.

    The expected figures are worked out by hand (rounded half up per invoice) on what
    was owed each day: prorated at 1.5 % a month, owed x 0.015 x days / 30; interest
    at 2.15 + 8 = 10.15 % a year, owed x 0.1015 x days / 365. A payment lowers what
    is owed from the day after its date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.euro_at_0_8()
        cls.charge_statutory_interest(eh_interest_compensation=40.0)
        cls.inv_a = cls.post_invoice(1000, 60)  # 1,000 owed for 30 days, then 750
        cls.pay(cls.inv_a, 250, days_ago=30)
        cls.inv_b = cls.post_invoice(125, 10)
        cls.inv_c = cls.post_invoice(1234.56, 17)
        cls.inv_d = cls.post_invoice(2000, 45, currency=cls.eur)  # EUR 2,000 for 44 days, then 1,200
        cls.pay(cls.inv_d, 800)  # yesterday
        cls.not_due = cls.post_invoice(500, -10)
        cls.disputed = cls.post_invoice(300, 40)
        cls.disputed.eh_disputed = True

    def setUp(self):
        super().setUp()
        self.refresh()
        self.case = self.open_case()

    def wizard(self, **values):
        form = Form(self.env["eh.collections.late.fee"].with_context(default_case_id=self.case.id))
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def previewed(self, wizard):
        return {(line.move_id, line.kind): Decimal(str(line.amount)) for line in wizard.line_ids}

    def fee_invoices(self):
        return self.env["account.move"].search([("eh_fee_case_id", "=", self.case.id)])

    def test_prorated_fee_to_the_cent_and_preview_equals_posted(self):
        wizard = self.wizard(charge="prorated", monthly_rate=1.5)
        expected = {
            (self.inv_a, "fee"): Decimal("26.25"),  # (1,000 x 30 + 750 x 30) x 0.015 / 30
            (self.inv_b, "fee"): Decimal("0.63"),  # 0.625: half up, not to even
            (self.inv_c, "fee"): Decimal("10.49"),
            (self.inv_d, "fee"): Decimal("44.60"),  # (2,000 x 44 + 1,200 x 1) x 0.015 / 30
        }
        self.assertEqual(self.previewed(wizard), expected)
        self.assertEqual(wizard.summary, "$\xa037.37 + 44.60\xa0€")
        words = {line.move_id: line.description for line in wizard.line_ids}
        self.assertEqual(
            words[self.inv_a],
            f"Late fee on {self.inv_a.name}: 1.5% a month on $\xa01,000.00 for 30 days, "
            "$\xa0750.00 for 30 days",
        )
        self.assertEqual(
            words[self.inv_b], f"Late fee on {self.inv_b.name}: 1.5% a month for 10 days on $\xa0125.00"
        )
        wizard.action_post()
        fees = self.fee_invoices()
        self.assertEqual(len(fees), 2, "one fee invoice per currency")
        self.assertEqual(set(fees.mapped("state")), {"posted"})
        usd = fees.filtered(lambda m: m.currency_id == self.company.currency_id)
        eur = fees - usd
        self.assertEqual(usd.amount_total, 37.37)
        self.assertEqual(eur.amount_total, 44.60)
        self.assertEqual(usd.amount_tax, 0.0)
        self.assertEqual(sorted(usd.invoice_line_ids.mapped("price_subtotal")), [0.63, 10.49, 26.25])
        fee_product = self.env.ref("eh_collections_case.product_late_fee")
        self.assertEqual(usd.invoice_line_ids.product_id, fee_product)
        self.assertEqual(usd.partner_id, self.invoice_address)
        self.assertEqual(self.case.fee_count, 2)
        log = self.case.action_ids.filtered(lambda a: a.action_type == "fee")
        self.assertEqual(len(log), 2)
        self.assertIn(usd.name, " ".join(log.mapped("note")))
        self.assertEqual(self.inv_a.eh_fee_charged_until, TODAY)
        self.assertFalse(self.disputed.eh_fee_charged_until, "a disputed invoice is not charged")
        self.assertFalse(self.not_due.eh_fee_charged_until)

    def test_statutory_interest_and_compensation(self):
        wizard = self.wizard(charge="interest")
        self.assertTrue(wizard.include_compensation)
        expected = {
            (self.inv_a, "interest"): Decimal("14.60"),  # 52,500 x 0.1015 / 365 = 14.599
            (self.inv_b, "interest"): Decimal("0.35"),
            (self.inv_c, "interest"): Decimal("5.84"),
            (self.inv_d, "interest"): Decimal("24.80"),  # 89,200 x 0.1015 / 365 = 24.8049
            (self.inv_a, "compensation"): Decimal("40.00"),
            (self.inv_b, "compensation"): Decimal("40.00"),
            (self.inv_c, "compensation"): Decimal("40.00"),
            (self.inv_d, "compensation"): Decimal("32.00"),  # 40 USD at 0.8
        }
        self.assertEqual(self.previewed(wizard), expected)
        # The accrued interest the statement and the reminders show is the same figure.
        self.assertEqual(self.inv_a.eh_interest_accrued, 14.60)
        self.assertEqual(self.inv_d.eh_interest_accrued, 24.80)
        # In company currency: EUR 24.80 is USD 31.00 (at 0.8).
        self.assertAlmostEqual(self.case.interest_accrued_amount, 14.60 + 0.35 + 5.84 + 31.00, places=2)
        wizard.action_post()
        usd = self.fee_invoices().filtered(lambda m: m.currency_id == self.company.currency_id)
        self.assertEqual(usd.amount_total, 14.60 + 0.35 + 5.84 + 120.00)
        self.assertEqual(self.inv_a.eh_interest_charged_until, TODAY)
        self.assertTrue(self.inv_a.eh_compensation_charged)
        self.assertEqual(self.inv_a.eh_interest_accrued, 0.0, "invoiced interest no longer accrues")

    def test_flat_fee_converted_for_foreign_invoices(self):
        wizard = self.wizard(charge="flat", flat_amount=25.0)
        self.assertEqual(self.previewed(wizard)[(self.inv_d, "fee")], Decimal("20.00"))
        self.assertEqual(self.previewed(wizard)[(self.inv_a, "fee")], Decimal("25.00"))

    def test_never_charged_twice_for_the_same_period(self):
        self.wizard(charge="prorated", monthly_rate=1.5).action_post()
        again = self.wizard(charge="prorated", monthly_rate=1.5)
        self.assertFalse(again.line_ids)
        self.assertIn("already charged up to", again.warning)
        with self.assertRaisesRegex(UserError, "already charged"):
            again.action_post()
        self.assertEqual(len(self.fee_invoices()), 2)
        with freeze_time(TODAY + timedelta(days=10)):
            later = self.wizard(charge="prorated", monthly_rate=1.5)
            amounts = self.previewed(later)
            self.assertEqual(amounts[(self.inv_a, "fee")], Decimal("3.75"), "only the 10 new days")
            self.assertEqual(later.line_ids.filtered(lambda ln: ln.move_id == self.inv_a).date_from, TODAY)
            self.assertNotIn(self.fee_invoices()[0], later.line_ids.move_id, "no fee on a fee")

    def test_a_stale_preview_is_refused(self):
        first = self.wizard(charge="prorated", monthly_rate=1.5)
        second = self.wizard(charge="prorated", monthly_rate=1.5)
        self.pay(self.inv_a, 100)  # the residual changes after the preview
        with self.assertRaisesRegex(UserError, "changed since this preview"):
            first.action_post()
        self.assertFalse(self.fee_invoices())
        # Two collectors on the same case: the second post finds everything charged.
        self.wizard(charge="prorated", monthly_rate=1.5).action_post()
        with self.assertRaisesRegex(UserError, "already charged up to"):
            second.action_post()
        self.assertEqual(len(self.fee_invoices()), 2)

    def test_bad_input_posts_nothing(self):
        before = self.env["account.move"].search_count([])
        for values, message in (
            ({"charge": "prorated", "monthly_rate": 0.0}, "monthly rate must be positive"),
            ({"charge": "prorated", "monthly_rate": -2.0}, "monthly rate must be positive"),
            ({"charge": "flat", "flat_amount": -5.0}, "fee per invoice must be positive"),
        ):
            wizard = self.wizard(**values)
            self.assertFalse(wizard.line_ids)
            self.assertIn(message, wizard.warning)
            with self.assertRaisesRegex(UserError, message):
                wizard.action_post()
        self.company.eh_interest_enabled = False
        with self.assertRaisesRegex(UserError, "does not charge statutory interest"):
            self.wizard(charge="interest").action_post()
        self.assertEqual(self.env["account.move"].search_count([]), before)
        self.assertFalse(self.case.action_ids.filtered(lambda a: a.action_type == "fee"))

    def test_no_overdue_invoice_is_a_named_error(self):
        other = self.post_invoice(100, 5, partner=self.other_customer)
        self.refresh()
        case = self.open_case(self.other_customer)
        self.pay(other, 100)
        case.invalidate_recordset()
        wizard = self.env["eh.collections.late.fee"].with_context(default_case_id=case.id).create({})
        with self.assertRaisesRegex(UserError, "Lumber Inc has no overdue invoice to charge"):
            wizard.action_post()

    def test_interest_settings_refuse_negative_figures(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.eh_interest_margin = -1
        with self.assertRaisesRegex(ValidationError, "positive annual rate"):
            self.company.write({"eh_interest_reference_rate": -8.0, "eh_interest_margin": 8.0})

    def test_fee_invoice_in_the_cases_company_with_its_settings(self):
        account = self.company_data["default_account_revenue"].copy({"code": "707070"})
        self.company.eh_fee_account_id = account
        self.wizard(charge="prorated", monthly_rate=1.5).action_post()
        fees = self.fee_invoices()
        self.assertEqual(fees.company_id, self.company)
        self.assertEqual(fees.invoice_line_ids.account_id, account)

    def test_fees_and_interest_on_the_products_set_in_settings(self):
        fee_product = self.env["product.product"].create({"name": "Dunning charge", "type": "service"})
        interest_product = self.env["product.product"].create({"name": "Default interest", "type": "service"})
        self.company.write(
            {"eh_fee_product_id": fee_product.id, "eh_interest_product_id": interest_product.id}
        )
        self.wizard(charge="flat", flat_amount=15.0).action_post()
        self.assertEqual(set(self.fee_invoices().invoice_line_ids.product_id), {fee_product})
        before = self.fee_invoices()
        self.wizard(charge="interest").action_post()
        interest = self.fee_invoices() - before
        self.assertEqual(set(interest.invoice_line_ids.product_id), {interest_product})

    def test_no_charge_beyond_today(self):
        wizard = self.wizard(charge="prorated", monthly_rate=1.5)
        wizard.date = TODAY + timedelta(days=1)
        self.assertFalse(wizard.line_ids)
        self.assertEqual(wizard.warning, "Late fees cannot be charged beyond today.")
        with self.assertRaisesRegex(UserError, "beyond today"):
            wizard.action_post()
        self.assertFalse(self.fee_invoices())

    def test_collector_charges_fees(self):
        wizard = (
            self.env["eh.collections.late.fee"]
            .with_user(self.collector)
            .with_context(default_case_id=self.case.id)
            .create({"charge": "prorated", "monthly_rate": 1.5})
        )
        wizard.action_post()
        self.assertEqual(len(self.fee_invoices()), 2)

    def test_settings_warn_when_levels_apply_interest_that_is_off(self):
        levels = self.env["eh.collections.level"].search(
            [("company_id", "=", self.company.id), ("apply_statutory_interest", "=", True)]
        )
        self.assertEqual(
            sorted(levels.mapped("name")), ["Demand letter", "Final notice"], "the shipped final levels"
        )
        self.company.eh_interest_enabled = False
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertFalse(settings.eh_interest_enabled)
        self.assertEqual(settings.eh_interest_level_count, 2, "the warning names two levels")
        levels.apply_statutory_interest = False
        self.assertEqual(
            self.env["res.config.settings"].with_company(self.company).create({}).eh_interest_level_count, 0
        )
