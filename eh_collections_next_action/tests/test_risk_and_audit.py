from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from odoo.addons.eh_account_ai_agent.tools import CallTrace
from odoo.addons.eh_collections_case.tests.common import TODAY, CollectionsCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestRiskAndAudit(CollectionsCommon):
    """What the collections history adds to the AI layer, seen by a collector."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls.overdue_case(1000, 50)
        cls.registry_enter_test_mode_cls()  # the audit writes through a cursor of its own

    def test_disputes_and_escalations_raise_the_risk_score(self):
        self.customer._eh_compute_risk_scores()
        before = self.customer.eh_risk_score
        self.case.action_dispute("Wrong quantity")
        self.case.action_escalate("Promise broken")
        self.customer._eh_compute_risk_scores()
        # +0.4 and +0.2 on the log-odds of a customer 50 days late on its only invoice: +8 points
        self.assertEqual(self.customer.eh_risk_score, before + 8)
        self.assertRegex(self.customer.eh_risk_factors, r"1 broken promises: \+\d+%")

    def test_collections_managers_read_the_ai_audit_collectors_do_not(self):
        with self.assertRaises(AccessError):
            self.env["eh.ai.call"].with_user(self.collector).search([])
        manager = self.manager
        trace = CallTrace("next-action-v2", "0" * 64, 12, "fallback", "provider: timeout")
        audit = self.env["eh.ai.agent"]._audit(self.company, trace, self.case, "monitor")
        seen = self.env["eh.ai.call"].with_user(manager).search([("company_id", "=", self.company.id)])
        self.assertIn(audit, seen)
        self.assertEqual(audit.with_user(manager).fallback_reason, "provider: timeout")
