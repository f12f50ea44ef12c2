from . import hold, log_action, send_reminders
