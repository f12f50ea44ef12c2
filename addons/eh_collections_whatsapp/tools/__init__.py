from .cloud_api import (
    STATUS_ORDER,
    SendResult,
    Status,
    language_code,
    send_template,
    signature_valid,
    statuses,
    template_payload,
)

__all__ = [
    "STATUS_ORDER",
    "SendResult",
    "Status",
    "language_code",
    "send_template",
    "signature_valid",
    "statuses",
    "template_payload",
]
