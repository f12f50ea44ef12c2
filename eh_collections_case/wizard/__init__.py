from . import (
    base_partner_merge_automatic_wizard,
    collections_followup_override,
    collections_hold,
    collections_invoice_hold,
    collections_late_fee,
    collections_log_action,
    collections_payment_plan_cancel,
    collections_send_reminders,
)
