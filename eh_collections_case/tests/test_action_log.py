from datetime import timedelta

import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL, mute_logger

from .common import TODAY, CollectionsCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestActionLog(CollectionsCommon):
    """The history of a case: appended by collectors, never rewritten."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls.overdue_case(1200, 40)

    def log(self, user=None, **values):
        return self.log_with_wizard(self.case, user, **values).sorted("id")[-1:]

    def test_logged_call_records_amounts_counters_chatter_and_stage(self):
        action = self.log(action_type="call", contact_made=True, note="Spoke to Edwin, invoice approved")
        self.assertEqual(action.action_type, "call")
        self.assertEqual(action.user_id, self.collector)
        self.assertEqual(action.partner_id, self.customer)
        self.assertEqual(action.company_id, self.company)
        self.assertAlmostEqual(action.amount_at_action, 1200)
        self.assertEqual(action.days_overdue_at_action, 40)
        self.assertEqual(action.state, "done")
        self.assertEqual(self.case.contact_count, 1)
        self.assertEqual(self.case.followup_count, 1, "a call is a follow-up too")
        self.assertTrue(self.case.last_contact_date)
        self.assertEqual(self.case.stage_id, self.env.ref("eh_collections_case.stage_contacted"))
        message = self.case.message_ids.filtered(lambda m: "Spoke to Edwin" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn("customer reached", message.body)

    def test_email_counts_as_follow_up_not_contact(self):
        self.log(action_type="email", contact_made=False)
        self.assertEqual(self.case.followup_count, 1)
        self.assertEqual(self.case.contact_count, 0)
        self.assertEqual(self.case.stage_id, self.env.ref("eh_collections_case.stage_new"))

    def test_promise_sets_case_and_moves_to_promised(self):
        promise_date = TODAY + timedelta(days=10)
        self.log(
            action_type="call",
            contact_made=True,
            with_promise=True,
            promise_amount=800,
            promise_date=promise_date,
        )
        rows = self.case.action_ids
        self.assertEqual(sorted(rows.mapped("action_type")), ["call", "promise"])
        promise = rows.filtered(lambda a: a.action_type == "promise")
        self.assertAlmostEqual(promise.promise_amount, 800)
        self.assertEqual(self.case.promise_date, promise_date)
        self.assertTrue(self.case.has_active_promise)
        self.assertFalse(self.case.broken_promise)
        self.assertEqual(self.case.stage_id, self.env.ref("eh_collections_case.stage_promised"))
        self.assertIn(self.case, self.Case.search([("has_active_promise", "=", True)]))
        self.assertNotIn(self.case, self.Case.search([("has_active_promise", "=", False)]))
        self.assertIn(self.case, self.Case.search([("broken_promise", "=", False)]))
        with freeze_time(promise_date + timedelta(days=1)):
            self.case.invalidate_recordset(["has_active_promise", "broken_promise"])
            self.assertTrue(self.case.broken_promise)
            self.assertIn(self.case, self.Case.search([("broken_promise", "=", True)]))
            self.assertNotIn(self.case, self.Case.search([("has_active_promise", "=", True)]))

    def test_bad_promise_refused_and_nothing_logged(self):
        for amount, when, message in (
            (-5, TODAY + timedelta(days=3), "greater than zero"),
            (100, TODAY - timedelta(days=1), "in the past"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                self.log(action_type="call", with_promise=True, promise_amount=amount, promise_date=when)
        self.assertFalse(self.case.action_ids)
        self.assertFalse(self.case.promise_date)

    def test_pause_and_resume_are_logged(self):
        hold = (
            self.env["eh.collections.hold"]
            .with_user(self.collector)
            .create(
                {
                    "case_id": self.case.id,
                    "mode": "pause",
                    "reason": "Customer in restructuring",
                    "pause_until": TODAY + timedelta(days=14),
                }
            )
        )
        hold.action_confirm()
        self.assertTrue(self.case.paused)
        self.assertEqual(self.case.pause_until, TODAY + timedelta(days=14))
        self.case.with_user(self.collector).action_resume()
        self.assertFalse(self.case.paused)
        self.assertEqual(self.case.action_ids.sorted("id").mapped("action_type"), ["pause", "resume"])

    def test_pause_until_past_date_refused(self):
        hold = self.env["eh.collections.hold"].create(
            {"case_id": self.case.id, "mode": "pause", "reason": "x", "pause_until": TODAY}
        )
        with self.assertRaisesRegex(ValidationError, "after today"):
            hold.action_confirm()
        self.assertFalse(self.case.paused)

    def test_dispute_moves_to_disputed(self):
        self.env["eh.collections.hold"].with_user(self.collector).create(
            {"case_id": self.case.id, "mode": "dispute", "reason": "Goods damaged on delivery"}
        ).action_confirm()
        self.assertTrue(self.case.disputed)
        self.assertEqual(self.case.stage_id, self.env.ref("eh_collections_case.stage_disputed"))
        self.assertIn(self.case, self.Case.search([("disputed", "=", True)]))
        self.case.action_resolve_dispute()
        self.assertFalse(self.case.disputed)
        self.assertEqual(
            self.case.action_ids.sorted("id").mapped("action_type"), ["dispute", "dispute_resolved"]
        )

    def test_history_cannot_be_changed_through_the_orm_even_as_superuser(self):
        action = self.log(action_type="note", note="original")
        for env_user in (action.with_user(self.collector), action.sudo()):
            with self.assertRaisesRegex(UserError, "cannot be changed"):
                env_user.write({"note": "rewritten"})
        with self.assertRaises(AccessError):  # no group may delete history
            action.with_user(self.collector).unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            action.sudo().unlink()
        self.assertTrue(action.exists())
        self.assertEqual(action.note, "original")

    def test_history_cannot_be_changed_through_raw_sql(self):
        action = self.log(action_type="note", note="original")
        self.env.flush_all()
        for statement in (
            SQL("UPDATE eh_collections_action SET note = 'rewritten' WHERE id = %s", action.id),
            SQL("DELETE FROM eh_collections_action WHERE id = %s", action.id),
            SQL("TRUNCATE eh_collections_action CASCADE"),
        ):
            with (
                self.assertRaisesRegex(psycopg2.Error, "append-only"),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                self.env.cr.execute(statement)
        self.env.invalidate_all()
        self.assertEqual(action.note, "original")

    def test_case_with_history_cannot_be_deleted(self):
        self.log(action_type="note", note="keep me")
        with self.assertRaisesRegex(UserError, "resolve it instead"):
            self.case.sudo().unlink()

    def test_second_open_case_refused_in_users_words(self):
        with self.assertRaisesRegex(UserError, "already has an open collections case"):
            self.Case.create({"partner_id": self.contact.id})
