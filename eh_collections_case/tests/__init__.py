from . import (
    test_access,
    test_action_log,
    test_approval,
    test_case_refresh,
    test_concurrency,
    test_doors,
    test_dunning,
    test_fees,
    test_payment_plans,
    test_source_of_truth,
    test_statement,
    test_ui,
)
