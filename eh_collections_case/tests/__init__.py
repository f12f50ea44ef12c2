from . import (
    test_access,
    test_action_log,
    test_approval,
    test_case_refresh,
    test_concurrency,
    test_dunning,
    test_fees,
    test_payment_plans,
    test_statement,
    test_ui,
)
