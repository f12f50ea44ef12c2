from . import hold, log_action
