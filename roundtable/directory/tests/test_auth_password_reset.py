"""Password reset by an emailed link that works once and expires after one hour."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.tests.auth_steps import submit_password

NEW_PASSWORD = "marmalade orbit kettle"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def ask_for_reset(client: Client, email: str):
    return client.post(reverse("account_reset_password"), {"email": email})


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://testserver(/\S+)", str(message.body))
    assert match, "the email carries a link"
    return match.group(1)


def set_new_password(client: Client, link: str, password: str = NEW_PASSWORD):
    """Open the link as the person would (allauth swaps the key for a session token), then post."""
    page = client.get(link, follow=True)
    if page.context.get("token_fail"):
        return page
    return client.post(page.redirect_chain[-1][0] if page.redirect_chain else link,
                       {"password1": password, "password2": password})  # fmt: skip


def test_reset_request_page_is_a_govuk_page(db: None, client: Client) -> None:
    html = client.get(reverse("account_reset_password")).content.decode()

    assert html.count("<h1") == 1
    assert "expires after one hour" in html


def test_known_address_is_emailed_a_link_and_the_request_audited(personas, client) -> None:
    response = ask_for_reset(client, personas.alice.email)

    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [personas.alice.email]
    assert message.subject == "Roundtable: Reset your password"
    assert "expires one hour" in message.body
    assert link_in(message).startswith("/accounts/password/reset/key/")
    event = AuditEvent.objects.get(action=Action.PASSWORD_RESET_REQUEST)
    assert event.target_id == str(personas.alice.code)


def test_unknown_address_gets_exactly_the_same_answer(personas, client) -> None:
    known = ask_for_reset(Client(), personas.alice.email)
    unknown = ask_for_reset(client, "nobody@example.invalid")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    done = client.get(unknown["Location"])
    assert "If the address you entered belongs to a Roundtable account" in done.content.decode()
    to_unknown = [m for m in mail.outbox if m.to == ["nobody@example.invalid"]]
    assert all("/accounts/password/reset/key/" not in m.body for m in to_unknown)
    assert all("sign up" not in m.body.lower() for m in to_unknown)  # sign-up is closed


def test_link_sets_a_new_password_once_and_not_twice(personas, client) -> None:
    ask_for_reset(client, personas.alice.email)
    link = link_in(mail.outbox[0])

    first = set_new_password(client, link)

    assert first["Location"] == reverse("account_reset_password_from_key_done")
    personas.alice.refresh_from_db()
    assert personas.alice.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.get(action=Action.PASSWORD_RESET).actor == personas.alice

    second = set_new_password(Client(), link, "another fine long phrase")

    assert second.context["token_fail"]
    assert "already been used or is more than one hour old" in second.content.decode()
    personas.alice.refresh_from_db()
    assert personas.alice.check_password(NEW_PASSWORD)


def test_link_works_within_the_hour(personas) -> None:
    with time_machine.travel(START, tick=False) as clock:
        ask_for_reset(Client(), personas.alice.email)
        clock.shift(timedelta(minutes=59))

        response = set_new_password(Client(), link_in(mail.outbox[0]))

    assert response["Location"] == reverse("account_reset_password_from_key_done")


def test_link_older_than_one_hour_is_refused(personas) -> None:
    with time_machine.travel(START, tick=False) as clock:
        ask_for_reset(Client(), personas.alice.email)
        clock.shift(timedelta(hours=1, seconds=2))

        response = set_new_password(Client(), link_in(mail.outbox[0]))

    assert response.context["token_fail"]
    personas.alice.refresh_from_db()
    assert not personas.alice.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_RESET).exists()


def test_weak_new_password_is_refused_on_the_reset_page(personas, client) -> None:
    ask_for_reset(client, personas.alice.email)

    response = set_new_password(client, link_in(mail.outbox[0]), "Password2024!!")

    assert response.status_code == 200
    assert 'id="id_password1-error"' in response.content.decode()
    personas.alice.refresh_from_db()
    assert not personas.alice.check_password("Password2024!!")


def test_reset_ends_sessions_elsewhere_and_the_new_password_signs_in(personas, client) -> None:
    elsewhere = signed_in_client(personas.alice)
    ask_for_reset(client, personas.alice.email)

    set_new_password(client, link_in(mail.outbox[0]))

    assert not elsewhere.get(reverse("home")).wsgi_request.user.is_authenticated
    assert submit_password(Client(), personas.alice.email, NEW_PASSWORD)["Location"] == reverse(
        "mfa_authenticate"
    )
