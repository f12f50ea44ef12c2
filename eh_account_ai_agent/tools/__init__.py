"""Pure-Python core of the collections AI agent.

Nothing here imports Odoo: the snapshot of a case, the deterministic dunning
ladder, the LLM providers and the risk score are plain functions over plain data,
so they run and are tested with no database and no server.
"""

from .actions import ACTION_CODES, Action, Priority

__all__ = ["ACTION_CODES", "Action", "Priority"]
