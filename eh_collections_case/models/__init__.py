from . import (
    account_move,
    collections_action,
    collections_case,
    collections_stage,
    res_company,
    res_config_settings,
    res_partner,
)
