from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import TODAY, CollectionsCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPaymentMatch(CollectionsCommon):
    """Cash application on real payments, invoices and reconciliations: suggestions made
    when a payment is posted, applied or rejected by the collector."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Match = cls.env["eh.collections.payment.match"]
        cls.a = cls.post_invoice(1000, 40)
        cls.b = cls.post_invoice(2500, 20)
        cls.c = cls.post_invoice(777.77, 10)
        cls.refresh(cls)
        cls.case = cls.open_case(cls)
        cls.case.user_id = cls.collector
        cls.writeoff = cls.company_data["default_account_expense"]
        cls.company.eh_cash_writeoff_account_id = cls.writeoff
        cls.company.eh_cash_fee_tolerance = 25

    def receive(self, amount, memo="", currency=None, partner=None, company=None):
        """A customer payment posted and left unapplied; its suggestions, as the commit
        that follows the posting makes them."""
        payment = self.unapplied_payment(amount, partner, company, memo=memo, currency=currency, days_ago=1)
        self.env.cr.precommit.run()  # what the commit runs
        line = payment.move_id.line_ids.filtered(lambda ln: ln.account_type == "asset_receivable")
        return line, self.Match.search([("move_line_id", "=", line.id)], order="rank")

    def test_a_memo_naming_two_invoices_is_applied_by_the_collector(self):
        line, matches = self.receive(3500, memo=f"Invoices {self.a.name} and {self.b.name}")
        best = matches[0]
        self.assertEqual(best.invoice_ids, self.a | self.b)
        self.assertEqual(best.confidence, 0.99)
        self.assertEqual(
            best.reason, f"memo names {self.a.name} and {self.b.name}; amounts match to the cent"
        )
        self.assertEqual((best.difference, best.difference_reason), (0, False))
        self.assertLessEqual(len(matches), 3)
        self.assertEqual(self.case.payment_match_ids, matches)
        activity = self.case.activity_ids.filtered(lambda a: a.activity_type_id.name == "Match payment")
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.summary, "Match 1 unapplied payment(s) of Gemini Furniture")
        best.with_user(self.collector).action_apply()
        self.assertEqual((self.a.payment_state, self.b.payment_state), ("paid", "paid"))
        self.assertTrue(line.reconciled)
        self.assertEqual(best.state, "applied")
        self.assertFalse((matches - best).exists(), "the other suggestions for the payment are gone")
        row = self.case.action_ids.sorted("id")[-1]
        self.assertEqual((row.action_type, row.user_id), ("payment_applied", self.collector))
        self.assertIn(f"applied to {self.a.name}, {self.b.name}", row.note)
        # Refreshed at once: the customer is chased for what is left, not for what it paid.
        self.assertEqual((self.case.overdue_invoice_amount, self.case.total_overdue_amount), (777.77, 777.77))
        self.assertEqual(self.case.unapplied_credit_amount, 0)
        self.assertFalse(
            self.case.activity_ids.filtered(lambda a: a.activity_type_id.name == "Match payment")
        )

    def test_no_memo_the_amount_decides(self):
        _line, matches = self.receive(777.77)
        self.assertEqual(matches[0].invoice_ids, self.c)
        self.assertEqual(matches[0].reason, f"{self.c.name} sum to the amount paid to the cent")
        _line, matches = self.receive(3500)
        self.assertEqual(matches[0].invoice_ids, self.a | self.b, "the two oldest, to the cent")

    def test_a_short_payment_by_a_bank_fee_is_written_off(self):
        line, matches = self.receive(985, memo=self.a.name)
        best = matches[0]
        self.assertEqual((best.invoice_ids, best.difference, best.difference_reason), (self.a, 15, "fee"))
        self.assertEqual(best.difference_note, "bank fee of 15.00, within the tolerance of 25.00")
        best.with_user(self.collector).action_apply()
        self.assertEqual(self.a.payment_state, "paid")
        writeoff = self.env["account.move.line"].search(
            [("account_id", "=", self.writeoff.id), ("debit", "=", 15)]
        )
        self.assertEqual(len(writeoff), 1)
        self.assertIn("Bank fee", writeoff.name)

    def test_an_early_payment_discount_is_suggested_and_taken(self):
        terms = self.env["account.payment.term"].create(
            {
                "name": "2/10 net 30",
                "early_discount": True,
                "discount_percentage": 2,
                "discount_days": 10,
                "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})],
            }
        )
        invoice = self._create_invoice(
            partner_id=self.customer.id,
            invoice_date=TODAY - timedelta(days=5),
            invoice_payment_term_id=terms.id,
            invoice_line_ids=[self._prepare_invoice_line(price_unit=5000, tax_ids=[])],
            post=True,
        )
        _line, matches = self.receive(4900, memo=invoice.name)
        best = matches[0]
        self.assertEqual(
            (best.invoice_ids, best.difference, best.difference_reason), (invoice, 100, "discount")
        )
        self.assertEqual(best.difference_note, "early-payment discount of 100.00")
        best.with_user(self.collector).action_apply()
        self.assertEqual(invoice.payment_state, "paid")
        loss = self.company.account_journal_early_pay_discount_loss_account_id
        self.assertTrue(
            self.env["account.move.line"].search([("account_id", "=", loss.id), ("debit", "=", 100)])
        )

    def test_currencies_are_never_mixed(self):
        euro = self.euro_at_0_8()
        in_euro = self.post_invoice(1000, 15, currency=euro)
        _line, matches = self.receive(1000, currency=euro)
        self.assertTrue(matches)
        for match in matches:
            self.assertEqual(match.invoice_ids, in_euro, "the dollar invoice of 1,000 is not a match")
            self.assertEqual(match.currency_id, euro)

    def test_another_companys_payment_is_not_matched_here(self):
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        _line, matches = self.receive(1000, memo=self.a.name, company=other)
        self.assertFalse(matches, "no open case of the customer in that company: nothing to match")
        self.assertFalse(
            self.Match.search([("invoice_ids", "in", self.a.ids), ("company_id", "=", other.id)])
        )
        # The customer owes that company too: its payment there is matched there only.
        theirs = self.post_invoice(5000, 30, company=other)
        self.refresh(other)
        self.assertTrue(self.open_case(company=other), "the customer's case in that company")
        line, matches = self.receive(1000, memo=self.a.name, company=other)
        self.assertEqual((line.company_id, line.currency_id), (other, other.currency_id))
        self.assertTrue(matches)
        for match in matches:
            self.assertEqual(match.invoice_ids, theirs, "this company's invoice named in the memo is not")
            self.assertEqual(match.company_id, other)

    def test_invoices_paid_in_the_meantime_are_refused_and_nothing_half_reconciled(self):
        line, matches = self.receive(3500, memo=f"{self.a.name} {self.b.name}")
        self.pay(self.b, 2500)
        with self.assertRaisesRegex(
            UserError, "were paid or changed since this suggestion: nothing was reconciled"
        ):
            matches[0].with_user(self.collector).action_apply()
        self.assertFalse(line.reconciled)
        self.assertEqual(self.a.payment_state, "not_paid")
        self.assertEqual(matches[0].state, "suggested")

    def test_rejected_suggestions_are_not_made_again(self):
        line, matches = self.receive(777.77)
        rejected = matches[0]
        rejected.with_user(self.collector).action_reject()
        self.assertEqual(rejected.state, "rejected")
        self.case.action_refresh()
        again = self.Match.search([("move_line_id", "=", line.id), ("state", "=", "suggested")])
        self.assertNotIn(self.c, again.mapped("invoice_ids"), "the rejected set is not suggested again")
        # The control: the refresh does ask the matcher, which still names it for another payment.
        _other, suggested = self.receive(777.77)
        self.assertEqual(suggested[:1].invoice_ids, self.c)

    def test_suggestions_come_from_the_matcher_only(self):
        line, matches = self.receive(777.77)
        message = "Payment match suggestions are made by the matcher when a payment is posted"
        with self.assertRaisesRegex(UserError, message):
            matches[0].with_user(self.manager).write(
                {"confidence": 1, "invoice_ids": [Command.set(self.a.ids)]}
            )
        with self.assertRaisesRegex(UserError, message):
            self.Match.create({"case_id": self.case.id, "move_line_id": line.id, "currency_id": 1})
        with self.assertRaises(AccessError):
            matches[0].with_user(self.collector).unlink()

    def test_a_payment_matched_on_the_spot_gets_no_suggestion(self):
        self.pay(self.a, 1000)
        self.env.cr.precommit.run()
        self.assertFalse(self.Match.search([("case_id", "=", self.case.id)]))

    def test_partly_paid_invoices_and_credit_notes_count_what_is_open(self):
        self.pay(self.b, 1000)  # a partial reconciliation: 1,500 left
        self.post_invoice(200, 5, move_type="out_refund")  # an open credit note: not an invoice to pay
        _line, matches = self.receive(1500, memo=self.b.name)
        best = matches[0]
        self.assertEqual((best.invoice_ids, best.invoice_residual, best.difference), (self.b, 1500, 0))
        best.action_apply()
        self.assertEqual(self.b.payment_state, "paid")
        self.assertFalse(
            self.Match.search([("invoice_ids", "in", self.b.ids), ("state", "=", "suggested")]),
            "nothing left to suggest for it",
        )

    def test_a_failing_matcher_never_costs_the_payment_its_commit(self):
        path = "odoo.addons.eh_collections_case.models.collections_payment_match.match_payment"
        with (
            patch(path, side_effect=ValueError("boom")),
            mute_logger("odoo.addons.eh_collections_case.models.collections_payment_match"),
        ):
            line, matches = self.receive(777.77)
        self.assertFalse(matches)
        # The commit's work went on past the failing matcher: the case took the payment in.
        self.assertAlmostEqual(self.case.unapplied_credit_amount, 777.77)
        self.case.action_refresh()  # the next refresh tries again
        self.assertEqual(self.Match.search([("move_line_id", "=", line.id)], limit=1).invoice_ids, self.c)
