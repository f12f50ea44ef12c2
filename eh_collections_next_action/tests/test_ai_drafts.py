import json

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from odoo.addons.eh_account_ai_agent.tests.llm_server import Reply, ScriptedLLMMixin, openai_body
from odoo.addons.eh_collections_case.tests.common import TODAY, DunningCommon

OPENING = "Despite our earlier reminder, the invoices below are still open."
CLOSING = "Please settle them now, or tell us what stands in the way."


def draft(**changes):
    texts = {"subject": "Your overdue invoices", "opening": OPENING, "closing": CLOSING, **changes}
    return Reply(200, openai_body(json.dumps(texts)))


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestAiDrafts(ScriptedLLMMixin, DunningCommon):
    """AI-drafted reminders: the prose from the provider, the facts from Odoo, a person's
    click before anything goes out unless an autonomy rule allows it, and the level's
    template whenever the draft is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_llm()
        cls.use_scripted_provider(cls.company)
        cls.case = cls.overdue_case(1000, 40)
        cls.invoice = cls.case.overdue_line_ids.move_id
        cls.firm = cls.standard.level_ids.sorted("sequence")[1]  # 30 days: the level due at 40 days
        cls.ai_user = cls.env.ref("eh_collections_next_action.user_collections_ai")
        cls.low_risk = cls.env["res.partner.category"].create({"name": "Low risk"})

    def test_draft_with_ai_waits_for_a_person_with_odoo_facts_around_the_prose(self):
        self.llm.replies = [draft()]
        action = self.case.with_user(self.collector).action_eh_ai_draft_reminder()
        followup = self.env["eh.collections.followup"].browse(action["res_id"])
        self.assertEqual(
            (followup.state, followup.ai_generated, followup.level_id, followup.create_uid),
            ("to_approve", True, self.firm, self.ai_user),
        )
        body = str(followup.body_html)
        for fact in (OPENING, CLOSING, self.invoice.name, "1,000.00", self.invoice.eh_pay_url, "Gemini"):
            self.assertIn(fact, body)
        # The level names the step: its subject, never the AI's softer one.
        level_subject = self.firm.mail_template_id._render_field("subject", self.case.ids)[self.case.id]
        self.assertIn("Second reminder", level_subject)
        self.assertEqual(followup.subject, level_subject)
        prompt = json.loads(self.llm.requests[0]["json"]["messages"][1]["content"])
        self.assertEqual((prompt["tone"], prompt["language"]), ("firm", "en_US"))
        self.assertNotIn("Gemini", json.dumps(self.llm.requests[0]["json"]), "no name leaves Odoo")
        self.assertFalse(self.case.action_ids, "nothing is sent or logged before a person's click")

        with self.mock_mail_gateway():
            followup.with_user(self.collector).action_send()
        row = self.case.action_ids.filtered(lambda a: a.action_type == "email")
        self.assertEqual(
            (row.ai_generated, row.user_id, followup.decided_by_id), (True, self.collector, self.collector)
        )
        mail = self.env["mail.mail"].search([("subject", "=", level_subject)])
        self.assertIn(OPENING, str(mail.body_html))
        self.assertIn("drafted with the help of AI", str(mail.body_html))
        # The latest chatter note (the stage's move to Reminded is a tracking line without a body).
        self.assertIn("AI draft", str(self.case.message_ids.filtered("body")[0].body))
        self.assertEqual(self.case.stage_id.stage_type, "reminded", "the first reminder sent moves the stage")

    def test_a_draft_with_figures_of_its_own_leaves_the_template_and_says_why(self):
        self.llm.replies = [draft(closing="Pay 9,999.00 by Friday.")]
        result = self.case.with_user(self.collector).action_eh_ai_draft_reminder()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("content: closing carries a figure or a date", result["params"]["message"])
        followup = self.env["eh.collections.followup"].browse(result["params"]["next"]["res_id"])
        self.assertEqual((followup.state, followup.ai_generated), ("to_approve", False))
        self.assertIn("Second reminder", followup.subject)
        audit = self.env["eh.ai.call"].search(
            [("res_model", "=", self.case._name), ("res_id", "=", self.case.id)]
        )
        self.assertEqual((audit.outcome, audit.prompt_version), ("fallback", "reminder-draft-v1"))

    def test_a_provider_timeout_leaves_the_template_and_a_clear_message(self):
        # Odoo's test classes raise a requests timeout under 10 s to 10 s: the server
        # waits longer than that.
        self.llm.replies = [Reply(200, openai_body("{}"), delay=10.5)]
        result = self.case.with_user(self.collector).action_eh_ai_draft_reminder()
        self.assertIn("gave no usable draft (provider: timeout)", result["params"]["message"])
        followup = self.env["eh.collections.followup"].browse(result["params"]["next"]["res_id"])
        self.assertEqual((followup.state, followup.ai_generated), ("to_approve", False))
        self.assertIn("Second reminder", followup.subject)

    def test_draft_with_ai_needs_a_provider(self):
        self.company.sudo().eh_ai_provider = "none"
        with self.assertRaisesRegex(UserError, "Choose an AI provider"):
            self.case.with_user(self.collector).action_eh_ai_draft_reminder()

    def test_the_cron_drafts_for_a_level_that_says_so_and_waits_for_approval(self):
        self.firm.eh_ai_draft = True
        self.llm.replies = [draft()]
        self.run_cron()
        followup = self.env["eh.collections.followup"].search([("case_id", "=", self.case.id)])
        self.assertEqual((followup.state, followup.ai_generated), ("to_approve", True))
        self.assertIn("AI draft", followup.reason)
        self.assertFalse(self.reminders())

    def test_an_autonomy_rule_sends_by_itself_and_is_logged_with_the_rule(self):
        self.firm.eh_ai_draft = True
        self.customer.category_id = self.low_risk
        self.company.write({"eh_ai_autonomy_tag_ids": self.low_risk.ids, "eh_ai_autonomy_max_amount": 1500})
        self.llm.replies = [draft()]
        self.run_cron()
        followup = self.env["eh.collections.followup"].search([("case_id", "=", self.case.id)])
        self.assertEqual((followup.state, followup.ai_generated), ("sent", True))
        self.assertEqual(len(self.reminders()), 1)
        self.assertIn(OPENING, self.reminders()[0]["body"])
        row = self.case.action_ids.filtered(lambda a: a.action_type == "email")
        self.assertEqual((row.user_id, row.ai_generated), (self.ai_user, True))
        self.assertIn(
            "AI draft sent without review: customer tagged Low risk, $\xa01,000.00 within $\xa01,500.00",
            row.note,
        )

    def test_autonomy_stops_above_its_amount_and_without_a_tag(self):
        self.firm.eh_ai_draft = True
        self.company.write({"eh_ai_autonomy_tag_ids": self.low_risk.ids, "eh_ai_autonomy_max_amount": 999})
        self.customer.category_id = self.low_risk
        self.assertIsNone(self.case._eh_ai_autonomy_rule(), "1,000.00 is above 999.00")
        self.company.eh_ai_autonomy_max_amount = 1000
        self.assertTrue(self.case._eh_ai_autonomy_rule())
        self.customer.category_id = False
        self.assertIsNone(self.case._eh_ai_autonomy_rule(), "not tagged")

    def test_a_refused_draft_in_the_cron_sends_the_level_template(self):
        self.firm.eh_ai_draft = True
        self.llm.replies = [draft(opening="<b>Pay now</b>")]
        self.run_cron()
        followup = self.env["eh.collections.followup"].search([("case_id", "=", self.case.id)])
        self.assertEqual((followup.state, followup.ai_generated), ("sent", False))
        self.assertEqual(len(self.reminders()), 1)
        self.assertNotIn("drafted with the help of AI", self.reminders()[0]["body"])
