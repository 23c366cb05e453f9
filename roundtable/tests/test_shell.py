"""The page shell: health check, error pages, security headers, request ids and JSON logs."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import path

from roundtable import urls as project_urls


def _boom(request):
    raise RuntimeError("secret internal detail /var/lib/roundtable")


urlpatterns = [*project_urls.urlpatterns, path("boom/", _boom)]
handler500 = project_urls.handler500
handler404 = project_urls.handler404
handler403 = project_urls.handler403
handler400 = project_urls.handler400


def test_healthz_reports_database_and_migrations_ok(db):
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "applied"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_pending_migrations_as_unavailable(db, settings):
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder(connection).migration_qs.filter(app="directory").delete()

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_healthz_refuses_post(db):
    assert Client().post("/healthz").status_code == 405


def test_anonymous_home_redirects_to_sign_in(db):
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_page_is_a_styled_404_that_reveals_nothing(personas, client_for):
    response = client_for(personas.alice).get("/no/such/page/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert "/no/such/page/" not in body
    assert body.count("<h1") == 1
    assert 'class="govuk-skip-link"' in body


@pytest.mark.urls("roundtable.tests.test_shell")
def test_server_error_is_a_styled_500_without_stack_trace(db):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body
    assert body.count("<h1") == 1


def test_pages_carry_a_nonce_content_security_policy_and_security_headers(personas, client_for):
    response = client_for(personas.alice).get("/")

    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce, policy
    assert "script-src 'self' 'nonce-" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert f'nonce="{nonce.group(1)}"' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_home_page_has_one_h1_a_title_a_skip_link_and_the_acting_team(personas, client_for):
    body = client_for(personas.alice).get("/").content.decode()

    assert body.count("<h1") == 1
    assert re.search(r"<title>Home - Roundtable</title>", body)
    assert 'href="#main-content"' in body
    assert 'data-testid="acting-team"' in body
    assert "ASB Team" in body


def test_static_assets_are_served_by_the_app_itself(db, settings):
    # As in development; production serves the same files collected into STATIC_ROOT.
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    for asset in (
        "/static/roundtable/application.css",
        "/static/govuk/govuk-frontend.min.js",
        "/static/moj/moj-frontend.min.js",
        "/static/htmx/htmx.min.js",
        "/static/assets/fonts/bold-b542beb274-v2.woff2",
    ):
        response = client.get(asset)
        assert response.status_code == 200, asset
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        response.close()


def test_every_response_has_a_request_id_and_an_upstream_id_is_kept(db):
    client = Client()
    generated = client.get("/healthz")
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-0123456789abcdef"})
    refused = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})

    assert re.fullmatch(r"[0-9a-f]{32}", generated["X-Request-ID"])
    assert kept["X-Request-ID"] == "lb-0123456789abcdef"
    assert refused["X-Request-ID"] != "<script>alert(1)</script>"


def test_log_lines_are_json_with_the_request_id(db, capsys):
    from logging.config import dictConfig

    from django.conf import settings as django_settings

    from roundtable.lib.requestid import request_id_var

    dictConfig(django_settings.LOGGING)
    token = request_id_var.set("req-test-000001")
    try:
        logging.getLogger("roundtable.test").warning("something happened")
    finally:
        request_id_var.reset(token)

    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["message"] == "something happened"
    assert record["request_id"] == "req-test-000001"
    assert record["level"] == "WARNING"


def test_navigation_shows_work_areas_to_team_members_and_setup_to_partnership_admins(
    personas, client_for
):
    from roundtable.directory.models import Capability
    from roundtable.directory.tests.factories import grant

    practitioner_page = client_for(personas.alice).get("/").content.decode()
    assert 'href="/records/search/"' in practitioner_page
    assert 'href="/records/cases/"' in practitioner_page
    assert 'href="/records/case-types/"' not in practitioner_page
    assert 'href="/sharing/agreements/"' not in practitioner_page

    grant(personas.bob, Capability.PARTNERSHIP_ADMIN)
    admin_page = client_for(personas.bob).get("/").content.decode()
    assert 'href="/records/case-types/"' in admin_page
    assert 'href="/sharing/agreements/"' in admin_page


def test_user_without_a_team_is_not_offered_record_pages(personas, client_for):
    page = client_for(personas.sysadmin).get("/").content.decode()

    assert 'href="/records/search/"' not in page
    assert "not a member of any team" in page
