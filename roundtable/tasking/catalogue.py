"""The catalogue of alert events: what may happen to a record that someone may be told about.

Producers (the services of records, casework, tasking, sharing) call
``tasking.services.alerts.alert_event`` with one of these codes, the section the event belongs to
and, at most, the detail keys named here. Detail values are short codes (``custody_update``,
``red``), never free text: they may reach a notification's text, so a name, an address or a note
must never travel in them. This module only describes events; it holds no rules about who is told.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: What a detail value may look like: a lower-case code, or empty (e.g. "not assessed").
DETAIL_VALUE = re.compile(r"^(?:[a-z0-9][a-z0-9_\-]{0,39})?$")


@dataclass(frozen=True)
class DetailKey:
    """One key an event's detail may carry, with labels for the values known in advance."""

    label: Promise | str
    values: Mapping[str, Promise | str] = field(default_factory=dict)
    # A closed key takes only the values listed; an open one any code (types a producer owns).
    closed: bool = False

    def value_label(self, value: str) -> str:
        """A value's label; an unknown code is shown as words (custody_update: Custody update)."""
        known = self.values.get(value)
        if known is not None:
            return str(known)
        return value.replace("_", " ").replace("-", " ").capitalize()


@dataclass(frozen=True)
class EventSpec:
    """One kind of event: its label (in-app and email), usual section and detail keys."""

    code: str
    label: Promise | str
    section: str
    detail: Mapping[str, DetailKey] = field(default_factory=dict)
    # False for an event raised only as a direct notice to named people about a subject with no
    # record (``alerts.alert_event_direct``): no alert rule can match it, so none may name it.
    for_rules: bool = True


RAG = DetailKey(
    _("Risk rating"),
    {"red": _("Red"), "amber": _("Amber"), "green": _("Green"), "": _("Not assessed")},
    closed=True,
)
ENTRY_TYPE = DetailKey(_("Entry type"), {"custody_update": _("Custody update")})
# A document's type is the extension of what its content really is (casework.filetypes).
DOCUMENT_TYPE = DetailKey(
    _("Document type"),
    {
        "pdf": _("PDF"),
        "doc": _("Word document"),
        "docx": _("Word document"),
        "xls": _("Excel workbook"),
        "xlsx": _("Excel workbook"),
        "ppt": _("PowerPoint presentation"),
        "pptx": _("PowerPoint presentation"),
        "odt": _("OpenDocument text"),
        "ods": _("OpenDocument spreadsheet"),
        "odp": _("OpenDocument presentation"),
        "jpg": _("Image"),
        "png": _("Image"),
        "gif": _("Image"),
        "webp": _("Image"),
        "tif": _("Image"),
        "eml": _("Email"),
        "msg": _("Email"),
    },
)

# Enforcement powers (casework.powers) whose code does not read as words.
ACTION_TYPE = DetailKey(
    _("Action type"),
    {
        "asb_warning_notice": _("ASB warning notice"),
        "abc": _("Acceptable behaviour contract"),
        "cpw": _("Community protection warning"),
        "cpn": _("Community protection notice"),
        "cbo": _("Criminal behaviour order"),
    },
)

# A gallery by its address name (``foreign-nationals``), shown as words (Foreign nationals).
GALLERY = DetailKey(_("Gallery"))

EVENTS: dict[str, EventSpec] = {
    spec.code: spec
    for spec in (
        EventSpec("case.created", _("New case opened"), "summary"),
        EventSpec("case.risk_changed", _("Risk rating changed"), "risk", {"rag": RAG}),
        EventSpec("case.stage_changed", _("Case moved to another stage"), "summary"),
        EventSpec("case.closed", _("Case closed"), "summary"),
        # A direct notice to the partnership's case-review lead about the activation, which
        # the lead may read whether or not they may see the victim's record.
        EventSpec("case_review.triggered", _("Case review triggered"), "", for_rules=False),
        EventSpec("diary.created", _("New diary entry"), "diary", {"entry_type": ENTRY_TYPE}),
        EventSpec(
            "document.added",
            _("New document"),
            "documents",
            {"document_type": DOCUMENT_TYPE},
        ),
        EventSpec(
            "enforcement.due",
            _("Enforcement action due"),
            "summary",
            {"action_type": ACTION_TYPE},
        ),
        EventSpec(
            "task.assigned",
            _("Task assigned"),
            "tasks",
            {"priority": DetailKey(_("Priority"))},
        ),
        EventSpec(
            "task.reminder", _("Task due soon"), "tasks", {"priority": DetailKey(_("Priority"))}
        ),
        EventSpec(
            "task.overdue", _("Task overdue"), "tasks", {"priority": DetailKey(_("Priority"))}
        ),
        EventSpec("task.escalated", _("Overdue task escalated"), "tasks"),
        EventSpec(
            "warning.added",
            _("Warning marker added"),
            "warnings",
            {"kind": DetailKey(_("Warning"))},
        ),
        EventSpec("access.requested", _("Access requested"), "summary"),
        # Raised in the gallery's own section of the person's record (membership is there).
        EventSpec("gallery.member_added", _("Added to a gallery"), "risk", {"gallery": GALLERY}),
        EventSpec(
            "gallery.member_removed", _("Removed from a gallery"), "risk", {"gallery": GALLERY}
        ),
    )
}


def spec_for(code: str) -> EventSpec:
    """The catalogue entry of an event code; an unknown code is a programming error."""
    try:
        return EVENTS[code]
    except KeyError:
        raise ValueError(f"Unknown alert event {code!r}: add it to tasking/catalogue.py") from None


def clean_detail(code: str, detail: Mapping[str, str] | None) -> dict[str, str]:
    """The detail as stored: only the keys the event declares, each a short code."""
    spec = spec_for(code)
    cleaned: dict[str, str] = {}
    for key, value in (detail or {}).items():
        if key not in spec.detail:
            raise ValueError(f"Alert event {code!r} carries no detail {key!r}")
        if not isinstance(value, str) or not DETAIL_VALUE.match(value):
            raise ValueError(f"Detail {key!r} of {code!r} must be a short lower-case code")
        if spec.detail[key].closed and value not in spec.detail[key].values:
            raise ValueError(f"Detail {key!r} of {code!r} cannot be {value!r}")
        cleaned[key] = value
    return cleaned


def describe(code: str, detail: Mapping[str, str]) -> str:
    """The in-app headline of an event: its label and the labels of its detail values."""
    spec = EVENTS.get(code)
    if spec is None:  # an event written before its code left the catalogue
        return code
    parts = [
        spec.detail[key].value_label(value)
        for key, value in sorted(detail.items())
        if key in spec.detail and value
    ]
    label = str(spec.label)
    return f"{label} ({', '.join(parts)})" if parts else label


def label_of(code: str) -> str:
    """An event's label; a code no longer in the catalogue is shown as it is (old rules)."""
    spec = EVENTS.get(code)
    return str(spec.label) if spec is not None else code


def event_choices() -> list[tuple[str, str]]:
    """(code, label) of the events an alert rule may name, in catalogue order."""
    return [(spec.code, str(spec.label)) for spec in EVENTS.values() if spec.for_rules]
