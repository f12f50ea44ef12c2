from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestScreens(DunningCommon):
    """What the screens show is what the suite does: the next follow-up in words, the
    aging and strategy a case groups by, the stage a reminder moves, the statement a
    letter level prints from the case, and one deadline in every reminder."""

    def test_the_next_follow_up_in_words_matches_the_cron(self):
        self.post_invoice(900, 400)
        self.refresh()
        case = self.open_case()
        self.assertFalse(case.level_id)
        self.assertEqual(case.next_followup_label, "Demand letter today")
        self.assertEqual([c for c, _level in self.Case._due_followups([("id", "=", case.id)])], [case])
        case.action_pause("Restructuring talks", TODAY + timedelta(days=10))
        self.assertEqual(case.next_followup_label, "Demand letter on Mar 26, on hold until Mar 25")
        case.action_resume()
        case.action_dispute("Wrong quantities")
        self.assertEqual(case.next_followup_label, "On hold: in dispute")

    def test_the_next_follow_up_date_is_searched_as_it_is_computed(self):
        self.post_invoice(900, 400)  # the demand letter today
        self.post_invoice(300, 3, partner=self.other_customer)  # the courteous reminder in 4 days
        disputing = self.env["res.partner"].create({"name": "Disputing Co", "is_company": True})
        self.post_invoice(200, 50, partner=disputing)
        self.refresh()
        today, later, held = self.open_case(), self.open_case(self.other_customer), self.open_case(disputing)
        cases = today | later | held
        self.assertEqual(later.next_followup_date, TODAY + timedelta(days=4))
        held.action_dispute("Wrong quantities")
        self.assertFalse(held.next_followup_date)

        def found(*domain):
            return self.Case.search([*domain, ("id", "in", cases.ids)])

        self.assertEqual(found(("next_followup_date", "=", TODAY)), today)
        self.assertEqual(found(("next_followup_date", "<=", TODAY + timedelta(days=4))), today | later)
        self.assertEqual(found(("next_followup_date", ">", TODAY)), later)
        self.assertEqual(found(("next_followup_date", "=", False)), held)
        self.assertEqual(found(("next_followup_date", "!=", False)), today | later)
        self.assertEqual(found(("next_followup_date", "!=", TODAY)), later | held)
        self.assertEqual(
            found(("next_followup_date", "in", [TODAY, str(TODAY + timedelta(days=4))])), today | later
        )
        with freeze_time(TODAY + timedelta(days=4)):
            self.env.invalidate_all()  # a new day is a new request: nothing computed yesterday
            self.assertEqual(found(("next_followup_date", "=", TODAY + timedelta(days=4))), today | later)

    def test_aging_bucket_of_the_oldest_invoice_written_by_the_refresh(self):
        self.post_invoice(100, 10)
        self.post_invoice(200, 75)
        self.post_invoice(300, 3, partner=self.other_customer)
        self.refresh()
        self.assertEqual(self.open_case().aging_bucket, "61_90")
        self.assertEqual(self.open_case(self.other_customer).aging_bucket, "1_30")
        groups = self.Case._read_group(
            [("company_id", "=", self.company.id), ("state", "=", "open")], ["aging_bucket"], ["__count"]
        )
        self.assertEqual(dict(groups), {"1_30": 1, "61_90": 1})
        self.assertEqual(
            self.Case._fields["aging_bucket"].get_description(self.env)["selection"][-1],
            ("over_120", "120+ days"),
        )

    def test_strategy_stored_and_followed_when_the_customer_or_the_default_changes(self):
        self.post_invoice(100, 10)
        self.refresh()
        case = self.open_case()
        self.assertEqual(case.strategy_id, self.standard)
        self.assertEqual(self.standard.case_count, 1)
        self.customer.with_company(self.company).eh_collections_strategy_id = self.vip
        self.assertEqual(case.strategy_id, self.vip)
        (self.vip | self.standard).invalidate_recordset(["case_count"])
        self.assertEqual((self.vip.case_count, self.standard.case_count), (1, 0))
        self.customer.with_company(self.company).eh_collections_strategy_id = False
        self.vip.is_default, self.standard.is_default = False, False  # one default at a time
        self.vip.is_default = True
        self.assertEqual(case.strategy_id, self.vip, "the new company default")
        self.assertEqual(
            self.Case._read_group([("id", "=", case.id)], ["strategy_id"], ["__count"]), [(self.vip, 1)]
        )
        self.customer.with_company(self.company).eh_collections_strategy_id = self.standard
        self.assertEqual(case.strategy_id, self.standard)
        self.standard.active = False
        self.assertEqual(
            case.strategy_id, self.vip, "an archived strategy leaves its customers to the default"
        )
        self.standard.active = True
        with self.assertRaisesRegex(UserError, "set it on the customer"):
            case.with_user(self.manager).write({"strategy_id": self.standard.id})

    def test_first_reminder_moves_the_case_to_reminded(self):
        self.post_invoice(900, 10)
        self.refresh()
        case = self.open_case()
        self.assertEqual(case.stage_id.stage_type, "new")
        self.run_cron()
        self.assertEqual(case.stage_id.stage_type, "reminded")
        self.log_with_wizard(case, action_type="call", contact_made=True, note="Spoke to Edwin")
        self.assertEqual(case.stage_id.stage_type, "contacted", "a contact moves it on")

    def test_one_deadline_in_the_reminders_and_on_the_letter(self):
        self.company.eh_demand_days = 10
        self.post_invoice(900, 95)
        self.refresh()
        case = self.open_case()
        self.run_cron()
        self.assertIn("within 10 days", self.reminders()[0]["body"])
        # Printed from the case at the letter level: the level's note and the date to pay by.
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "eh_collections_case.action_report_statement", case.ids
        )
        content = content.decode()
        self.assertIn("we will pass the matter on for recovery", content)
        self.assertIn("Pay by", content)
        self.assertIn("03/25/2026", content)
        self.assertNotIn("within 8 days", content)

    def test_days_in_words_and_the_settings_that_cannot_be_zero(self):
        self.assertEqual(self.company._eh_format_day(TODAY + timedelta(days=11)), "Mar 26")
        self.assertEqual(self.company._eh_format_day(date(2027, 1, 4)), "Jan 4, 2027")
        for field in ("eh_demand_days", "eh_pay_link_days"):
            with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.company.write({field: 0})
                self.company.flush_recordset()

    def test_the_cases_menu_opens_on_my_cases_for_a_collector_only(self):
        Case = self.env["eh.collections.case"]
        collector_context = Case.with_user(self.collector)._action_open_cases()["context"]
        manager_context = Case.with_user(self.manager)._action_open_cases()["context"]
        self.assertEqual(collector_context.get("search_default_filter_my_cases"), 1)
        self.assertNotIn("search_default_filter_my_cases", manager_context)
        self.assertEqual(manager_context.get("search_default_filter_open"), 1)
