"""Pure-Python core of the collections AI agent.

Nothing here imports Odoo: the snapshot of a case, the deterministic dunning
ladder, the LLM providers and the risk score are plain functions over plain data,
so they run and are tested with no database and no server.
"""

from .actions import ACTION_CODES, Action, Priority
from .ladder import CallTrace, SecondOpinion, Suggestion, deterministic_suggest, guardrail_violation
from .providers import (
    AnthropicProvider,
    OpenAICompatibleProvider,
    ProviderConfig,
    ProviderError,
    ProviderReply,
    make_provider,
)
from .risk import InvoiceRecord, RiskFactor, RiskScore, payment_risk
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
    "PROMPT_VERSION",
    "SYSTEM_PROMPT",
    "Action",
    "AnthropicProvider",
    "CallTrace",
    "CaseSnapshot",
    "InvoiceRecord",
    "OpenAICompatibleProvider",
    "Priority",
    "ProviderConfig",
    "ProviderError",
    "ProviderReply",
    "RiskFactor",
    "RiskScore",
    "SecondOpinion",
    "Suggestion",
    "Thresholds",
    "build_user_prompt",
    "deterministic_suggest",
    "guardrail_violation",
    "invented_figures",
    "make_provider",
    "parse_answer",
    "payment_risk",
    "suggest",
]
