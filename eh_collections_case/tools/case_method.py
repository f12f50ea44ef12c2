"""Who may move a case's own figures and state: the case's methods, never a client.

The ledger figures, the promise, the pause, the dispute, the ladder position and the
state of a case move only through the refresh, the log and the case's own methods.
Those methods run their writes inside `case_method()`; `write` and `create` refuse
the protected fields outside it.

The mark is a ContextVar, not a key of Odoo's context: a context travels with a
JSON-RPC or JSON-2 call, so any client could set the key; a ContextVar lives in the
running thread's call stack only, and no request can carry one in.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_inside = ContextVar("eh_collections_case_method", default=False)


@contextmanager
def case_method() -> Iterator[None]:
    """Run the block as one of the case's own paths."""
    token = _inside.set(True)
    try:
        yield
    finally:
        _inside.reset(token)


def in_case_method() -> bool:
    return _inside.get()
