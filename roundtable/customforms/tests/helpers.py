"""Setup the forms tests share: a partnership admin and forms made through the services."""

from __future__ import annotations

from typing import Any

from roundtable.customforms.models import FormDefinition, FormVersion
from roundtable.customforms.services import form_definition_create
from roundtable.directory.models import Capability, User
from roundtable.directory.tests.factories import grant
from roundtable.sharing.sections import RecordKind


def make_admin(user: User) -> User:
    """The user, now a partnership admin of their own partnership."""
    grant(user, Capability.PARTNERSHIP_ADMIN)
    return User.objects.get(pk=user.pk)  # a fresh object: capabilities are cached per object


def form_for(
    user: User,
    schema: Any,
    *,
    owner: str = "assessment:risk-checklist",
    name: str = "Risk checklist",
    record_kind: int = RecordKind.CASE,
) -> FormDefinition:
    """A form of the user's partnership with ``schema`` published as version 1."""
    assert user.organisation is not None and user.organisation.partnership is not None
    return form_definition_create(
        actor=None,
        partnership=user.organisation.partnership,
        owner=owner,
        name=name,
        record_kind=record_kind,
        schema=schema,
        publish=True,
    )


def current(definition: FormDefinition) -> FormVersion:
    definition.refresh_from_db()
    assert definition.current_version is not None
    return definition.current_version
