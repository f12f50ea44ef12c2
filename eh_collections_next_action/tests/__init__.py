from . import (
    test_agent_api,
    test_ai_drafts,
    test_install,
    test_my_day,
    test_next_action,
    test_replies,
    test_risk_and_audit,
)
