"""The doors a user takes that other tests leave shut: the configuration's rules, the
buttons that open wizards, the refusals of Send reminders and of the approval queue,
invoice disputes, the cron's wait between levels, and the company walls."""

from datetime import timedelta

import psycopg2

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TODAY, DunningCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestLadderConfiguration(DunningCommon):
    """A manager cannot build a ladder the cron could not follow."""

    def test_levels_refuse_negative_waits_a_wrong_template_and_an_email_without_template(self):
        template = self.env.ref("eh_collections_case.mail_template_reminder_courteous")
        Level = self.env["eh.collections.level"].with_user(self.manager)
        for values, message in (
            ({"days_overdue": -1, "mail_template_id": template.id}, "before the due date sends a coming-due"),
            (
                {"days_overdue": 5, "min_days_since_previous": -2, "mail_template_id": template.id},
                "cannot be negative",
            ),
            ({"days_overdue": 5, "channel_email": True}, "choose its template"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                Level.create({"name": "Bad", "strategy_id": self.standard.id, **values})
        level = Level.create(
            {
                "name": "Letter only",
                "strategy_id": self.standard.id,
                "days_overdue": 120,
                "sequence": 99,
                "channel_email": False,
                "channel_letter": True,
            }
        )
        self.assertIn(level, self.standard.level_ids)

    def test_a_strategy_refuses_levels_out_of_order_and_a_second_default(self):
        template = self.env.ref("eh_collections_case.mail_template_reminder_courteous")
        Strategy = self.env["eh.collections.strategy"].with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "rising days overdue"):
            Strategy.create(
                {
                    "name": "Backwards",
                    "level_ids": [
                        Command.create(
                            {
                                "name": "Late",
                                "sequence": 1,
                                "days_overdue": 60,
                                "mail_template_id": template.id,
                            }
                        ),
                        Command.create(
                            {
                                "name": "Early",
                                "sequence": 2,
                                "days_overdue": 10,
                                "mail_template_id": template.id,
                            }
                        ),
                    ],
                }
            )
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            Strategy.create({"name": "Second default", "is_default": True})
            self.env.flush_all()


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestCaseButtons(DunningCommon):
    """What the buttons of the case, the customer and the actions menu open."""

    def test_tasks_of_a_case_without_collector_go_to_the_default_collector(self):
        case = self.overdue_case(400, 40)
        self.assertFalse(case.user_id)
        self.assertEqual(case._collector_user(), case._collections_manager())
        self.company.eh_collections_default_user_id = self.collector
        followup = self.env["eh.collections.followup"]._queue(case, self.level(self.standard, 2))
        self.env["eh.collections.followup.send"]._send_call(followup, {followup: {}})
        self.assertEqual(case.activity_ids.user_id, self.collector)

    def test_the_gear_menu_opens_dispute_fees_and_payment_plan_on_the_case(self):
        case = self.overdue_case(400, 40)
        opened = {}
        for xmlid in (
            "action_server_dispute_case",
            "action_server_charge_late_fees",
            "action_server_payment_plan",
        ):
            action = self.env.ref(f"eh_collections_case.{xmlid}").with_user(self.collector)
            result = action.with_context(
                active_model=case._name, active_id=case.id, active_ids=case.ids
            ).run()
            opened[xmlid] = (result["res_model"], result.get("context", {}).get("default_mode"))
        self.assertEqual(
            opened,
            {
                "action_server_dispute_case": ("eh.collections.hold", "dispute"),
                "action_server_charge_late_fees": ("eh.collections.late.fee", None),
                "action_server_payment_plan": ("eh.collections.payment.plan", None),
            },
        )

    def test_the_case_buttons_open_their_wizards_on_the_case(self):
        case = self.overdue_case(500, 20).with_user(self.collector)
        for action, model, extra in (
            (case.action_open_log_action(), "eh.collections.log.action", {}),
            (case.action_open_log_promise(), "eh.collections.log.action", {"default_with_promise": True}),
            (
                case.with_context(hold_mode="dispute").action_open_hold(),
                "eh.collections.hold",
                {"default_mode": "dispute"},
            ),
            (case.action_open_hold(), "eh.collections.hold", {"default_mode": "pause"}),
            (case.action_open_late_fee(), "eh.collections.late.fee", {}),
        ):
            self.assertEqual((action["res_model"], action["target"]), (model, "new"))
            self.assertEqual(action["context"]["default_case_id"], case.id)
            self.assertLessEqual(extra.items(), action["context"].items())
        invoices = self.env["account.move"].search(case.action_view_invoices()["domain"])
        self.assertEqual(invoices, case.invoice_ids)
        self.assertEqual(case.action_refresh()["tag"], "soft_reload")

    def test_refresh_all_says_what_it_did(self):
        paid = self.post_invoice(400, 15)
        self.post_invoice(300, 15, partner=self.other_customer)
        message = self.Case.with_user(self.collector).action_refresh_all()["params"]["message"]
        self.assertEqual(message, "2 new, 0 updated, 0 resolved.")
        self.pay(paid, 400)
        message = self.Case.with_user(self.collector).action_refresh_all()["params"]["message"]
        self.assertEqual(message, "0 new, 0 updated, 1 resolved.")

    def test_the_customer_button_lists_every_case_of_the_customer(self):
        first = self.post_invoice(400, 15)
        self.refresh()
        resolved = self.open_case()
        self.pay(first, 400)
        self.refresh()
        self.post_invoice(250, 12)
        self.refresh()
        action = self.contact.with_user(self.collector).action_view_eh_collections_cases()
        self.assertFalse(action.get("res_id"), "a list, not one form")
        self.assertEqual(self.Case.search(action["domain"]), resolved | self.open_case())


@tagged("post_install", "-at_install")
class TestSendingRefusals(DunningCommon):
    """What Send reminders and the approval queue refuse, and say."""

    @freeze_time(TODAY)
    def test_send_reminders_says_why_a_case_cannot_be_sent(self):
        self.company.eh_collections_resolve_paid_cases = False
        disputed = self.overdue_case(500, 20)
        disputed.action_dispute("Wrong goods")
        paid_invoice = self.post_invoice(300, 20, partner=self.other_customer)
        self.refresh()
        paid = self.open_case(self.other_customer)
        self.pay(paid_invoice, 300)
        self.refresh()
        third = self.env["res.partner"].create(
            {"name": "Done Ltd", "is_company": True, "email": "ap@done.example.com"}
        )
        self.post_invoice(900, 100, partner=third)
        self.refresh()
        done = self.open_case(third)
        self.run_cron()  # the demand letter: the last level of the ladder
        self.assertEqual(done.level_id, self.level(self.standard, 4))
        wizard = self.env["eh.collections.send.reminders"].create(
            {"case_ids": [Command.set((disputed | paid | done).ids)]}
        )
        wizard.action_preview()
        messages = {line.case_id: line.message for line in wizard.line_ids}
        self.assertEqual(messages[disputed], "Held: in dispute: Wrong goods", "the one decision's words")
        self.assertEqual(messages[paid], "Nothing to collect.")
        self.assertEqual(messages[done], "No level left on the Standard B2B ladder.")
        self.assertEqual(set(wizard.line_ids.mapped("status")), {"error", "held"})

    @freeze_time(TODAY)
    def test_a_failing_send_is_reported_on_its_line(self):
        broken = self.env.ref("eh_collections_case.mail_template_reminder_courteous").copy(
            {"name": "Broken", "body_html": '<p><t t-out="object.no_such_field.name"/></p>'}
        )
        self.level(self.standard, 1).mail_template_id = broken
        case = self.overdue_case(500, 10)
        wizard = self.env["eh.collections.send.reminders"].create({"case_ids": [Command.set(case.ids)]})
        with self.mock_mail_gateway():
            wizard.action_send()
        self.assertEqual(wizard.line_ids.status, "failed")
        self.assertIn("no_such_field", wizard.line_ids.message)
        self.assertEqual(case.action_ids.state, "failed")
        self.assertFalse(case.level_id)

    @freeze_time(TODAY)
    def test_a_decided_reminder_cannot_be_decided_again(self):
        self.level(self.standard, 1).needs_approval = True
        self.overdue_case(500, 10)
        self.run_cron()
        draft = self.env["eh.collections.followup"].search([("case_id", "=", self.open_case().id)])
        draft.with_user(self.collector).action_discard()
        for decide in (draft.action_send, draft.action_discard):
            with self.assertRaisesRegex(UserError, "already sent or discarded"):
                decide()
        self.assertEqual(draft.state, "discarded")

    def test_the_cron_waits_between_levels(self):
        with freeze_time(TODAY):
            case = self.overdue_case(800, 58)
            self.run_cron()
            self.assertEqual(case.level_id, self.level(self.standard, 2))
        with freeze_time(TODAY + timedelta(days=3)):  # 61 days: the final notice is reached...
            self.refresh()
            self.run_cron()
            self.assertEqual(case.level_id, self.level(self.standard, 2), "...but 7 days must pass")
            self.assertEqual(case.next_followup_date, TODAY + timedelta(days=7))
        with freeze_time(TODAY + timedelta(days=7)):
            self.refresh()
            self.run_cron()
            self.assertEqual(case.level_id, self.level(self.standard, 3))
        self.assertEqual(len(case.action_ids.filtered(lambda a: a.action_type == "email")), 2)


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestInvoiceDisputes(DunningCommon):
    def test_resolving_an_invoice_dispute_is_logged_and_chases_it_again(self):
        disputed = self.post_invoice(5000, 40)
        self.post_invoice(300, 40)
        self.refresh()
        case = self.open_case()
        disputed.with_user(self.collector).write({"eh_disputed": True, "eh_dispute_reason": "Damaged goods"})
        self.assertAlmostEqual(case.total_overdue_amount, 300, msg="the figures follow at once")
        disputed.with_user(self.collector).eh_disputed = False
        self.assertAlmostEqual(case.total_overdue_amount, 5300)
        rows = case.action_ids.sorted("id")
        self.assertEqual(rows.mapped("action_type"), ["dispute", "dispute_resolved"])
        self.assertIn("Damaged goods", rows[0].note)
        self.assertEqual(rows[1].note, disputed.name)


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestCompanyWalls(DunningCommon):
    """A collector of one company sees nothing of another's ladder, reminders and history."""

    def test_another_companys_ladder_reminders_and_history_stay_hidden(self):
        other = self.setup_other_company(name="Other Co")["company"]
        self.post_invoice(300, 40, company=other)
        self.Case._refresh_from_ledger(other)
        other_case = self.open_case(company=other)
        other_case._log_action([{"action_type": "note", "note": "theirs"}])
        self.env["eh.collections.followup"]._queue(
            other_case, other_case._due_level(), reason="Approve everything"
        )
        self.assertTrue(self.env["eh.collections.followup"].search([("company_id", "=", other.id)]))
        collector = new_test_user(
            self.env,
            login="walled",
            groups="eh_collections_case.group_collections_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        for model in (
            "eh.collections.strategy",
            "eh.collections.level",
            "eh.collections.followup",
            "eh.collections.action",
            "eh.collections.case",
        ):
            seen = self.env[model].with_user(collector).search([])
            self.assertFalse(seen.filtered(lambda r: r.company_id == other), model)
        self.assertTrue(self.env["eh.collections.strategy"].with_user(collector).search([]), "its own ladder")
