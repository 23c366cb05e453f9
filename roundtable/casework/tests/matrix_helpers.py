"""What the casework and tasking permission matrices share on top of ``records.tests.matrix``.

The records matrix gives the world (personas, every record in every state) and the oracle. This
module adds only plumbing: the team each persona works in, the current owner of a record in a
state, the oracle's sections as a set (empty for a 404), and a module-scoped fixture builder that
builds the world once, lets a module add its own records through the real services, and rolls
everything back at the end. Nothing here may call ``sharing.policy`` to work out an expectation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Any, TypeVar

import pytest
from django.db import transaction

from roundtable.directory.models import Team, User
from roundtable.records.tests.matrix import (
    KINDS,
    OWNING_TEAM,
    World,
    build_world,
    expected_sections,
)

T = TypeVar("T")

#: The team each persona works in (``records.tests.matrix._people``); the system administrator
#: has none. Two personas share a team only when they are named together here.
TEAM_OF: dict[str, str | None] = {
    "owner": "Police ASB Team",
    "manager": "Police ASB Team",
    "colleague": "Police IOM Team",
    "partner": "Council ASB Team",
    "partner_no_grant": "Tenancy Enforcement",
    "other_partnership": "Farshire ASB Team",
    "auditor": "Information Governance",
    "sysadmin": None,
}


def sees(kind: str, state: str, persona: str) -> frozenset[str]:
    """The oracle's sections for a cell; empty both for a signpost and for a 404."""
    return expected_sections(kind, state, persona) or frozenset()


def found(kind: str, state: str, persona: str) -> bool:
    """Whether the record is visible to the persona at all (a signpost at least)."""
    return expected_sections(kind, state, persona) is not None


def owns(state: str, persona: str) -> bool:
    """Whether the persona works in the team that owns the record in this state."""
    return persona in OWNING_TEAM[state]


def author_of(state: str) -> str:
    """The persona who writes on the record in a state: whoever's team owns it now."""
    return "partner" if state == "transferred" else "owner"


def team_of(user: User) -> Team:
    """A persona's only team."""
    return user.memberships.select_related("team__organisation").get().team


def page_status(kind: str, state: str, persona: str, section: str) -> int:
    """What a page that needs ``section`` of the record answers: 404 unseen, 403 without it."""
    if not found(kind, state, persona):
        return 404
    return 200 if section in sees(kind, state, persona) else 403


def form_status(kind: str, state: str, persona: str) -> int:
    """What an owning-team-only page answers: 404 unseen, 403 for anyone else who sees it."""
    if not found(kind, state, persona):
        return 404
    return 200 if owns(state, persona) else 403


def module_world(
    populate: Callable[[World], T], kinds: tuple[str, ...] = KINDS, *, documents: bool = False
) -> Callable[..., Iterator[T]]:
    """A module-scoped fixture: the world of ``kinds`` plus ``populate``'s additions, once.

    Built inside a transaction rolled back after the module's last test; each test still runs
    in its own savepoint (pytest-django's ``db``), so what its requests write vanishes with it.
    ``documents``: keep the documents storage in a temporary folder for the module's lifetime.
    """

    @pytest.fixture(scope="module")
    def fixture(
        django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
    ) -> Iterator[T]:
        storage = documents_in(tmp_path_factory.mktemp("documents")) if documents else nullcontext()
        with storage, django_db_blocker.unblock(), transaction.atomic():
            yield populate(build_world(kinds))
            transaction.set_rollback(True)

    return fixture


def cell_id(cell: tuple[str, ...]) -> str:
    return "-".join(cell)


def documents_in(folder: Any) -> Any:
    """Settings that keep the documents storage in ``folder`` (never the repository or var/)."""
    from django.conf import settings
    from django.test import override_settings

    return override_settings(
        STORAGES={
            **settings.STORAGES,
            "documents": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(folder)},
            },
        }
    )
