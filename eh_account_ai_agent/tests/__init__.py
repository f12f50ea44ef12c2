from . import test_agent, test_risk_score, test_settings
