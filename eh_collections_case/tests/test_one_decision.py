import re
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from ..tools.case_method import case_method
from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestOneDecision(DunningCommon):
    """Every path that sends a reminder asks the case's one decision when it acts: a
    held customer gets nothing, a manager's override is logged with its reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.post_invoice(4000, 40)
        cls.other_invoice = cls.post_invoice(900, 40, partner=cls.other_customer)

    def setUp(self):
        super().setUp()
        self.refresh()
        self.case = self.open_case()
        self.control = self.open_case(self.other_customer)

    @staticmethod
    def plain(text):
        return (text or "").replace("\xa0", " ")

    def promise(self, case, days=5, amount=4000, contact_made=True):
        case.with_user(self.collector)._log_action(
            [
                {
                    "action_type": "promise",
                    "contact_made": contact_made,
                    "promise_amount": amount,
                    "promise_date": TODAY + timedelta(days=days),
                    "note": "Will pay on Friday",
                }
            ]
        )

    def queued_for_approval(self):
        """Every reminder waits for a person: the cron queues them To approve."""
        self.company.eh_collections_send_mode = "approve"
        self.run_cron()
        Followup = self.env["eh.collections.followup"]
        return Followup.search([("case_id", "=", self.case.id), ("state", "=", "to_approve")])

    def test_the_decision_in_words_with_its_dates(self):
        self.assertFalse(self.case.reminder_hold, "nothing holds a customer who owes and said nothing")
        self.promise(self.case)
        self.case.invalidate_recordset()
        self.assertEqual(self.plain(self.case.reminder_hold), "promise of $ 4,000.00 running until Mar 20")
        self.case.action_pause("Customer on holiday", TODAY + timedelta(days=10))
        self.case.invalidate_recordset()
        self.assertEqual(
            self.plain(self.case.reminder_hold),
            "paused until Mar 25; promise of $ 4,000.00 running until Mar 20",
        )
        self.assertEqual(self.case.next_followup_date, TODAY + timedelta(days=11), "past every hold")

    def test_a_promise_logged_after_queueing_holds_the_queued_reminder(self):
        followup = self.queued_for_approval()
        self.assertTrue(followup)
        self.promise(self.case)
        followup.invalidate_recordset()
        self.assertIn("promise of $ 4,000.00 running until Mar 20", self.plain(followup.hold_reason))
        with self.mock_mail_gateway(), self.assertRaisesRegex(UserError, "Held: promise of"):
            followup.with_user(self.collector).action_send()
        self.assertEqual(followup.state, "to_approve", "held, not sent and not lost")
        with self.assertRaisesRegex(UserError, "Only a Collections Manager"):
            followup.with_user(self.collector).action_send_anyway("The customer asked for it")
        self.assertFalse(
            self.case.action_ids.filtered(lambda a: a.action_type == "email"), "no path sent anything"
        )

    def test_a_managers_override_sends_once_and_is_logged_with_its_reason(self):
        followup = self.queued_for_approval()
        self.promise(self.case)
        wizard = Form(
            self.env["eh.collections.followup.override"]
            .with_user(self.manager)
            .with_context(default_followup_ids=followup.ids)
        )
        wizard.reason = "Their auditor needs the reminder on file"
        with self.mock_mail_gateway():
            wizard.save().action_confirm()
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(followup.state, "sent")
        self.assertEqual(followup.override_reason, "Their auditor needs the reminder on file")
        emails = self.case.action_ids.filtered(lambda a: a.action_type == "email" and a.state == "done")
        self.assertEqual(len(emails), 1, "sent once")
        override = self.case.action_ids.filtered(lambda a: a.action_type == "note")
        self.assertEqual(override.user_id, self.manager)
        self.assertIn("although held (promise of $ 4,000.00 running until Mar 20)", self.plain(override.note))
        self.assertIn("Reason: Their auditor needs the reminder on file", override.note)
        self.assertTrue(
            self.case.message_ids.filtered(lambda m: "Their auditor needs" in str(m.body)),
            "the chatter says so",
        )
        with self.assertRaisesRegex(UserError, "already sent"):
            followup.with_user(self.manager).action_send_anyway("again")

    def test_the_sender_holds_a_reminder_queued_before_the_hold(self):
        level = self.case.next_level_id
        with case_method():
            ready = self.env["eh.collections.followup"].create(
                {"case_id": self.case.id, "level_id": level.id, "state": "to_send"}
            )
        self.promise(self.case)
        with self.mock_mail_gateway():
            self.env["eh.collections.followup.send"]._send_followups(ready)
        self.assertEqual(ready.state, "held")
        self.assertIn("promise of", ready.failure_reason)
        skipped = self.case.action_ids.filtered(lambda a: a.state == "skipped")
        self.assertIn("not sent: held (promise of", skipped.note)
        self.assertFalse(self.case.action_ids.filtered(lambda a: a.action_type == "email"))

    def test_send_anyway_on_a_free_customer_is_a_plain_send(self):
        followup = self.queued_for_approval()
        with self.mock_mail_gateway():
            followup.with_user(self.collector).action_send_anyway("Just because")
        self.assertEqual(followup.state, "sent")
        self.assertFalse(followup.override_reason, "nothing held the customer: no override recorded")
        self.assertFalse(self.case.action_ids.filtered(lambda a: a.action_type == "note"))

    def test_send_reminders_previews_held_and_sends_only_the_others(self):
        self.promise(self.case)
        cases = self.case | self.control
        wizard = (
            self.env["eh.collections.send.reminders"]
            .with_user(self.collector)
            .create({"case_ids": cases.ids})
        )
        wizard.action_preview()
        line = wizard.line_ids.filtered(lambda ln: ln.case_id == self.case)
        self.assertEqual(line.status, "held")
        self.assertEqual(self.plain(line.message), "Held: promise of $ 4,000.00 running until Mar 20")
        self.assertEqual(wizard.line_ids.filtered(lambda ln: ln.case_id == self.control).status, "ready")
        with self.mock_mail_gateway():
            wizard.action_send()
        self.assertEqual(line.status, "held", "a collector's Send leaves the held customer alone")
        self.assertFalse(self.case.action_ids.filtered(lambda a: a.action_type == "email"))
        self.assertTrue(self.control.action_ids.filtered(lambda a: a.action_type == "email"))

    def test_send_reminders_override_needs_a_manager(self):
        self.promise(self.case)
        wizard = (
            self.env["eh.collections.send.reminders"]
            .with_user(self.collector)
            .create({"case_ids": self.case.ids})
        )
        wizard.action_preview()
        wizard.override_reason = "Because"
        with self.assertRaisesRegex(UserError, "Only a Collections Manager"):
            wizard.action_send()
        wizard = (
            self.env["eh.collections.send.reminders"]
            .with_user(self.manager)
            .create({"case_ids": self.case.ids, "override_reason": "Customer asked for a copy"})
        )
        with self.mock_mail_gateway():
            wizard.action_send()
        self.assertEqual(wizard.line_ids.status, "sent")
        self.assertIn(
            "Reason: Customer asked for a copy",
            self.case.action_ids.filtered(lambda a: a.action_type == "note").note,
        )

    def test_the_cron_skips_a_held_customer_and_reminds_the_control(self):
        self.promise(self.case)
        self.run_cron()
        [mail] = self.reminders()
        self.assertIn("billing@lumber.example.com", mail["email_to"][0], "only the control")

    def test_a_promise_with_contact_made_is_a_contact(self):
        self.assertEqual(self.case.contact_count, 0)
        self.promise(self.case)
        self.case.invalidate_recordset()
        self.assertEqual(self.case.contact_count, 1, "a promise the customer gave reached them")
        self.assertTrue(self.case.last_contact_date)
        self.assertEqual(self.case.followup_count, 0, "a promise is no reminder")
        self.promise(self.control, contact_made=False)
        self.control.invalidate_recordset()
        self.assertEqual(self.control.contact_count, 0)

    def test_the_statement_letter_moves_the_stage_like_any_first_reminder(self):
        self.assertEqual(self.case.stage_id.stage_type, "new")
        wizard = self.env["eh.collections.send.reminders"].create({"case_ids": self.case.ids})
        self.case.strategy_id.level_ids.channel_letter = False  # no letter level: the statement goes
        wizard.purpose = "letter"
        with self.mock_mail_gateway():
            wizard.action_send()
        self.assertEqual(wizard.line_ids.status, "sent")
        self.assertEqual(self.case.stage_id.stage_type, "reminded")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestTotalsPerCurrency(DunningCommon):
    """What a customer reads gives one total per currency, never one figure that adds
    two currencies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.euro_at_0_8()
        cls.post_invoice(5252.21, 40)
        cls.post_invoice(6389.97, 40, currency=cls.eur)

    def test_a_two_currency_reminder_gives_a_total_per_currency(self):
        self.refresh()
        case = self.open_case()
        self.assertEqual(
            [(currency.name, amount) for currency, amount in case._eh_amounts_to_settle()],
            [("EUR", 6389.97), ("USD", 5252.21)],
        )
        self.run_cron()
        [mail] = self.reminders()
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", mail["body"]).replace("\xa0", " "))
        self.assertIn("Total to settle: 6,389.97 € and $ 5,252.21", text)
        mixed = 5252.21 + 6389.97 / 0.8
        self.assertNotIn(f"{mixed:,.2f}", text, "no total adds the two currencies")
        self.assertNotIn(f"{5252.21 + 6389.97:,.2f}", text)

    def test_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.invoice_address.lang = "fr_FR"
        self.refresh()
        case = self.open_case()
        words = case.with_context(lang="fr_FR")._eh_amounts_to_settle_words()
        self.assertEqual(words.replace("\xa0", " ").replace("\u202f", " "), "6 389,97 € et $ 5 252,21")
