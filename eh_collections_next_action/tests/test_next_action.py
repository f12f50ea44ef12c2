import re
from contextlib import closing
from datetime import datetime, time, timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import freeze_time, tagged

from odoo.addons.eh_account_ai_agent.tests.llm_server import Reply, ScriptedLLMMixin, answer_json, openai_body
from odoo.addons.eh_account_ai_agent.tools import ACTION_CODES
from odoo.addons.eh_collections_case.tests.common import TODAY, CollectionsCommon
from odoo.addons.eh_collections_next_action.models import collections_case as next_action_module


def days_ago(days):
    return datetime.combine(TODAY - timedelta(days=days), time(10, 0))


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestNextAction(CollectionsCommon):
    """The live suggestion on real cases, moved by what collectors log."""

    def case(self, days, partner=None):
        self.post_invoice(1000, days, partner=partner)
        self.refresh(partners=(partner or self.customer))
        return self.open_case(partner)

    def suggested(self, case):
        case.invalidate_recordset()
        return case.eh_ai_suggested_action

    def test_selection_matches_the_tools_vocabulary(self):
        codes = {code for code, _label in self.Case._fields["eh_ai_suggested_action"].selection}
        self.assertEqual(codes, ACTION_CODES)

    def test_first_contact_email_at_30_days_without_contact(self):
        case = self.case(31)
        self.assertEqual(self.suggested(case), "send_first_contact_email")
        self.assertEqual(case.eh_ai_suggested_priority, "medium")
        self.assertEqual(case.eh_ai_suggestion_source, "deterministic")
        self.assertIn("31 days overdue", case.eh_ai_suggestion_rationale)

    def test_logging_a_contact_changes_the_next_read(self):
        case = self.case(50)
        self.assertEqual(self.suggested(case), "send_first_contact_email")
        case._log_action([{"action_type": "call", "contact_made": True}])
        self.assertEqual(case.eh_ai_suggested_action, "phone_call")  # no manual invalidation needed

    def test_demand_letter_at_90_days(self):
        case = self.case(95)
        case._log_action([{"action_type": "call", "contact_made": True, "date": days_ago(30)}])
        self.assertEqual(self.suggested(case), "send_demand_letter")
        self.assertEqual(case.eh_ai_suggested_priority, "high")

    def send_the_letter(self, case):
        wizard = self.env["eh.collections.send.reminders"].create(
            {"case_ids": [(6, 0, case.ids)], "purpose": "letter"}
        )
        wizard.action_preview()
        wizard.action_send()
        case.invalidate_recordset()

    def test_letter_is_read_from_the_log_then_agency(self):
        case = self.case(130)
        self.assertEqual(self.suggested(case), "send_demand_letter", "the ladder's letter level is due")
        self.send_the_letter(case)
        self.assertEqual(case.level_id.name, "Demand letter")
        self.assertEqual(self.suggested(case), "manual_review")  # the letter just went out: wait
        with freeze_time(TODAY + timedelta(days=13)):
            self.assertEqual(self.suggested(case), "manual_review")  # 13 days: still waiting
        with freeze_time(TODAY + timedelta(days=14)):
            self.assertEqual(self.suggested(case), "refer_to_collections_agency")
        # A letter logged by hand is read from the log as the letter: 20 days on, the
        # agency step comes before the ladder's letter level.
        other = self.case(130, partner=self.other_customer)
        other._log_action([{"action_type": "letter", "date": days_ago(20)}])
        self.assertEqual(self.suggested(other), "refer_to_collections_agency")

    def test_write_off_review_at_200_days(self):
        self.assertEqual(self.suggested(self.case(205)), "write_off_review")

    def test_active_promise_suppresses_escalation_then_broken_promise_escalates(self):
        case = self.case(250)
        promise_date = TODAY + timedelta(days=5)
        case._log_action([{"action_type": "promise", "promise_amount": 500, "promise_date": promise_date}])
        self.assertEqual(self.suggested(case), "monitor")
        with freeze_time(promise_date + timedelta(days=1)):
            self.assertEqual(self.suggested(case), "escalate_broken_promise")

    def test_a_promise_created_directly_turns_the_next_action_to_monitor(self):
        case = self.case(95)
        self.env["eh.collections.action"].with_user(self.collector).create(
            {
                "case_id": case.id,
                "action_type": "promise",
                "promise_amount": 300,
                "promise_date": TODAY + timedelta(days=4),
            }
        )
        self.assertEqual(self.suggested(case), "monitor")
        self.assertEqual(case.eh_ai_action_group, "monitor")

    def test_the_rationale_says_which_reminder_the_cron_sends_next(self):
        standard = self.case(95)
        self.assertIn(
            "Next reminder: Demand letter today, sent by the follow-up cron.",
            standard.eh_ai_suggestion_rationale,
        )
        vip_strategy = self.env["eh.collections.strategy"].search(
            [("company_id", "=", self.company.id), ("name", "=", "VIP soft touch")]
        )
        self.other_customer.with_company(self.company).eh_collections_strategy_id = vip_strategy
        vip = self.case(95, partner=self.other_customer)
        # One ladder: the VIP strategy has no letter level, so its firm reminder is the step.
        self.assertEqual(self.suggested(vip), "send_first_contact_email")
        self.assertIn("the ladder's firm level is due at 95 days", vip.eh_ai_suggestion_rationale)
        self.assertIn("Next reminder: Firm reminder today", vip.eh_ai_suggestion_rationale)
        vip.action_pause("Waiting for the auditor")
        self.assertIn("once the case is resumed", vip.eh_ai_suggestion_rationale)

    def test_settings_show_the_ladder_and_the_other_steps_in_one_timeline(self):
        settings = self.env["res.config.settings"].create({"eh_ai_threshold_phone": 50})
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(settings.eh_collections_step_timeline)))
        steps = [
            "7 days Courteous reminder (Email) Ladder: Standard B2B",
            "30 days Firm reminder (Email) Ladder: Standard B2B",
            "50 days Phone call, when no reminder is due and none was paid Next action",
            "60 days Final notice (Email, Call) Ladder: Standard B2B",
            "90 days Demand letter (Letter, Email, Call) Ladder: Standard B2B",
            "120 days Collections agency, 14 days after the demand letter Next action",
            "200 days Write-off review Next action",
        ]
        positions = [text.find(step) for step in steps]
        self.assertNotIn(-1, positions, text)
        self.assertEqual(positions, sorted(positions), "one timeline, by days overdue")

    def prepared(self, case):
        """What *Prepare this step* did: the action it returned and the new activity."""
        before = case.activity_ids
        action = case.with_user(self.collector).action_eh_ai_prepare_step()
        return action, case.activity_ids - before

    def test_prepare_this_step_for_every_action(self):
        manager_group = self.env.ref("eh_collections_case.group_collections_manager")
        call_case = self.case(50)
        call_case._log_action([{"action_type": "email"}])
        self.assertEqual(self.suggested(call_case), "phone_call")
        action, activity = self.prepared(call_case)
        self.assertEqual(action["tag"], "soft_reload")
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(
            activity.user_id, self.collector, "no collector on the case: the one who prepared it"
        )
        self.assertIn("50 days overdue", activity.note)

        old = self.case(205, partner=self.other_customer)
        _action, activity = self.prepared(old)
        self.assertEqual(activity.summary, "Review for write-off")
        self.assertTrue(activity.user_id.has_group("eh_collections_case.group_collections_manager"))
        self.assertIn(activity.user_id, manager_group.all_user_ids)

        agency_partner = self.env["res.partner"].create({"name": "Agency Case Ltd", "is_company": True})
        agency = self.case(130, partner=agency_partner)
        agency._log_action([{"action_type": "letter", "date": days_ago(20)}])
        _action, activity = self.prepared(agency)
        self.assertEqual(activity.summary, "Decide on a collections agency referral")

        broken_partner = self.env["res.partner"].create({"name": "Broken Promise Ltd", "is_company": True})
        broken = self.case(40, partner=broken_partner)
        broken._log_action([{"action_type": "promise", "promise_amount": 100, "promise_date": TODAY}])
        self.assertEqual(self.suggested(broken), "monitor")
        action, activity = self.prepared(broken)
        self.assertEqual((action["params"]["type"], activity), ("info", self.env["mail.activity"]))
        self.assertIn("keep monitoring the promise", action["params"]["message"])
        with freeze_time(TODAY + timedelta(days=1)):
            self.assertEqual(self.suggested(broken), "escalate_broken_promise")
            _action, activity = self.prepared(broken)
            self.assertEqual(activity.summary, "Review the broken promise")

    def test_dispute_routes_to_manual_review(self):
        case = self.case(150)
        case.action_dispute("Wrong goods")
        self.assertEqual(self.suggested(case), "manual_review")
        self.assertIn("dispute", case.eh_ai_suggestion_rationale.lower())

    def test_filter_and_group_by_follow_the_live_suggestion(self):
        case = self.case(50)
        self.assertIn(case, self.Case.search([("eh_ai_suggested_action", "=", "send_first_contact_email")]))
        self.assertEqual(case.eh_ai_action_group, "send_first_contact_email")
        case._log_action([{"action_type": "call", "contact_made": True}])
        self.assertEqual(case.eh_ai_action_group, "phone_call")
        groups = self.Case._read_group([("id", "=", case.id)], ["eh_ai_action_group"], ["__count"])
        self.assertEqual(groups, [("phone_call", 1)])

    def test_bulk_refresh_leaves_the_stored_action_to_the_background_job(self):
        case = self.case(50)
        self.env.cr.execute(
            "UPDATE eh_collections_case SET eh_ai_action_group = 'monitor' WHERE id = %s", [case.id]
        )
        case.invalidate_recordset()
        cron = self.env.ref("eh_collections_next_action.ir_cron_sync_action_groups")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.post_invoice(200, 40)  # the bulk refresh has something to change
        with patch.object(next_action_module, "SYNC_INLINE_LIMIT", 0):
            self.refresh()
        self.assertEqual(case.eh_ai_action_group, "monitor", "not synced inline")
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        case.invalidate_recordset()
        self.assertEqual(case.eh_ai_action_group, "send_first_contact_email")
        self.assertIn(case, self.Case.search([("eh_ai_suggested_action", "=", "send_first_contact_email")]))

    def test_reading_1_or_50_cases_costs_the_same_queries(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {n}", "is_company": True} for n in range(50)]
        )
        for partner in partners:
            self.post_invoice(100, 60, partner=partner)
        self.refresh()
        cases = self.Case.search([("partner_id", "in", partners.ids)])
        for case in cases[:25]:
            case._log_action([{"action_type": "call", "contact_made": True}, {"action_type": "letter"}])
        kanban = ["eh_ai_suggested_action", "eh_ai_suggested_priority"]
        form = [*kanban, "eh_ai_suggestion_rationale"]

        def queries_for(records, fields_read):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records.read(fields_read)
            return self.env.cr.sql_log_count - before

        self.assertEqual(len(cases), 50)
        queries_for(cases, form)  # warm the registry's caches (access rules, ...) once
        one, fifty = queries_for(cases[:1], kanban), queries_for(cases, kanban)
        self.assertEqual(one, fifty)
        # The case figures, the history, and the ladder's level due (strategies,
        # levels, the one decision's holds): the reminder steps are the ladder's.
        self.assertLessEqual(fifty, 13)
        # The rationale adds the ladder's outlook (strategies, levels, history), batched too.
        self.assertEqual(queries_for(cases[:1], form), queries_for(cases, form))


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestNextActionWithProvider(ScriptedLLMMixin, CollectionsCommon):
    """With a provider: reads use the cache only; the button asks; failures change nothing on screen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_llm()
        cls.use_scripted_provider(cls.company)
        cls.case = cls.overdue_case(1000, 95)

    def overdue_case_for(self, partner, days):
        self.post_invoice(500, days, partner=partner)
        self.refresh(partners=partner)
        return self.open_case(partner)

    def test_read_never_calls_refresh_button_caches_and_audits(self):
        self.assertEqual(self.case.eh_ai_suggestion_source, "deterministic")
        self.assertFalse(self.llm.requests, "a read must not call the provider")
        rationale = "Ninety-five days without a letter: send the formal demand now."
        self.llm.replies = [
            Reply(
                200,
                openai_body(answer_json(rationale=rationale)),
            )
        ]
        self.case.with_user(self.collector).action_eh_ai_refresh_suggestion()
        self.assertEqual(len(self.llm.requests), 1)
        self.case.invalidate_recordset()
        self.assertEqual(self.case.eh_ai_suggestion_source, "llm")
        self.assertEqual(self.case.eh_ai_suggestion_rationale.splitlines()[0], rationale)
        self.assertEqual(len(self.llm.requests), 1)
        audit = self.env["eh.ai.call"].search(
            [("res_model", "=", "eh.collections.case"), ("res_id", "=", self.case.id)]
        )
        self.assertEqual(audit.outcome, "ok")
        # A new fact changes the snapshot: the cached narrative no longer applies.
        self.case._log_action([{"action_type": "letter"}])
        self.assertEqual(self.case.eh_ai_suggestion_source, "deterministic")

    def test_another_step_from_the_ai_is_a_second_opinion_never_the_suggestion(self):
        ladder_reason = self.case.eh_ai_suggestion_rationale.splitlines()[0]
        self.llm.replies = [
            Reply(
                200,
                openai_body(answer_json("phone_call", "low", "A call may settle it. They answered before.")),
            )
        ]
        self.case.with_user(self.collector).action_eh_ai_refresh_suggestion()
        self.case.invalidate_recordset()
        self.assertEqual(
            (
                self.case.eh_ai_suggested_action,
                self.case.eh_ai_suggested_priority,
                self.case.eh_ai_suggestion_source,
                self.case.eh_ai_suggestion_rationale.splitlines()[0],
            ),
            ("send_demand_letter", "high", "llm", ladder_reason),
        )
        self.assertEqual(
            (self.case.eh_ai_second_opinion_action, self.case.eh_ai_second_opinion),
            ("phone_call", "A call may settle it."),
        )
        self.assertEqual(self.case.eh_ai_action_group, "send_demand_letter", "group-by follows the rules")
        audit = self.env["eh.ai.call"].search(
            [("res_model", "=", self.case._name), ("res_id", "=", self.case.id)]
        )
        self.assertEqual(
            (audit.suggested_action, audit.second_opinion_action), ("send_demand_letter", "phone_call")
        )

    def test_a_failed_refresh_shows_what_its_message_says(self):
        narrative = "Ninety-five days and two reminders: the formal demand is due."
        bad_answers = {
            "provider: http_401": Reply(401, {"error": {"message": "bad key"}}),
            "non_json": Reply(200, openai_body("Sure! Call them.")),
            "guardrail: write_off_review under the 200-day threshold": Reply(
                200, openai_body(answer_json("write_off_review", "high", "Write it off."))
            ),
        }
        for reason, bad in bad_answers.items():
            with self.subTest(reason=reason):
                self.llm.replies = [Reply(200, openai_body(answer_json(rationale=narrative))), bad]
                self.case.with_user(self.collector).action_eh_ai_refresh_suggestion()
                self.case.invalidate_recordset()
                self.assertEqual(self.case.eh_ai_suggestion_rationale.splitlines()[0], narrative)
                result = self.case.with_user(self.collector).action_eh_ai_refresh_suggestion()
                self.assertEqual(result["params"]["type"], "warning")
                self.assertIn(reason, result["params"]["message"])
                self.assertIn("own reasons are shown", result["params"]["message"])
                self.assertEqual(result["params"]["next"]["tag"], "soft_reload")
                self.case.invalidate_recordset()
                self.assertEqual(self.case.eh_ai_suggestion_source, "deterministic")
                self.assertTrue(self.case.eh_ai_suggestion_rationale.startswith("Send the demand letter: "))
                self.assertFalse(self.case.eh_ai_second_opinion_action)

    def test_prewarm_cron_prepares_the_narrative_once(self):
        rationale = "Prepared overnight: send the formal demand."
        answer = Reply(
            200,
            openai_body(answer_json(rationale=rationale)),
        )
        self.llm.replies = [answer, answer]
        cron = self.env.ref("eh_collections_next_action.ir_cron_prewarm_ai_suggestions")
        with self.enter_registry_test_mode():
            self.assertIs(cron.method_direct_trigger(), True)
            self.assertIs(cron.method_direct_trigger(), True)
        self.assertEqual(len(self.llm.requests), 1, "a case state already cached is not asked again")
        self.case.invalidate_recordset()
        self.assertEqual(
            (self.case.eh_ai_suggestion_source, self.case.eh_ai_suggestion_rationale.splitlines()[0]),
            ("llm", rationale),
        )

    def test_prewarm_workers_never_ask_about_a_case_another_one_holds(self):
        self.llm.replies = [Reply(200, openai_body(answer_json(rationale="Prepared by a worker.")))]
        cron = self.env.ref("eh_collections_next_action.ir_cron_prewarm_ai_suggestions")
        worker = self.env.ref("eh_collections_next_action.ir_cron_prewarm_ai_suggestions_worker")
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other_worker:
            Other = api.Environment(other_worker, SUPERUSER_ID, {})["ir.cron"]
            self.assertTrue(Other._eh_try_claim("eh_collections_next_action.prewarm", self.case.id))
            with self.enter_registry_test_mode():
                self.assertIs(cron.method_direct_trigger(), True)
            self.assertFalse(self.llm.requests, "the other worker holds the case")
            other_worker.rollback()
        with self.enter_registry_test_mode():
            self.assertIs(worker.method_direct_trigger(), True)
        self.assertEqual(len(self.llm.requests), 1, "free again once the other worker's transaction ended")

    def test_failing_provider_keeps_the_rules_and_the_form_working(self):
        self.company.sudo().eh_ai_base_url = "http://127.0.0.1:9/v1"
        result = self.case.with_user(self.collector).action_eh_ai_refresh_suggestion()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("provider: connection", result["params"]["message"])
        self.assertEqual(self.case.eh_ai_suggested_action, "send_demand_letter")
        self.assertEqual(self.case.eh_ai_suggestion_source, "deterministic")
        Case = self.Case.with_user(self.collector)
        views = Case.get_views([(False, "form")])
        names = [n for n in views["models"]["eh.collections.case"]["fields"] if n in Case._fields]
        record = self.case.with_user(self.collector).read(names)[0]
        self.assertEqual(record["eh_ai_suggested_action"], "send_demand_letter")

    def test_prepare_step_never_sends(self):
        self.case._log_action([{"action_type": "letter"}])
        self.case.with_user(self.collector)._log_action([{"action_type": "call", "contact_made": True}])
        mails_before = self.env["mail.mail"].search_count([])
        self.case.with_user(
            self.collector
        ).action_eh_ai_prepare_step()  # manual review: waiting after the letter
        activity = self.case.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Review the case")
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)

    def test_prepare_demand_letter_previews_the_letter_level(self):
        action = self.case.with_user(self.collector).action_eh_ai_prepare_step()
        self.assertEqual(action["res_model"], "eh.collections.send.reminders")
        wizard = self.env["eh.collections.send.reminders"].browse(action["res_id"])
        self.assertEqual(wizard.state, "preview")
        self.assertEqual((wizard.line_ids.level_id.name, wizard.line_ids.status), ("Demand letter", "ready"))
        self.assertIn("Letter", wizard.line_ids.channels)
        self.assertFalse(self.case.action_ids, "nothing sent until the collector clicks Send")
        wizard.action_send()
        self.case.invalidate_recordset()
        self.assertIn("letter", self.case.action_ids.mapped("action_type"))
        self.assertEqual(self.case.eh_ai_suggested_action, "manual_review", "the letter is out: wait")

    def test_prepare_the_reminder_previews_the_ladders_level(self):
        """One ladder: the next action's reminder is the level the cron sends, with
        its own template (no subject of the copilot's)."""
        case = self.overdue_case_for(self.other_customer, 35)
        self.assertEqual(case.eh_ai_suggested_action, "send_first_contact_email")
        self.assertIn("the ladder's firm level is due at 35 days", case.eh_ai_suggestion_rationale)
        action = case.with_user(self.collector).action_eh_ai_prepare_step()
        wizard = self.env["eh.collections.send.reminders"].browse(action["res_id"])
        self.assertEqual((wizard.line_ids.level_id, wizard.line_ids.status), (case.next_level_id, "ready"))
        self.assertEqual(wizard.line_ids.template_id, case.next_level_id.mail_template_id)
        self.assertEqual(case.next_level_id.name, "Firm reminder")
