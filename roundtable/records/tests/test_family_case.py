"""Opening a family case from the family view: the journey, who may add whom, and bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import Case, CaseMember, MemberRole, Profile, Relationship
from roundtable.records.services import profiles as profile_services
from roundtable.records.tests.family_helpers import family

NO_LONGER = "can no longer be added from this family view"


@pytest.fixture
def world(personas):
    return family(personas)


def _start_url(profile: Profile) -> str:
    return reverse("records:profile_family_case", kwargs={"code": profile.code})


def _members(case: Case) -> set[tuple[int, str]]:
    return set(CaseMember.objects.filter(case=case).values_list("profile_id", "role"))


def test_family_case_opens_with_the_centre_as_subject_and_chosen_relatives(
    personas, world, client_for
):
    client = client_for(personas.alice)
    chosen = [str(world.partner.code), str(world.child.code)]
    query = {"case_type": str(world.family_type.code), "members": chosen}
    page = client.get(_start_url(world.centre), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Open a supporting families case" in html
    assert "Sasha PARTNERTON (partner)" in html
    assert "Casey CENTREHAM (child)" in html
    assert "Tyler" not in html  # not chosen
    response = client.post(_start_url(world.centre), {**query, "title": "Centreham family support"})
    assert response.status_code == 302
    case = Case.objects.get(title="Centreham family support")
    assert response["Location"] == case.get_absolute_url()
    assert case.case_type == world.family_type
    assert case.owning_team == world.asb
    assert case.reference.startswith("SF-")
    assert _members(case) == {
        (world.centre.pk, MemberRole.SUBJECT),
        (world.partner.pk, MemberRole.FAMILY_MEMBER),
        (world.child.pk, MemberRole.FAMILY_MEMBER),
    }
    audited = AuditEvent.objects.filter(target_id=str(case.code))
    assert audited.filter(action=Action.CREATE).count() == 1
    assert audited.filter(action=Action.UPDATE, sections=["members"]).count() == 3


def test_family_view_offers_only_family_case_types(personas, world, client_for):
    html = (
        client_for(personas.alice)
        .get(reverse("records:profile_family", kwargs={"code": world.centre.code}))
        .content.decode()
    )
    assert "Supporting families" in html
    assert f'value="{world.case_type.code}"' not in html
    world.family_type.is_family = False
    world.family_type.save(update_fields=["is_family"])
    html = (
        client_for(personas.alice)
        .get(reverse("records:profile_family", kwargs={"code": world.centre.code}))
        .content.decode()
    )
    assert 'data-testid="no-family-types"' in html


def test_a_hidden_relative_cannot_be_added_and_is_not_named(personas, world, client_for):
    client = client_for(personas.alice)
    query = {"case_type": str(world.family_type.code), "members": [str(world.hidden_sibling.code)]}
    page = client.get(_start_url(world.centre), query)
    assert page.status_code == 400
    assert NO_LONGER in page.content.decode()
    assert "HIDDENSIB" not in page.content.decode()
    assert str(world.hidden_sibling.code) not in page.content.decode()
    before = Case.objects.count()
    response = client.post(_start_url(world.centre), {**query, "title": "Family support"})
    assert response.status_code == 400
    assert NO_LONGER in response.content.decode()
    assert "HIDDENSIB" not in response.content.decode()
    assert Case.objects.count() == before


def test_a_case_type_that_is_not_a_family_type_is_refused(personas, world, client_for):
    client = client_for(personas.alice)
    query = {"case_type": str(world.case_type.code), "title": "Family support"}
    before = Case.objects.count()
    response = client.post(_start_url(world.centre), query)
    assert response.status_code == 400
    assert "Choose a family case type" in response.content.decode()
    assert Case.objects.count() == before


def test_a_relative_gone_since_the_form_was_read_writes_nothing(personas, world, client_for):
    client = client_for(personas.alice)
    query = {"case_type": str(world.family_type.code), "members": [str(world.partner.code)]}
    assert client.get(_start_url(world.centre), query).status_code == 200
    relationship = Relationship.objects.get(from_profile=world.centre, to_profile=world.partner)
    profile_services.relationship_end(
        actor=personas.alice, relationship=relationship, profile=world.centre
    )
    before = (Case.objects.count(), AuditEvent.objects.filter(action=Action.CREATE).count())
    response = client.post(_start_url(world.centre), {**query, "title": "Family support"})
    assert response.status_code == 400
    assert NO_LONGER in response.content.decode()
    after = (Case.objects.count(), AuditEvent.objects.filter(action=Action.CREATE).count())
    assert after == before


def test_case_form_errors_keep_the_choices_and_write_nothing(personas, world, client_for):
    client = client_for(personas.alice)
    query = {"case_type": str(world.family_type.code), "members": [str(world.partner.code)]}
    before = Case.objects.count()
    response = client.post(_start_url(world.centre), {**query, "title": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a title" in html
    assert f'value="{world.partner.code}"' in html  # still carried in the hidden field
    assert Case.objects.count() == before


@pytest.mark.parametrize("persona", ["bob", "dave"])
def test_viewer_without_the_family_view_cannot_open_a_family_case(
    persona, personas, world, client_for
):
    query = {"case_type": str(world.family_type.code), "title": "Family support"}
    response = client_for(getattr(personas, persona)).post(_start_url(world.centre), query)
    assert response.status_code == 403
    assert not Case.objects.filter(title="Family support").exists()


def test_partnership_admin_marks_a_case_type_as_family(personas, world, client_for):
    from roundtable.directory.models import Capability
    from roundtable.directory.tests.factories import grant

    grant(personas.spoc, Capability.PARTNERSHIP_ADMIN)
    client = client_for(personas.spoc)
    edit = reverse("records:case_type_edit", kwargs={"code": world.case_type.code})
    form = client.get(edit).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        stages="\n".join(world.case_type.stages),
        is_family="on",
        is_active="on",
        access_level="open",
    )
    assert client.post(edit, data).status_code == 302
    world.case_type.refresh_from_db()
    assert world.case_type.is_family
    event = AuditEvent.objects.filter(target_id=str(world.case_type.code)).last()
    assert event is not None
    assert event.changes["is_family"] == [False, True]
