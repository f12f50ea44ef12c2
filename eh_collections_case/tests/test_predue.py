from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import TODAY, DunningCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPredueNotices(DunningCommon):
    """Levels before the due date: a courteous coming-due email, sent by the follow-up
    cron to customers with or without a case, once per invoice and level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coming_due = cls.env.ref("eh_collections_case.mail_template_coming_due")
        cls.predue = cls.env["eh.collections.level"].create(
            {
                "name": "Coming due",
                "strategy_id": cls.standard.id,
                "sequence": 1,
                "days_overdue": -5,
                "min_days_since_previous": 0,
                "mail_template_id": cls.coming_due.id,
            }
        )

    def notices(self, partner=None):
        return self.env["eh.collections.predue.notice"].search(
            [("partner_id", "=", (partner or self.customer).id)]
        )

    def test_a_not_yet_due_customer_without_a_case_is_told_once(self):
        soon = self.post_invoice(1000, -3)
        later = self.post_invoice(400, -1)
        self.post_invoice(250, -10)  # falls due after the level's five days
        self.refresh()
        self.assertFalse(self.open_case(), "nothing overdue: no case")
        self.run_cron()
        notice = self.notices()
        self.assertEqual((len(notice), notice.state, notice.level_id), (1, "sent", self.predue))
        self.assertEqual(
            notice.line_ids.move_id, soon | later, "grouped per customer, due dates within the days"
        )
        self.assertEqual(notice.amount_total, 1400)
        self.assertEqual(notice.recipient_id, self.invoice_address)
        [mail] = self.reminders()
        self.assertEqual(mail["subject"], f"Invoices coming due ({self.company.name})")
        self.assertEqual(mail["email_to"], ['"Gemini Accounts" <accounts@gemini.example.com>'])
        self.assertIn(soon.name, mail["body"])
        self.assertIn(soon.eh_pay_url.replace("&", "&amp;"), mail["body"])
        self.assertNotIn("overdue", mail["body"])
        self.assertEqual(notice.note, mail["subject"])
        self.assertIn("Coming-due notice (Coming due)", soon.message_ids[0].body)
        self.assertFalse(self.open_case(), "a notice opens no case")
        self.run_cron()
        self.assertFalse(self.reminders(), "the same day again: nothing twice")
        with freeze_time(TODAY + timedelta(days=2)):
            self.run_cron()
        self.assertFalse(self.reminders(), "once per invoice, on later days too")
        self.assertEqual(len(self.notices()), 1)

    def test_held_disputed_and_paid_invoices_are_left_out_and_paused_customers_too(self):
        held = self.post_invoice(300, -2)
        held.action_eh_hold_reminders(TODAY + timedelta(days=30), "Goods in transit")
        disputed = self.post_invoice(200, -2)
        disputed.eh_disputed = True
        paid = self.post_invoice(100, -2)
        self.pay(paid, 100)
        self.run_cron()
        self.assertFalse(self.notices())
        self.post_invoice(700, 12, partner=self.other_customer)
        self.post_invoice(800, -2, partner=self.other_customer)
        self.refresh()
        self.open_case(self.other_customer).action_pause("Talking to their CFO", TODAY + timedelta(days=20))
        self.run_cron()
        self.assertFalse(self.notices(self.other_customer), "a paused customer is not contacted")

    def test_the_level_closest_to_the_due_date_goes_and_an_earlier_one_never_after_it(self):
        closer = self.predue.copy({"name": "Due in two days", "days_overdue": -2, "sequence": 2})
        week = self.post_invoice(500, -5)
        tomorrow = self.post_invoice(600, -1)
        self.run_cron()
        sent = {line.move_id: notice.level_id for notice in self.notices() for line in notice.line_ids}
        self.assertEqual(sent, {week: self.predue, tomorrow: closer})
        with freeze_time(TODAY + timedelta(days=3)):
            self.run_cron()
        sent = [(line.move_id, notice.level_id) for notice in self.notices() for line in notice.line_ids]
        self.assertCountEqual(sent, [(week, self.predue), (tomorrow, closer), (week, closer)])

    def test_a_customer_without_email_is_logged_skipped_once(self):
        self.invoice_address.email = False
        self.customer.email = False
        self.post_invoice(500, -2)
        self.run_cron()
        self.run_cron()
        notice = self.notices()
        self.assertEqual((len(notice), notice.state), (1, "skipped"))
        self.assertEqual(notice.note, "No email address for Gemini Furniture")
        self.assertFalse(self.reminders())

    def test_the_overdue_ladder_ignores_pre_due_levels(self):
        self.assertNotIn(self.predue, self.standard.level_ids)
        self.assertIn(self.predue, self.standard.predue_level_ids)
        self.post_invoice(1000, 10)
        self.refresh()
        self.run_cron()
        self.assertEqual(self.open_case().level_id, self.level(self.standard, 1))
        self.assertFalse(self.notices(), "an overdue invoice gets the ladder, not a coming-due notice")

    def test_a_pre_due_level_sends_a_coming_due_email_and_nothing_else(self):
        with self.assertRaisesRegex(ValidationError, "no letter, call, SMS or WhatsApp, no approval"):
            self.predue.channel_letter = True
        with self.assertRaisesRegex(ValidationError, "no letter, call, SMS or WhatsApp, no approval"):
            self.predue.needs_approval = True
        with self.assertRaisesRegex(ValidationError, "needs an email template of Coming-due notice"):
            self.predue.mail_template_id = self.level(self.standard, 1).mail_template_id
        with self.assertRaisesRegex(ValidationError, "needs an email template of Collections Case"):
            self.level(self.standard, 1).mail_template_id = self.coming_due
        with self.assertRaisesRegex(ValidationError, "rising days overdue"):
            self.standard.predue_level_ids = [Command.update(self.predue.id, {"sequence": 99})]

    def test_notices_are_written_by_the_cron_only_and_a_second_send_of_a_due_list_writes_nothing(self):
        invoice = self.post_invoice(500, -2)
        Notice = self.env["eh.collections.predue.notice"]
        due = Notice._due_notices(self.company)
        with self.assertRaises(AccessError):
            Notice.with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "level_id": self.predue.id,
                    "state": "sent",
                }
            )
        with self.assertRaises(AccessError):
            self.env["eh.collections.predue.notice.line"].with_user(self.collector).create(
                {"move_id": invoice.id, "level_id": self.predue.id}
            )
        with self.mock_mail_gateway():
            first = Notice._send_batch(due)
            # The same due list sent again (in this one transaction; the race of two
            # workers is test_concurrency's): the (invoice, level) index refuses the
            # copy, and it writes nothing.
            with mute_logger("odoo.sql_db"):
                second = Notice._send_batch(due)
        self.assertEqual((len(first), len(second)), (1, 0))
        self.assertEqual(len(self.notices()), 1)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["eh.collections.predue.notice.line"].sudo().create(
                {"notice_id": first.id, "move_id": invoice.id, "level_id": self.predue.id}
            )
