import hashlib
import hmac
import json
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time as move_to

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.eh_account_ai_agent.tests.llm_server import Reply, ScriptedLLM
from odoo.addons.eh_collections_case.tests.common import TODAY, DunningCommon

NUMBER_ID = "106540352242922"
TOKEN = "EAAG-test-token-0001"
SECRET = "app-secret-0001"
VERIFY = "verify-0001"
WEBHOOK = "/eh_collections/whatsapp/webhook"


def accepted(wamid):
    """What the Graph API answers when it takes a message."""
    return Reply(
        200,
        {
            "messaging_product": "whatsapp",
            "contacts": [{"wa_id": "32456998877"}],
            "messages": [{"id": wamid}],
        },
    )


def refused(status, code, message, details=None):
    error = {"message": message, "type": "OAuthException", "code": code}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return Reply(status, {"error": error})


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestWhatsappChannel(DunningCommon, HttpCase):
    """The WhatsApp channel against a Graph API on 127.0.0.1 (real sockets, real HTTP),
    and Meta's webhook posted to this server over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.graph = ScriptedLLM().start()
        cls.addClassCleanup(cls.graph.stop)
        cls.company.sudo().write(
            {
                "eh_whatsapp_api_url": f"{cls.graph.url}/v21.0",
                "eh_whatsapp_phone_number_id": NUMBER_ID,
                "eh_whatsapp_access_token": TOKEN,
                "eh_whatsapp_app_secret": SECRET,
                "eh_whatsapp_verify_token": VERIFY,
                "eh_whatsapp_timeout": 2.0,
            }
        )
        cls.first = cls.standard.level_ids.sorted("sequence")[0]
        cls.first.write({"channel_whatsapp": True, "whatsapp_template": "payment_reminder"})
        cls.customer.eh_whatsapp_opt_in = True
        cls.invoice_address.phone = "+32 456 99 88 77"

    def setUp(self):
        super().setUp()
        self.graph.replies, self.graph.requests = [], []

    def send_whatsapp(self):
        self.run_cron("eh_collections_whatsapp.ir_cron_send_whatsapp")

    def webhook(self, statuses, secret=SECRET, number_id=NUMBER_ID):
        """Meta's webhook with message statuses, signed with `secret`."""
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "WABA",
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {"phone_number_id": number_id},
                                    "statuses": statuses,
                                },
                            }
                        ],
                    }
                ],
            }
        ).encode()
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        response = self.url_open(
            WEBHOOK, data=body, headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"}
        )
        self.env.invalidate_all()
        return response

    def queued_case(self, amount=1000):
        invoice = self.post_invoice(amount, 10)
        self.refresh()
        self.run_cron()
        return self.open_case(), invoice

    def whatsapp_row(self, case):
        return case.action_ids.filtered(lambda a: a.channel == "whatsapp")

    def test_the_level_queues_the_message_with_its_row_and_the_cron_sends_it_once(self):
        case, invoice = self.queued_case()
        email, row = case.action_ids.sorted("id")
        self.assertEqual(
            (email.channel, row.channel, row.action_type, row.state),
            ("email", "whatsapp", "whatsapp", "done"),
        )
        self.assertEqual((row.whatsapp_state, row.status, email.status), ("queued", "queued", "done"))
        self.assertFalse(self.graph.requests, "queued with the batch: it leaves after the commit")
        self.graph.replies = [accepted("wamid.HBgL01")]
        self.send_whatsapp()
        [request] = self.graph.requests
        self.assertEqual(request["path"], f"/v21.0/{NUMBER_ID}/messages")
        self.assertEqual(request["headers"]["Authorization"], f"Bearer {TOKEN}")
        sent = request["json"]
        self.assertEqual((sent["to"], sent["type"]), ("32456998877", "template"))
        self.assertEqual(sent["template"]["name"], "payment_reminder")
        self.assertEqual(sent["template"]["language"], {"code": "en_US"})
        parameters = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
        self.assertEqual(
            parameters, ["Gemini Furniture", "$\xa01,000.00", self.company.name, invoice.eh_pay_url]
        )
        self.assertEqual((row.whatsapp_state, row.whatsapp_message_id.wamid), ("sent", "wamid.HBgL01"))
        self.assertIn("payment_reminder (en_US) to +32456998877", row.note)
        self.assertEqual(row.invoice_ids.move_id, invoice)
        self.run_cron()
        self.send_whatsapp()
        self.assertEqual(len(self.graph.requests), 1, "the same day again: nothing twice")
        self.assertEqual(len(case.action_ids), 2)

        self.assertEqual(self.webhook([{"id": "wamid.HBgL01", "status": "delivered"}]).status_code, 200)
        self.assertEqual(row.whatsapp_state, "delivered")
        self.webhook([{"id": "wamid.HBgL01", "status": "read"}])
        self.webhook([{"id": "wamid.HBgL01", "status": "delivered"}])
        self.assertEqual(row.whatsapp_state, "read", "a late report never takes a message back")
        self.assertEqual(row.status, "read", "the History tab's one status column")
        self.assertTrue(row.whatsapp_message_id.read_at)

    def test_a_failed_after_read_never_moves_the_message_back_nor_mails_the_customer(self):
        self.first.channel_email = False
        case, _invoice = self.queued_case()
        self.graph.replies = [accepted("wamid.HBgL02")]
        self.send_whatsapp()
        self.webhook([{"id": "wamid.HBgL02", "status": "read"}])
        self.webhook(
            [{"id": "wamid.HBgL02", "status": "failed", "errors": [{"code": 131000, "title": "late"}]}]
        )
        row = self.whatsapp_row(case)
        self.assertEqual(row.whatsapp_state, "read")
        self.assertFalse(row.whatsapp_message_id.fallback, "no email to send instead")
        self.run_cron()
        self.assertFalse(self.reminders(), "no email instead of a message the customer read")
        self.assertFalse(case.action_ids.filtered(lambda a: a.channel == "email"))

    def test_a_failing_email_instead_is_logged_as_failed(self):
        self.first.channel_email = False
        case, _invoice = self.queued_case()
        Send = type(self.env["eh.collections.followup.send"])

        def broken(sender, followups, documents):
            raise ValueError("the level's template is broken")

        self.graph.replies = [refused(400, 132001, "(#132001) Template name does not exist", "no template")]
        with patch.object(Send, "_send_email", broken):
            self.send_whatsapp()
        message = self.whatsapp_row(case).whatsapp_message_id
        self.assertEqual((message.state, message.fallback), ("failed", "none"))
        [failed] = case.action_ids.filtered(lambda a: a.state == "failed")
        self.assertIn("and the email instead could not be sent", failed.note)
        self.assertEqual(failed.level_id, self.first)
        self.assertFalse(self.reminders())

    def test_a_rejected_template_falls_back_to_the_levels_email_once(self):
        self.first.channel_email = False
        case, _invoice = self.queued_case()
        self.assertEqual(case.action_ids.mapped("channel"), ["whatsapp"])
        self.graph.replies = [
            refused(
                400,
                132001,
                "(#132001) Template name does not exist in the translation",
                "template name (payment_reminder) does not exist in en",
            )
        ]
        self.send_whatsapp()
        row = self.whatsapp_row(case)
        message = row.whatsapp_message_id
        self.assertEqual((message.state, message.fallback), ("failed", "sent"))
        self.assertIn("does not exist in en (code 132001)", message.failure_reason)
        email = case.action_ids.filtered(lambda a: a.channel == "email")
        self.assertEqual(len(email), 1)
        self.assertTrue(email.note.startswith("WhatsApp failed (WhatsApp refused the message"), email.note)
        self.assertEqual(email.level_id, self.first)
        [mail] = self.reminders()
        self.assertEqual(mail["email_to"], ['"Gemini Accounts" <accounts@gemini.example.com>'])
        self.send_whatsapp()
        self.run_cron()
        self.assertFalse(self.reminders(), "the email instead went once")
        self.assertEqual(len(self.graph.requests), 1)

    def test_a_refused_token_fails_in_words_and_the_level_email_is_not_sent_twice(self):
        case, _invoice = self.queued_case()
        self.graph.replies = [refused(401, 190, "Error validating access token: Session has expired")]
        self.send_whatsapp()
        message = self.whatsapp_row(case).whatsapp_message_id
        self.assertEqual((message.state, message.fallback), ("failed", "none"))
        self.assertIn("refused the company's access token", message.failure_reason)
        self.assertIn("Settings", message.failure_reason)
        self.assertEqual(
            len(case.action_ids.filtered(lambda a: a.channel == "email")), 1, "the level's email went"
        )

    def test_too_many_messages_then_success_sends_it_once(self):
        case, _invoice = self.queued_case()
        self.graph.replies = [
            Reply(
                429, {"error": {"message": "Rate limit hit", "code": 130429}}, headers={"Retry-After": "0"}
            ),
            accepted("wamid.HBgL02"),
        ]
        self.send_whatsapp()
        message = self.whatsapp_row(case).whatsapp_message_id
        self.assertEqual((message.state, message.attempts), ("queued", 1))
        self.assertIn("too many messages", message.failure_reason)
        self.send_whatsapp()
        self.assertEqual((message.state, message.wamid, message.attempts), ("sent", "wamid.HBgL02", 2))
        self.assertEqual(len(self.graph.requests), 2)

    def test_no_answer_in_time_is_never_sent_again(self):
        self.first.channel_email = False
        case, _invoice = self.queued_case()
        # Odoo's tests raise any timeout below 10 s to 10 s: the peer answers later.
        self.graph.replies = [Reply(200, {"messages": [{"id": "wamid.late"}]}, delay=10.5)]
        self.send_whatsapp()
        message = self.whatsapp_row(case).whatsapp_message_id
        self.assertEqual(message.state, "failed")
        self.assertIn("did not answer within", message.failure_reason)
        self.assertEqual(message.fallback, "sent", "the level's email instead")
        self.send_whatsapp()
        self.assertEqual(len(self.graph.requests), 1, "in case it went: not sent again")

    def test_a_message_cut_off_mid_call_is_given_up_not_sent_again(self):
        case, _invoice = self.queued_case()
        message = self.whatsapp_row(case).whatsapp_message_id
        message.sudo().write(
            {"state": "sending", "attempts": 1, "attempted_at": fields.Datetime.now()}
        )  # a worker killed during the call
        self.send_whatsapp()
        self.assertEqual(message.state, "sending", "another worker may still be in the call")
        with move_to(fields.Datetime.now() + timedelta(minutes=11)):
            self.send_whatsapp()
        self.assertEqual(message.state, "failed")
        self.assertIn("Interrupted while sending", message.failure_reason)
        self.assertFalse(self.graph.requests)

    def test_without_opt_in_or_usable_number_the_email_goes_instead(self):
        self.first.channel_email = False
        self.customer.eh_whatsapp_opt_in = False
        case, _invoice = self.queued_case()
        skipped, email = case.action_ids.sorted("id")
        self.assertEqual((skipped.channel, skipped.state), ("whatsapp", "skipped"))
        self.assertEqual(
            skipped.note, "Gemini Furniture has not opted in to WhatsApp: the level's email was sent instead."
        )
        self.assertEqual(email.channel, "email")
        self.assertEqual(len(self.reminders()), 1)
        self.assertFalse(skipped.whatsapp_message_id)

        self.customer.eh_whatsapp_opt_in = True
        self.invoice_address.phone = "12"
        self.other_customer.eh_whatsapp_opt_in = True
        self.post_invoice(500, 10, partner=self.other_customer)
        self.refresh()
        self.run_cron()
        row = self.open_case(self.other_customer).action_ids.filtered(lambda a: a.channel == "whatsapp")
        self.assertEqual(
            (row.state, row.note),
            ("skipped", "No phone number for Lumber Inc: the level's email was sent instead."),
        )

    def test_a_german_customer_gets_the_german_template_and_amount(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.invoice_address.lang = "de_DE"
        case, _invoice = self.queued_case(1234.5)
        message = self.whatsapp_row(case).whatsapp_message_id
        self.assertEqual(message.language, "de")
        self.assertEqual(message.parameters[1], "$\xa01.234,50")

    def test_the_webhook_refuses_a_bad_signature_and_ignores_what_it_did_not_send(self):
        case, _invoice = self.queued_case()
        self.graph.replies = [accepted("wamid.HBgL03")]
        self.send_whatsapp()
        row = self.whatsapp_row(case)
        forged = self.webhook([{"id": "wamid.HBgL03", "status": "failed"}], secret="not-the-secret")
        self.assertEqual(forged.status_code, 403)
        unsigned = self.url_open(WEBHOOK, data=b"{}", headers={"Content-Type": "application/json"})
        self.assertEqual(unsigned.status_code, 403)
        self.assertEqual(self.webhook([{"id": "wamid.unknown", "status": "read"}]).status_code, 200)
        other_number = self.webhook([{"id": "wamid.HBgL03", "status": "read"}], number_id="999")
        self.assertEqual(other_number.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(row.whatsapp_state, "sent", "neither forged, nor another number's, nor unknown")

        failure = {
            "code": 131026,
            "title": "Message undeliverable",
            "error_data": {"details": "Receiver is incapable"},
        }
        self.webhook([{"id": "wamid.HBgL03", "status": "failed", "errors": [failure]}])
        self.assertEqual((row.whatsapp_state, row.status), ("failed", "failed"))
        self.assertEqual(row.whatsapp_failure, "WhatsApp could not deliver it: Receiver is incapable")

    def test_the_webhook_subscription_check(self):
        params = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY}
        answer = self.url_open(WEBHOOK, params=params)
        self.assertEqual((answer.status_code, answer.text), (200, "1158201444"))
        self.assertEqual(
            self.url_open(WEBHOOK, params={**params, "hub.verify_token": "guess"}).status_code, 403
        )

    def test_levels_and_rows_refuse_what_cannot_work(self):
        with self.assertRaisesRegex(ValidationError, "name its approved template"):
            self.first.whatsapp_template = False
        with self.assertRaisesRegex(ValidationError, "lower case letters, digits and underscores"):
            self.first.whatsapp_template = "Payment Reminder"
        case, _invoice = self.queued_case()
        message = self.whatsapp_row(case).whatsapp_message_id
        with self.assertRaisesRegex(ValidationError, "leave whatsapp_message_id out"):
            self.env["eh.collections.action"].with_user(self.collector).create(
                {"case_id": case.id, "action_type": "whatsapp", "whatsapp_message_id": message.id}
            )

    def test_the_secrets_are_for_system_administrators_only(self):
        manager_company = self.company.with_user(self.manager)
        with self.assertRaises(AccessError):
            manager_company.read(["eh_whatsapp_access_token"])
        self.assertTrue(manager_company._eh_whatsapp_ready(), "sending reads it as the system")
        with self.assertRaises(AccessError):
            manager_company.write({"eh_whatsapp_access_token": "EAAG-typed-by-a-manager"})
        admin = new_test_user(
            self.env,
            login="sysadmin",
            groups="base.group_system,eh_collections_case.group_collections_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        settings = (
            self.env["res.config.settings"]
            .with_user(admin)
            .create({"eh_whatsapp_access_token_input": " EAAG-new-token-9999 "})
        )
        settings.set_values()
        self.assertEqual(self.company.sudo().eh_whatsapp_access_token, "EAAG-new-token-9999")
        self.assertIn("token …9999", settings.eh_whatsapp_secrets_hint)
        self.assertNotIn("EAAG", settings.eh_whatsapp_secrets_hint)

    def test_one_run_sends_email_sms_and_whatsapp_with_three_log_rows(self):
        if "channel_sms" not in self.first._fields:
            self.skipTest("the SMS bridge is not installed")
        self.first.write(
            {
                "channel_sms": True,
                "sms_template_id": self.env.ref("eh_collections_sms.sms_template_reminder").id,
            }
        )
        case, _invoice = self.queued_case()
        self.assertEqual(case.action_ids.sorted("id").mapped("channel"), ["email", "sms", "whatsapp"])
        self.assertEqual(case.action_ids.mapped("state"), ["done"] * 3)
        self.graph.replies = [accepted("wamid.HBgL04")]
        self.send_whatsapp()
        self.assertEqual(self.whatsapp_row(case).whatsapp_state, "sent")
