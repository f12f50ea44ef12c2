"""Who may move a case's own figures and state: the case's methods, never a client.

The ledger figures, the promise, the pause, the dispute, the ladder position and the
state of a case move only through the refresh, the log and the case's own methods.
Those methods run their writes inside `case_method()`; `write` and `create` refuse
the protected fields outside it.

The mark is a ContextVar, not a key of Odoo's context: a context travels with a
JSON-RPC or JSON-2 call, so any client could set the key; a ContextVar lives in the
running thread's call stack only, and no request can carry one in. `MethodGuard` is
that mark for any "only through my method" of the suite (the replies have theirs).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class MethodGuard:
    """A mark only the running code can set: `with guard():` around the method's own
    writes, `guard.active()` in the `write` or `create` that refuses the others."""

    def __init__(self, name: str):
        self._inside = ContextVar(name, default=False)

    @contextmanager
    def __call__(self) -> Iterator[None]:
        token = self._inside.set(True)
        try:
            yield
        finally:
            self._inside.reset(token)

    def active(self) -> bool:
        return self._inside.get()


# `with case_method():` runs the block as one of the case's own paths.
case_method = MethodGuard("eh_collections_case_method")


def in_case_method() -> bool:
    return case_method.active()
