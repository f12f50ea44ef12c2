import json
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from odoo.addons.eh_account_ai_agent.tests.llm_server import Reply, ScriptedLLMMixin, openai_body
from odoo.addons.eh_collections_case.tests.common import TODAY, DunningCommon

DOMAIN = "northwind.example.com"
RECEIVED = format_datetime(datetime(TODAY.year, TODAY.month, TODAY.day, 9, 30, tzinfo=UTC))


def raw_mail(
    body,
    *,
    sender="Edwin Hansen <edwin@gemini.example.com>",
    to=f"collections@{DOMAIN}",
    subject="Re: Your overdue invoices",
    in_reply_to=None,
    html=None,
    charset="utf-8",
    cte=None,
    headers=None,
    attachment=None,
):
    """An RFC 822 message as a mail client sends it: plain, HTML or both, in a charset
    and transfer encoding of the test's choice, with an attachment if asked."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"], message["Message-Id"] = RECEIVED, make_msgid(domain="gemini.example.com")
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body, charset=charset, cte=cte)
    if html is not None:
        if body is None:
            message.set_content(html, subtype="html", charset=charset, cte=cte)
        else:
            message.add_alternative(html, subtype="html", charset=charset, cte=cte)
    if attachment:
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename="remittance.pdf")
    return message.as_bytes()


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCustomerReplies(ScriptedLLMMixin, DunningCommon):
    """Customers' answers to reminders, fed as raw mail through Odoo's own mail gateway."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_llm()
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": DOMAIN})
        cls.company.alias_domain_id = cls.alias_domain
        cls.invoice_address.email = "edwin@gemini.example.com"
        cls.contact.email = "edwin.hansen@gemini.example.com"
        cls.invoice = cls.post_invoice(1200, 40)
        cls.second = cls.post_invoice(300, 35)
        cls.Reply = cls.env["eh.collections.reply"]

    def setUp(self):
        super().setUp()
        self.refresh()
        self.case = self.open_case()

    def process(self, raw):
        return self.env["mail.thread"].message_process(None, raw)

    def remind(self):
        """Send the case its due reminder through the follow-up cron: the real mail."""
        self.run_cron()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "eh.collections.case"), ("res_id", "=", self.case.id)])
        )
        self.assertEqual(len(mail), 1)
        return mail

    def test_a_reply_to_a_real_reminder_is_a_promise_that_stops_the_reminders(self):
        reminder = self.remind()
        self.assertEqual(reminder.reply_to, f'"{self.company.name} Collections" <collections@{DOMAIN}>')
        self.assertIn(
            f"collections@{DOMAIN}", self.case._notify_get_reply_to()[self.case.id], "chatter mail too"
        )
        self.process(
            raw_mail(
                "Hello,\n\nWe will pay on the 20th.\n\nBest regards,\nEdwin", in_reply_to=reminder.message_id
            )
        )
        reply = self.case.eh_reply_ids
        self.assertEqual(len(reply), 1)
        self.assertEqual(
            (reply.kind, reply.promise_date, reply.promise_amount, reply.state, reply.source),
            ("promise", date(2026, 3, 20), 0.0, "to_review", "rules"),
        )
        self.assertEqual(self.case.eh_reply_to_review_count, 1)
        self.assertIn("Customer replied: Promises to pay on Mar 20", self.case.eh_my_day_reason)
        self.assertFalse(self.case.has_active_promise, "nothing is applied by itself")
        reply.with_user(self.collector).action_accept()
        self.assertEqual((reply.state, reply.decided_by_id), ("accepted", self.collector))
        promise = self.case.action_ids.filtered(lambda a: a.action_type == "promise")
        self.assertEqual((promise.user_id, promise.promise_date), (self.collector, date(2026, 3, 20)))
        self.assertAlmostEqual(
            promise.promise_amount, self.case.total_overdue_amount, msg="a date only: all of it"
        )
        self.assertTrue(self.case.has_active_promise)
        self.assertGreater(
            self.case.next_followup_date, date(2026, 3, 20), "the reminders wait for the promise"
        )
        self.assertFalse(self.Case._due_followups([("id", "=", self.case.id)]))

    def test_multipart_latin1_quoted_printable_with_attachment_in_french(self):
        self.remind()
        text = "Bonjour,\n\nNous réglerons 1.234,56 EUR le 25 mars, dès réception.\n\nCordialement"
        html = "<p>Bonjour,</p><p>Nous réglerons 1.234,56 EUR le 25 mars, dès réception.</p>"
        raw = raw_mail(
            text, html=html, charset="iso-8859-1", cte="quoted-printable", attachment=b"%PDF-1.4 ..."
        )
        self.assertIn(b"quoted-printable", raw)
        self.process(raw)
        reply = self.case.eh_reply_ids
        self.assertEqual(
            (reply.kind, reply.promise_date, reply.promise_amount), ("promise", date(2026, 3, 25), 1234.56)
        )

    def test_html_only_dispute_names_the_invoice_and_accepting_disputes_it(self):
        html = (
            f"<div>Hi,<br><br>{self.invoice.name} was for damaged goods.<br><br>Regards<br>+1 555 0100</div>"
        )
        self.process(raw_mail(None, html=html))
        reply = self.case.eh_reply_ids
        self.assertEqual((reply.kind, reply.invoice_ids), ("dispute", self.invoice))
        before = self.case.total_overdue_amount
        reply.with_user(self.collector).action_accept()
        self.assertTrue(self.invoice.eh_disputed)
        self.assertAlmostEqual(
            self.case.total_overdue_amount, before - 1200, msg="the disputed invoice is not chased"
        )
        self.assertIn("dispute", self.case.action_ids.mapped("action_type"))

    def test_out_of_office_pauses_until_the_customer_is_back(self):
        raw = raw_mail(
            "I am out of the office until 24 March.",
            subject="Automatic reply: Your overdue invoices",
            headers={"Auto-Submitted": "auto-replied"},
        )
        self.process(raw)
        reply = self.case.eh_reply_ids
        self.assertEqual((reply.kind, reply.return_date), ("out_of_office", date(2026, 3, 25)))
        reply.with_user(self.collector).action_accept()
        self.assertEqual((self.case.paused, self.case.pause_until), (True, date(2026, 3, 24)))
        self.assertEqual(
            self.case.next_followup_date, date(2026, 3, 25), "the next reminder on the return date"
        )

    def test_payment_sent_waits_for_the_money_as_a_promise(self):
        self.process(raw_mail("We paid $300.00 yesterday, remittance attached.", attachment=b"%PDF"))
        reply = self.case.eh_reply_ids
        self.assertEqual(
            (reply.kind, reply.payment_date, reply.payment_amount), ("payment_sent", date(2026, 3, 14), 300.0)
        )
        reply.with_user(self.collector).action_accept()
        self.assertEqual((self.case.promise_date, self.case.promise_amount), (date(2026, 3, 17), 300.0))

    def test_an_unknown_sender_waits_to_be_sorted_and_creates_nothing_else(self):
        cases = self.Case.search_count([])
        self.process(raw_mail("We will pay next week.", sender="someone@elsewhere.example.org"))
        reply = self.Reply.search([("email_from", "ilike", "someone@elsewhere")])
        self.assertEqual((len(reply), reply.case_id, reply.company_id), (1, self.Case, self.company))
        self.assertEqual(self.Case.search_count([]), cases, "a mail never makes a case")
        with self.assertRaisesRegex(UserError, "Give this reply its case first"):
            reply.with_user(self.collector).action_accept()
        reply.with_user(self.collector).case_id = self.case
        self.assertEqual((reply.kind, reply.promise_date), ("promise", date(2026, 3, 20)))
        reply.with_user(self.collector).action_accept()
        self.assertTrue(self.case.has_active_promise)

    def test_a_big_message_and_one_without_text_are_handled(self):
        big = "We will pay on the 20th.\n" + ("Lorem ipsum dolor sit amet. " * 75_000)
        self.assertGreater(len(big), 2_000_000)
        self.process(raw_mail(big))
        self.process(raw_mail(None, attachment=b"%PDF-1.4"))
        replies = self.case.eh_reply_ids.sorted("id")
        self.assertEqual(replies.mapped("kind"), ["promise", "other"])
        self.assertLessEqual(len(replies[0].text), 5000)

    def test_another_companys_customer_never_reaches_its_case(self):
        other = self.setup_other_company(name="Collections Europe")["company"]
        other.alias_domain_id = self.env["mail.alias.domain"].create({"name": "europe.example.com"})
        stranger = self.env["res.partner"].create(
            {"name": "Euro Buyer", "is_company": True, "email": "ap@eurobuyer.example.com"}
        )
        self.post_invoice(500, 40, partner=stranger, company=other)
        self.refresh(other)
        theirs = self.open_case(stranger, company=other)
        self.process(raw_mail("We will pay on the 20th.", sender="ap@eurobuyer.example.com"))
        self.assertFalse(theirs.eh_reply_ids, "a mail to this company's alias stays in this company")
        reply = self.Reply.search([("email_from", "=", "ap@eurobuyer.example.com")])
        self.assertEqual((reply.company_id, reply.case_id), (self.company, self.Case))
        with self.assertRaisesRegex(ValidationError, "stays in the company it was sent to"):
            reply.with_user(self.collector).case_id = theirs

    def test_the_reading_is_corrected_before_accept_and_stays_after(self):
        self.process(raw_mail("We will pay the full balance next Friday."))
        reply = self.case.eh_reply_ids.with_user(self.collector)
        self.assertEqual(reply.kind, "promise")
        self.assertFalse(reply.promise_amount, "the full balance: no amount read")
        reply.write({"promise_amount": 500, "promise_date": TODAY + date.resolution * 10})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            reply.write({"promise_amount": -1})
        reply.action_accept()
        self.assertEqual(
            (self.case.promise_amount, self.case.promise_date), (500, TODAY + date.resolution * 10)
        )
        said = "500.00 by Mar 25 was logged on the case"
        self.assertTrue([m for m in reply.message_ids if said in str(m.body)], "Accept says what it did")
        self.assertTrue([m for m in self.case.message_ids if said in str(m.body)], "on the case too")
        with self.assertRaisesRegex(UserError, "already accepted: its reading stays"):
            reply.write({"promise_amount": 900})

    def test_one_path_per_change_and_a_reason_to_reject(self):
        self.process(raw_mail("We will pay on the 20th."))
        reply = self.case.eh_reply_ids.with_user(self.collector)
        with self.assertRaisesRegex(UserError, "action_accept"):
            reply.write({"state": "accepted"})
        with self.assertRaisesRegex(UserError, "action_accept"):
            reply.write({"kind": "dispute", "decided_by_id": self.collector.id})
        with self.assertRaisesRegex(UserError, "mail gateway"):
            self.Reply.with_user(self.collector).create({"company_id": self.company.id})
        with self.assertRaisesRegex(UserError, "needs a reason"):
            reply.action_reject(" ")
        with self.assertRaises(AccessError):
            reply.unlink()
        with self.assertRaisesRegex(UserError, "Replies are kept"):
            reply.sudo().unlink()
        reply.action_reject("Already logged by phone")
        self.assertEqual((reply.state, reply.reject_reason), ("rejected", "Already logged by phone"))
        with self.assertRaisesRegex(UserError, "already rejected"):
            reply.action_accept()
        self.assertFalse(self.case.has_active_promise)

    def test_the_llm_reads_too_and_falls_back_when_it_invents_an_invoice(self):
        self.use_scripted_provider(self.company)

        def answer(**values):
            base = {
                "kind": "promise",
                "promise_date": "2026-03-20",
                "payment_date": None,
                "return_date": None,
                "promise_amount": None,
                "payment_amount": None,
                "dispute_reason": None,
                "invoices": [],
            }
            return Reply(200, openai_body(json.dumps({**base, **values})))

        self.llm.replies = [
            answer(invoices=["INV/2099/99999"]),
            answer(kind="promise", promise_date="2026-03-27"),
        ]
        self.process(raw_mail("We will pay on the 20th."))
        self.process(raw_mail("Payment of the invoices is planned, more soon; likely around the 27th."))
        first, second = self.case.eh_reply_ids.sorted("id")
        self.assertEqual((first.source, first.promise_date), ("rules", date(2026, 3, 20)))
        self.assertEqual((second.source, second.promise_date), ("llm", date(2026, 3, 27)))
        calls = self.env["eh.ai.call"].sudo().search([("res_model", "=", "eh.collections.reply")], order="id")
        self.assertEqual(calls.mapped("outcome"), ["fallback", "ok"])
        self.assertEqual(calls[0].fallback_reason, "invented invoice INV/2099/99999")
        prompt = self.llm.requests[0]["json"]["messages"][-1]["content"]
        self.assertIn("We will pay on the 20th.", prompt)
        self.assertNotIn("Lorem", prompt)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestReplyHoldsReminders(DunningCommon):
    """A customer who wrote back is read before being chased: a reply to review holds
    that customer's reminders on every path, until a person decides or for the
    company's days; the control customer without a reply is reminded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.alias_domain_id = cls.env["mail.alias.domain"].create({"name": DOMAIN})
        cls.invoice_address.email = "edwin@gemini.example.com"
        cls.post_invoice(1200, 40)
        cls.post_invoice(700, 40, partner=cls.other_customer)

    def setUp(self):
        super().setUp()
        self.refresh()
        self.case = self.open_case()
        self.env["mail.thread"].message_process(None, raw_mail("We will pay the full balance next Friday."))
        self.reply = self.env["eh.collections.reply"].search([("case_id", "=", self.case.id)])
        self.case.invalidate_recordset()

    def test_a_reply_to_review_holds_the_cron_and_the_control_is_reminded(self):
        self.assertEqual(self.reply.state, "to_review")
        self.assertEqual(self.case.reminder_hold, "reply of Mar 15 waiting to be read")
        self.assertEqual(self.case.next_followup_date, TODAY + timedelta(days=3))
        self.run_cron()
        [mail] = self.reminders()
        self.assertIn("billing@lumber.example.com", mail["email_to"][0], "only the control")
        self.reply.with_user(self.collector).action_reject("Already answered on the phone")
        said = [m for m in self.reply.message_ids if "nothing changed on the case" in str(m.body)]
        self.assertTrue(said, "Reject says what it did")
        self.case.invalidate_recordset()
        self.assertFalse(self.case.reminder_hold, "read: the customer may be reminded again")
        self.run_cron()
        self.assertTrue([m for m in self.reminders() if "edwin@gemini.example.com" in m["email_to"][0]])

    def test_a_reply_to_review_puts_its_case_at_the_top_of_my_day(self):
        """Above a case whose promise falls due today, the heaviest weight of all, and
        a far bigger debt: the customer who wrote is read first."""
        self.post_invoice(90000, 300, partner=self.other_customer)
        self.refresh()
        other = self.open_case(self.other_customer)
        other._log_action([{"action_type": "promise", "promise_amount": 500, "promise_date": TODAY}])
        (self.case | other).user_id = self.collector
        (self.case | other)._eh_copilot_sync()
        mine = self.Case.with_user(self.collector).search(
            [("eh_on_my_day", "=", True), ("company_id", "=", self.company.id)], order="eh_my_day_score desc"
        )
        self.assertEqual(mine.ids, [self.case.id, other.id])
        self.assertEqual(self.case.eh_my_day_reason, "Customer replied: Promises to pay on Mar 20")
        self.reply.with_user(self.collector).action_reject("read")
        self.assertLess(self.case.eh_my_day_score, other.eh_my_day_score, "read: back to its weight")

    def test_the_hold_lasts_the_companys_days(self):
        with freeze_time(TODAY + timedelta(days=2)):
            self.case.invalidate_recordset()
            self.assertEqual(self.case.reminder_hold, "reply of Mar 15 waiting to be read")
        with freeze_time(TODAY + timedelta(days=3)):
            self.case.invalidate_recordset()
            self.assertFalse(self.case.reminder_hold, "three days on, nobody read it: reminders go on")
        self.company.eh_collections_reply_hold_days = 0
        self.case.invalidate_recordset()
        self.assertFalse(self.case.reminder_hold, "0 days: replies hold nothing")

    def test_a_held_reminder_waiting_for_approval_is_not_sent(self):
        self.company.eh_collections_send_mode = "approve"
        self.reply.with_user(self.collector).action_reject("read")
        self.run_cron()
        followup = self.env["eh.collections.followup"].search([("case_id", "=", self.case.id)])
        self.env["mail.thread"].message_process(None, raw_mail("Our accountant is checking invoice 42."))
        followup.invalidate_recordset()
        self.assertEqual(followup.hold_reason, "reply of Mar 15 waiting to be read")
        with self.assertRaisesRegex(UserError, "Held: reply of Mar 15"):
            followup.with_user(self.collector).action_send()
