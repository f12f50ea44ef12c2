import json
import time

from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from odoo.addons.eh_account_ai_agent.tests.llm_server import Reply, ScriptedLLMMixin
from odoo.addons.eh_collections_case.tests.common import TODAY, CollectionsCommon

from ..models.collections_agent_webhook import NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

SECRET = "whsec-test-0123456789-abcdefghijklmnop"  # 37 characters: at least the 32 asked for


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestAgentApi(ScriptedLLMMixin, CollectionsCommon):
    """The methods an outside agent calls over JSON-2, with a collector's rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_llm()  # here: the agent service of the webhook tests
        cls.case = cls.overdue_case(1000, 95)
        cls.case.user_id = cls.collector
        cls.Api = cls.env["eh.collections.case"].with_user(cls.collector)

    def test_the_worklist_is_the_callers_cases_in_my_day_order_as_json(self):
        small = self.env["res.partner"].create({"name": "Small Debtor", "is_company": True})
        self.post_invoice(100, 35, partner=small)
        self.refresh()
        theirs = self.env["res.partner"].create({"name": "Someone Else's", "is_company": True})
        self.post_invoice(100, 35, partner=theirs)
        self.refresh()
        self.open_case(theirs).user_id = self.manager
        self.case._log_action([{"action_type": "promise", "promise_amount": 500, "promise_date": TODAY}])
        worklist = self.Api.api_worklist(limit=10)
        self.assertEqual([item["customer"] for item in worklist], ["Gemini Furniture", "Small Debtor"])
        item = worklist[0]
        self.assertEqual(
            (item["id"], item["currency"], item["total_overdue"], item["days_overdue"], item["collector"]),
            (self.case.id, "USD", 1000.0, 95, "Casey Collector"),
        )
        self.assertEqual(item["next_action"]["action"], "monitor")
        self.assertEqual(item["my_day"]["reason"], "Promise of $\xa0500.00 due today")
        self.assertEqual(
            item["promise"], {"amount": 500.0, "date": "2026-03-15", "active": True, "broken": False}
        )
        self.assertTrue(item["snapshot"]["active_promise"])
        self.assertEqual(item["history"][0]["type"], "promise")
        json.dumps(worklist)  # plain JSON all the way down
        self.assertEqual(len(self.Api.api_worklist(limit=1, offset=1)), 1)
        with self.assertRaisesRegex(ValidationError, "limit is a whole number"):
            self.Api.api_worklist(limit=0)

    def test_a_case_with_its_open_invoices_and_the_refusals(self):
        item = self.Api.api_case(self.case.id)
        [invoice] = item["open_invoices"]
        self.assertEqual(
            (invoice["amount_due"], invoice["days_overdue"], invoice["currency"]), (1000.0, 95, "USD")
        )
        self.assertIn(f"/collections/pay/{self.case.invoice_ids.id}/", invoice["pay_url"])
        other = self.setup_other_company(name="Agent Elsewhere")["company"]
        self.post_invoice(300, 40, company=other)
        self.refresh(other)
        foreign = self.open_case(company=other)
        with self.assertRaisesRegex(AccessError, f"case {foreign.id} is not one you may read"):
            self.Api.api_case(foreign.id)
        with self.assertRaisesRegex(MissingError, "There is no collections case 999999"):
            self.Api.api_case(999999)
        with self.assertRaisesRegex(ValidationError, "case_id is the id"):
            self.Api.api_case("1")

    def test_logging_goes_through_the_one_log_path(self):
        item = self.Api.api_log(
            self.case.id, "call", "Promised half by the 20th", contact_made=True, promise_amount=None
        )
        self.assertEqual((item["history"][0]["type"], item["history"][0]["by"]), ("call", "Casey Collector"))
        with self.assertRaisesRegex(ValidationError, "amount greater than zero"):
            self.Api.api_log(self.case.id, "promise", "x", promise_amount=-5, promise_date="2026-03-20")
        with self.assertRaisesRegex(UserError, r"Call action_pause"):
            self.Api.api_log(self.case.id, "pause", "x")

    def test_proposals_wait_for_a_person_and_never_send(self):
        to_customer = [("recipient_ids", "child_of", self.customer.id)]
        mails = self.env["mail.mail"].search_count(to_customer)
        filed = self.Api.api_propose(
            self.case.id,
            "send_demand_letter",
            "95 days and no letter yet.",
            subject="Formal notice",
            body="<p>Please pay.</p><script>alert(1)</script>",
        )
        followup = self.env["eh.collections.followup"].browse(filed["id"])
        self.assertEqual(filed["kind"], "reminder")
        self.assertEqual(
            (followup.state, followup.ai_generated, followup.create_uid, followup.subject),
            ("to_approve", True, self.collector, "Formal notice"),
        )
        self.assertNotIn("script", str(followup.body_html))
        self.assertIn("95 days and no letter yet.", followup.reason)
        call = self.Api.api_propose(self.case.id, "phone_call", "They answer the phone.")
        activity = self.env["mail.activity"].browse(call["id"])
        self.assertEqual((activity.user_id, activity.create_uid), (self.collector, self.collector))
        self.assertIn("AI-generated proposal", str(activity.note))
        review = self.Api.api_propose(self.case.id, "manual_review", "Odd history.")
        self.assertEqual(
            self.env["mail.activity"].browse(review["id"]).user_id, self.case._collections_manager()
        )
        self.assertEqual(
            self.env["mail.mail"].search_count(to_customer), mails, "nothing went to the customer"
        )

    def test_a_repeated_proposal_never_overwrites_a_persons_edits(self):
        first = self.Api.api_propose(
            self.case.id, "send_demand_letter", "Time for it.", body="<p>Pay now.</p>"
        )
        followup = self.env["eh.collections.followup"].browse(first["id"])
        followup.with_user(self.collector).write(
            {"body_html": "<p>Dear Edwin, as agreed on the phone...</p>"}
        )
        self.assertEqual(followup.edited_by_id, self.collector)
        again = self.Api.api_propose(
            self.case.id, "send_demand_letter", "Still unpaid.", body="<p>PAY NOW.</p>"
        )
        self.assertEqual(again["id"], followup.id, "the same reminder, not a second one")
        self.assertIn("as agreed on the phone", str(followup.body_html))
        self.assertNotIn("PAY NOW", str(followup.body_html))

    def test_a_proposal_the_rules_forbid_or_an_unknown_one_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "write_off_review under the 200-day threshold"):
            self.Api.api_propose(self.case.id, "write_off_review", "Write it off.")
        with self.assertRaisesRegex(ValidationError, "'sue_them' is not a next action"):
            self.Api.api_propose(self.case.id, "sue_them", "Now.")
        with self.assertRaisesRegex(ValidationError, "Say why"):
            self.Api.api_propose(self.case.id, "phone_call", "  ")

    # -- the nightly webhook -----------------------------------------------------------

    def configure_webhook(self):
        self.company.sudo().write(
            {"eh_agent_webhook_url": f"{self.llm.url}/collections", "eh_agent_webhook_secret": SECRET}
        )

    def signed(self, payload, secret=SECRET, age=0, nonce=None):
        """The service's answer, signed as it would sign it: over the nonce of the request
        it answers (or `nonce`), stamped `age` seconds ago."""

        def sign_answer(request, body):
            echoed = nonce or request["headers"][NONCE_HEADER]
            timestamp = str(int(time.time()) - age)
            return {
                TIMESTAMP_HEADER: timestamp,
                NONCE_HEADER: echoed,
                SIGNATURE_HEADER: sign(secret, timestamp, echoed, body),
            }

        return Reply(200, json.dumps(payload), sign=sign_answer)

    def round_trip(self):
        return self.env["eh.collections.agent.webhook"]._round_trip(self.company)

    def audit(self):
        return self.env["eh.ai.call"].search([("provider", "=", "agent_webhook")], limit=1)

    def test_the_round_trip_posts_a_signed_worklist_and_files_the_proposals(self):
        self.configure_webhook()
        other = self.setup_other_company(name="Webhook Elsewhere")["company"]
        self.post_invoice(300, 40, company=other)
        self.refresh(other)
        foreign = self.open_case(company=other)
        self.llm.replies = [
            self.signed(
                {
                    "proposals": [
                        {
                            "case_id": self.case.id,
                            "action": "send_demand_letter",
                            "rationale": "Time for it.",
                        },
                        {"case_id": self.case.id, "action": "sue_them", "rationale": "x"},
                        {"case_id": foreign.id, "action": "phone_call", "rationale": "x"},
                    ]
                }
            )
        ]
        result = self.round_trip()
        [request] = self.llm.requests
        self.assertEqual(request["json"]["worklist"][0]["id"], self.case.id)
        # The signature is over the very bytes the service received, with its nonce.
        timestamp, nonce = request["headers"][TIMESTAMP_HEADER], request["headers"][NONCE_HEADER]
        self.assertEqual(len(nonce), 32)
        self.assertEqual(request["headers"][SIGNATURE_HEADER], sign(SECRET, timestamp, nonce, request["raw"]))
        self.assertNotEqual(
            request["headers"][SIGNATURE_HEADER], sign(SECRET, timestamp, nonce, request["raw"] + b" ")
        )
        self.assertEqual([p["kind"] for p in result["applied"]], ["reminder"])
        self.assertEqual(len(result["refused"]), 2)
        followup = self.env["eh.collections.followup"].browse(result["applied"][0]["id"])
        ai_user = self.env.ref("eh_collections_next_action.user_collections_ai")
        self.assertEqual(
            (followup.create_uid, followup.state, followup.ai_generated), (ai_user, "to_approve", True)
        )
        self.assertEqual(
            (self.audit().outcome, self.audit().fallback_reason), ("fallback", "2 proposals refused")
        )

    def test_a_bad_answer_applies_nothing_and_is_audited(self):
        self.configure_webhook()
        proposal = {"proposals": [{"case_id": self.case.id, "action": "phone_call", "rationale": "Call."}]}
        for reply, reason in (
            (self.signed(proposal, secret="not-the-secret"), "not signed with the shared secret"),
            (Reply(500, {"error": "down"}), "answered 500"),
            (self.signed({"proposals": "call them all"}), 'no list of "proposals"'),
            (Reply(200, "x" * (10 * 1024 * 1024)), "over 1000000 bytes"),
        ):
            with self.subTest(reason=reason):
                self.llm.replies = [reply]
                self.assertIsNone(self.round_trip())
                self.assertEqual(self.audit().outcome, "error")
                self.assertIn(reason, self.audit().fallback_reason)
        self.assertFalse(self.case.activity_ids, "nothing half-applied")

    def test_an_answer_played_back_or_stale_files_nothing_and_is_audited(self):
        self.configure_webhook()
        proposal = {"proposals": [{"case_id": self.case.id, "action": "phone_call", "rationale": "Call."}]}
        self.llm.replies = [self.signed(proposal)]
        self.assertEqual(len(self.round_trip()["applied"]), 1)
        first_nonce = self.llm.requests[-1]["headers"][NONCE_HEADER]
        activities = self.case.activity_ids
        for reply, reason in (
            # Recorded once and played back the next night: its nonce is last night's.
            (self.signed(proposal, nonce=first_nonce), "not for this request"),
            (self.signed(proposal, age=301), "not fresh"),
            (self.signed(proposal, age=-301), "not fresh"),
        ):
            with self.subTest(reason=reason):
                self.llm.replies = [reply]
                self.assertIsNone(self.round_trip())
                self.assertEqual(self.audit().outcome, "error")
                self.assertIn(reason, self.audit().fallback_reason)
        self.assertEqual(self.case.activity_ids, activities, "nothing filed again")
        self.assertNotEqual(
            self.llm.requests[-1]["headers"][NONCE_HEADER], first_nonce, "a fresh nonce each time"
        )

    def test_no_webhook_without_a_secret_of_32_characters(self):
        with self.assertRaisesRegex(ValidationError, "needs a shared secret of at least 32 characters"):
            self.company.sudo().write(
                {"eh_agent_webhook_url": f"{self.llm.url}/collections", "eh_agent_webhook_secret": "short"}
            )
        with self.assertRaisesRegex(ValidationError, "needs a shared secret of at least 32 characters"):
            self.company.sudo().write({"eh_agent_webhook_url": f"{self.llm.url}/collections"})
        # A database set up before the rule: the cron posts nothing, and says why.
        self.env.cr.execute(
            "UPDATE res_company SET eh_agent_webhook_url = %s, eh_agent_webhook_secret = NULL WHERE id = %s",
            [f"{self.llm.url}/collections", self.company.id],
        )
        self.company.invalidate_recordset()
        self.assertIsNone(self.round_trip())
        self.assertFalse(self.llm.requests, "the worklist never left")
        self.assertEqual(self.audit().outcome, "error")
        self.assertIn("Nothing posted: a webhook needs a shared secret", self.audit().fallback_reason)

    def test_settings_take_the_url_and_its_secret_in_one_save(self):
        url = f"{self.llm.url}/collections"
        self.env["res.config.settings"].create(
            {"eh_agent_webhook_url": url, "eh_agent_webhook_secret_input": SECRET}
        ).execute()
        self.assertEqual(
            (self.company.eh_agent_webhook_url, self.company.sudo().eh_agent_webhook_secret), (url, SECRET)
        )

    def test_a_service_that_times_out_applies_nothing(self):
        self.configure_webhook()
        proposal = {"proposals": [{"case_id": self.case.id, "action": "phone_call", "rationale": "Call."}]}
        reply = self.signed(proposal)
        reply.delay = 10.5  # over the webhook's 10 s (Odoo's tests raise shorter timeouts to 10 s)
        self.llm.replies = [reply]
        self.assertIsNone(self.round_trip())
        self.assertIn("did not answer within 10 seconds", self.audit().fallback_reason)
        self.assertFalse(self.case.activity_ids)

    def test_an_unreachable_service_is_audited_and_the_next_run_tries_again(self):
        self.company.sudo().write(
            {"eh_agent_webhook_url": "http://127.0.0.1:9/x", "eh_agent_webhook_secret": SECRET}
        )
        self.assertIsNone(self.round_trip())
        self.assertIn("Cannot reach the agent service", self.audit().fallback_reason)
