from . import test_install, test_next_action, test_risk_and_audit
