import importlib.util
import re
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools.misc import file_path

from odoo.addons.base.models import ir_cron as ir_cron_module

from .common import TODAY, DunningCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPaymentPlans(DunningCommon):
    """Instalments agreed with a customer: the ladder waits while they are honoured,
    the ledger marks each one paid or missed, the first missed one escalates once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.post_invoice(1000, 40)
        cls.Case._refresh_from_ledger(cls.company)
        cls.case = cls.Case.search([("partner_id", "=", cls.customer.id), ("state", "=", "open")])
        cls.Plan = cls.env["eh.collections.payment.plan"]

    def draft(self, count=3, first=TODAY + timedelta(days=10), **values):
        return self.Plan.with_user(self.collector).create(
            {"case_id": self.case.id, "instalment_count": count, "first_date": first, **values}
        )

    def active_plan(self, **values):
        plan = self.draft(**values)
        with self.mock_mail_gateway():
            plan.action_activate()
        return plan

    def track(self, on):
        with freeze_time(on):
            self.Plan.search([("case_id", "=", self.case.id), ("state", "=", "active")])._track()

    def states(self, plan):
        return plan.line_ids.sorted("date").mapped("state")

    def ladder_reminders(self):
        return [mail for mail in self.reminders() if "payment plan" not in mail["subject"]]

    def rows(self, action_type):
        return self.case.action_ids.filtered(lambda a: a.action_type == action_type)

    def test_a_promise_replaced_by_a_plan_leaves_the_promised_stage(self):
        self.case._log_action([{"action_type": "promise", "promise_amount": 600, "promise_date": TODAY}])
        self.assertEqual(self.case.stage_id.stage_type, "promised")
        self.active_plan()
        self.assertEqual(self.case.stage_id.stage_type, "contacted", "the plan replaced the promise")

    def test_a_plan_is_in_the_currency_of_the_invoices_it_covers(self):
        """A customer invoiced in euros agrees and reads its plan in euros: the schedule
        mail and its PDF never show a converted dollar figure; a customer owing in two
        currencies is told a plan is in one."""
        eur = self.euro_at_0_8()
        self.post_invoice(800, 40, partner=self.other_customer, currency=eur)
        self.refresh()
        euro_case = self.open_case(self.other_customer)
        plan = self.Plan.with_user(self.collector).create(
            {"case_id": euro_case.id, "instalment_count": 2, "first_date": TODAY + timedelta(days=10)}
        )
        self.assertEqual((plan.currency_id, plan.amount_planned), (eur, 800), "not USD 1,000.00")
        self.assertEqual(plan.line_ids.mapped("amount"), [400, 400])
        with self.mock_mail_gateway():
            plan.action_activate()
        mail = self.env["mail.mail"].search([("model", "=", plan._name), ("res_id", "=", plan.id)])
        body = str(mail.body_html).replace("\xa0", " ")
        self.assertIn("800.00 €", body)
        self.assertNotIn("$", body)
        report = (
            self.env["ir.actions.report"]
            ._render_qweb_html("eh_collections_case.action_report_payment_plan", plan.ids)[0]
            .decode()
        )
        pdf_html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", report).replace("\xa0", " "))
        self.assertIn("400.00 €", pdf_html)
        self.assertNotIn("1,000.00", pdf_html)
        # The ledger in euros marks the instalment paid.
        self.pay(euro_case.overdue_line_ids.move_id, 400, days_ago=0)
        self.assertEqual(plan.amount_paid, 400)

        self.post_invoice(100, 35, partner=self.other_customer)
        self.refresh()
        with self.assertRaisesRegex(UserError, r"Lumber Inc owes in (EUR, USD|USD, EUR): a payment plan is"):
            self.Plan.with_user(self.collector).create({"case_id": euro_case.id})

    def test_a_plan_agreed_before_plans_had_a_currency_keeps_the_companys(self):
        plan = self.active_plan()
        path = file_path("eh_collections_case/migrations/19.0.1.3.0/pre-migrate.py")
        spec = importlib.util.spec_from_file_location("eh_plan_currency_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.env.cr.execute("ALTER TABLE eh_collections_payment_plan ALTER COLUMN currency_id DROP NOT NULL")
        self.env.cr.execute(
            "UPDATE eh_collections_payment_plan SET currency_id = NULL WHERE id = %s", [plan.id]
        )
        migration.migrate(self.env.cr, "19.0.1.2.0")
        plan.invalidate_recordset()
        self.assertEqual(plan.currency_id, self.company.currency_id)

    def test_the_proposal_sums_exactly_with_the_remainder_on_the_last(self):
        plan = self.draft(first=TODAY + timedelta(days=16))  # March 31st: then the months' last days
        self.assertEqual(plan.line_ids.mapped("amount"), [333.33, 333.33, 333.34])
        self.assertEqual(
            [str(d) for d in plan.line_ids.mapped("date")], ["2026-03-31", "2026-04-30", "2026-05-31"]
        )
        self.assertEqual((plan.amount_planned, plan.amount_difference), (1000, 0))
        plan.write({"instalment_count": 4})
        plan.action_propose()
        self.assertEqual(plan.line_ids.mapped("amount"), [250, 250, 250, 250])

    def test_activation_logs_sends_the_schedule_and_stops_the_ladder(self):
        plan = self.active_plan()
        self.assertEqual((plan.state, self.case.payment_plan_id), ("active", plan))
        self.assertIn("Payment plan agreed: 3 instalments, $\xa01,000.00", self.rows("payment_plan").note)
        mail = self.env["mail.mail"].search([("model", "=", plan._name), ("res_id", "=", plan.id)])
        self.assertEqual(mail.recipient_ids, self.invoice_address)
        self.assertIn("Payment plan - Gemini Furniture", mail.attachment_ids.mapped("name")[0])
        self.assertFalse(self.case.next_followup_date, "no reminder date while the plan holds")
        self.run_cron()
        self.assertFalse(self.ladder_reminders(), "the follow-up cron skips a case with an active plan")
        self.assertFalse(self.rows("email"))

    def test_instalments_paid_on_time_early_and_late_within_grace(self):
        plan = self.active_plan(grace_days=3)
        with freeze_time(TODAY + timedelta(days=5)):
            self.pay(self.invoice, 333.33, days_ago=0)  # early
        self.track(TODAY + timedelta(days=5))
        self.assertEqual(self.states(plan), ["paid", "pending", "pending"])
        second = plan.line_ids.sorted("date")[1].date
        self.track(second + timedelta(days=3))  # late, within the grace days
        self.assertEqual(self.states(plan), ["paid", "pending", "pending"])
        with freeze_time(second + timedelta(days=3)):
            self.pay(self.invoice, 333.33, days_ago=0)
        self.track(second + timedelta(days=4))
        self.assertEqual((self.states(plan), plan.state), (["paid", "paid", "pending"], "active"))

    def test_the_first_missed_instalment_escalates_once_and_the_ladder_resumes(self):
        plan = self.active_plan(grace_days=2)
        first = plan.line_ids.sorted("date")[0].date
        self.track(first + timedelta(days=2))
        self.assertEqual(plan.state, "active", "still within the grace days")
        self.track(first + timedelta(days=3))
        self.assertEqual((plan.state, self.states(plan)[0]), ("broken", "missed"))
        self.assertFalse(self.case.payment_plan_id)
        self.assertEqual(len(self.rows("escalation")), 1)
        self.assertIn("Instalment of $\xa0333.33 due 03/25/2026 missed", self.rows("escalation").note)
        self.assertEqual((self.case.stage_id.stage_type, self.case.priority), ("escalated", "1"))
        self.track(first + timedelta(days=4))
        self.assertEqual(len(self.rows("escalation")), 1, "escalated once")
        with freeze_time(first + timedelta(days=4)):
            self.run_cron()
        self.assertEqual(len(self.ladder_reminders()), 1, "the reminders resume")

    def test_the_daily_tracking_reaches_every_plan_however_short_the_crons_calls(self):
        """Odoo's cron calls a job again and again for 10 seconds of work: a plan that
        stays active must not keep the ones after it from being tracked."""
        self.post_invoice(600, 40, partner=self.other_customer)
        self.refresh()
        other_case = self.open_case(self.other_customer)
        missed = self.Plan.with_user(self.collector).create(
            {"case_id": other_case.id, "instalment_count": 2, "first_date": TODAY + timedelta(days=1)}
        )
        with self.mock_mail_gateway():
            missed.action_activate()
        healthy = self.active_plan(first=TODAY + timedelta(days=30))  # listed first (newest)
        with (
            freeze_time(TODAY + timedelta(days=10)),
            patch.object(ir_cron_module, "MIN_TIME_PER_JOB", 0),  # every call out of time at once
        ):
            self.run_cron("eh_collections_case.ir_cron_track_payment_plans")
        self.assertEqual(healthy.state, "active")
        self.assertEqual(missed.state, "broken", "tracked although a plan that stays active came first")

    def test_an_overpayment_covers_two_instalments_and_the_last_completes_the_plan(self):
        plan = self.active_plan()
        self.pay(self.invoice, 700, days_ago=0)
        self.track(TODAY)
        self.assertEqual(self.states(plan), ["paid", "paid", "pending"])
        self.pay(self.invoice, 300, days_ago=0)
        self.Case._refresh_from_ledger(self.company)  # the resolved case still lets the plan complete
        self.track(TODAY)
        self.assertEqual((plan.state, self.states(plan)), ("completed", ["paid"] * 3))
        self.assertEqual(len(self.rows("payment_plan_ended")), 1)
        self.track(TODAY)
        self.assertEqual(len(self.rows("payment_plan_ended")), 1, "nothing doubled on a re-run")

    def test_a_credit_note_during_the_plan_counts_as_paid(self):
        plan = self.active_plan()
        refund = self.post_invoice(400, 0, move_type="out_refund")
        (refund + self.invoice).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.track(TODAY)
        self.assertEqual(self.states(plan), ["paid", "pending", "pending"])

    def test_an_unmatched_payment_counts_too(self):
        plan = self.active_plan()
        self.unapplied_payment(333.33)
        self.Case._refresh_from_ledger(self.company)
        self.track(TODAY)
        self.assertEqual(self.states(plan), ["paid", "pending", "pending"])

    def test_a_credit_applied_elsewhere_later_never_turns_a_paid_instalment_back(self):
        """An unapplied payment counts for the plan while it is unapplied; applied later
        to an invoice outside the plan, the instalment it paid stays paid."""
        plan = self.active_plan()
        payment = self.unapplied_payment(333.33)
        self.Case._refresh_from_ledger(self.company)
        self.track(TODAY)
        self.assertEqual(self.states(plan), ["paid", "pending", "pending"])
        outside = self.post_invoice(333.33, -20)  # invoiced after the plan, not due yet
        (payment.move_id + outside).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
        self.Case._refresh_from_ledger(self.company)
        self.track(TODAY)
        self.assertEqual(self.states(plan), ["paid", "pending", "pending"])
        self.assertEqual(plan.state, "active")

    def test_a_disputed_invoice_is_left_out_of_the_plan(self):
        disputed = self.post_invoice(500, 35)
        disputed.write({"eh_disputed": True, "eh_dispute_reason": "Damaged goods"})
        self.Case._refresh_from_ledger(self.company)
        plan = self.active_plan()
        self.assertEqual(plan.amount_planned, 1000)
        self.assertEqual(plan.move_line_ids.move_id, self.invoice)

    def test_a_plan_in_a_foreign_currency_invoice_is_tracked_in_its_currency(self):
        eur = self.euro_at_0_8()
        other = self.env["res.partner"].create({"name": "Euro Customer", "is_company": True})
        invoice = self.post_invoice(800, 40, partner=other, currency=eur)  # 1,000 USD
        self.Case._refresh_from_ledger(self.company)
        case = self.Case.search([("partner_id", "=", other.id), ("state", "=", "open")])
        plan = self.Plan.create(
            {"case_id": case.id, "instalment_count": 2, "first_date": TODAY + timedelta(days=5)}
        )
        plan.action_activate()
        self.assertEqual(plan.line_ids.mapped("amount"), [400, 400], "in euros, as invoiced")
        self._register_payment(invoice, amount=400, currency_id=eur.id, payment_date=TODAY)
        plan._track()
        self.assertEqual([line.state for line in plan.line_ids], ["paid", "pending"])

    def test_refusals_in_the_collectors_words(self):
        plan = self.draft()
        plan.line_ids[0].amount = 300
        with self.assertRaisesRegex(
            ValidationError, r"add up to \$\xa0966.67, not the \$\xa01,000.00 planned"
        ):
            plan.action_activate()
        plan.action_propose()
        plan.line_ids[0].date = TODAY - timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "before today"):
            plan.action_activate()
        plan.action_propose()
        plan.line_ids = [Command.create({"date": TODAY + timedelta(days=90), "amount": 0})]
        with self.assertRaisesRegex(ValidationError, "above zero"):
            plan.action_activate()
        active = self.active_plan()
        with self.assertRaisesRegex(UserError, "already has an active payment plan"):
            self.draft().action_activate()
        with self.assertRaisesRegex(UserError, "Only a draft plan can be edited"):
            active.line_ids[0].amount = 1
        with self.assertRaisesRegex(UserError, "by the ledger, never by hand"):
            active.line_ids[0].with_user(self.manager).state = "paid"
        with self.assertRaisesRegex(UserError, "follows the plan"):
            active.with_user(self.manager).state = "completed"
        with self.assertRaisesRegex(UserError, r"action_activate\(\) on eh.collections.payment.plan"):
            self.env["eh.collections.action"].create({"case_id": self.case.id, "action_type": "payment_plan"})
        with self.assertRaisesRegex(UserError, "Active payment plan"):
            self.case.with_user(self.manager).payment_plan_id = False

    def test_a_payment_between_draft_and_activation_asks_for_a_new_proposal(self):
        plan = self.draft()
        self.pay(self.invoice, 100)
        with self.assertRaisesRegex(
            UserError, r"changed since the plan was drafted \(\$\xa01,000.00, now \$\xa0900.00\)"
        ):
            plan.action_activate()
        self.Case._refresh_from_ledger(self.company)
        plan.action_propose()
        self.assertEqual(plan.line_ids.mapped("amount"), [300, 300, 300])
        plan.action_activate()
        self.assertEqual(plan.base_amount, 900)

    def test_a_resolved_case_takes_no_plan(self):
        self.pay(self.invoice, 1000)
        self.Case._refresh_from_ledger(self.company)
        self.assertEqual(self.case.state, "resolved")
        with self.assertRaisesRegex(UserError, "A resolved case takes no payment plan"):
            self.draft()

    def test_cancel_and_replace_keep_the_history(self):
        plan = self.active_plan()
        wizard = (
            self.env["eh.collections.payment.plan.cancel"]
            .with_context(active_model=plan._name, active_id=plan.id)
            .create({"reason": "Smaller instalments agreed", "replace": True})
        )
        action = wizard.action_confirm()
        replacement = self.Plan.browse(action["res_id"])
        self.assertEqual((plan.state, plan.end_reason), ("cancelled", "Smaller instalments agreed"))
        self.assertEqual((replacement.state, replacement.amount_planned), ("draft", 1000))
        self.assertIn(
            "Payment plan cancelled: Smaller instalments agreed", self.rows("payment_plan_ended").note
        )
        self.assertFalse(self.case.payment_plan_id)
        with self.assertRaisesRegex(UserError, "needs a reason"):
            replacement.action_cancel(" ")
        with self.assertRaisesRegex(UserError, "stays in the history"):
            plan.unlink()

    def test_the_statement_shows_the_plan(self):
        self.active_plan()
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "eh_collections_case.action_report_statement", self.case.ids
        )
        self.assertIn("Your payment plan", content.decode())
        self.assertIn("333.34", content.decode())

    def test_another_companys_plans_stay_hidden(self):
        other = self.setup_other_company(name="Plans Elsewhere")["company"]
        self.post_invoice(300, 40, company=other)
        self.Case._refresh_from_ledger(other)
        their_case = self.Case.search([("company_id", "=", other.id), ("partner_id", "=", self.customer.id)])
        theirs = self.Plan.create({"case_id": their_case.id, "first_date": TODAY + timedelta(days=3)})
        self.active_plan()
        self.assertFalse(self.Plan.with_user(self.collector).search([("id", "=", theirs.id)]))
        self.assertEqual(self.Plan.with_user(self.collector).search([]).case_id, self.case)
