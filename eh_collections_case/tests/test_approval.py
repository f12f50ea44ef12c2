from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import TODAY, DunningCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestApprovalAndManualSend(DunningCommon):
    """Copilot mode: the cron prepares, a person sends or discards; and manual sends."""

    def queue(self, partner=None):
        return self.env["eh.collections.followup"].search([("case_id", "=", self.open_case(partner).id)])

    def test_level_needing_approval_waits_then_is_sent_as_edited(self):
        self.level(self.standard, 1).needs_approval = True
        self.overdue_case(800, 10)
        self.run_cron()
        self.run_cron()
        draft = self.queue()
        self.assertEqual(len(draft), 1, "prepared once, however often the cron runs")
        self.assertFalse(self.reminders())
        self.assertIn("needs approval", draft.reason)
        self.assertIn("Friendly reminder", draft.subject)
        draft.with_user(self.collector).write({"subject": "Our records: one invoice overdue"})
        with self.mock_mail_gateway():
            draft.with_user(self.collector).action_send()
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(self.reminders()[0]["subject"], "Our records: one invoice overdue")
        log = self.open_case().action_ids
        self.assertEqual(
            (log.action_type, log.user_id, log.level_id), ("email", self.collector, draft.level_id)
        )
        self.assertEqual((draft.state, draft.decided_by_id), ("sent", self.collector))

    def test_discard_is_logged_with_who(self):
        self.company.eh_collections_send_mode = "approve"
        self.overdue_case(800, 10)
        self.run_cron()
        draft = self.queue()
        draft.with_user(self.collector).action_discard()
        log = self.open_case().action_ids
        self.assertEqual((log.state, log.user_id), ("skipped", self.collector))
        self.assertIn("discarded by Casey Collector", log.note)
        self.assertFalse(self.reminders())

    def test_ceiling_and_strategic_customers_wait_the_rest_is_sent(self):
        self.company.eh_collections_auto_ceiling = 1000
        self.post_invoice(5000, 10)
        self.post_invoice(300, 10, partner=self.other_customer)
        strategic = self.env["res.partner"].create(
            {
                "name": "Key Account",
                "is_company": True,
                "email": "ap@key.example.com",
                "eh_collections_strategic": True,
            }
        )
        self.post_invoice(200, 10, partner=strategic)
        self.refresh()
        self.run_cron()
        self.assertIn("ceiling", self.queue().reason)
        self.assertIn("Strategic", self.queue(strategic).reason)
        self.assertEqual(len(self.reminders()), 1)
        self.assertEqual(self.open_case(self.other_customer).level_id, self.level(self.standard, 1))

    def test_suggest_only_sends_and_prepares_nothing(self):
        self.company.eh_collections_send_mode = "suggest"
        case = self.overdue_case(800, 10)
        self.run_cron()
        self.assertFalse(self.reminders())
        self.assertFalse(self.queue())
        self.assertFalse(case.level_id)
        self.assertEqual(case.next_level_id, self.level(self.standard, 1))

    def test_wizard_preview_sends_nothing_then_send_reports_per_case(self):
        case = self.overdue_case(800, 40)
        paid = self.post_invoice(300, 40, partner=self.other_customer)
        self.refresh()
        resolved = self.open_case(self.other_customer)
        self.pay(paid, 300)
        self.refresh()
        self.assertEqual(resolved.state, "resolved")
        wizard = (
            self.env["eh.collections.send.reminders"]
            .with_user(self.collector)
            .create({"case_ids": [Command.set((case | resolved).ids)]})
        )
        mails_before = self.env["mail.mail"].search_count([])
        wizard.action_preview()
        ready = wizard.line_ids.filtered(lambda ln: ln.case_id == case)
        self.assertEqual(
            (ready.status, ready.level_id, ready.channels, ready.recipient_id, ready.template_id),
            (
                "ready",
                self.level(self.standard, 2),
                "Email",
                self.invoice_address,
                self.level(self.standard, 2).mail_template_id,
            ),
        )
        self.assertAlmostEqual(ready.amount, 800)
        refused = wizard.line_ids - ready
        self.assertEqual((refused.status, refused.message), ("error", "The case is resolved."))
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        self.assertFalse(case.action_ids)
        wizard.action_send()
        self.assertEqual(ready.status, "sent")
        self.assertEqual(refused.status, "error")
        self.assertEqual(case.level_id, self.level(self.standard, 2))
        self.assertEqual(case.action_ids.user_id, self.collector)

    def test_manual_send_on_a_paused_case_is_held_unless_a_manager_says_why(self):
        case = self.overdue_case(800, 10)
        case.action_pause("Waiting for the customer's auditor")
        wizard = self.env["eh.collections.send.reminders"].create({"case_ids": [Command.set(case.ids)]})
        wizard.action_send()
        self.assertEqual(wizard.line_ids.status, "held")
        self.assertEqual(wizard.line_ids.message, "Held: paused until resumed")
        self.assertFalse(case.level_id)
        wizard = self.env["eh.collections.send.reminders"].create(
            {"case_ids": [Command.set(case.ids)], "override_reason": "The auditor asked for it"}
        )
        wizard.action_send()
        self.assertEqual(wizard.line_ids.status, "sent")
        self.assertEqual(case.level_id, self.level(self.standard, 1))
