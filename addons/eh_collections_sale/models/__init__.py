from . import (
    collections_action,
    collections_case,
    collections_credit_proposal,
    collections_followup_send,
    collections_level,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
)
