from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory import permissions
from roundtable.directory.models import User
from roundtable.directory.tests.factories import UserFactory


def test_creates_a_system_admin_from_an_environment_password(db, monkeypatch):
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", "a long and unusual passphrase 7")
    out = StringIO()

    call_command(
        "create_system_admin",
        email="Ops@Example.invalid",
        name="Ola Operator",
        password_env="FIRST_ADMIN_PASSWORD",
        stdout=out,
    )

    user = User.objects.get(email="ops@example.invalid")
    assert permissions.is_system_admin(user)
    assert user.check_password("a long and unusual passphrase 7")
    assert "a long and unusual passphrase 7" not in out.getvalue()
    event = AuditEvent.objects.get(action=Action.CAPABILITY_GRANT)
    assert event.channel == "command"
    assert event.changes == {"capability": [None, "system_admin"]}


def test_promotes_an_existing_user(db, monkeypatch):
    existing = UserFactory(email="lead@example.invalid")
    monkeypatch.setenv("PW", "another long unusual passphrase 9")

    call_command(
        "create_system_admin",
        email="lead@example.invalid",
        name="Lee Lead",
        password_env="PW",
        stdout=StringIO(),
    )

    existing.refresh_from_db()
    assert permissions.is_system_admin(existing)
    assert User.objects.count() == 1


def test_refuses_a_weak_password_and_writes_nothing(db, monkeypatch):
    monkeypatch.setenv("PW", "password123")

    with pytest.raises(CommandError, match=r"too short|too common"):
        call_command(
            "create_system_admin",
            email="ops@example.invalid",
            name="Ola Operator",
            password_env="PW",
            stdout=StringIO(),
        )

    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_refuses_a_missing_password_variable(db, monkeypatch):
    monkeypatch.delenv("NOPE", raising=False)

    with pytest.raises(CommandError, match="NOPE is empty or not set"):
        call_command(
            "create_system_admin",
            email="ops@example.invalid",
            name="Ola Operator",
            password_env="NOPE",
            stdout=StringIO(),
        )
