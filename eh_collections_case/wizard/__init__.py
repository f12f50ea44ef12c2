from . import hold, late_fee, log_action, send_reminders
