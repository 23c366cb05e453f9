"""Merge fields for letter templates: the fixed list, checking a template, and safe substitution.

A template's text is never rendered as a Django (or any other) template: an administrator's text
could otherwise reach any attribute of any object in the context. Instead ``{{ name }}`` is
replaced by a plain value for the names in ``FIELDS`` only; anything else between double braces
is refused when the template is saved, naming the field. Each person field says which section of
the person's record it comes from, so a letter is generated only when the person generating it
may see those sections. This module reads no records and decides no access.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from roundtable.sharing.sections import Section

TOKEN = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
STRAY = re.compile(r"\{\{|\}\}|\{%|%\}")


@dataclass(frozen=True)
class MergeField:
    """A name a template may use, what it is, and the person's section it needs (if any)."""

    name: str
    description: Promise
    section: Section | None = None


FIELDS: tuple[MergeField, ...] = (
    MergeField("person.full_name", _("The person's full name"), Section.IDENTITY),
    MergeField("person.given_name", _("The person's first name"), Section.IDENTITY),
    MergeField("person.family_name", _("The person's last name"), Section.IDENTITY),
    MergeField("person.date_of_birth", _("Date of birth, like 1 April 1990"), Section.IDENTITY),
    MergeField("person.nationality", _("Nationality"), Section.IDENTITY),
    MergeField("person.address", _("Current address, one part per line"), Section.CONTACT),
    MergeField("case.reference", _("The case reference, like ASB-2026-000123")),
    MergeField("case.title", _("The case title")),
    MergeField("case.type", _("The case type, like Anti-social behaviour")),
    MergeField("agency.name", _("The organisation sending the letter")),
    MergeField("agency.team", _("The team sending the letter")),
    MergeField("agency.team_email", _("The team's email address")),
    MergeField("officer.name", _("The name of the officer generating the letter")),
    MergeField("officer.job_title", _("The officer's job title")),
    MergeField("officer.email", _("The officer's email address")),
    MergeField("today", _("Today's date, like 27 March 2026")),
)
BY_NAME: dict[str, MergeField] = {field.name: field for field in FIELDS}


def names_in(text: str) -> list[str]:
    """The merge field names a text uses, in order, each once."""
    seen: dict[str, None] = {}
    for name in TOKEN.findall(text):
        seen.setdefault(name, None)
    return list(seen)


def problems(text: str) -> list[str]:
    """What is wrong with the merge fields of a text, in words for an administrator."""
    found: list[str] = []
    for name in names_in(text):
        if not name:
            found.append(str(_("A merge field is empty: write it like {{ person.full_name }}")))
        elif name not in BY_NAME:
            found.append(
                str(_("“%(name)s” is not a merge field you can use. Choose one from the list"))
                % {"name": name}
            )
    if STRAY.search(TOKEN.sub("", text)):
        found.append(
            str(
                _(
                    "Write merge fields as two opening braces, the name and two closing braces, "
                    "like {{ person.full_name }}"
                )
            )
        )
    return found


def fields_used(texts: Iterable[str]) -> list[MergeField]:
    """The known merge fields the texts use."""
    names: dict[str, None] = {}
    for text in texts:
        for name in names_in(text):
            names.setdefault(name, None)
    return [BY_NAME[name] for name in names if name in BY_NAME]


def sections_needed(texts: Iterable[str]) -> set[Section]:
    """The sections of the person's record the texts' merge fields come from."""
    return {field.section for field in fields_used(texts) if field.section is not None}


def merge(text: str, values: Mapping[str, str]) -> str:
    """The text with each merge field replaced by its value, as plain text (never re-read)."""
    return TOKEN.sub(lambda match: values.get(match.group(1), ""), text)
