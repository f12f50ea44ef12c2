from datetime import datetime, time, timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from odoo.addons.base.models import ir_cron as ir_cron_module
from odoo.addons.eh_collections_case.models import collections_case_dunning as case_module

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
class TestDunning(DunningCommon):
    """The follow-up cron walked through time, with the real outgoing mail."""

    def test_ladders_shipped_for_every_company(self):
        self.assertEqual(self.standard.level_ids.sorted("sequence").mapped("days_overdue"), [7, 30, 60, 90])
        self.assertEqual(self.vip.level_ids.sorted("sequence")[:1].days_overdue, 14)
        other = self.env["res.company"].create({"name": "Brand New Co"})
        self.assertEqual(self.env["eh.collections.strategy"].search_count([("company_id", "=", other.id)]), 2)

    @freeze_time(TODAY)
    def test_strategy_resolution(self):
        case = self.overdue_case(500, 10)
        self.assertEqual(case.strategy_id, self.standard)
        self.customer.with_company(self.company).eh_collections_strategy_id = self.vip
        case.invalidate_recordset(["strategy_id"])
        self.assertEqual(case.strategy_id, self.vip)
        self.contact.with_company(self.company).eh_collections_strategy_id = self.standard
        self.assertEqual(
            self.env["eh.collections.strategy"]._for_partner(self.contact, self.company), self.standard
        )

    @freeze_time(TODAY)
    def test_follow_up_due_filter_lists_what_the_cron_sends(self):
        self.post_invoice(1000, 10)  # past the first level (7 days)
        self.post_invoice(500, 3, partner=self.other_customer)  # before it
        self.refresh()
        Case = self.Case.with_user(self.collector)
        due = Case.search([("followup_due", "=", True)])
        self.assertEqual(due, self.open_case())
        self.assertTrue(due.followup_due)
        self.assertEqual(
            Case.search([("followup_due", "=", False), ("state", "=", "open")]),
            self.open_case(self.other_customer),
        )
        self.run_cron()
        self.assertEqual(len(self.reminders()), 1, "the cron sent what the filter listed, nothing more")
        self.assertFalse(Case.search([("followup_due", "=", True)]), "sent: nothing due until the next level")

    @freeze_time(TODAY)
    def test_first_level_sent_once_to_the_invoicing_contact_with_log(self):
        invoice = self.post_invoice(1000, 10)
        self.refresh()
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        waking = self.env["ir.cron.trigger"].search_count([("cron_id", "=", queue.id)])
        self.run_cron()
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", queue.id)]),
            waking,
            "the mail queue runs after the batch commits, not at its next hourly run",
        )
        case = self.open_case()
        self.assertEqual(case.level_id, self.level(self.standard, 1))
        self.assertEqual(len(self.reminders()), 1)
        mail = self.reminders()[0]
        self.assertEqual(mail["email_to"], ['"Gemini Accounts" <accounts@gemini.example.com>'])
        self.assertIn("Friendly reminder", mail["subject"])
        self.assertIn(invoice.name, mail["body"])
        # The signed pay link, good for the company's 30 days (tests/test_pay_link.py opens it).
        self.assertIn(f"{invoice.get_base_url()}/collections/pay/{invoice.id}/2026-04-14/", mail["body"])
        self.assertIn(invoice.eh_pay_url, mail["body"])
        log = case.action_ids
        self.assertEqual(
            (log.action_type, log.channel, log.level_id, log.state, log.days_overdue_at_action),
            ("email", "email", self.level(self.standard, 1), "done", 10),
        )
        self.assertAlmostEqual(log.amount_at_action, 1000)
        self.assertEqual(log.date, datetime.combine(TODAY, time()), "logged at the (frozen) time it was sent")
        self.assertEqual((case.followup_count, case.last_followup_date), (1, log.date))
        # The same day again: nothing more.
        self.run_cron()
        self.assertFalse(self.reminders())
        self.assertEqual(len(case.action_ids), 1)

    def test_vip_waits_longer_and_levels_follow_each_other(self):
        with freeze_time(TODAY):
            self.customer.with_company(self.company).eh_collections_strategy_id = self.vip
            self.post_invoice(800, 10)
            self.post_invoice(600, 10, partner=self.other_customer)
            self.refresh()
            self.run_cron()
            self.assertEqual(len(self.reminders()), 1, "only the standard customer reached its first level")
            self.assertFalse(self.open_case().level_id)
        with freeze_time(TODAY + timedelta(days=5)):
            self.refresh()
            self.run_cron()
            self.assertEqual(self.open_case().level_id, self.level(self.vip, 1))
            self.assertEqual(self.open_case(self.other_customer).level_id, self.level(self.standard, 1))
        with freeze_time(TODAY + timedelta(days=21)):
            self.refresh()
            self.run_cron()
            self.assertEqual(self.open_case(self.other_customer).level_id, self.level(self.standard, 2))
            self.assertEqual(
                self.open_case().level_id, self.level(self.vip, 1), "VIP's next level is at 45 days"
            )

    @freeze_time(TODAY)
    def test_reminder_lists_credits_and_payments_and_attaches_invoices(self):
        self.level(self.standard, 1).attach_invoices = True
        invoice = self.post_invoice(1000, 10)
        refund = self.post_invoice(100, 0, move_type="out_refund")
        payment = self.unapplied_payment(150)
        self.refresh()
        self.run_cron()
        body = self.reminders()[0]["body"]
        self.assertIn(invoice.name, body)
        self.assertIn(refund.name, body)
        self.assertIn(payment.move_id.name, body)
        self.assertIn("Payment received", body)
        self.assertIn("750.00", body, "the total to settle nets the credits")
        self.assertEqual(len(self.reminders()[0]["attachments"]), 1, "the overdue invoice is attached")

    @freeze_time(TODAY)
    def test_a_run_killed_mid_way_resends_nothing(self):
        """Batches of two: the crash on the third case loses only its own batch,
        and the next run sends each customer exactly one reminder."""
        ours = self._three_due_customers()
        Sender = type(self.env["eh.collections.followup.send"])
        original = Sender._send_followups
        sent = []

        def killed_on_the_third(sender, followups):
            for followup in followups:
                if len(sent) == 2:
                    raise RuntimeError("killed")  # outside the per-reminder savepoint: the job dies
                sent.append(followup.case_id)
                original(sender, followup)
            return followups

        cron = self.env.ref("eh_collections_case.ir_cron_send_followups")
        with (
            patch.object(case_module, "FOLLOWUP_BATCH", 2),
            patch.object(Sender, "_send_followups", killed_on_the_third),
            self.enter_registry_test_mode(),
            self.mock_mail_gateway(),
        ):
            cron.method_direct_trigger()
        self.assertEqual(len(sent), 2, "the job died on the third case")
        self.env.invalidate_all()
        emailed = self.env["eh.collections.action"].search([("action_type", "=", "email")]).case_id.partner_id
        self.assertEqual(len(emailed & ours), 2, "the first batch stands")
        self.run_cron()
        for partner in ours:
            log = self.open_case(partner).action_ids.filtered(lambda a: a.action_type == "email")
            self.assertEqual(len(log), 1, partner.name)
        recipients = [to for mail in self.reminders() for to in mail["email_to"]]
        self.assertEqual(len(recipients), len(set(recipients)), "nobody got two reminders")
        self.assertEqual(len(recipients), 3)

    def _three_due_customers(self):
        """Three customers with a case due for its first level, alone in the run."""
        third = self.env["res.partner"].create(
            {"name": "Gemini Outlet", "is_company": True, "email": "outlet@gemini.example.com"}
        )
        ours = self.customer | self.other_customer | third
        for partner in ours:
            self.post_invoice(500, 10, partner=partner)
        self.refresh()
        self._out_of_the_way(ours)
        return ours

    def _out_of_the_way(self, ours):
        """Pause the cases other tests committed: they would share the run's batches."""
        self.Case.sudo().search([("state", "=", "open"), ("partner_id", "not in", ours.ids)]).action_pause(
            "Out of this test's way"
        )

    @freeze_time(TODAY)
    def test_a_job_cut_into_short_calls_lists_its_cases_once(self):
        """Odoo's cron calls the job again and again for its 10 seconds: each call
        takes up the run's list where the last one stopped, without listing the open
        cases again, and each customer gets one reminder."""
        ours = self._three_due_customers()
        Pending = type(self.env["eh.collections.followup.pending"])
        with (
            patch.object(case_module, "FOLLOWUP_BATCH", 1),
            patch.object(ir_cron_module, "MIN_TIME_PER_JOB", 0),  # every call out of time after a batch
            patch.object(Pending, "_plan", autospec=True, side_effect=Pending._plan) as listed,
        ):
            self.run_cron()
        self.assertEqual(listed.call_count, 1, "the run's cases are listed by its first call only")
        cron = self.env.ref("eh_collections_case.ir_cron_send_followups")
        calls = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])
        self.assertEqual(sorted(calls.mapped("done")), [1, 1, 1], "a batch of one per call")
        self.assertFalse(self.env["eh.collections.followup.pending"].search([]), "the run is over")
        for partner in ours:
            log = self.open_case(partner).action_ids.filtered(lambda a: a.action_type == "email")
            self.assertEqual(len(log), 1, partner.name)
        self.assertEqual(len(self.reminders()), 3)

    def test_a_run_that_died_yesterday_is_finished_with_todays_cases(self):
        """Yesterday's run died with a case still listed: today's first call sends it
        and the cases due since; a worker cron never starts a run of its own."""
        ours = self.customer | self.other_customer
        with freeze_time(TODAY - timedelta(days=1)):
            self.post_invoice(500, 10)
            self.refresh()
            self._out_of_the_way(ours)
            self.env["eh.collections.followup.pending"]._plan()  # the run dies before its first batch
        with freeze_time(TODAY):
            self.post_invoice(400, 8, partner=self.other_customer)
            self.refresh()
            self.run_cron("eh_collections_case.ir_cron_send_followups_worker")
            self.assertFalse(self.reminders(), "the worker left the stale run to the cron")
            self.assertEqual(self.env["eh.collections.followup.pending"].search([]).case_id, self.open_case())
            self.run_cron()
        self.assertEqual(len(self.reminders()), 2)
        for partner in ours:
            self.assertEqual(self.open_case(partner).level_id, self.level(self.standard, 1), partner.name)
        self.assertFalse(self.env["eh.collections.followup.pending"].search([]))

    def test_the_run_list_is_the_crons_own(self):
        """Nobody but the cron (and an administrator reading it) touches the run's list:
        a collector can neither read it nor put a case on it, as over the API."""
        case = self.overdue_case(500, 10)
        Pending = self.env["eh.collections.followup.pending"].with_user(self.collector)
        with self.assertRaises(AccessError):
            Pending.create({"case_id": case.id, "days_overdue": 10, "planned_on": TODAY})
        with self.assertRaises(AccessError):
            Pending.search([])

    @freeze_time(TODAY)
    def test_old_debt_jumps_to_the_level_it_reached(self):
        self.post_invoice(2000, 65)
        self.refresh()
        self.run_cron()
        case = self.open_case()
        self.assertEqual(case.level_id, self.level(self.standard, 3))
        self.assertIn("Final notice", self.reminders()[0]["subject"])
        self.assertEqual(sorted(case.action_ids.mapped("channel")), ["call", "email"])
        self.assertTrue(
            case.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
            )
        )

    def test_paused_case_skipped_then_resumed_after_pause_until(self):
        with freeze_time(TODAY):
            case = self.overdue_case(700, 20)
            case.action_pause("Restructuring", TODAY + timedelta(days=3))
            self.run_cron()
            self.assertFalse(self.reminders())
        with freeze_time(TODAY + timedelta(days=4)):
            self.run_cron("eh_collections_case.ir_cron_resume_paused_cases")
            self.assertFalse(case.paused)
            self.assertEqual(case.action_ids.sorted("id").mapped("action_type"), ["pause", "resume"])
            self.refresh()
            self.run_cron()
            self.assertEqual(len(self.reminders()), 1)

    @freeze_time(TODAY)
    def test_disputed_invoice_excluded_while_the_others_are_chased(self):
        disputed = self.post_invoice(5000, 40)
        chased = self.post_invoice(300, 40)
        self.refresh()
        disputed.write({"eh_disputed": True, "eh_dispute_reason": "Damaged goods"})
        self.refresh()
        case = self.open_case()
        self.assertAlmostEqual(case.total_overdue_amount, 300)
        self.assertIn("dispute", case.action_ids.mapped("action_type"))
        self.run_cron()
        self.assertIn(chased.name, self.reminders()[0]["body"])
        self.assertNotIn(disputed.name, self.reminders()[0]["body"])

    @freeze_time(TODAY)
    def test_customer_without_email_gets_a_call_instead(self):
        mute = self.env["res.partner"].create({"name": "Silent Ltd", "is_company": True})
        self.post_invoice(450, 12, partner=mute)
        self.refresh()
        self.run_cron()
        case = self.open_case(mute)
        self.assertFalse(self.reminders())
        log = case.action_ids
        self.assertEqual((log.state, log.action_type), ("skipped", "email"))
        self.assertIn("No email address", log.note)
        self.assertIn("no email address", case.activity_ids.summary)

    @freeze_time(TODAY)
    def test_a_batch_renders_each_reminder_as_it_would_alone(self):
        """The batch renders a template's body once for many cases (one compilation):
        each case's text is exactly what rendering it alone gives, in its language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["eh_collections_case"], ["fr_FR"], overwrite=True)
        french = self.env["res.partner"].create(
            {"name": "Bois Dupont", "is_company": True, "email": "compta@dupont.example.com", "lang": "fr_FR"}
        )
        for partner in (self.customer, self.other_customer, french):
            self.post_invoice(700, 20, partner=partner)
        self.refresh()
        cases = self.Case.search([("partner_id", "in", (self.customer | self.other_customer | french).ids)])
        template = self.env.ref("eh_collections_case.mail_template_reminder_courteous")
        alone = {
            case.id: template._render_field("body_html", case.ids, compute_lang=True)[case.id]
            for case in cases
        }
        IrQweb = type(self.env["ir.qweb"])
        compile_code = IrQweb._generate_code_uncached
        with patch.object(
            IrQweb, "_generate_code_uncached", autospec=True, side_effect=compile_code
        ) as compiled:
            together = template.with_context(eh_render_batch=True)._render_field(
                "body_html", cases.ids, compute_lang=True
            )
        self.assertEqual(compiled.call_count, 2, "compiled once per language, not once per case")
        self.assertEqual(together, alone)
        self.assertEqual(len(set(together.values())), 3)
        self.assertIn("Bonjour Bois Dupont,", together[self.open_case(french).id])
        self.assertIn("Dear Gemini Accounts,", together[self.open_case().id])

    @freeze_time(TODAY)
    def test_a_case_another_worker_sent_is_not_sent_again(self):
        """A worker asks again what its claimed cases are due for: a case sent by
        another worker since the run began is skipped; more than a batch calls the
        worker cron."""
        self.post_invoice(900, 20)
        self.post_invoice(400, 20, partner=self.other_customer)
        self.refresh()
        cases = self.open_case() | self.open_case(self.other_customer)
        worker = self.env.ref("eh_collections_case.ir_cron_send_followups_worker")
        with patch.object(case_module, "FOLLOWUP_BATCH", 1):
            self.run_cron()
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", worker.id)]),
            "two batches: a worker is called",
        )
        self.run_cron("eh_collections_case.ir_cron_send_followups_worker")
        with self.mock_mail_gateway():
            cases._send_due_followups()  # a worker holding them now, after the others committed
        self.assertEqual(len(cases.action_ids.filtered(lambda a: a.action_type == "email")), 2)
        self.assertEqual(
            len(self.env["mail.mail"].search([("model", "=", cases._name), ("res_id", "in", cases.ids)])), 2
        )

    @freeze_time(TODAY)
    def test_a_failing_template_does_not_stop_the_queue(self):
        broken = self.env.ref("eh_collections_case.mail_template_reminder_courteous").copy(
            {"name": "Broken", "body_html": '<p><t t-out="object.no_such_field.name"/></p>'}
        )
        self.level(self.vip, 1).mail_template_id = broken
        self.customer.with_company(self.company).eh_collections_strategy_id = self.vip
        self.post_invoice(900, 20)
        self.post_invoice(400, 20, partner=self.other_customer)
        self.refresh()
        self.run_cron()
        failed = self.open_case().action_ids
        self.assertEqual(failed.state, "failed")
        self.assertIn("could not be sent", failed.note)
        self.assertFalse(self.open_case().level_id)
        self.assertEqual(len(self.reminders()), 1)
        self.assertEqual(self.open_case(self.other_customer).level_id, self.level(self.standard, 1))

    def test_promise_suppresses_lapses_escalates_once_and_a_fresh_one_clears(self):
        with freeze_time(TODAY):
            case = self.overdue_case(1000, 35)
            self.log_with_wizard(
                case,
                contact_made=True,
                with_promise=True,
                promise_amount=600,
                promise_date=TODAY + timedelta(days=3),
            )
            self.run_cron()
            self.assertFalse(self.reminders(), "an active promise suppresses the ladder")
        with freeze_time(TODAY + timedelta(days=4)):
            self.run_cron("eh_collections_case.ir_cron_escalate_broken_promises")
            self.assertFalse(case.promise_escalated, "24 hours of grace after the promised day")
        with freeze_time(TODAY + timedelta(days=5)):
            self.run_cron("eh_collections_case.ir_cron_escalate_broken_promises")
            self.run_cron("eh_collections_case.ir_cron_escalate_broken_promises")
            self.assertTrue(case.broken_promise)
            self.assertEqual(case.stage_id, self.env.ref("eh_collections_case.stage_escalated"))
            self.assertEqual(case.priority, "1")
            self.assertEqual(case.action_ids.mapped("action_type").count("escalation"), 1)
            self.refresh()
            self.run_cron()
            self.assertEqual(len(self.reminders()), 1, "the next level was queued")
            escalation = case.action_ids.filtered(lambda a: a.action_type == "escalation")
            self.assertEqual(case.level_id, self.level(self.standard, 2), "35 days: the firm reminder")
            self.assertIn(
                "Next reminder: Firm reminder, without waiting.", escalation.note, "names what it sends"
            )
            self.log_with_wizard(
                case, with_promise=True, promise_amount=400, promise_date=TODAY + timedelta(days=12)
            )
            self.assertFalse(case.promise_escalated)
            self.assertTrue(case.has_active_promise)

    def test_escalation_refreshes_the_customers_of_lapsed_promises_only(self):
        with freeze_time(TODAY):
            lapsing = self.overdue_case(1000, 35)
            self.post_invoice(800, 35, partner=self.other_customer)
            self.refresh()
            ahead = self.open_case(self.other_customer)
            self.log_with_wizard(lapsing, with_promise=True, promise_amount=600, promise_date=TODAY)
            self.log_with_wizard(
                ahead, with_promise=True, promise_amount=500, promise_date=TODAY + timedelta(days=10)
            )
        refreshed = []
        real_refresh = type(self.Case)._refresh_from_ledger

        def spy(cases, companies, partners=None):
            refreshed.extend(partners or [])
            return real_refresh(cases, companies, partners=partners)

        spied = patch.object(type(self.Case), "_refresh_from_ledger", spy)
        with freeze_time(TODAY + timedelta(days=2)), spied:
            self.run_cron("eh_collections_case.ir_cron_escalate_broken_promises")
        self.assertEqual(refreshed, [self.customer], "a promise still ahead is left to the refreshes")
        self.assertTrue(lapsing.promise_escalated)
        self.assertFalse(ahead.promise_escalated)
        self.assertNotIn("escalation", ahead.action_ids.mapped("action_type"))

    def test_paid_promise_is_kept_and_never_escalated(self):
        with freeze_time(TODAY):
            invoice = self.post_invoice(1000, 35)
            self.refresh()
            case = self.open_case()
            self.log_with_wizard(
                case, with_promise=True, promise_amount=500, promise_date=TODAY + timedelta(days=2)
            )
            self.pay(invoice, 500, days_ago=0)
        with freeze_time(TODAY + timedelta(days=5)):
            self.run_cron("eh_collections_case.ir_cron_escalate_broken_promises")
            self.assertTrue(case.promise_kept)
            self.assertFalse(case.promise_escalated)
            self.assertNotIn("escalation", case.action_ids.mapped("action_type"))
            self.assertEqual(
                case.stage_id.stage_type, "contacted", "kept: the stage follows the promise out of Promised"
            )

    def test_a_broken_promise_at_the_last_level_says_nothing_more_is_sent(self):
        with freeze_time(TODAY):
            case = self.overdue_case(1000, 100)
            self.run_cron()
            self.assertEqual(case.level_id, self.level(self.standard, 4), "the demand letter, the last level")
            self.log_with_wizard(case, with_promise=True, promise_amount=600, promise_date=TODAY)
            self.assertEqual(case.stage_id.stage_type, "promised")
        with freeze_time(TODAY + timedelta(days=2)):
            self.run_cron("eh_collections_case.ir_cron_escalate_broken_promises")
            escalation = case.action_ids.filtered(lambda a: a.action_type == "escalation")
            self.assertIn("No level left after Demand letter: nothing more is sent", escalation.note)
            sent = len(self.reminders())
            self.run_cron()
            self.assertEqual(len(self.reminders()), sent, "the demand letter is not sent again")
