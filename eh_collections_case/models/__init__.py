# The mixin first: the history models inherit it.
from . import collections_history_mixin

# isort: split
from . import (
    account_move,
    account_move_line,
    account_partial_reconcile,
    collections_action,
    collections_action_invoice,
    collections_case,
    collections_case_dunning,
    collections_case_fee,
    collections_case_history,
    collections_case_hold,
    collections_case_ledger,
    collections_case_live,
    collections_case_payment_match,
    collections_case_payment_plan,
    collections_case_promise,
    collections_followup,
    collections_followup_send,
    collections_level,
    collections_payment_match,
    collections_payment_plan,
    collections_snapshot,
    collections_snapshot_dashboard,
    collections_stage,
    collections_strategy,
    ir_http,
    res_company,
    res_config_settings,
    res_partner,
)
