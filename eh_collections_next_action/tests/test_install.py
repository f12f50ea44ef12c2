from odoo.tests import TransactionCase, tagged

SUITE = ("eh_collections_case", "eh_account_ai_agent", "eh_collections_next_action")


@tagged("post_install", "-at_install")
class TestBridgeInstall(TransactionCase):
    """The bridge comes by itself once both halves of the suite are installed."""

    def test_auto_installed_with_both_modules(self):
        modules = self.env["ir.module.module"].search([("name", "in", SUITE)])
        self.assertEqual({m.name: m.state for m in modules}, dict.fromkeys(SUITE, "installed"))
        bridge = modules.filtered(lambda m: m.name == "eh_collections_next_action")
        self.assertTrue(bridge.auto_install)
        self.assertEqual(
            set(bridge.dependencies_id.mapped("name")), {"eh_collections_case", "eh_account_ai_agent"}
        )
