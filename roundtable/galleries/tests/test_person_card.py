"""The Galleries card on a person's page reads the galleries a team may open through a query
compiled once (``selectors.galleries._card_galleries``). It must name exactly the galleries
``galleries_for`` names, with "managed" right, whatever the gallery's access, state or
partnership: this compares the two for each way a team reaches a gallery, and each way it
does not."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db.models import Exists, OuterRef

from roundtable.galleries.models import Gallery, GalleryAccess
from roundtable.galleries.selectors.galleries import (
    _card_galleries,
    galleries_for,
    person_galleries,
)
from roundtable.galleries.services.galleries import gallery_set_active
from roundtable.galleries.tests.helpers import add, gallery, person, share, team_of
from roundtable.sharing import policy

pytestmark = pytest.mark.django_db


def _by_orm(viewer: policy.Viewer) -> dict[int, tuple[str, str, str, bool]]:
    managed = Gallery.objects.filter(pk=OuterRef("pk"), managing_teams=viewer.team_id)
    return {
        g.pk: (str(g.code), g.name, g.section, g.managed)
        for g in galleries_for(viewer).annotate(managed=Exists(managed))
    }


def _by_card(viewer: policy.Viewer) -> dict[int, tuple[str, str, str, bool]]:
    assert viewer.team_id is not None
    return {
        pk: (str(g.code), g.name, g.section, g.managed)  # type: ignore[attr-defined]
        for pk, g in _card_galleries(viewer, viewer.team_id).items()
    }


def test_the_card_reads_the_same_galleries_as_galleries_for(personas):
    alice, bob, dave = personas.alice, personas.bob, personas.dave
    asb = team_of(alice)
    own = gallery(alice, "Own gallery")
    named = gallery(bob, "Names the ASB team", viewer_teams=(asb,))
    open_to_all = gallery(bob, "Open to the partnership", access=GalleryAccess.PARTNERSHIP)
    gallery(bob, "Another team's only")
    gallery(dave, "Another partnership's", access=GalleryAccess.PARTNERSHIP)
    closed = gallery(alice, "Closed", section="identity")
    gallery_set_active(actor=None, gallery=closed, active=False, expected_version=closed.version)
    viewer = policy.viewer_for_user(alice, asb)

    card = _by_card(viewer)

    assert card == _by_orm(viewer)
    assert set(card) == {own.pk, named.pk, open_to_all.pk}
    assert {pk for pk, (*_rest, managed) in card.items() if managed} == {own.pk}
    assert list(card) == [g.pk for g in galleries_for(viewer)]  # by name, as the page lists them
    # Without a partnership (the ORM's own path): only what the team manages or is named in.
    alone = replace(viewer, partnership_id=None)
    assert _by_card(alone) == _by_orm(alone) == {k: card[k] for k in (own.pk, named.pk)}
    # The other partnership's team reads its own gallery only.
    far = policy.viewer_for_user(dave, team_of(dave))
    assert _by_card(far) == _by_orm(far)
    assert [name for _c, name, _s, _m in _by_card(far).values()] == ["Another partnership's"]


def test_the_card_lists_a_persons_spells_and_the_galleries_to_add_them_to(personas):
    alice, carol = personas.alice, personas.carol
    own = gallery(alice, "Own gallery")
    other = gallery(alice, "Second gallery")
    jordan = person(alice, "Jordan", "Example")
    spell = add(alice, own, jordan)

    spells, addable = person_galleries(policy.viewer_for_user(alice, team_of(alice)), jordan)

    assert [(s.pk, s.gallery.name) for s in spells] == [(spell.pk, "Own gallery")]
    assert [g.pk for g in addable] == [other.pk]
    # A team that may not open either gallery, though it sees the person, has no card.
    share(alice, jordan, team_of(carol), ["identity", "risk"])
    assert person_galleries(policy.viewer_for_user(carol, team_of(carol)), jordan) == ([], [])
