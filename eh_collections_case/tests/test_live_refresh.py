from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from .common import TODAY, CollectionsCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestLiveRefresh(CollectionsCommon):
    """An open case follows its customer's ledger before each commit: a payment
    registered this morning is not chased this afternoon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old = cls.post_invoice(1000, 40)
        cls.recent = cls.post_invoice(500, 10)
        cls.refresh(cls)
        cls.case = cls.open_case(cls)

    def commit_hooks(self):
        """What the commit runs before it writes (cr.flush() runs the precommit)."""
        self.env.cr.flush()

    def test_a_payment_registered_refreshes_the_case_before_the_commit(self):
        self.assertEqual(self.case.overdue_invoice_amount, 1500)
        self.pay(self.old, 1000)
        self.assertEqual(self.case.overdue_invoice_amount, 1500, "nothing moves before the commit")
        self.commit_hooks()
        self.assertEqual(self.case.overdue_invoice_amount, 500)
        self.assertEqual((self.case.days_overdue_max, self.case.overdue_invoice_count), (10, 1))

    def test_a_failing_refresh_never_fails_the_payment(self):
        """A defect of the suite at the payment's commit is logged and the customer left
        for the job after the commit: the payment itself goes through."""
        Case = type(self.env["eh.collections.case"])

        def broken(cases, companies, partners=None):
            raise ValueError("a defect of the refresh")

        self.pay(self.old, 1000)
        with (
            patch.object(Case, "_refresh_from_ledger", broken),
            self.assertLogs(
                "odoo.addons.eh_collections_case.models.collections_case_live", "ERROR"
            ) as logged,
        ):
            self.commit_hooks()
        self.assertIn("the transaction commits", logged.output[0])
        self.assertIn(self.old.payment_state, ("paid", "in_payment"))
        deferred = self.env["eh.collections.refresh.deferred"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(deferred.company_id, self.company)
        self.assertEqual(self.case.overdue_invoice_amount, 1500, "left for the job")
        with self.enter_registry_test_mode():
            self.env.ref("eh_collections_case.ir_cron_refresh_deferred").method_direct_trigger()
        self.case.invalidate_recordset()
        self.assertEqual(self.case.overdue_invoice_amount, 500, "the job brings it in step")
        self.assertFalse(deferred.exists())

    def test_undoing_the_reconciliation_brings_the_debt_back(self):
        payment = self.pay(self.old, 1000)
        self.commit_hooks()
        self.assertEqual(self.case.overdue_invoice_amount, 500)
        payment.move_id.line_ids.remove_move_reconcile()
        self.commit_hooks()
        self.assertEqual(self.case.overdue_invoice_amount, 1500, "the invoice is open again")
        self.assertEqual(self.case.unapplied_credit_amount, 1000, "the payment is an unapplied credit")
        self.assertEqual(self.case.total_overdue_amount, 500)

    def test_an_invoice_reset_to_draft_or_paid_in_full_leaves_the_case(self):
        self.recent.button_draft()
        self.commit_hooks()
        self.assertEqual(self.case.overdue_invoice_amount, 1000)
        self.pay(self.old, 1000)
        self.commit_hooks()
        self.assertEqual(self.case.state, "resolved", "paid up: resolved with a log row, as at night")
        self.assertEqual(self.case.action_ids.sorted("id")[-1].action_type, "resolved")

    def test_a_customer_without_a_case_gets_none_before_the_night(self):
        self.post_invoice(800, 20, partner=self.other_customer)
        self.commit_hooks()
        self.assertFalse(self.open_case(self.other_customer), "new cases open with the refresh, not live")
        self.refresh(partners=self.other_customer)
        self.assertEqual(self.open_case(self.other_customer).overdue_invoice_amount, 800)

    def test_a_payment_applied_by_other_means_drops_its_suggestions(self):
        payment = self.unapplied_payment(1000)
        self.commit_hooks()
        line = payment.move_id.line_ids.filtered(lambda ln: ln.account_type == "asset_receivable")
        Match = self.env["eh.collections.payment.match"]
        self.assertTrue(Match.search([("move_line_id", "=", line.id)]), "suggested at the commit")
        (line | self.old.line_ids.filtered(lambda ln: ln.account_type == "asset_receivable")).reconcile()
        self.commit_hooks()
        self.assertFalse(
            Match.search([("move_line_id", "=", line.id)]), "reconciled by hand: nothing to suggest"
        )
        self.assertFalse(
            self.case.activity_ids.filtered(lambda a: a.activity_type_id.name == "Match payment")
        )
