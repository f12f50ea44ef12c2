from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCollectionsSecurity(TransactionCase):
    """Who may see and change cases: collectors, managers, other companies, portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Collections Co"})
        cls.collector = new_test_user(
            cls.env,
            login="collector_sec",
            groups="eh_collections_case.group_collections_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="manager_sec",
            groups="eh_collections_case.group_collections_manager",
        )
        cls.portal = new_test_user(cls.env, login="portal_sec", groups="base.group_portal")
        cls.customer = cls.env["res.partner"].create({"name": "Overdue Customer", "is_company": True})
        cls.case = cls.env["eh.collections.case"].create({"partner_id": cls.customer.id})
        cls.other_case = cls.env["eh.collections.case"].create(
            {"partner_id": cls.customer.id, "company_id": cls.other_company.id}
        )

    def test_manager_implies_user_and_invoicing(self):
        self.assertTrue(self.manager.has_group("eh_collections_case.group_collections_user"))
        self.assertTrue(self.collector.has_group("account.group_account_invoice"))
        self.assertFalse(self.collector.has_group("eh_collections_case.group_collections_manager"))

    def test_collector_works_cases_but_cannot_delete(self):
        case = self.case.with_user(self.collector)
        case.user_id = self.collector
        self.assertEqual(case.user_id, self.collector)
        with self.assertRaises(AccessError):
            case.unlink()

    def test_collector_sees_only_own_company(self):
        visible = self.env["eh.collections.case"].with_user(self.collector).search([])
        self.assertIn(self.case, visible)
        self.assertNotIn(self.other_case, visible)
        with self.assertRaises(AccessError):
            self.other_case.with_user(self.collector).read(["partner_id"])

    def test_portal_user_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["eh.collections.case"].with_user(self.portal).search([])

    def test_menu_visible_to_collector_only(self):
        menu = self.env.ref("eh_collections_case.eh_collections_case_menu")
        visible_to_collector = self.env["ir.ui.menu"].with_user(self.collector)._visible_menu_ids()
        self.assertIn(menu.id, visible_to_collector)
        plain_user = new_test_user(self.env, login="plain_sec", groups="base.group_user")
        visible_to_plain = self.env["ir.ui.menu"].with_user(plain_user)._visible_menu_ids()
        self.assertNotIn(menu.id, visible_to_plain)
