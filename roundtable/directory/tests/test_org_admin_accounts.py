"""The organisation admin's account actions: edit details, deactivate, reactivate, unlock, and the
conflict page a stale form gets."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import User
from roundtable.directory.tests.auth_steps import submit_password
from roundtable.directory.tests.factories import enrol_totp


def _url(name: str, user: User) -> str:
    return reverse(f"directory:{name}", kwargs={"code": user.code})


# --- deactivation -----------------------------------------------------------------------------


def test_deactivation_signs_the_user_out_of_their_open_session_at_once(personas, client_for):
    alice_client = client_for(personas.alice)
    assert alice_client.get(reverse("home")).status_code == 200

    response = client_for(personas.spoc).post(
        _url("user_deactivate", personas.alice), {"reason": "Left the force", "version": 0}
    )

    assert response.status_code == 302
    after = alice_client.get(reverse("home"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("account_login"))
    personas.alice.refresh_from_db()
    assert not personas.alice.is_active
    event = AuditEvent.objects.get(action=Action.DEACTIVATE)
    assert event.justification == "Left the force"
    assert event.actor == personas.spoc


def test_deactivation_without_a_reason_shows_the_error_and_changes_nothing(personas, client_for):
    response = client_for(personas.spoc).post(
        _url("user_deactivate", personas.alice), {"reason": "", "version": 0}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter the reason for deactivating this account" in html
    personas.alice.refresh_from_db()
    assert personas.alice.is_active
    assert not AuditEvent.objects.filter(action=Action.DEACTIVATE).exists()


def test_spoc_cannot_deactivate_themselves_and_is_told_why(personas, client_for):
    response = client_for(personas.spoc).post(
        _url("user_deactivate", personas.spoc), {"reason": "Testing", "version": 0}
    )

    assert response.status_code == 200
    assert "You cannot deactivate your own account" in response.content.decode()
    personas.spoc.refresh_from_db()
    assert personas.spoc.is_active


def test_reactivation_lets_the_user_sign_in_again(personas, client_for):
    enrol_totp(personas.alice)  # so a correct password leads on to the second-factor step
    client = client_for(personas.spoc)
    client.post(_url("user_deactivate", personas.alice), {"reason": "On leave", "version": 0})

    response = client.post(_url("user_reactivate", personas.alice), {"version": 1})

    assert response.status_code == 302
    personas.alice.refresh_from_db()
    assert personas.alice.is_active
    assert AuditEvent.objects.filter(action=Action.REACTIVATE).count() == 1
    assert submit_password(Client(), personas.alice.email)["Location"] == reverse(
        "mfa_authenticate"
    )


# --- editing and optimistic locking -----------------------------------------------------------


def test_spoc_changes_a_users_name_and_job_title(personas, client_for):
    response = client_for(personas.spoc).post(
        _url("user_edit", personas.alice),
        {"full_name": "Alice Ashdown-Hale", "job_title": "ASB caseworker", "version": 0},
    )

    assert response.status_code == 302
    personas.alice.refresh_from_db()
    assert (personas.alice.full_name, personas.alice.job_title) == (
        "Alice Ashdown-Hale",
        "ASB caseworker",
    )
    event = AuditEvent.objects.get(action=Action.UPDATE, target_id=str(personas.alice.code))
    assert event.changes == {
        "full_name": ["Alice Ashdown", "Alice Ashdown-Hale"],
        "job_title": ["", "ASB caseworker"],
    }


def test_edit_form_carries_the_version_it_was_read_at(personas, client_for):
    html = client_for(personas.spoc).get(_url("user_edit", personas.alice)).content.decode()

    assert 'name="version" value="0"' in html


def test_stale_edit_gets_a_conflict_showing_the_current_values_not_a_silent_overwrite(
    personas, client_for
):
    first, second = client_for(personas.spoc), client_for(personas.sysadmin)
    first.post(
        _url("user_edit", personas.alice),
        {"full_name": "Alice Ashdown-Hale", "job_title": "", "version": 0},
    )

    response = second.post(
        _url("user_edit", personas.alice),
        {"full_name": "Alice Ash", "job_title": "Officer", "version": 0},
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this while you were editing it" in html
    assert 'data-testid="conflict-current-values"' in html
    assert "Alice Ashdown-Hale" in html
    assert 'name="version" value="1"' in html  # resubmitting is now a deliberate choice
    personas.alice.refresh_from_db()
    assert personas.alice.full_name == "Alice Ashdown-Hale"
    assert AuditEvent.objects.filter(action=Action.UPDATE).count() == 1


def test_stale_deactivation_is_refused_with_a_conflict(personas, client_for):
    client = client_for(personas.spoc)
    client.post(
        _url("user_edit", personas.alice), {"full_name": "Alice A", "job_title": "", "version": 0}
    )

    response = client.post(
        _url("user_deactivate", personas.alice), {"reason": "Left", "version": 0}
    )

    assert response.status_code == 409
    personas.alice.refresh_from_db()
    assert personas.alice.is_active


def test_tampered_version_is_a_field_error_not_a_500(personas, client_for):
    response = client_for(personas.spoc).post(
        _url("user_edit", personas.alice), {"full_name": "X", "job_title": "", "version": "abc"}
    )

    assert response.status_code == 200
    assert "The form is out of date" in response.content.decode()
    personas.alice.refresh_from_db()
    assert personas.alice.full_name == "Alice Ashdown"


# --- unlock -----------------------------------------------------------------------------------


def _lock_out(user: User) -> None:
    for _ in range(settings.LOCKOUT_FAILURES):
        submit_password(Client(), user.email, password="not the right password 1")
    assert submit_password(Client(), user.email).status_code == 429


def test_spoc_unlocks_a_locked_out_user_from_the_user_page(personas, client_for):
    enrol_totp(personas.alice)
    _lock_out(personas.alice)
    client = client_for(personas.spoc)
    assert (
        'data-testid="unlock"' in client.get(_url("user_detail", personas.alice)).content.decode()
    )

    response = client.post(_url("user_unlock", personas.alice))

    assert response.status_code == 302
    assert submit_password(Client(), personas.alice.email)["Location"] == reverse(
        "mfa_authenticate"
    )
    event = AuditEvent.objects.get(action=Action.UNLOCK)
    assert event.actor == personas.spoc
    assert event.target_id == str(personas.alice.code)


def test_practitioner_cannot_unlock_and_the_lock_stays(personas, client_for):
    _lock_out(personas.alice)

    response = client_for(personas.bob).post(_url("user_unlock", personas.alice))

    assert response.status_code == 403
    assert submit_password(Client(), personas.alice.email).status_code == 429
    assert not AuditEvent.objects.filter(action=Action.UNLOCK).exists()
