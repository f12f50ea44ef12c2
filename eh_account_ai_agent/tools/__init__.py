"""Pure-Python core of the collections AI agent.

Nothing here imports Odoo: the snapshot of a case, the deterministic dunning
ladder, the LLM providers, the risk score and the reply reader are plain functions over plain data,
so they run and are tested with no database and no server.
"""

from .actions import ACTION_CODES, Action, Priority
from .draft import (
    DRAFT_PROMPT_VERSION,
    DraftRequest,
    DraftResult,
    ReminderDraft,
    draft_reminder,
    parse_draft,
)
from .ladder import CallTrace, SecondOpinion, Suggestion, deterministic_suggest, guardrail_violation
from .providers import (
    AnthropicProvider,
    OpenAICompatibleProvider,
    ProviderConfig,
    ProviderError,
    ProviderReply,
    make_provider,
)
from .replies import REPLY_PROMPT_VERSION, ReplyReading, read_reply, read_reply_with_llm
from .risk import InvoiceRecord, RiskFactor, RiskModel, RiskScore, fit_risk_model, payment_risk
from .snapshot import CaseSnapshot, Thresholds
from .suggest import (
    PROMPT_VERSION,
    SYSTEM_PROMPT,
    build_user_prompt,
    invented_figures,
    parse_answer,
    suggest,
)

__all__ = [
    "ACTION_CODES",
    "DRAFT_PROMPT_VERSION",
    "PROMPT_VERSION",
    "REPLY_PROMPT_VERSION",
    "SYSTEM_PROMPT",
    "Action",
    "AnthropicProvider",
    "CallTrace",
    "CaseSnapshot",
    "DraftRequest",
    "DraftResult",
    "InvoiceRecord",
    "OpenAICompatibleProvider",
    "Priority",
    "ProviderConfig",
    "ProviderError",
    "ProviderReply",
    "ReminderDraft",
    "ReplyReading",
    "RiskFactor",
    "RiskModel",
    "RiskScore",
    "SecondOpinion",
    "Suggestion",
    "Thresholds",
    "build_user_prompt",
    "deterministic_suggest",
    "draft_reminder",
    "fit_risk_model",
    "guardrail_violation",
    "invented_figures",
    "make_provider",
    "parse_answer",
    "parse_draft",
    "payment_risk",
    "read_reply",
    "read_reply_with_llm",
    "suggest",
]
