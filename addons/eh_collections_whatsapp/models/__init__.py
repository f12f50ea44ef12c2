from . import (
    collections_action,
    collections_followup_send,
    collections_level,
    collections_whatsapp_message,
    res_company,
    res_config_settings,
    res_partner,
)
