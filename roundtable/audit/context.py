"""Who is acting, from where: the context every audit event is stamped with.

Set once per request by ``AuditContextMiddleware`` and once per background task by
``acting_as()``. Services never pass the request around to audit; they read this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roundtable.directory.models import Organisation, Team, User


@dataclass(frozen=True)
class AuditContext:
    """The actor and channel of the current unit of work."""

    user: User | None = None
    team: Team | None = None
    organisation: Organisation | None = None
    api_client_id: int | None = None
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""
    channel: str = "system"  # web, api, task, command, system


# B039 wants immutable defaults: AuditContext is a frozen dataclass, so sharing one is safe.
_current: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039


def current() -> AuditContext:
    """The context of the code now running."""
    return _current.get()


@contextmanager
def acting_as(**changes: object) -> Iterator[AuditContext]:
    """Run a block with some context fields replaced (a task's actor, a command's channel)."""
    new = replace(_current.get(), **changes)  # type: ignore[arg-type]
    token = _current.set(new)
    try:
        yield new
    finally:
        _current.reset(token)


def set_for_request(context: AuditContext) -> object:
    """Install a request's context; returns a token for ``reset``."""
    return _current.set(context)


def reset(token: object) -> None:
    """Restore the context that was current before ``set_for_request``."""
    _current.reset(token)  # type: ignore[arg-type]
