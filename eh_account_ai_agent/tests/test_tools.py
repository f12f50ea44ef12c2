from odoo.tests import TransactionCase, tagged

from odoo.addons.eh_account_ai_agent.tools import ACTION_CODES, Action


@tagged("post_install", "-at_install")
class TestToolsInsideOdoo(TransactionCase):
    """The pure-Python package is the same one Odoo's models import."""

    def test_action_codes_are_the_eight_design_codes(self):
        self.assertEqual(
            ACTION_CODES,
            {
                "monitor",
                "escalate_broken_promise",
                "write_off_review",
                "refer_to_collections_agency",
                "send_demand_letter",
                "phone_call",
                "send_first_contact_email",
                "manual_review",
            },
        )
        self.assertEqual(Action("phone_call"), Action.PHONE_CALL)
