import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from psycopg2.errors import SerializationFailure, UniqueViolation

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install", "-standard", "collections_concurrency")
class TestConcurrency(TransactionCase):
    """Two real transactions on the same customer, committed to the database.

    The rows they commit stay in the test database (a customer of its own per
    test, in the main company): history is append-only, so it cannot be cleaned.
    """

    @contextmanager
    def real_env(self):
        """A new transaction of its own, committed when the block ends."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def committed_overdue_customer(self):
        with self.real_env() as env:
            company = env.ref("base.main_company")
            partner = env["res.partner"].create(
                {"name": f"Race Customer {uuid.uuid4().hex[:8]}", "is_company": True}
            )
            today = fields.Date.context_today(partner)
            invoice = (
                env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": today - timedelta(days=70),
                        "invoice_date_due": today - timedelta(days=40),
                        "invoice_line_ids": [
                            (0, 0, {"name": "Service", "price_unit": 900, "tax_ids": [(5, 0, 0)]})
                        ],
                    }
                )
            )
            invoice.action_post()
            return partner.id, company.id

    def open_cases(self, partner_id, company_id):
        with self.real_env() as env:
            return env["eh.collections.case"].search_count(
                [("partner_id", "=", partner_id), ("company_id", "=", company_id), ("state", "=", "open")]
            )

    @staticmethod
    def refreshed_case(env, partner_id, company_id, email=None):
        """The committed customer's open case, refreshed from its ledger in `env`."""
        partner = env["res.partner"].browse(partner_id)
        if email:
            partner.email = email
        Case = env["eh.collections.case"]
        Case._refresh_from_ledger(env["res.company"].browse(company_id), partners=partner)
        return Case.search([("partner_id", "=", partner_id), ("state", "=", "open")])

    def test_refresh_then_manual_creation_leaves_one_case(self):
        partner_id, company_id = self.committed_overdue_customer()
        with self.real_env() as manual:
            manual["eh.collections.case"].search_count([])  # this transaction's snapshot starts here
            with self.real_env() as cron:
                cron["eh.collections.case"]._refresh_from_ledger(
                    cron["res.company"].browse(company_id), partners=cron["res.partner"].browse(partner_id)
                )
            values = {"partner_id": partner_id, "company_id": company_id}
            with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
                manual["eh.collections.case"].create(values)
                manual.flush_all()
            manual.cr.rollback()
            # What the RPC layer does next: retry in a fresh transaction, which sees
            # the committed case and answers in the collector's words.
            with self.assertRaisesRegex(UserError, "already has an open collections case"):
                manual["eh.collections.case"].create(values)
            manual.cr.rollback()
        self.assertEqual(self.open_cases(partner_id, company_id), 1)

    def test_manual_creation_then_refresh_leaves_one_case(self):
        partner_id, company_id = self.committed_overdue_customer()
        with self.real_env() as cron:
            cron["eh.collections.case"].search_count([])
            with self.real_env() as manual:
                manual["eh.collections.case"].create({"partner_id": partner_id, "company_id": company_id})
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                cron["eh.collections.case"]._refresh_from_ledger(
                    cron["res.company"].browse(company_id), partners=cron["res.partner"].browse(partner_id)
                )
            cron.cr.rollback()
            # The next run updates the manual case instead of adding one.
            stats = cron["eh.collections.case"]._refresh_from_ledger(
                cron["res.company"].browse(company_id), partners=cron["res.partner"].browse(partner_id)
            )
            self.assertEqual(stats["created"], 0)
        self.assertEqual(self.open_cases(partner_id, company_id), 1)

    def test_concurrent_loggers_never_conflict_and_every_row_counts(self):
        """Six collectors log on one case at once, each in a transaction of its own and
        without Odoo's retry: none conflicts, because a log row never updates the
        case's row (the counters are counted from the log). Reintroduce a stored
        counter bumped per row and the concurrent commits fail with serialization
        errors at Odoo's REPEATABLE READ."""
        partner_id, company_id = self.committed_overdue_customer()
        with self.real_env() as env:
            env["eh.collections.case"]._refresh_from_ledger(
                env["res.company"].browse(company_id), partners=env["res.partner"].browse(partner_id)
            )
            case = env["eh.collections.case"].search(
                [("partner_id", "=", partner_id), ("state", "=", "open")]
            )
            case._log_action(
                [{"action_type": "call", "contact_made": True}]
            )  # first contact: the stage moved
            case_id = case.id
        writers, rows_each = 6, 3
        start = threading.Barrier(writers)
        errors = []

        def log_calls():
            try:
                for _row in range(rows_each):
                    with self.real_env() as env:
                        env["eh.collections.action"].create(
                            {"case_id": case_id, "action_type": "call", "contact_made": True}
                        )
                        if _row == 0:
                            start.wait(timeout=60)  # all six transactions open before any commits
            except Exception as error:  # surfaced below, in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=log_calls) for _ in range(writers)]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertFalse([t for t in threads if t.is_alive()], "a logger hung")
        self.assertFalse(errors)
        with self.real_env() as env:
            case = env["eh.collections.case"].browse(case_id)
            self.assertEqual(case.contact_count, 1 + writers * rows_each)
            self.assertEqual(len(case.action_ids), 1 + writers * rows_each)

    def test_the_cron_leaves_a_case_locked_by_a_collector_to_its_next_run(self):
        partner_id, company_id = self.committed_overdue_customer()
        with self.real_env() as env:
            env["res.partner"].browse(partner_id).email = "ap@race.example.com"
            case_id = self.refreshed_case(env, partner_id, company_id).id

        def emails(env):
            return env["eh.collections.action"].search_count(
                [("case_id", "=", case_id), ("action_type", "=", "email")]
            )

        with self.real_env() as collector:
            collector["eh.collections.case"].browse(case_id).lock_for_update()  # sending it by hand right now
            with self.real_env() as cron:
                cron["eh.collections.case"]._cron_send_followups()
                self.assertEqual(emails(cron), 0, "skipped while locked")
        with self.real_env() as cron:
            cron["eh.collections.case"]._cron_send_followups()
            self.assertEqual(emails(cron), 1, "sent by the next run")

    def test_a_promise_committed_while_a_manager_sends_holds_the_reminder(self):
        """The one decision against a concurrent promise: the manager's transaction
        began before the collector's promise was committed, so its read of the holds
        finds none; sending then writes the case the promise wrote, PostgreSQL refuses
        it (Odoo's REPEATABLE READ), and the retry reads the promise and holds the
        reminder. Nothing reaches the customer."""
        partner_id, company_id = self.committed_overdue_customer()
        with self.real_env() as env:
            case = self.refreshed_case(env, partner_id, company_id, email="ap@race.example.com")
            followup_id = (
                env["eh.collections.followup"]
                ._queue_template(case, case.next_level_id, "Approved by a person.")
                .id
            )
            case_id, today = case.id, case._today()

        with self.real_env() as manager:
            followup = manager["eh.collections.followup"].browse(followup_id)
            self.assertFalse(
                followup.case_id.reminder_hold, "nothing holds the customer yet"
            )  # snapshot taken
            with self.real_env() as collector:
                collector["eh.collections.case"].browse(case_id)._log_action(
                    [
                        {
                            "action_type": "promise",
                            "contact_made": True,
                            "promise_amount": 500,
                            "promise_date": today + timedelta(days=5),
                        }
                    ]
                )
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                followup.action_send()
                manager.flush_all()
            manager.cr.rollback()
            # Odoo retries the request in a fresh transaction: the promise is read, the reminder held.
            with self.assertRaisesRegex(UserError, "Held: promise of"):
                followup.action_send()
            manager.cr.rollback()
        with self.real_env() as env:
            followup = env["eh.collections.followup"].browse(followup_id)
            self.assertEqual(followup.state, "to_approve")
            sent = env["eh.collections.action"].search_count(
                [("case_id", "=", case_id), ("action_type", "=", "email"), ("state", "=", "done")]
            )
            self.assertEqual(sent, 0)
            self.assertFalse(
                env["mail.mail"].search([("recipient_ids", "in", [partner_id])]), "no mail queued"
            )

    def test_a_payment_commits_while_a_cron_holds_its_case(self):
        """Accounting never waits for collections: a cron holds the case's row (as the
        follow-up cron's batch does) while an accountant registers the payment in a
        transaction of its own. The payment commits at once; the case's refresh is
        left to the job triggered for right after the commit, which brings it in step."""
        partner_id, company_id = self.committed_overdue_customer()
        with self.real_env() as env:
            case_id = self.refreshed_case(env, partner_id, company_id).id
            invoice_id = env["account.move"].search([("partner_id", "=", partner_id)]).id
        with self.real_env() as cron:
            cron["eh.collections.case"].browse(case_id).lock_for_update(allow_referencing=True)
            with self.real_env() as accountant:
                accountant.cr.execute(
                    "SET LOCAL lock_timeout = '5s'"
                )  # a wait would fail the test, not hang it
                invoice = accountant["account.move"].browse(invoice_id)
                accountant["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({"group_payment": True})._create_payments()
            # committed while the cron still holds the case
        with self.real_env() as env:
            invoice = env["account.move"].browse(invoice_id)
            self.assertIn(invoice.payment_state, ("paid", "in_payment"), "the payment went through")
            deferred = env["eh.collections.refresh.deferred"].search([("partner_id", "=", partner_id)])
            self.assertEqual(len(deferred), 1, "the case's refresh waits for the job")
            self.assertEqual(env["eh.collections.case"].browse(case_id).total_overdue_amount, 900)
            cron_record = env.ref("eh_collections_case.ir_cron_refresh_deferred")
            self.assertTrue(env["ir.cron.trigger"].search_count([("cron_id", "=", cron_record.id)]))
            env["eh.collections.refresh.deferred"]._cron_refresh_deferred()
        with self.real_env() as env:
            case = env["eh.collections.case"].browse(case_id)
            self.assertEqual(case.total_overdue_amount, 0, "in step once the job ran")
            self.assertFalse(env["eh.collections.refresh.deferred"].search([("partner_id", "=", partner_id)]))

    def test_two_workers_send_one_coming_due_notice_and_a_payment_waits_for_neither(self):
        """Two workers at once on one invoice falling due: the first claims it, the
        second gets nothing (not the first's mail twice); and the invoice's payment in
        a third transaction commits while the first still sends, without waiting."""
        with self.real_env() as env:
            company = env.ref("base.main_company")
            tag = uuid.uuid4().hex[:8]
            strategy = env["eh.collections.strategy"].create(
                {
                    "name": f"Race notice {tag}",
                    "company_id": company.id,
                    "level_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Coming due",
                                "days_overdue": -5,
                                "min_days_since_previous": 0,
                                "mail_template_id": env.ref(
                                    "eh_collections_case.mail_template_coming_due"
                                ).id,
                            },
                        )
                    ],
                }
            )
            partner = env["res.partner"].create(
                {
                    "name": f"Race Notice {tag}",
                    "is_company": True,
                    "email": f"ap-{tag}@race.example.com",
                    "eh_collections_strategy_id": strategy.id,
                }
            )
            today = company._eh_collections_today()
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=28),
                    "invoice_date_due": today + timedelta(days=2),
                    "invoice_line_ids": [
                        (0, 0, {"name": "Service", "price_unit": 700, "tax_ids": [(5, 0, 0)]})
                    ],
                }
            )
            invoice.action_post()
            partner_id, invoice_id, company_id = partner.id, invoice.id, company.id

        def ours(env):
            Notice = env["eh.collections.predue.notice"]
            due = Notice._due_notices(env["res.company"].browse(company_id))
            return Notice, [item for item in due if item[0].id == partner_id]

        with self.real_env() as first:
            Notice, due = ours(first)
            self.assertEqual(len(due), 1)
            self.assertEqual(len(Notice._send_batch(due)), 1, "the first worker sends it")
            with self.real_env() as second:
                Notice2, due2 = ours(second)
                self.assertEqual(len(due2), 1, "the first has not committed: still due to the second")
                self.assertFalse(Notice2._send_batch(due2), "the second finds it claimed")
            with self.real_env() as accountant:
                accountant.cr.execute("SET LOCAL lock_timeout = '5s'")  # a wait fails the test
                invoice = accountant["account.move"].browse(invoice_id)
                accountant["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({"group_payment": True})._create_payments()
        with self.real_env() as env:
            self.assertEqual(
                env["eh.collections.predue.notice"].search_count([("partner_id", "=", partner_id)]), 1
            )
            self.assertIn(env["account.move"].browse(invoice_id).payment_state, ("paid", "in_payment"))

    def test_a_worker_whose_snapshot_predates_anothers_send_takes_nothing_and_sends_nothing(self):
        """Two follow-up workers of one run, in two real transactions: the second began
        before the first sent the case and committed. Its claim of the batch is refused
        by PostgreSQL (the listing it read was taken since), it claims again in a fresh
        transaction, finds the list empty, and the customer gets one reminder."""
        partner_id, company_id = self.committed_overdue_customer()
        with self.real_env() as env:
            case = self.refreshed_case(env, partner_id, company_id, email="ap@race.example.com")
            env["eh.collections.followup.pending"].search([]).unlink()  # a run of this case only
            env["eh.collections.followup.pending"].create(
                {"case_id": case.id, "days_overdue": 40, "planned_on": case._today()}
            )
            case_id = case.id
        with self.real_env() as late:
            self.assertEqual(late["eh.collections.followup.pending"].search_count([]), 1)  # snapshot taken
            with self.real_env() as first:
                taken = first["eh.collections.followup.pending"]._take(1)
                self.assertEqual(taken.ids, [case_id])
                taken._send_due_followups()
            with mute_logger(
                "odoo.sql_db", "odoo.addons.eh_collections_case.models.collections_followup_pending"
            ):
                self.assertFalse(late["eh.collections.followup.pending"]._take(1), "nothing left to take")
        with self.real_env() as env:
            emails = env["eh.collections.action"].search_count(
                [("case_id", "=", case_id), ("action_type", "=", "email"), ("state", "=", "done")]
            )
            self.assertEqual(emails, 1)

    def test_two_collectors_applying_matches_of_one_invoice_reconcile_it_once(self):
        """Two payments name the same invoice; two collectors apply their match at once,
        each in a transaction of its own. The second one's snapshot predates the first
        one's commit: PostgreSQL refuses its reconciliation, and Odoo's retry says the
        invoice was paid since. The invoice is paid once, the other payment stays open."""
        partner_id, company_id = self.committed_overdue_customer()
        with self.real_env() as env:
            self.refreshed_case(env, partner_id, company_id)
            invoice = env["account.move"].search([("partner_id", "=", partner_id)])
            journal = env["account.journal"].search(
                [("company_id", "=", company_id), ("type", "=", "bank")], limit=1
            )
            for _ in range(2):
                env["account.payment"].create(
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": partner_id,
                        "amount": 900,
                        "memo": invoice.name,
                        "journal_id": journal.id,
                        "company_id": company_id,
                    }
                ).action_post()
            invoice_id = invoice.id
        with self.real_env() as env:  # the matches the payments' commit suggested
            matches = env["eh.collections.payment.match"].search(
                [
                    ("partner_id", "=", partner_id),
                    ("state", "=", "suggested"),
                    ("invoice_ids", "in", invoice_id),
                ]
            )
            self.assertEqual(len(matches.move_line_id), 2, "each payment suggests the invoice")
            first_id, second_id = (found[:1].id for found in matches.grouped("move_line_id").values())
        with self.real_env() as second:
            second["eh.collections.payment.match"].browse(second_id).read(["state"])  # snapshot taken
            with self.real_env() as first:
                first["eh.collections.payment.match"].browse(first_id).action_apply()
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                second["eh.collections.payment.match"].browse(second_id).action_apply()
                second.flush_all()
            second.cr.rollback()
            with self.assertRaisesRegex(UserError, "paid or changed since this suggestion"):  # the retry
                second["eh.collections.payment.match"].browse(second_id).action_apply()
            second.cr.rollback()
        with self.real_env() as env:
            self.assertIn(env["account.move"].browse(invoice_id).payment_state, ("paid", "in_payment"))
            applied = env["eh.collections.payment.match"].search_count(
                [("partner_id", "=", partner_id), ("state", "=", "applied")]
            )
            self.assertEqual(applied, 1)

    def test_two_workers_take_different_cases_from_the_run(self):
        """Two workers taking batches at once from the run's list get different cases
        (FOR UPDATE SKIP LOCKED), the oldest debt first; a rolled-back batch goes back on
        the list."""
        customers = [self.committed_overdue_customer() for _ in range(2)]
        with self.real_env() as env:
            for partner_id, company_id in customers:
                env["eh.collections.case"]._refresh_from_ledger(
                    env["res.company"].browse(company_id), partners=env["res.partner"].browse(partner_id)
                )
            ours = env["eh.collections.case"].search(
                [("partner_id", "in", [p for p, _c in customers]), ("state", "=", "open")]
            )
            env["eh.collections.followup.pending"].search([]).unlink()  # a run of these two only
            younger, older = ours.sorted("id")  # the second listed as older debt
            env["eh.collections.followup.pending"].create(
                [
                    {"case_id": case.id, "days_overdue": days, "planned_on": case._today()}
                    for case, days in ((younger, 40), (older, 50))
                ]
            )
        with self.real_env() as first, self.real_env() as second:
            one = first["eh.collections.followup.pending"]._take(1)
            other = second["eh.collections.followup.pending"]._take(1)
            self.assertEqual(one.ids, older.ids, "the oldest debt first")
            self.assertEqual(other.ids, younger.ids, "the other case, not the same")
            self.assertFalse(second["eh.collections.followup.pending"]._take(1), "nothing left to take")
            second.cr.rollback()  # the second worker dies
        with self.real_env() as env:
            self.assertEqual(env["eh.collections.followup.pending"].search([]).case_id.ids, other.ids)
            env["eh.collections.followup.pending"].search([]).unlink()

    def test_charging_invoices_someone_else_is_charging_is_refused(self):
        partner_id, company_id = self.committed_overdue_customer()
        with self.real_env() as env:
            env["eh.collections.case"]._refresh_from_ledger(
                env["res.company"].browse(company_id), partners=env["res.partner"].browse(partner_id)
            )
            case = env["eh.collections.case"].search(
                [("partner_id", "=", partner_id), ("state", "=", "open")]
            )
            case_id, invoice_id = case.id, case.invoice_ids.id
        with self.real_env() as first:
            first["account.move"].browse(invoice_id).lock_for_update()
            with self.real_env() as second:
                wizard = (
                    second["eh.collections.late.fee"]
                    .with_context(default_case_id=case_id)
                    .create({"charge": "prorated", "monthly_rate": 1.0})
                )
                with self.assertRaisesRegex(UserError, "Someone is charging these invoices right now"):
                    wizard.action_post()
                second.cr.rollback()
        with self.real_env() as env:
            self.assertFalse(env["account.move"].search_count([("eh_fee_case_id", "=", case_id)]))
