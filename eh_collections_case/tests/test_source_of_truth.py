from datetime import datetime, timedelta

import psycopg2

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.eh_collections_case.models.collections_action import STATE_CHANGE_PATHS

from .common import TODAY, DunningCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestOneLogPath(DunningCommon):
    """A row created on `eh.collections.action` directly, as any client would, has
    the effects and the checks of the wizard's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls.overdue_case(1200, 40)
        cls.Action = cls.env["eh.collections.action"]

    def create_as(self, user, **values):
        return self.Action.with_user(user).create({"case_id": self.case.id, **values})

    def test_a_promise_created_directly_is_the_case_promise_and_stops_the_reminder(self):
        promise_date = TODAY + timedelta(days=5)
        row = self.create_as(
            self.collector, action_type="promise", promise_amount=400, promise_date=promise_date
        )
        self.assertEqual((self.case.promise_amount, self.case.promise_date), (400, promise_date))
        self.assertAlmostEqual(self.case.promise_base_amount, 1200)
        self.assertTrue(self.case.has_active_promise)
        self.assertEqual(self.case.stage_id, self.env.ref("eh_collections_case.stage_promised"))
        self.assertEqual(
            (row.user_id, row.amount_at_action, row.days_overdue_at_action), (self.collector, 1200, 40)
        )
        self.assertTrue(self.case.message_ids.filtered(lambda m: "promised" in (m.body or "")))
        self.assertFalse(self.case._due_level())
        self.assertEqual(self.case.next_followup_date, promise_date + timedelta(days=1))
        self.run_cron()
        self.assertFalse(self.reminders(), "no reminder during the promise")
        self.assertEqual(self.case.action_ids, row)

    def test_rows_created_directly_move_the_counters(self):
        earlier = datetime(2026, 3, 10, 9, 0)
        for _call in range(3):
            self.create_as(self.collector, action_type="call", contact_made=True, date=earlier)
        self.create_as(self.collector, action_type="email")
        self.create_as(self.collector, action_type="note", contact_made=True, date=earlier)
        # Contact made is a contact whatever the row's type; a note is no follow-up.
        self.assertEqual((self.case.followup_count, self.case.contact_count), (4, 4))
        self.assertEqual(self.case.last_contact_date, earlier)
        self.assertGreater(self.case.last_followup_date, earlier)
        self.assertEqual(self.case.stage_id, self.env.ref("eh_collections_case.stage_contacted"))

    def test_a_forged_ai_tag_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "leave ai_generated out"):
            self.create_as(self.collector, action_type="email", ai_generated=True)
        self.assertFalse(self.case.action_ids)

    def test_a_forged_author_is_refused(self):
        other = new_test_user(
            self.env, login="other_collector", groups="eh_collections_case.group_collections_user"
        )
        with self.assertRaisesRegex(ValidationError, "logged by the user who logs it"):
            self.create_as(self.collector, action_type="call", user_id=other.id)
        self.create_as(
            self.collector, action_type="call", user_id=self.collector.id
        )  # saying who you are is fine
        self.assertEqual(self.case.action_ids.user_id, self.collector)

    def test_bad_promises_are_refused_and_nothing_is_logged(self):
        for values, message in (
            ({"promise_amount": -5, "promise_date": TODAY + timedelta(days=3)}, "greater than zero"),
            ({"promise_amount": 0, "promise_date": TODAY + timedelta(days=3)}, "greater than zero"),
            ({"promise_amount": 100, "promise_date": TODAY - timedelta(days=1)}, "in the past"),
            ({"promise_amount": 100}, "the date the customer will pay by"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                self.create_as(self.collector, action_type="promise", **values)
        with self.assertRaisesRegex(ValidationError, "its own row"):
            self.create_as(self.collector, action_type="call", promise_amount=100, promise_date=TODAY)
        self.assertFalse(self.case.action_ids)
        self.assertFalse(self.case.promise_date)
        self.create_as(
            self.collector, action_type="promise", promise_amount=100, promise_date=TODAY
        )  # today is fine

    def test_a_row_in_the_future_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "in the future"):
            self.create_as(self.collector, action_type="call", date=datetime(2026, 3, 16, 9, 0))

    def test_figures_come_from_the_case_not_from_the_client(self):
        for name, value in (
            ("amount_at_action", 1.0),
            ("days_overdue_at_action", 1),
            ("partner_id", self.other_customer.id),
            ("company_id", self.env.ref("base.main_company").id),
        ):
            with self.assertRaisesRegex(ValidationError, "comes from the case"):
                self.create_as(self.collector, action_type="note", **{name: value})
        row = self.create_as(
            self.collector, action_type="note", amount_at_action=1200, days_overdue_at_action=40
        )
        self.assertEqual((row.amount_at_action, row.days_overdue_at_action), (1200, 40))

    def test_state_changing_rows_name_the_method_to_call(self):
        for action_type, method in STATE_CHANGE_PATHS.items():
            with self.assertRaises(UserError) as caught:
                self.create_as(self.collector, action_type=action_type, note="by hand")
            self.assertIn(method, str(caught.exception))
        self.assertFalse(self.case.action_ids)
        self.assertFalse(self.case.paused or self.case.disputed)

    def test_a_refused_row_refuses_the_whole_call(self):
        with self.assertRaises(ValidationError):
            self.Action.with_user(self.collector).create(
                [
                    {"case_id": self.case.id, "action_type": "call", "contact_made": True},
                    {"case_id": self.case.id, "action_type": "promise", "promise_amount": -1},
                ]
            )
        self.assertFalse(self.case.action_ids)
        self.assertEqual(self.case.contact_count, 0)

    def test_the_case_methods_are_the_paths_of_state_changes(self):
        case = self.case.with_user(self.collector)
        for method, args in (("action_pause", ("",)), ("action_dispute", (" ",)), ("action_escalate", ("",))):
            with self.assertRaisesRegex(UserError, "needs a reason"):
                getattr(case, method)(*args)
        case.action_pause(
            "Waiting for the auditor", (TODAY + timedelta(days=10)).isoformat()
        )  # as JSON sends it
        self.assertEqual((case.paused, case.pause_until), (True, TODAY + timedelta(days=10)))
        case.action_resume()
        case.action_dispute("Wrong quantity")
        self.assertEqual(case.stage_id, self.env.ref("eh_collections_case.stage_disputed"))
        case.action_resolve_dispute()
        case.action_escalate("The customer stopped answering")
        self.assertEqual((case.priority, case.followup_asap), ("1", True))
        self.assertEqual(case.stage_id, self.env.ref("eh_collections_case.stage_escalated"))
        self.assertEqual(
            case.action_ids.sorted("id").mapped("action_type"),
            ["pause", "resume", "dispute", "dispute_resolved", "escalation"],
        )
        self.assertEqual(set(case.action_ids.user_id), {self.collector})

    def test_a_resolved_case_takes_no_promise_and_no_hold(self):
        self.pay(self.case.invoice_ids, 1200)
        self.refresh()
        self.assertEqual(self.case.state, "resolved")
        with self.assertRaisesRegex(ValidationError, "takes no promise"):
            self.create_as(self.collector, action_type="promise", promise_amount=10, promise_date=TODAY)
        with self.assertRaisesRegex(UserError, "cannot be paused"):
            self.case.action_pause("Too late")


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestFiguresNotByHand(DunningCommon):
    """The ledger figures, the counters, the promise, the ladder position and the
    state move only through their paths; the rest of the case stays editable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls.overdue_case(900, 50)

    def test_owned_fields_are_refused_to_collectors_and_managers(self):
        level = self.level(self.standard, 2)
        for name, value, origin in (
            ("total_overdue_amount", 0, "from the ledger"),
            ("amount_31_60", 0, "from the ledger"),
            ("days_overdue_max", 1, "from the ledger"),
            ("followup_count", 99, "counted from the case history"),
            ("contact_count", 99, "counted from the case history"),
            ("state", "resolved", "action_refresh"),
            ("promise_amount", 5, "comes from the history"),
            ("promise_date", TODAY, "comes from the history"),
            ("paused", True, "action_pause"),
            ("disputed", True, "action_dispute"),
            ("level_id", level.id, "when a reminder is sent"),
            ("partner_id", self.other_customer.id, "one customer for good"),
        ):
            for user in (self.collector, self.manager):
                with self.assertRaisesRegex(UserError, origin):
                    self.case.with_user(user).write({name: value})
        self.env.invalidate_all()
        self.assertAlmostEqual(self.case.total_overdue_amount, 900)
        self.assertEqual(
            (self.case.state, self.case.level_id, self.case.paused), ("open", level.browse(), False)
        )

    def test_assignment_priority_stage_and_colour_stay_editable(self):
        stage = self.env.ref("eh_collections_case.stage_contacted")
        self.case.with_user(self.collector).write(
            {"user_id": self.collector.id, "priority": "2", "stage_id": stage.id, "color": 3}
        )
        self.assertEqual(
            (self.case.user_id, self.case.priority, self.case.stage_id), (self.collector, "2", stage)
        )

    def test_a_case_made_by_hand_takes_its_figures_from_the_ledger(self):
        with self.assertRaisesRegex(UserError, "cannot be set by hand"):
            self.Case.create({"partner_id": self.other_customer.id, "total_overdue_amount": 5000})
        with self.assertRaisesRegex(UserError, "nothing overdue to collect"):
            self.Case.create({"partner_id": self.other_customer.id})
        self.post_invoice(350, 12, partner=self.other_customer)
        case = self.Case.with_user(self.collector).create({"partner_id": self.other_customer.id})
        self.assertAlmostEqual(case.total_overdue_amount, 350)
        self.assertEqual((case.days_overdue_max, case.amount_1_30), (12, 350))
        with self.assertRaisesRegex(UserError, "cannot be duplicated"):
            case.copy()

    def test_reminders_move_only_through_send_and_discard(self):
        self.level(self.standard, 2).needs_approval = True
        self.run_cron()
        draft = self.env["eh.collections.followup"].search([("case_id", "=", self.case.id)])
        self.assertEqual(draft.state, "to_approve")
        for values in ({"state": "sent"}, {"decided_by_id": self.collector.id}, {"level_id": False}):
            with self.assertRaisesRegex(UserError, "cannot be set by hand"):
                draft.with_user(self.manager).write(values)
        with self.assertRaisesRegex(UserError, "not created by hand"):
            self.env["eh.collections.followup"].with_user(self.manager).create(
                {"case_id": self.case.id, "level_id": draft.level_id.id, "state": "sent"}
            )
        draft.with_user(self.collector).write({"subject": "Edited"})
        with self.mock_mail_gateway():
            draft.with_user(self.collector).action_send()
        self.assertEqual((draft.state, draft.decided_by_id), ("sent", self.collector))
        with self.assertRaisesRegex(UserError, "already sent or discarded"):
            draft.with_user(self.collector).write({"subject": "Too late"})

    def test_fee_markers_move_only_with_a_posted_fee(self):
        invoice = self.case.invoice_ids
        for values in (
            {"eh_fee_charged_until": TODAY},
            {"eh_interest_charged_until": TODAY},
            {"eh_compensation_charged": True},
            {"eh_fee_case_id": self.case.id},
        ):
            with self.assertRaisesRegex(UserError, "set when late fees are posted"):
                invoice.write(values)
        with self.assertRaisesRegex(UserError, "set when late fees are posted"):
            self._create_invoice(partner_id=self.customer.id, eh_fee_case_id=self.case.id, post=False)
        self.assertFalse(invoice.eh_fee_charged_until)


@tagged("post_install", "-at_install")
class TestOneLadderStory(DunningCommon):
    """What the form says the cron will send is what the cron sends."""

    @freeze_time(TODAY)
    def test_an_old_debt_shows_and_gets_the_level_it_reached(self):
        case = self.overdue_case(3000, 413)
        self.assertEqual((case.next_level_id, case.next_followup_date), (self.level(self.standard, 4), TODAY))
        self.run_cron()
        self.assertEqual(case.level_id, self.level(self.standard, 4))
        self.assertFalse(case.next_level_id, "the ladder is done")
        self.assertIn("no level after Demand letter", case._next_reminder_sentence())

    def test_the_next_date_waits_and_is_never_in_the_past(self):
        with freeze_time(TODAY):
            case = self.overdue_case(500, 3)
            self.assertEqual(
                (case.next_level_id, case.next_followup_date),
                (self.level(self.standard, 1), TODAY + timedelta(days=4)),
            )
            self.assertFalse(case._due_level())
        with freeze_time(TODAY + timedelta(days=40)):  # nobody refreshed: still not in the past
            case.invalidate_recordset()
            self.assertEqual(case.next_followup_date, TODAY + timedelta(days=40))
        with freeze_time(TODAY + timedelta(days=4)):
            self.refresh()
            self.run_cron()
            self.assertEqual(case.level_id, self.level(self.standard, 1))
            self.assertEqual(
                (case.next_level_id, case.next_followup_date),
                (self.level(self.standard, 2), TODAY + timedelta(days=27)),
                "Firm reminder at 30 days",
            )

    @freeze_time(TODAY)
    def test_holds_and_promises_move_the_next_date(self):
        case = self.overdue_case(800, 35)
        case.action_pause("Restructuring", TODAY + timedelta(days=6))
        self.assertEqual(case.next_followup_date, TODAY + timedelta(days=7))
        self.assertIn("Firm reminder on Mar 22, sent by the follow-up cron", case._next_reminder_sentence())
        case.action_resume()
        case.action_pause("Until further notice")
        self.assertFalse(case.next_followup_date)
        self.assertIn("once the case is resumed", case._next_reminder_sentence())
        case.action_resume()
        case.action_dispute("Wrong goods")
        self.assertFalse(case.next_followup_date)
        case.action_resolve_dispute()
        self.assertEqual(case.next_followup_date, TODAY)
        self.assertIn("today, sent by the follow-up cron", case._next_reminder_sentence())
        case._log_action(
            [{"action_type": "promise", "promise_amount": 300, "promise_date": TODAY + timedelta(days=9)}]
        )
        self.assertEqual(case.next_followup_date, TODAY + timedelta(days=10))

    @freeze_time(TODAY)
    def test_a_demand_letter_uses_the_strategy_letter_level_else_the_statement(self):
        standard = self.overdue_case(1500, 95)
        self.other_customer.with_company(self.company).eh_collections_strategy_id = self.vip
        self.post_invoice(700, 95, partner=self.other_customer)
        self.refresh()
        vip = self.open_case(self.other_customer)
        wizard = self.env["eh.collections.send.reminders"].create(
            {"case_ids": [Command.set((standard | vip).ids)], "purpose": "letter"}
        )
        wizard.action_preview()
        by_case = {line.case_id: line for line in wizard.line_ids}
        self.assertEqual(
            (by_case[standard].level_id, by_case[standard].kind), (self.level(self.standard, 4), "level")
        )
        self.assertEqual(
            (by_case[vip].level_id, by_case[vip].kind, by_case[vip].status),
            (self.level(self.vip, 1).browse(), "statement", "ready"),
        )
        self.assertIn("has no letter level", by_case[vip].message)
        with self.mock_mail_gateway():
            wizard.action_send()
        self.assertEqual(by_case[vip].status, "sent")
        letter = vip.action_ids.filtered(lambda a: a.action_type == "letter")
        self.assertIn("Statement of Account", letter.note)
        self.assertFalse(vip.level_id, "the statement letter is outside the ladder")
        task = vip.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("eh_collections_case.mail_activity_type_print_letter")
        )
        self.assertEqual(task.attachment_ids.name, letter.note)


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestOverduePerInstalment(DunningCommon):
    """An invoice whose payment terms have two instalments, the first one late: the
    case, the statement, the reminder and the fees chase that instalment only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        terms = cls.env["account.payment.term"].create(
            {
                "name": "Half now, half in 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )
        cls.invoice = cls._create_invoice(
            partner_id=cls.customer.id,
            invoice_date=TODAY - timedelta(days=40),
            invoice_payment_term_id=terms.id,
            invoice_line_ids=[cls._prepare_invoice_line(price_unit=2000, tax_ids=[])],
            post=True,
        )
        cls.Case._refresh_from_ledger(cls.company)
        cls.case = cls.Case.search([("partner_id", "=", cls.customer.id), ("state", "=", "open")])

    def test_the_case_chases_the_late_instalment(self):
        self.assertEqual(
            self.invoice.invoice_date_due, TODAY + timedelta(days=20), "the invoice is due later"
        )
        self.assertAlmostEqual(self.case.total_overdue_amount, 1000)
        self.assertAlmostEqual(self.case.amount_not_due, 1000)
        self.assertEqual(self.case.overdue_line_ids.date_maturity, TODAY - timedelta(days=40))
        self.assertEqual(self.case.overdue_move_ids, self.invoice)
        self.assertEqual(self.invoice.eh_days_overdue, 40)

    def test_the_reminder_names_the_late_instalment_and_records_it(self):
        self.run_cron()
        body = self.reminders()[0]["body"]
        self.assertIn("1,000.00", body)
        self.assertNotIn("2,000.00", body)
        self.assertIn("02/03/2026", body, "the instalment's due date")
        named = self.case.action_ids.filtered(lambda a: a.action_type == "email").invoice_ids
        self.assertEqual(
            (named.move_id, named.date_maturity, named.amount_residual),
            (self.invoice, TODAY - timedelta(days=40), 1000),
        )

    def test_the_statement_lists_both_instalments_and_ages_each(self):
        statement = self.env["report.eh_collections_case.report_statement"]._statement(
            self.customer, self.company
        )
        self.assertEqual([line["days_overdue"] for line in statement["lines"]], [40, 0])
        [(currency, aging)] = statement["aging"]
        self.assertEqual(currency, self.company.currency_id)
        self.assertAlmostEqual(aging["31_60"], 1000)
        self.assertAlmostEqual(aging["not_due"], 1000)

    def test_fees_charge_the_late_instalment_only(self):
        wizard = (
            self.env["eh.collections.late.fee"]
            .with_context(default_case_id=self.case.id)
            .create({"charge": "prorated", "monthly_rate": 1.5})
        )
        self.assertEqual(len(wizard.line_ids), 1)
        line = wizard.line_ids
        self.assertEqual((line.days, line.residual, line.amount), (40, 1000, 20.0))  # 1000 x 1.5% x 40 / 30


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestRemindersNameTheirInvoices(DunningCommon):
    def test_each_reminder_records_the_invoices_it_named(self):
        first = self.post_invoice(700, 10)
        second = self.post_invoice(300, 12)
        self.post_invoice(900, -5)  # not due yet: not named
        self.refresh()
        self.run_cron()
        case = self.open_case()
        reminder = case.action_ids.filtered(lambda a: a.action_type == "email")
        self.assertEqual(
            {n.move_id: n.amount_residual for n in reminder.invoice_ids}, {first: 700, second: 300}
        )
        self.pay(first, 200, days_ago=0)
        self.assertEqual(
            reminder.invoice_ids.filtered(lambda n: n.move_id == first).amount_residual, 700, "as sent"
        )
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            reminder.invoice_ids.write({"amount_residual": 1})
        with self.assertRaisesRegex(UserError, "recorded when it is sent"):
            self.env["eh.collections.action.invoice"].with_user(self.collector).create(
                {"action_id": reminder.id, "move_id": first.id, "currency_id": first.currency_id.id}
            )
        self.assertEqual(first.with_user(self.collector).eh_reminder_count, 1)
        self.assertEqual(self.customer.with_user(self.collector).eh_reminder_count, 1)
        for record in (first, self.customer):
            action = record.with_user(self.collector).action_view_eh_reminders()
            self.assertEqual(self.env["eh.collections.action"].search(action["domain"]), reminder)


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestPartnerMerge(DunningCommon):
    """Odoo's Merge contacts on two customers that both have an open case."""

    def test_merge_leaves_one_open_case_with_both_histories(self):
        twin = self.env["res.partner"].create({"name": "Gemini Furniture (old)", "is_company": True})
        self.post_invoice(1000, 40)
        self.post_invoice(250, 70, partner=twin)
        self.refresh()
        kept, merged = self.open_case(), self.open_case(twin)
        kept._log_action([{"action_type": "call", "contact_made": True, "note": "kept case call"}])
        merged._log_action([{"action_type": "email", "note": "merged case email"}])
        merged.message_post(body="A note on the merged case")
        rows = (kept | merged).action_ids
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .sudo()
            .create(
                {"partner_ids": [Command.set((self.customer | twin).ids)], "dst_partner_id": self.customer.id}
            )
        )
        wizard.action_merge()
        self.assertFalse(twin.exists())
        self.assertFalse(merged.exists())
        case = self.open_case()
        self.assertEqual(case, kept)
        self.assertAlmostEqual(case.total_overdue_amount, 1250, msg="both customers' invoices")
        self.assertEqual(case.days_overdue_max, 70)
        self.assertLessEqual(rows, case.action_ids, "both histories")
        self.assertEqual(set(case.action_ids.partner_id), {self.customer})
        self.assertIn("Merged with the case of", case.action_ids.sorted("id")[-1].note)
        self.assertEqual((case.followup_count, case.contact_count), (2, 1))
        self.assertTrue(case.message_ids.filtered(lambda m: "A note on the merged case" in (m.body or "")))
        # The trigger's merge exception lasted for the merge only.
        self.env.flush_all()
        with (
            self.assertRaisesRegex(psycopg2.Error, "append-only"),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                SQL("UPDATE eh_collections_action SET case_id = case_id WHERE id = %s", rows[0].id)
            )

    def test_the_merge_exception_rewrites_nothing_but_customer_and_case(self):
        case = self.overdue_case(100, 20)
        row = case._log_action([{"action_type": "note", "note": "original"}])
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT set_config('eh_collections.merging_partners', 'on', true)"))
        with (
            self.assertRaisesRegex(psycopg2.Error, "append-only"),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                SQL("UPDATE eh_collections_action SET note = 'rewritten' WHERE id = %s", row.id)
            )
        with (
            self.assertRaisesRegex(psycopg2.Error, "append-only"),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(SQL("DELETE FROM eh_collections_action WHERE id = %s", row.id))
        self.env.cr.execute(SQL("SELECT set_config('eh_collections.merging_partners', 'off', true)"))
