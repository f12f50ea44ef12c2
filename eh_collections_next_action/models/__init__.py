from . import (
    collections_agent_webhook,
    collections_case,
    collections_case_ai_draft,
    collections_case_api,
    collections_case_my_day,
    collections_followup,
    collections_followup_send,
    collections_level,
    res_company,
    res_config_settings,
    res_partner,
)
