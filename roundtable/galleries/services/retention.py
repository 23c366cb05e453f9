"""Erasing gallery spells whose retention has ended (a daily background task calls this).

A removed member's spell is kept until ``retain_until`` (the removal date plus the gallery's
retention). After it, the spell is erased; the person's answers to the gallery's fields go too
unless they have a current or still-retained spell in the same gallery. Each erasure is audited
(the person as target, the gallery's section), naming the spell and the gallery, never the
answers. The person's own record is untouched.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.customforms.models import FormValues
from roundtable.galleries.models import GalleryMembership, MembershipState
from roundtable.sharing.sections import RecordKind

BATCH = 500


def spells_erase_expired(*, today: date | None = None) -> int:
    """Erase every removed spell whose retention ended before ``today``; returns how many."""
    day = today or timezone.localdate()
    erased = 0
    while True:
        with transaction.atomic():
            spells = list(
                GalleryMembership.objects.select_for_update(skip_locked=True)
                .filter(state=MembershipState.REMOVED, retain_until__lt=day)
                .select_related("gallery", "profile")
                .order_by("pk")[:BATCH]
            )
            if not spells:
                return erased
            for spell in spells:
                _erase(spell, day)
            erased += len(spells)


def _erase(spell: GalleryMembership, day: date) -> None:
    gallery, profile = spell.gallery, spell.profile
    others = GalleryMembership.objects.filter(gallery=gallery, profile=profile).exclude(pk=spell.pk)
    kept = (
        others.filter(state=MembershipState.CURRENT).exists()
        or others.filter(retain_until__gte=day).exists()
    )
    answers_erased = False
    if not kept and gallery.form_id is not None:
        answers_erased = bool(
            FormValues.objects.filter(
                definition_id=gallery.form_id,
                record_kind=RecordKind.PROFILE,
                record_id=profile.pk,
            ).delete()[0]
        )
    code = str(spell.code)
    spell.delete()
    audit_record(
        action=Action.ERASE,
        target=profile,
        sections=[gallery.section],
        detail={
            "gallery": str(gallery.code),
            "membership": code,
            "reason": "retention ended",
            "answers_erased": answers_erased,
        },
    )
