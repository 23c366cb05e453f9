"""Record kinds and their sections, and the bitmask that stores a set of sections.

A section is the unit of sharing: a grant gives a team some sections of one record. Bit positions
are part of the stored data (the access table and grants hold bitmasks): never reuse or reorder a
bit; a new section takes a new bit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.IntegerChoices):
    PROFILE = 1, _("Person")
    PREMISES = 2, _("Premises")
    GROUP = 3, _("Group")
    CASE = 4, _("Case")


class Section(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact details and addresses")
    SENSITIVE = "sensitive", _("Sensitive (special category) data")
    WARNINGS = "warnings", _("Warning markers")
    RELATIONSHIPS = "relationships", _("Relationships")
    DIARY = "diary", _("Diary")
    DOCUMENTS = "documents", _("Documents")
    RISK = "risk", _("Risk")
    OFFENDING = "offending", _("Offending")
    SUMMARY = "summary", _("Summary")
    MEMBERS = "members", _("Members and links")
    TASKS = "tasks", _("Tasks")


BIT: dict[str, int] = {
    Section.IDENTITY: 1 << 0,
    Section.CONTACT: 1 << 1,
    Section.SENSITIVE: 1 << 2,
    Section.WARNINGS: 1 << 3,
    Section.RELATIONSHIPS: 1 << 4,
    Section.DIARY: 1 << 5,
    Section.DOCUMENTS: 1 << 6,
    Section.RISK: 1 << 7,
    Section.OFFENDING: 1 << 8,
    Section.SUMMARY: 1 << 9,
    Section.MEMBERS: 1 << 10,
    Section.TASKS: 1 << 11,
}

SECTIONS_BY_KIND: dict[int, tuple[Section, ...]] = {
    RecordKind.PROFILE: (
        Section.IDENTITY,
        Section.CONTACT,
        Section.SENSITIVE,
        Section.WARNINGS,
        Section.RELATIONSHIPS,
        Section.DIARY,
        Section.DOCUMENTS,
        Section.RISK,
        Section.OFFENDING,
    ),
    RecordKind.CASE: (
        Section.SUMMARY,
        Section.MEMBERS,
        Section.DIARY,
        Section.DOCUMENTS,
        Section.RISK,
        Section.TASKS,
    ),
    RecordKind.PREMISES: (Section.SUMMARY, Section.MEMBERS, Section.DIARY, Section.DOCUMENTS),
    RecordKind.GROUP: (Section.SUMMARY, Section.MEMBERS, Section.DIARY, Section.DOCUMENTS),
}


def to_mask(sections: Iterable[str]) -> int:
    """The bitmask of a set of section codes; unknown codes raise KeyError."""
    mask = 0
    for section in sections:
        mask |= BIT[section]
    return mask


def from_mask(mask: int, kind: int | None = None) -> frozenset[Section]:
    """The sections in a bitmask, limited to those a record kind has when one is given."""
    candidates = SECTIONS_BY_KIND[kind] if kind is not None else tuple(Section)
    return frozenset(section for section in candidates if mask & BIT[section])


def full_mask(kind: int) -> int:
    """Every section of a record kind."""
    return to_mask(SECTIONS_BY_KIND[kind])


def describe(sections: Iterable[str]) -> str:
    """'Identity, Diary and Risk': section labels in their canonical order."""
    chosen = set(sections)
    labels = [str(section.label) for section in Section if section in chosen]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
