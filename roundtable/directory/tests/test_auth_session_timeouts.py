"""Sessions end after IDLE_TIMEOUT without a request and after ABSOLUTE_TIMEOUT in all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.tests.auth_steps import sign_in
from roundtable.directory.tests.factories import enrol_totp

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alice_client(personas, clock) -> Client:
    client = Client()
    sign_in(client, personas.alice, enrol_totp(personas.alice))
    assert client.get(reverse("home")).status_code == 200
    return client


def ended(response: HttpResponse) -> str | None:
    """The reason in a redirect to the sign-in page, or None when the page was served."""
    if response.status_code != 302:
        return None
    location = urlparse(response["Location"])
    assert location.path == reverse("account_login")
    reason: str = parse_qs(location.query)["ended"][0]
    return reason


def test_session_survives_29_idle_minutes(alice_client, clock) -> None:
    clock.shift(timedelta(minutes=29))

    assert alice_client.get(reverse("home")).status_code == 200


def test_thirty_idle_minutes_end_the_session_and_say_why(personas, alice_client, clock) -> None:
    clock.shift(timedelta(minutes=30))

    response = alice_client.get(reverse("directory:my_account"))

    assert ended(response) == "idle"
    assert parse_qs(urlparse(response["Location"]).query)["next"] == [
        reverse("directory:my_account")
    ]
    page = alice_client.get(response["Location"])
    assert not page.wsgi_request.user.is_authenticated
    assert "had not used Roundtable for 30 minutes" in page.content.decode()
    event = AuditEvent.objects.get(action=Action.SESSION_EXPIRED)
    assert event.actor == personas.alice
    assert event.detail == {"reason": "idle"}
    assert not AuditEvent.objects.filter(action=Action.LOGOUT).exists()


def test_regular_use_keeps_the_session_alive_past_the_idle_limit(alice_client, clock) -> None:
    for _ in range(6):  # two hours, a page every 20 minutes
        clock.shift(timedelta(minutes=20))
        assert alice_client.get(reverse("home")).status_code == 200


def test_twelve_hours_end_the_session_however_busy(alice_client, clock) -> None:
    elapsed = timedelta(0)
    while elapsed + timedelta(minutes=25) < timedelta(hours=12):
        clock.shift(timedelta(minutes=25))
        elapsed += timedelta(minutes=25)
        assert alice_client.get(reverse("home")).status_code == 200, elapsed

    clock.shift(timedelta(hours=12) - elapsed)
    response = alice_client.get(reverse("home"))

    assert ended(response) == "absolute"
    page = alice_client.get(response["Location"])
    assert "had been signed in for 12 hours" in page.content.decode()
    assert AuditEvent.objects.get(action=Action.SESSION_EXPIRED).detail == {"reason": "absolute"}


@override_settings(IDLE_TIMEOUT=timedelta(minutes=5))
def test_idle_limit_follows_the_setting(alice_client, clock) -> None:
    clock.shift(timedelta(minutes=4))
    assert alice_client.get(reverse("home")).status_code == 200

    clock.shift(timedelta(minutes=5))
    assert ended(alice_client.get(reverse("home"))) == "idle"


def test_htmx_request_after_expiry_is_redirected_by_htmx(alice_client, clock) -> None:
    clock.shift(timedelta(minutes=31))

    response = alice_client.get(reverse("home"), HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('account_login')}?ended=idle"


def test_signing_in_again_starts_fresh_clocks(personas, alice_client, clock) -> None:
    clock.shift(timedelta(minutes=45))
    alice_client.get(reverse("home"))  # expires
    clock.shift(timedelta(minutes=1))  # a new code for the new sign-in

    from allauth.mfa.models import Authenticator

    secret = Authenticator.objects.get(user=personas.alice, type="totp").data["secret"]
    sign_in(alice_client, personas.alice, secret)
    clock.shift(timedelta(minutes=20))

    assert alice_client.get(reverse("home")).status_code == 200
