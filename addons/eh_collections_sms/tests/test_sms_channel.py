from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from odoo.addons.eh_collections_case.tests.common import TODAY, DunningCommon
from odoo.addons.sms.tests.common import SMSCase

NUMBER = "+32456998877"


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestSmsChannel(DunningCommon, SMSCase):
    """A level with email and SMS, sent by the follow-up cron through Odoo's SMS stack
    (IAP mocked at Odoo's own boundary, as Odoo's SMS tests do)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls.standard.level_ids.sorted("sequence")[0]
        cls.template = cls.env.ref("eh_collections_sms.sms_template_reminder")
        cls.first.write({"channel_sms": True, "sms_template_id": cls.template.id})
        cls.invoice_address.phone = "+32 456 99 88 77"

    def delivery_report(self, sms, status):
        """The provider's delivery report, posted to Odoo's own webhook over HTTP."""
        self.make_jsonrpc_request(
            "/sms/status", {"message_statuses": [{"sms_status": status, "uuids": [sms.uuid]}]}
        )

    def sms_of(self, row):
        return self.env["sms.sms"].sudo().search([("mail_message_id", "=", row.sms_message_id.id)])

    def test_one_run_sends_email_and_sms_with_a_log_row_each_and_reads_the_delivery(self):
        invoice = self.post_invoice(1000, 10)
        self.refresh()
        with self.mockSMSGateway():
            self.run_cron()
        case = self.open_case()
        email, sms_row = case.action_ids.sorted("id")
        self.assertEqual((email.channel, sms_row.channel, sms_row.action_type), ("email", "sms", "sms"))
        self.assertEqual(len(self.reminders()), 1)
        sms = self.sms_of(sms_row)
        self.assertEqual((sms.number, sms.state), (NUMBER, "outgoing"), "queued: it leaves after the commit")
        self.assertIn("$\xa01,000.00 is overdue on your account", sms.body)
        self.assertIn(invoice.eh_pay_url, sms.body)
        self.assertEqual(sms_row.note, sms.body)
        self.assertEqual(sms_row.invoice_ids.move_id, invoice)
        self.assertEqual((sms_row.sms_status, sms_row.status), ("ready", "queued"))
        with self.mockSMSGateway():
            self.env["sms.sms"].sudo().search([("state", "=", "outgoing")]).send()
        self.assertSMSIapSent([NUMBER])
        sms_row.invalidate_recordset()
        self.assertEqual(sms_row.sms_status, "pending", "with the provider, not yet delivered")
        self.assertEqual(sms_row.status, "sent")
        self.delivery_report(sms, "delivered")
        sms_row.invalidate_recordset()
        self.assertEqual(sms_row.sms_status, "sent", "the provider's delivery report, read on the row")
        self.assertEqual(sms_row.status, "delivered", "the History tab's one status column")
        with self.mockSMSGateway():
            self.run_cron()
        self.assertEqual(len(case.action_ids), 2, "the same day again: nothing twice")

    def test_a_german_customer_gets_the_sms_in_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["eh_collections_sms"], ["de_DE"], overwrite=True)
        self.invoice_address.lang = "de_DE"
        self.post_invoice(1000, 10)
        self.refresh()
        with self.mockSMSGateway():
            self.run_cron()
        sms_row = self.open_case().action_ids.filtered(lambda a: a.channel == "sms")
        self.assertIn(
            "$\xa01.000,00 sind auf Ihrem Konto überfällig. Online bezahlen: http", self.sms_of(sms_row).body
        )

    def test_a_french_customer_gets_the_sms_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["eh_collections_sms"], ["fr_FR"], overwrite=True)
        self.invoice_address.lang = "fr_FR"
        self.post_invoice(1000, 10)
        self.refresh()
        with self.mockSMSGateway():
            self.run_cron()
        sms_row = self.open_case().action_ids.filtered(lambda a: a.channel == "sms")
        self.assertIn("sont échus sur votre compte. Payer en ligne : http", self.sms_of(sms_row).body)

    def test_a_failed_delivery_shows_on_the_row(self):
        self.post_invoice(1000, 10)
        self.refresh()
        with self.mockSMSGateway():
            self.run_cron()
            self.env["sms.sms"].sudo().search([("state", "=", "outgoing")]).send()
        sms_row = self.open_case().action_ids.filtered(lambda a: a.channel == "sms")
        self.delivery_report(self.sms_of(sms_row), "not_delivered")
        sms_row.invalidate_recordset()
        self.assertEqual((sms_row.sms_status, sms_row.status), ("exception", "failed"))
        self.assertTrue(sms_row.sms_failure_type)
        self.assertEqual(sms_row.state, "done", "the row says what was done; its delivery is read beside it")

    def test_a_customer_without_a_usable_number_gets_the_email(self):
        self.first.channel_email = False  # SMS only: its email template is the fallback
        self.invoice_address.phone = False
        self.other_customer.phone = "12"
        self.post_invoice(1000, 10)
        self.post_invoice(500, 10, partner=self.other_customer)
        self.refresh()
        with self.mockSMSGateway():
            self.run_cron()
        for partner, why in (
            (self.customer, "No phone number for Gemini Furniture"),
            (self.other_customer, "12 of Lumber Inc is not a number an SMS can reach"),
        ):
            rows = self.open_case(partner).action_ids.sorted("id")
            self.assertEqual([(r.channel, r.state) for r in rows], [("sms", "skipped"), ("email", "done")])
            self.assertIn(why, rows[0].note)
            self.assertIn("the level's email was sent instead", rows[0].note)
        self.assertEqual(len(self.reminders()), 2)
        self.assertFalse(self._new_sms, "no SMS to a number that cannot take one")

    def test_a_rolled_back_batch_queues_no_sms(self):
        """A batch that fails is sent again one reminder at a time: the SMS the failed
        attempt queued went with its rollback, so each customer gets one."""
        broken = self.first.mail_template_id.copy({"body_html": '<p><t t-out="object.no_such_field"/></p>'})
        vip_first = self.vip.level_ids.sorted("sequence")[0]
        vip_first.write(
            {"mail_template_id": broken.id, "channel_sms": True, "sms_template_id": self.template.id}
        )
        self.other_customer.write({"phone": "+32 456 11 22 33", "eh_collections_strategy_id": self.vip.id})
        self.post_invoice(1000, 20)
        self.post_invoice(500, 20, partner=self.other_customer)
        self.refresh()
        with self.mockSMSGateway():
            self.run_cron()
        self.assertFalse(self._sms, "nothing reaches the provider before the batch commits")
        self.assertEqual(self._new_sms.exists().mapped("number"), [NUMBER])
        failed = self.open_case(self.other_customer).action_ids
        self.assertEqual((failed.action_type, failed.state), ("follow_up", "failed"))

    def test_a_level_with_sms_needs_a_template_that_prints_the_pay_link(self):
        with self.assertRaisesRegex(ValidationError, "must print the pay link"), self.env.cr.savepoint():
            self.template.body = "Please pay us."
        with (
            self.assertRaisesRegex(ValidationError, "sends an SMS: choose its SMS template"),
            self.env.cr.savepoint(),
        ):
            self.first.sms_template_id = False
        no_link = self.template.copy({"name": "No link", "body": "Please pay {{ object.partner_id.name }}"})
        with self.assertRaisesRegex(ValidationError, "must print the pay link"), self.env.cr.savepoint():
            self.first.sms_template_id = no_link
        no_link.body = "Not used by a level: anything goes."

    def test_the_sms_of_a_row_comes_from_its_reminder_only(self):
        case = self.overdue_case(1000, 10)
        message = self.env["mail.message"].search([], limit=1)
        with self.assertRaisesRegex(ValidationError, "leave sms_message_id out"):
            self.env["eh.collections.action"].with_user(self.collector).create(
                {"case_id": case.id, "action_type": "sms", "sms_message_id": message.id}
            )
