"""Every account must have a second factor: enrolment on first sign-in, nothing else until then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.tests.auth_steps import (
    assert_page_fits_the_shell,
    reauthenticate,
    sign_in,
    submit_password,
)
from roundtable.directory.tests.factories import enrol_totp


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def unenrolled_client(personas, settings) -> Client:
    """Alice, signed in with her password, before she has set up any second factor."""
    settings.WHITENOISE_USE_FINDERS = True  # serve static files as development and production do
    client = Client()
    response = submit_password(client, personas.alice.email)
    assert response.status_code == 302
    return client


def test_first_sign_in_ends_on_the_authenticator_app_setup_page(unenrolled_client) -> None:
    response = unenrolled_client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize(
    "url_name", ["home", "directory:my_account", "directory:switch_team", "mfa_index"]
)
def test_unenrolled_user_is_sent_to_enrolment_from_other_pages(
    unenrolled_client, url_name: str
) -> None:
    response = unenrolled_client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_htmx_request_of_unenrolled_user_is_redirected_by_htmx(unenrolled_client) -> None:
    response = unenrolled_client.get(reverse("home"), HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


def test_setup_page_shows_qr_code_and_the_key_as_text(unenrolled_client) -> None:
    response = unenrolled_client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    html = response.content.decode()
    assert_page_fits_the_shell(html)
    assert 'src="data:image/svg+xml;base64,' in html
    assert response.context["form"].secret in html  # for people who cannot scan a QR code


def test_unenrolled_user_can_still_sign_out_and_reach_static_files_and_healthz(
    unenrolled_client,
) -> None:
    assert unenrolled_client.get(reverse("healthz")).status_code == 200
    static = unenrolled_client.get("/static/govuk/govuk-frontend.min.js")
    assert static.status_code == 200
    # Read to the end, which also closes the file (an explicit close() would end the request
    # with the database connection still wanted by the test).
    assert static.getvalue()

    response = unenrolled_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not unenrolled_client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_entering_the_app_code_enrols_and_opens_the_service(
    personas, unenrolled_client, django_capture_on_commit_callbacks
) -> None:
    page = unenrolled_client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    # allauth announces the enrolment after its transaction commits; the audit event follows it.
    with django_capture_on_commit_callbacks(execute=True):
        response = unenrolled_client.post(
            reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()}
        )

    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = unenrolled_client.get(reverse("mfa_view_recovery_codes"))
    assert_page_fits_the_shell(codes.content.decode())
    assert unenrolled_client.get(reverse("home")).status_code == 200
    assert Authenticator.objects.filter(user=personas.alice, type=Authenticator.Type.TOTP).exists()
    enrolments = AuditEvent.objects.filter(action=Action.MFA_ENROL, actor=personas.alice)
    assert {event.detail["factor"] for event in enrolments} == {"totp", "recovery_codes"}


def test_a_wrong_setup_code_enrols_nothing(personas, unenrolled_client) -> None:
    response = unenrolled_client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not Authenticator.objects.filter(user=personas.alice).exists()
    assert unenrolled_client.get(reverse("home")).status_code == 302


def test_enrolled_user_reaches_pages_without_being_redirected(personas, client_for) -> None:
    client = client_for(personas.alice)

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("directory:my_account")).status_code == 200


def test_a_session_checks_for_a_second_factor_once_not_on_every_request(
    personas, client_for
) -> None:
    client = client_for(personas.alice)
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200

    assert not [q for q in queries.captured_queries if "mfa_authenticator" in q["sql"]]


def test_a_security_key_counts_as_a_second_factor(personas) -> None:
    Authenticator.objects.create(
        user=personas.alice, type=Authenticator.Type.WEBAUTHN, data={"name": "Blue key"}
    )
    client = Client()
    client.force_login(personas.alice)

    assert client.get(reverse("home")).status_code == 200


def test_recovery_codes_alone_do_not_count_as_a_second_factor(personas) -> None:
    Authenticator.objects.create(
        user=personas.alice, type=Authenticator.Type.RECOVERY_CODES, data={}
    )
    client = Client()
    client.force_login(personas.alice)

    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_removing_the_app_sends_the_user_back_to_enrolment(personas) -> None:
    client = Client()
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        sign_in(client, personas.alice, enrol_totp(personas.alice))
        clock.shift(timedelta(minutes=6))
        # Minutes after signing in, the password must be confirmed again before the change.
        assert client.post(reverse("mfa_deactivate_totp"))["Location"].startswith(
            reverse("account_reauthenticate")
        )
        reauthenticate(client)

        response = client.post(reverse("mfa_deactivate_totp"))

        assert response.status_code == 302
        assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    assert AuditEvent.objects.filter(
        action=Action.MFA_REMOVE, actor=personas.alice, detail__factor="totp"
    ).exists()


def test_mfa_settings_pages_are_govuk_pages(personas) -> None:
    client = Client()
    sign_in(client, personas.alice, enrol_totp(personas.alice))

    for name in ("mfa_index", "mfa_generate_recovery_codes", "mfa_deactivate_totp",
                 "mfa_add_webauthn", "mfa_list_webauthn"):  # fmt: skip
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_page_fits_the_shell(response.content.decode())


def test_security_key_page_loads_its_scripts_as_files_the_csp_allows(personas, settings) -> None:
    import re

    settings.WHITENOISE_USE_FINDERS = True  # serve static files as development and production do

    client = Client()
    sign_in(client, personas.alice, enrol_totp(personas.alice))

    html = client.get(reverse("mfa_add_webauthn")).content.decode()

    sources = re.findall(r'<script[^>]* src="([^"]+)"', html)
    assert any(source.endswith("mfa/js/webauthn.js") for source in sources)
    for source in sources:
        response = client.get(source)
        assert response.status_code == 200, source
        assert response.getvalue()
    csp = client.get(reverse("mfa_add_webauthn"))["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
