""" "Sign out everywhere" ends every session of the user, on this device and all others."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.services.sessions import user_sign_out_everywhere
from roundtable.directory.tests.auth_steps import sign_in
from roundtable.directory.tests.factories import enrol_totp


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def test_account_page_offers_sign_out_everywhere_and_security_links(personas, client_for) -> None:
    html = client_for(personas.alice).get(reverse("directory:my_account")).content.decode()

    assert reverse("sign_out_everywhere") in html
    assert reverse("mfa_index") in html
    assert reverse("account_change_password") in html


def test_button_ends_this_session_and_the_other_devices(personas) -> None:
    phone = Client()
    sign_in(phone, personas.alice, enrol_totp(personas.alice))
    laptop = signed_in_client(personas.alice)
    bob = signed_in_client(personas.bob)

    response = phone.post(reverse("sign_out_everywhere"))

    assert response["Location"] == reverse("account_login")
    assert not phone.get(reverse("home")).wsgi_request.user.is_authenticated
    assert not laptop.get(reverse("home")).wsgi_request.user.is_authenticated
    assert bob.get(reverse("home")).status_code == 200  # other people are untouched
    event = AuditEvent.objects.get(action=Action.SIGN_OUT_EVERYWHERE)
    assert event.actor == personas.alice
    assert event.target_id == str(personas.alice.code)


def test_sign_out_everywhere_needs_a_post(personas, client_for) -> None:
    client = client_for(personas.alice)

    assert client.get(reverse("sign_out_everywhere")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_signed_out_visitor_cannot_use_it(db: None, client: Client) -> None:
    response = client.post(reverse("sign_out_everywhere"))

    assert response["Location"].startswith(reverse("account_login"))
    assert not AuditEvent.objects.filter(action=Action.SIGN_OUT_EVERYWHERE).exists()


def test_service_ends_the_sessions_of_the_user_it_names(personas) -> None:
    alice = signed_in_client(personas.alice)

    user_sign_out_everywhere(actor=personas.spoc, user=personas.alice)

    assert not alice.get(reverse("home")).wsgi_request.user.is_authenticated
    assert AuditEvent.objects.get(action=Action.SIGN_OUT_EVERYWHERE).actor == personas.spoc
