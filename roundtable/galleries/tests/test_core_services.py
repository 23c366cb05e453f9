"""The core services and selectors: a gallery's members are filtered through the policy."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from roundtable.audit.models import AuditEvent
from roundtable.customforms.models import FormValues
from roundtable.galleries import access
from roundtable.galleries.models import GalleryMembership, MembershipState
from roundtable.galleries.selectors.galleries import galleries_for, members
from roundtable.galleries.services.memberships import (
    StaleMembership,
    member_answers,
    membership_answers_save,
)
from roundtable.galleries.tests.helpers import (
    FIELDS,
    add,
    gallery,
    person,
    remove,
    share,
    team_of,
)
from roundtable.sharing import policy

pytestmark = pytest.mark.django_db


def test_members_are_only_the_people_whose_gallery_section_the_viewer_sees(personas):
    chosen = gallery(personas.alice, viewer_teams=(team_of(personas.carol),))
    shared = person(personas.alice, "Tamsin", "Quarrell")
    unshared = person(personas.alice, "Oswin", "Featherby")
    add(personas.alice, chosen, shared)
    add(personas.alice, chosen, unshared)
    share(personas.alice, shared, team_of(personas.carol), ["identity", "risk"])

    alice = policy.viewer_for_user(personas.alice)
    carol = policy.viewer_for_user(personas.carol)
    dave = policy.viewer_for_user(personas.dave)
    assert {m.profile_id for m in members(alice, chosen)} == {shared.pk, unshared.pk}
    assert {m.profile_id for m in members(carol, chosen)} == {shared.pk}
    assert access.may_open(carol, chosen) and not access.may_open(dave, chosen)
    assert list(galleries_for(carol)) == [chosen]
    assert list(galleries_for(dave)) == []


def test_adding_records_answers_and_audits_without_the_answers(personas):
    chosen = gallery(personas.alice)
    someone = person(personas.alice, "Tamsin", "Quarrell")
    spell = add(personas.alice, chosen, someone, answers={"custody": "in_custody"})
    assert member_answers(chosen, someone.pk) == {"custody": "in_custody"}
    event = AuditEvent.objects.filter(target_id=str(someone.code), action="create").latest("id")
    assert event.detail["membership"] == str(spell.code)
    assert "in_custody" not in str(event.changes)


def test_a_second_current_spell_and_bad_answers_are_refused_and_write_nothing(personas):
    chosen = gallery(personas.alice)
    someone = person(personas.alice, "Tamsin", "Quarrell")
    add(personas.alice, chosen, someone)
    with pytest.raises(ValidationError, match="already a current member"):
        add(personas.alice, chosen, someone)
    other = person(personas.alice, "Oswin", "Featherby")
    with pytest.raises(ValidationError) as refused:
        add(personas.alice, chosen, other, answers={"custody": "on the moon"})
    assert "field_custody" in refused.value.message_dict
    assert not GalleryMembership.objects.filter(profile=other).exists()
    assert not FormValues.objects.filter(record_id=other.pk).exists()


def test_only_a_managing_team_that_sees_the_person_may_add(personas):
    chosen = gallery(personas.alice, viewer_teams=(team_of(personas.carol),))
    someone = person(personas.carol, "Tamsin", "Quarrell")
    with pytest.raises(ValidationError, match="managing teams"):
        add(personas.carol, chosen, someone)
    with pytest.raises(ValidationError, match="can see"):
        add(personas.alice, chosen, someone)


def test_removal_keeps_the_spell_until_its_retention_and_refuses_a_stale_version(personas):
    chosen = gallery(personas.alice, retention_months=6)
    someone = person(personas.alice, "Tamsin", "Quarrell")
    spell = add(personas.alice, chosen, someone)
    removed = remove(personas.alice, spell, on=date(2026, 8, 31), reason="Granted leave to remain.")
    assert removed.state == MembershipState.REMOVED
    assert removed.retain_until == date(2027, 2, 28)
    with pytest.raises(StaleMembership):
        membership_answers_save(
            actor=personas.alice,
            team=team_of(personas.alice),
            spell=spell,
            payload={},
            expected_version=spell.version,
        )
    add(personas.alice, chosen, someone)  # a new spell may start after the last one ended
    assert GalleryMembership.objects.filter(profile=someone).count() == 2


def test_a_spell_is_erased_after_its_retention_with_its_answers_and_an_audit_event(personas):
    from roundtable.galleries.services.retention import spells_erase_expired

    chosen = gallery(personas.alice, retention_months=6)
    someone = person(personas.alice, "Tamsin", "Quarrell")
    spell = add(personas.alice, chosen, someone, answers={"custody": "in_custody"})
    remove(personas.alice, spell, on=date(2026, 3, 1))
    assert spells_erase_expired(today=date(2026, 9, 1)) == 0  # retained until 1 September
    assert spells_erase_expired(today=date(2026, 9, 2)) == 1
    assert not GalleryMembership.objects.filter(profile=someone).exists()
    assert member_answers(chosen, someone.pk) == {}
    event = AuditEvent.objects.filter(target_id=str(someone.code), action="erase").get()
    assert event.detail["membership"] == str(spell.code) and event.detail["answers_erased"]
    someone.refresh_from_db()  # the person's own record stays


def test_erasing_an_old_spell_keeps_the_answers_of_a_current_one(personas):
    from roundtable.galleries.services.retention import spells_erase_expired

    chosen = gallery(personas.alice, retention_months=1)
    someone = person(personas.alice, "Tamsin", "Quarrell")
    old = add(personas.alice, chosen, someone, added_on=date(2025, 1, 5))
    remove(personas.alice, old, on=date(2025, 2, 1), reason="Moved away.")
    add(personas.alice, chosen, someone, answers={"custody": "community"})
    assert spells_erase_expired(today=date(2026, 1, 1)) == 1
    assert member_answers(chosen, someone.pk) == {"custody": "community"}


def test_gallery_for_reads_the_gallery_and_the_teams_rules_in_one_query(
    personas, django_assert_num_queries
):
    from roundtable.galleries.selectors.galleries import gallery_for
    from roundtable.galleries.selectors.members import gallery_form

    chosen = gallery(personas.alice, viewer_teams=(team_of(personas.carol),))
    alice = policy.viewer_for_user(personas.alice)
    carol = policy.viewer_for_user(personas.carol)
    bob = policy.viewer_for_user(personas.bob)  # same partnership, neither managing nor named
    dave = policy.viewer_for_user(personas.dave)

    with django_assert_num_queries(1):
        mine = gallery_for(alice, chosen.code)
        assert mine is not None and access.is_manager(alice, mine)
        assert [item.key for item in gallery_form(mine).fields] == [f["key"] for f in FIELDS]
    with django_assert_num_queries(1):
        named = gallery_for(carol, chosen.code)
        assert named is not None and not access.is_manager(carol, named)
    assert gallery_for(bob, chosen.code) is None
    assert gallery_for(dave, chosen.code) is None
    # What was read for one team is never taken as another team's answer.
    assert not access.is_manager(carol, mine)
    assert access.may_open(carol, mine) and not access.may_open(bob, mine)
