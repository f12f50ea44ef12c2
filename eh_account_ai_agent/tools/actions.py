"""The vocabulary of next actions: the only answers the ladder or an LLM may give."""

from enum import Enum


class Action(str, Enum):
    """A next step for a collector; the values are stable codes stored in Odoo."""

    MONITOR = "monitor"
    ESCALATE_BROKEN_PROMISE = "escalate_broken_promise"
    WRITE_OFF_REVIEW = "write_off_review"
    REFER_TO_COLLECTIONS_AGENCY = "refer_to_collections_agency"
    SEND_DEMAND_LETTER = "send_demand_letter"
    PHONE_CALL = "phone_call"
    SEND_FIRST_CONTACT_EMAIL = "send_first_contact_email"
    MANUAL_REVIEW = "manual_review"


class Priority(str, Enum):
    """How urgent the suggested step is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


ACTION_CODES: frozenset[str] = frozenset(action.value for action in Action)
