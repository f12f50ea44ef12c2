from . import (
    collections_action,
    collections_case,
    collections_followup_send,
    collections_level,
    res_company,
    res_config_settings,
    sale_order,
)
