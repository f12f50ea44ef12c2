from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestInvoiceHold(DunningCommon):
    """An invoice held from reminders until a date: left out of what the reminders list,
    kept in what the customer owes, shown on the invoice, the case and the statement,
    and back in the reminders the day after."""

    def setUp(self):
        super().setUp()
        self.held = self.post_invoice(700, 40)
        self.chased = self.post_invoice(300, 35)
        self.refresh()
        self.case = self.open_case()

    def hold(self, moves, until=TODAY + timedelta(days=10), reason="Waiting for the customer's PO"):
        wizard = Form(
            self.env["eh.collections.invoice.hold"]
            .with_user(self.collector)
            .with_context(default_move_ids=moves.ids)
        )
        wizard.hold_until, wizard.reason = until, reason
        wizard.save().action_confirm()

    def test_a_held_invoice_is_left_out_of_the_reminder_and_stays_in_the_total(self):
        self.hold(self.held)
        self.assertEqual(self.held.eh_followup_hold_until, TODAY + timedelta(days=10))
        self.assertAlmostEqual(self.case.total_overdue_amount, 1000, msg="still owed, still counted")
        self.assertEqual(self.case.reminder_line_ids.move_id, self.chased)
        row = self.case.action_ids.filtered(lambda a: a.action_type == "invoice_hold")
        self.assertEqual(row.user_id, self.collector)
        self.assertIn(
            f"{self.held.name} left out of reminders until Mar 25: Waiting for the customer's PO", row.note
        )
        self.run_cron()
        [mail] = self.reminders()
        self.assertIn(self.chased.name, mail["body"])
        self.assertNotIn(self.held.name, mail["body"])
        self.assertIn("1,000.00", mail["body"], "the total to settle is what is owed")
        reminder = self.case.action_ids.filtered(lambda a: a.action_type == "email")
        self.assertEqual(reminder.invoice_ids.move_id, self.chased, "the log names what the reminder listed")

    def test_every_invoice_held_means_no_reminder_until_the_hold_ends(self):
        self.hold(self.held | self.chased, until=TODAY + timedelta(days=3))
        self.assertFalse(self.Case._due_followups([("id", "=", self.case.id)]))
        self.assertEqual(self.case.next_followup_label, "On hold: every overdue invoice is held")
        self.assertFalse(self.case.next_followup_date)
        self.run_cron()
        self.assertFalse(self.reminders())
        with freeze_time(TODAY + timedelta(days=4)):
            self.run_cron("eh_collections_case.ir_cron_resume_paused_cases")
            self.assertFalse(any((self.held | self.chased).mapped("eh_followup_hold_until")))
            released = self.case.action_ids.filtered(lambda a: a.action_type == "invoice_hold_released")
            self.assertEqual(len(released), 2)
            self.assertTrue(self.Case._due_followups([("id", "=", self.case.id)]))

    def test_shown_on_the_statement_and_the_case(self):
        self.hold(self.held)
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "eh_collections_case.action_report_statement", self.case.ids
        )
        self.assertIn("On hold until", content.decode())
        self.assertIn(self.held, self.case.invoice_ids.filtered("eh_followup_hold_until"))

    def test_one_path_with_a_reason_and_a_date_to_come(self):
        with self.assertRaisesRegex(UserError, r"action_eh_hold_reminders\(until, reason\)"):
            self.held.with_user(self.manager).write({"eh_followup_hold_until": TODAY})
        with self.assertRaisesRegex(UserError, "needs a reason"):
            self.held.action_eh_hold_reminders(TODAY, " ")
        with self.assertRaisesRegex(ValidationError, "today or a later day"):
            self.held.action_eh_hold_reminders(TODAY - timedelta(days=1), "Late PO")
        refund = self.post_invoice(50, 3, move_type="out_refund")
        with self.assertRaisesRegex(UserError, "not a posted customer invoice"):
            refund.action_eh_hold_reminders(TODAY, "Nothing to hold")
        self.held.action_eh_hold_reminders(TODAY, "Until tonight")
        self.assertEqual(self.case.reminder_line_ids.move_id, self.chased, "held today included")
        self.held.with_user(self.collector).action_eh_release_hold()
        self.assertEqual(self.case.reminder_line_ids.move_id, self.held | self.chased)
