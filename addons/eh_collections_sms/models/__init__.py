from . import (
    collections_action,
    collections_case,
    collections_followup_send,
    collections_level,
    sms_sms,
    sms_template,
)
