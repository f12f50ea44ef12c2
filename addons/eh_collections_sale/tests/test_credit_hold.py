from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.eh_collections_case.tests.common import TODAY, DunningCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestCreditHold(DunningCommon):
    """Real quotations of a real product, confirmed by a salesperson without
    collections rights, against a customer whose case reached a blocking level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.final_notice = cls.standard.level_ids.sorted("sequence")[2]  # 60 days
        cls.final_notice.block_new_sales = True
        cls.invoice = cls.post_invoice(1000, 95)
        cls.Case._refresh_from_ledger(cls.company)
        cls.case = cls.Case.search([("partner_id", "=", cls.customer.id), ("state", "=", "open")])
        cls.salesperson = new_test_user(
            cls.env,
            login="sam_sales",
            name="Sam Sales",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="sally_manager",
            name="Sally Manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Oak table", "list_price": 400.0, "taxes_id": [Command.clear()]}
        )

    def setUp(self):
        super().setUp()
        self.run_cron()  # the ladder sends the demand letter: the case is past the final notice

    def quotation(self, partner=None, company=None, user=None):
        Order = self.env["sale.order"].with_user(user or self.salesperson)
        if company:
            Order = Order.with_company(company)
        return Order.create(
            {
                "partner_id": (partner or self.contact).id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
            }
        )

    def test_a_salesperson_cannot_confirm_and_reads_why_on_the_quotation(self):
        self.assertEqual(self.case.level_id.name, "Demand letter")
        order = self.quotation()  # to a contact of the customer: the hold is the customer's
        self.assertIn("on credit hold", order.eh_credit_hold)
        with self.assertRaisesRegex(
            UserError,
            # The level the case is at, as its Level sent says; the blocking level beside it.
            r"Gemini Furniture is on credit hold: its collections case is at the level Demand letter \(new "
            r"sales are blocked from Final notice on\), with \$\xa01,000.00 to collect\. A Sales Manager or "
            r"a Collections Manager can confirm anyway",
        ):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_a_manager_overrides_once_with_a_reason_logged_on_the_case(self):
        order = self.quotation()
        wizard = Form(
            self.env["eh.sale.credit.hold.override"]
            .with_user(self.salesperson)
            .with_context(default_order_id=order.id)
        )
        wizard.reason = "Paying by card now"
        with self.assertRaisesRegex(AccessError, "Only a Sales Manager or a Collections Manager"):
            wizard.save().action_confirm()
        for user in (self.salesperson, self.sales_manager):
            with self.assertRaisesRegex(UserError, r"overridden with Override credit hold"):
                order.with_user(user).write({"eh_hold_override_reason": "written over the API"})
        empty = (
            self.env["eh.sale.credit.hold.override"]
            .with_user(self.sales_manager)
            .create({"order_id": order.id, "reason": "  "})
        )
        with self.assertRaisesRegex(UserError, "Say why"):
            empty.action_confirm()
        self.env["eh.sale.credit.hold.override"].with_user(self.sales_manager).create(
            {"order_id": order.id, "reason": "Prepaid by bank transfer"}
        ).action_confirm()
        self.assertEqual((order.state, order.eh_hold_override_by_id), ("sale", self.sales_manager))
        row = self.case.action_ids.filtered(lambda a: a.action_type == "sale_override")
        self.assertEqual(row.user_id, self.sales_manager)
        self.assertIn("confirmed over the credit hold by Sally Manager: Prepaid by bank transfer", row.note)
        self.assertIn("Prepaid by bank transfer", str(order.message_ids[0].body))
        self.assertIn("credit hold", str(self.quotation().eh_credit_hold), "the next order is held again")

    def test_the_hold_lifts_by_itself_after_a_real_payment_and_a_refresh(self):
        order = self.quotation()
        self.pay(self.invoice, 1000)
        self.Case._refresh_from_ledger(self.company)
        self.assertEqual(self.case.state, "resolved")
        self.assertFalse(order.eh_credit_hold)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_another_companys_case_does_not_block_this_companys_sales(self):
        other = self.setup_other_company(name="Hold Elsewhere")["company"]
        self.salesperson.company_ids |= other
        order = self.quotation(company=other)
        self.assertFalse(order.eh_credit_hold)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_a_portal_confirmation_is_held_politely_and_the_collector_is_told(self):
        portal = new_test_user(
            self.env, login="gemini_portal", groups="base.group_portal", partner_id=self.contact.id
        )
        order = self.quotation()
        with (
            self.enter_registry_test_mode(),
            self.assertRaisesRegex(
                UserError, "We cannot confirm it online just now: our accounts team will contact you shortly."
            ),
        ):
            order.with_user(portal).sudo()._validate_order()
        activity = self.case.activity_ids.filtered(lambda a: order.name in (a.summary or ""))
        self.assertEqual(activity.user_id, self.case._collector_user())
        self.assertIn("on credit hold", str(activity.note))

    def test_the_credit_limit_warns_or_blocks_as_the_company_says(self):
        self.company.account_use_credit_limit = True
        self.other_customer.with_company(self.company).credit_limit = 500
        order = self.quotation(partner=self.other_customer)  # 800 over a 500 limit
        self.company.eh_credit_limit_mode = "block"
        order.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "Lumber Inc has reached its credit limit of"):
            order.action_confirm()
        self.company.eh_credit_limit_mode = "warn"
        order.invalidate_recordset()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_a_level_tells_the_salesperson_and_open_orders_show_on_the_case(self):
        self.pay(self.invoice, 1000)
        self.Case._refresh_from_ledger(self.company)
        order = self.quotation()
        self.customer._eh_compute_risk_scores()
        before = self.customer.eh_risk_score
        order.action_confirm()
        self.assertEqual(order.user_id, self.salesperson)
        self.customer._eh_compute_risk_scores()
        self.assertGreater(self.customer.eh_risk_score, before, "the order is exposure")
        self.assertIn("of the exposure in orders not invoiced", self.customer.eh_risk_factors)
        self.post_invoice(700, 35)
        self.Case._refresh_from_ledger(self.company)
        case = self.open_case()
        self.assertEqual(case.eh_open_orders_amount, 800.0)
        self.assertEqual(self.customer._eh_risk_open_orders(), {self.customer.id: 800.0})
        firm = self.standard.level_ids.sorted("sequence")[1]
        firm.notify_salesperson = True
        self.run_cron()
        activity = self.customer.activity_ids.filtered(lambda a: a.user_id == self.salesperson)
        self.assertIn("Gemini Furniture owes $\xa0700.00: collections level Firm reminder", activity.summary)


@tagged("post_install", "-at_install")
class TestCreditHoldTour(HttpCase):
    """A salesperson meets the hold in a real browser; a Sales Manager overrides it."""

    def test_salesperson_blocked_manager_overrides(self):
        customer = self.env["res.partner"].create({"name": "Tour Hold Ltd", "is_company": True})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date_due": self.env["eh.collections.case"]._today() - timedelta(days=100),
                "invoice_date": self.env["eh.collections.case"]._today() - timedelta(days=130),
                "invoice_line_ids": [Command.create({"name": "Service", "price_unit": 900, "tax_ids": []})],
            }
        )
        invoice.action_post()
        case = self.env["eh.collections.case"].create({"partner_id": customer.id})
        strategy = case.strategy_id
        levels = strategy.level_ids.sorted("sequence")
        levels[2].block_new_sales = True
        # The ladder reaches the demand letter through the sending service, as the cron does.
        followup = self.env["eh.collections.followup"]._queue(case, levels[3])
        self.env["eh.collections.followup.send"]._send_followups(followup)
        self.assertEqual(case.level_id, levels[3])
        users = {}
        for login, group in (
            ("tour_sales", "sales_team.group_sale_salesman"),
            ("tour_manager", "sales_team.group_sale_manager"),
        ):
            users[login] = new_test_user(self.env, login=login, password=login, groups=group)
        product = self.env["product.product"].create({"name": "Tour chair", "list_price": 120.0})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": users["tour_sales"].id,  # a salesperson reads their own quotations
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        self.assertIn("on credit hold", order.with_user(users["tour_sales"]).eh_credit_hold)
        self.start_tour(f"/odoo/sales/{order.id}", "eh_collections_sale_hold_salesperson", login="tour_sales")
        self.start_tour(f"/odoo/sales/{order.id}", "eh_collections_sale_hold_override", login="tour_manager")
        self.assertEqual((order.state, order.eh_hold_override_reason), ("sale", "Customer paid a deposit"))


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestCreditTermsProposals(DunningCommon):
    """Tighter credit proposed to a manager, with its numbers; nothing changes before
    the manager accepts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.post_invoice(1000, 95)
        cls.Case._refresh_from_ledger(cls.company)
        cls.case = cls.Case.search([("partner_id", "=", cls.customer.id), ("state", "=", "open")])
        cls.thirty_days = cls.env.ref("account.account_payment_term_30days")
        cls.three_weeks = cls.env.ref("account.account_payment_term_21days")
        partner = cls.customer.with_company(cls.company)
        partner.credit_limit = 5000
        partner.property_payment_term_id = cls.thirty_days
        cls.Proposal = cls.env["eh.collections.credit.proposal"]

    def test_a_level_proposes_with_its_numbers_and_a_manager_accepts(self):
        self.standard.level_ids.sorted("sequence")[3].propose_credit_terms = True  # the demand letter
        self.run_cron()
        proposal = self.Proposal.search([("case_id", "=", self.case.id)])
        self.assertEqual(
            (proposal.state, proposal.current_limit, proposal.proposed_limit, proposal.proposed_term_id),
            ("proposed", 5000.0, 1000.0, self.three_weeks),
        )
        self.assertIn("Credit limit: $\xa05,000.00 → $\xa01,000.00.", proposal.reason)
        self.assertIn("Payment terms: 30 Days → 21 Days.", proposal.reason)
        activity = self.case.activity_ids.filtered(lambda a: "Credit terms proposal" in (a.summary or ""))
        self.assertEqual(activity.user_id, self.case._collections_manager())
        self.assertEqual(self.customer.with_company(self.company).credit_limit, 5000, "nothing changed yet")
        with self.assertRaisesRegex(AccessError, "A Collections Manager decides"):
            proposal.with_user(self.collector).action_accept()
        proposal.with_user(self.manager).action_accept()
        partner = self.customer.with_company(self.company)
        self.assertEqual((partner.credit_limit, partner.property_payment_term_id), (1000.0, self.three_weeks))
        rows = self.case.action_ids.filtered(lambda a: a.action_type == "credit_terms")
        self.assertEqual(len(rows), 2)
        self.assertIn("Credit terms accepted (level Demand letter sent)", rows[0].note)
        self.assertEqual(rows[0].user_id, self.manager)
        self.assertFalse(
            self.case.activity_ids.filtered(lambda a: "Credit terms proposal" in (a.summary or ""))
        )

    def test_the_risk_score_proposes_once_and_a_rejection_changes_nothing(self):
        self.company.eh_credit_proposal_risk = 10
        self.customer._eh_compute_risk_scores()
        self.customer._eh_compute_risk_scores()
        proposal = self.Proposal.search([("case_id", "=", self.case.id)])
        self.assertEqual(len(proposal), 1, "one proposal waits at a time")
        self.assertIn("payment-risk score", proposal.trigger)
        proposal.with_user(self.manager).action_reject()
        partner = self.customer.with_company(self.company)
        self.assertEqual((partner.credit_limit, partner.property_payment_term_id), (5000.0, self.thirty_days))
        self.assertIn("Credit terms rejected", self.case.action_ids[0].note)
        with self.assertRaisesRegex(UserError, "already decided"):
            proposal.with_user(self.manager).action_accept()

    def test_proposals_are_made_by_the_suite_only(self):
        with self.assertRaisesRegex(UserError, "made by the suite"):
            self.Proposal.with_user(self.manager).create({"case_id": self.case.id})
