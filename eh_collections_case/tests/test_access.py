from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import TODAY, CollectionsCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestAccessMatrix(CollectionsCommon):
    """What each group may do on each model, and what a collector's screens load."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls.overdue_case(900, 50)
        cls.employee = new_test_user(
            cls.env,
            login="erin",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.portal = new_test_user(cls.env, login="pat", groups="base.group_portal")
        cls.stage = cls.env.ref("eh_collections_case.stage_new")

    def test_groups_imply_what_a_collector_needs(self):
        self.assertTrue(self.manager.has_group("eh_collections_case.group_collections_user"))
        self.assertTrue(self.collector.has_group("account.group_account_invoice"))
        self.assertFalse(self.collector.has_group("eh_collections_case.group_collections_manager"))

    def test_menu_visible_to_collectors_only(self):
        menu = self.env.ref("eh_collections_case.eh_collections_case_menu")
        config = self.env.ref("eh_collections_case.menu_collections_configuration")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.collector)._visible_menu_ids())
        self.assertNotIn(config.id, Menu.with_user(self.collector)._visible_menu_ids())
        self.assertIn(config.id, Menu.with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.employee)._visible_menu_ids())

    def test_collector_logs_but_cannot_configure(self):
        case = self.case.with_user(self.collector)
        case._log_action([{"action_type": "call", "contact_made": True}])
        self.assertEqual(case.contact_count, 1)
        case.user_id = self.collector
        self.assertEqual(case.user_id, self.collector, "a collector takes a case")
        self.assertEqual(self.stage.with_user(self.collector).name, "New")
        with self.assertRaises(AccessError):
            self.stage.with_user(self.collector).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["eh.collections.stage"].with_user(self.collector).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            case.unlink()

    def test_manager_configures_stages_collectors_work_in_them(self):
        self.stage.with_user(self.manager).write({"name": "Fresh"})
        stage = (
            self.env["eh.collections.stage"]
            .with_user(self.manager)
            .create({"name": "Lawyer", "sequence": 99})
        )
        self.case.with_user(self.collector).stage_id = stage
        groups = self.Case.with_user(self.collector).formatted_read_group(
            [("id", "=", self.case.id)], ["stage_id"], ["__count"]
        )
        self.assertEqual(groups[0]["stage_id"][1], "Lawyer")
        self.stage.invalidate_recordset()
        self.assertEqual(
            self.stage.with_user(self.collector).name, "Fresh", "collectors see the manager's name"
        )

    def test_no_group_may_rewrite_history_and_the_guard_stops_everyone(self):
        """No group has write or delete rights on the history, and its own guard refuses
        every write before the rights are even checked, superuser included."""
        action = self.case._log_action([{"action_type": "note", "note": "x"}])
        rights = self.env["ir.model.access"].search([("model_id.model", "=", "eh.collections.action")])
        self.assertTrue(rights)
        self.assertFalse(rights.filtered(lambda r: r.perm_write or r.perm_unlink))
        for user in (self.collector, self.manager):
            with self.assertRaises(AccessError):
                action.with_user(user).check_access("write")
            with self.assertRaisesRegex(UserError, "cannot be changed"):
                action.with_user(user).write({"note": "y"})
            with self.assertRaises(AccessError):
                action.with_user(user).unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            action.sudo().unlink()
        self.assertEqual(action.note, "x")

    def test_plain_employee_and_portal_see_nothing(self):
        for user in (self.employee, self.portal):
            for model in ("eh.collections.case", "eh.collections.action"):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([])

    def test_other_company_history_hidden(self):
        other = self.setup_other_company(name="Hidden Co")["company"]
        self.post_invoice(300, 40, company=other)
        self.Case._refresh_from_ledger(other)
        other_case = self.open_case(company=other)
        other_case._log_action([{"action_type": "note", "note": "secret"}])
        visible = self.env["eh.collections.action"].with_user(self.collector).search([])
        self.assertNotIn(other_case.action_ids, visible)
        self.assertFalse(self.Case.with_user(self.collector).search([("id", "=", other_case.id)]))

    def test_collector_views_load(self):
        Case = self.Case.with_user(self.collector)
        views = Case.get_views(
            [
                (False, "kanban"),
                (False, "list"),
                (False, "form"),
                (False, "search"),
                (False, "pivot"),
                (False, "graph"),
            ]
        )
        self.assertEqual(set(views["views"]), {"kanban", "list", "form", "search", "pivot", "graph"})
        fields = [name for name in views["models"]["eh.collections.case"]["fields"] if name in Case._fields]
        record = self.case.with_user(self.collector).read(fields)[0]
        self.assertEqual(record["partner_id"][0], self.customer.id)
        groups = Case.with_context(read_group_expand=True).formatted_read_group(
            [], ["stage_id"], ["total_overdue_amount:sum"]
        )
        self.assertGreaterEqual(len(groups), 6, "every stage is a kanban column")

    def test_smart_buttons_from_partner_and_invoice(self):
        partner = self.customer.with_user(self.collector)
        self.assertEqual(partner.eh_collections_open_case_count, 1)
        self.assertEqual(self.contact.with_user(self.collector).eh_collections_open_case_count, 1)
        action = partner.action_view_eh_collections_cases()
        self.assertEqual(action["res_id"], self.case.id)
        invoice = self.case.invoice_ids[:1].with_user(self.collector)
        self.assertEqual(invoice.eh_collections_case_id, self.case)
        self.assertEqual(invoice.action_view_eh_collections_case()["res_id"], self.case.id)
