from . import (
    account_move,
    collections_action,
    collections_case,
    collections_followup,
    collections_level,
    collections_stage,
    collections_strategy,
    res_company,
    res_config_settings,
    res_partner,
)
