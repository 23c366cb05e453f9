"""Work a person still holds in other apps, so deactivating them can say what is left and where
to hand it over.

The directory is the ground floor and cannot import the apps that hold work (tasks, cases). Each
such app registers a *provider* from its ``AppConfig.ready``: given a user, it returns a short
account of their open work and the page that hands it over, or None when they hold none. This
module holds no business rules and reads nothing itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roundtable.directory.models import User


@dataclass(frozen=True)
class OpenWork:
    """Open work a person holds, in words for an organisation admin, and where to hand it over."""

    summary: str  # e.g. "3 open tasks and 2 open cases they lead"
    url: str
    link_text: str


Provider = Callable[["User"], OpenWork | None]

_providers: dict[str, Provider] = {}


def register_provider(name: str, provider: Provider) -> None:
    """Add a provider (apps call this from ``AppConfig.ready``); one per name."""
    existing = _providers.get(name)
    if existing is not None and existing is not provider:
        raise ValueError(f"An open-work provider named {name!r} is already registered.")
    _providers[name] = provider


def open_work(user: User) -> list[OpenWork]:
    """Every provider's account of the user's open work, skipping those with none."""
    found = (_providers[name](user) for name in sorted(_providers))
    return [work for work in found if work is not None]
