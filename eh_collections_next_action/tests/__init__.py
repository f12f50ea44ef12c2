from . import test_install, test_risk_and_keys
