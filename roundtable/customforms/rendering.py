"""Forms and answers drawn with GOV.UK components: the questions to fill in, and a summary list.

``render_form`` draws a version's questions (inputs, textareas, radios, checkboxes, date inputs,
a country select, address groups) with their errors. A field shown only when an earlier yes/no
or choice question has one particular answer is nested inside that answer with GOV.UK's own
conditional reveal (``data-module`` radios and checkboxes: no inline script or style, so the
strict CSP holds); any other condition is explained in the field's hint and applied by the
server. ``render_values`` draws stored answers with the version they were written with,
withholding every answer in a section the reader may not see (``sharing.policy`` decides) and
resolving linked people and documents only as far as the reader may see them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries

from roundtable.customforms import references
from roundtable.customforms.models import FormVersion
from roundtable.customforms.schema import (
    ADDRESS,
    CHOICE,
    COUNTRY,
    DATE,
    FILE,
    LONG_TEXT,
    MULTI_CHOICE,
    NUMBER,
    PERSON_LINK,
    TEXT,
    YES_NO,
    Field,
    Schema,
    choice_label,
    field_map,
    fields_of,
)
from roundtable.customforms.scoring import ScoreResult, number_text, score, score_text
from roundtable.customforms.validation import (
    ADDRESS_PARTS,
    DATE_FORMATS,
    input_name,
    schema_of,
    shown_keys,
)
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

TEMPLATES = {
    TEXT: "input",
    NUMBER: "input",
    PERSON_LINK: "input",
    FILE: "input",
    LONG_TEXT: "textarea",
    YES_NO: "radios",
    CHOICE: "radios",
    MULTI_CHOICE: "checkboxes",
    DATE: "date",
    COUNTRY: "select",
    ADDRESS: "address",
}
NESTABLE = frozenset({YES_NO, CHOICE, MULTI_CHOICE})
TYPE_HINTS = {
    DATE: _lazy("For example, 27 3 2026"),
    PERSON_LINK: _lazy("The person's reference, or the address of their page"),
    FILE: _lazy("The document's reference, or the address of its page"),
}


@dataclass
class Option:
    """One radio or checkbox, with the questions revealed when it is chosen."""

    value: str
    label: str
    checked: bool
    id: str
    children: list[Node] = dataclasses.field(default_factory=list)

    @property
    def conditional_id(self) -> str:
        return f"conditional-{self.id}"


@dataclass
class Node:
    """One question as drawn: its input name and id, what it shows, and its errors."""

    field: Field
    name: str
    id: str
    value: Any
    errors: list[str]
    condition_hint: str = ""
    options: list[Option] = dataclasses.field(default_factory=list)

    @property
    def template(self) -> str:
        return f"customforms/fields/{TEMPLATES[self.field['type']]}.html"

    @property
    def label(self) -> str:
        return str(self.field["label"]) + ("" if self.field["required"] else _(" (optional)"))

    @property
    def hint(self) -> str:
        """The administrator's hint, else the type's own, then any condition."""
        parts = [str(self.field.get("hint") or TYPE_HINTS.get(self.field["type"], ""))]
        parts.append(self.condition_hint)
        return " ".join(part for part in parts if part)

    @property
    def inline(self) -> bool:
        """Yes/no radios sit side by side unless one reveals questions (GOV.UK: never both)."""
        return self.field["type"] == YES_NO and not any(option.children for option in self.options)

    @property
    def described_by(self) -> str:
        ids = []
        if self.hint:
            ids.append(f"{self.id}-hint")
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)

    @property
    def input_class(self) -> str:
        widths = {NUMBER: " govuk-input--width-10", PERSON_LINK: "", FILE: ""}
        error = " govuk-input--error" if self.errors else ""
        return "govuk-input" + widths.get(self.field["type"], "") + error


# --- what an input shows ----------------------------------------------------------------------


def _date_display(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {part: str(value.get(part) or "") for part in ("day", "month", "year")}
    if isinstance(value, str):
        for pattern in DATE_FORMATS:
            match = pattern.match(value.strip())
            if match:
                return {
                    "day": match["day"].lstrip("0") or "0",
                    "month": match["month"].lstrip("0") or "0",
                    "year": match["year"],
                }
    return {"day": "", "month": "", "year": ""}


def _display(item: Field, value: Any) -> Any:
    """An answer (clean or as typed) in the shape its input shows it."""
    kind = item["type"]
    if kind == DATE:
        return _date_display(value)
    if kind == ADDRESS:
        parts = value if isinstance(value, dict) else {}
        return {part: str(parts.get(part) or "") for part in ADDRESS_PARTS}
    if kind == MULTI_CHOICE:
        items = value if isinstance(value, list) else ([value] if value else [])
        return [str(entry) for entry in items]
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _options(item: Field, node_id: str, shown: Any) -> list[Option]:
    if item["type"] == YES_NO:
        pairs = [("yes", _("Yes")), ("no", _("No"))]
    else:
        pairs = [(choice["value"], choice["label"]) for choice in item["choices"]]
    chosen = set(shown) if isinstance(shown, list) else {shown}
    return [
        Option(
            value=value,
            label=label,
            checked=value in chosen,
            id=node_id if position == 0 else f"{node_id}-{position + 1}",
        )
        for position, (value, label) in enumerate(pairs)
    ]


def _condition_hint(condition: Mapping[str, Any], controller: Field) -> str:
    answers = [
        (_("Yes") if wanted else _("No"))
        if isinstance(wanted, bool)
        else choice_label(controller, wanted)
        for wanted in condition["in"]
    ]
    # Curly quotes, as GOV.UK's style guide writes a quoted answer.
    joined = _(" or ").join(f"‘{answer}’" for answer in answers)  # noqa: RUF001
    return _("Answer only if the answer to ‘%(question)s’ is %(answers)s.") % {  # noqa: RUF001
        "question": controller["label"],
        "answers": joined,
    }


def _option_for(nodes: dict[str, Node], condition: Mapping[str, Any]) -> Option | None:
    """The radio or checkbox a conditional field can be revealed under, if there is one."""
    controller = nodes.get(condition["field"])
    if controller is None or len(condition["in"]) != 1:
        return None
    wanted = condition["in"][0]
    if isinstance(wanted, bool):
        wanted = "yes" if wanted else "no"
    return next((option for option in controller.options if option.value == wanted), None)


def form_nodes(
    version: FormVersion | None,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    *,
    writable_sections: Iterable[str] | None = None,
) -> list[Node]:
    """The questions as a tree: conditional ones nested under the answer that reveals them."""
    schema = schema_of(version)
    allowed = None if writable_sections is None else set(writable_sections)
    top: list[Node] = []
    nodes: dict[str, Node] = {}
    by_key = field_map(schema)
    for item in fields_of(schema):
        if allowed is not None and item["section"] not in allowed:
            continue
        name = input_name(item)
        shown = _display(item, values.get(item["key"]))
        node = Node(
            field=item,
            name=name,
            id=f"id_{name}",
            value=shown,
            errors=[str(message) for message in errors.get(item["key"], [])],
        )
        if item["type"] in NESTABLE:
            node.options = _options(item, node.id, shown)
        nodes[item["key"]] = node
        condition = item.get("show_when")
        option = _option_for(nodes, condition) if condition else None
        if option is not None:
            option.children.append(node)
        else:
            if condition:
                node.condition_hint = _condition_hint(condition, by_key[condition["field"]])
            top.append(node)
    return top


def render_form(
    version: FormVersion | None,
    values: Mapping[str, Any] | None,
    errors: Mapping[str, list[str]] | None,
    viewer: policy.Viewer,
    *,
    writable_sections: Iterable[str] | None = None,
) -> SafeString:
    """The version's questions as GOV.UK form groups (no ``<form>`` tag: the page wraps them).

    ``values`` are stored answers or the payload as typed; ``errors`` map field key to words.
    The viewer is the writer; questions outside ``writable_sections`` are not drawn.
    """
    del viewer  # questions are the schema's, not personal data; the writer's view is the same
    nodes = form_nodes(version, values or {}, errors or {}, writable_sections=writable_sections)
    return render_to_string("customforms/_fields.html", {"nodes": nodes})


def error_links(
    version: FormVersion | None, errors: Mapping[str, list[str]]
) -> list[tuple[str, str]]:
    """(anchor, message) pairs for a GOV.UK error summary, in question order."""
    return [
        (f"#id_{input_name(item)}", str(message))
        for item in fields_of(schema_of(version))
        for message in errors.get(item["key"], [])
    ]


# --- answers as a summary list ----------------------------------------------------------------


@dataclass
class Row:
    """One answer as read: its question, how it is shown, and whether it is still asked."""

    label: str
    kind: str
    value: Any
    answered: bool
    no_longer_asked: bool


@dataclass
class Answers:
    """What ``render_values`` draws: rows, the score, and what is withheld."""

    rows: list[Row]
    score: ScoreResult | None
    score_text: str
    working: list[Any]
    points_withheld: str
    withheld_sections: list[str]
    version_number: int | None
    current_number: int | None


def _value_shown(item: Field, value: Any, people: dict[str, Any], files: dict[str, Any]) -> Any:
    kind = item["type"]
    if kind == YES_NO:
        return _("Yes") if value else _("No")
    if kind == CHOICE:
        return choice_label(item, value)
    if kind == MULTI_CHOICE:
        return [choice_label(item, entry) for entry in value]
    if kind == COUNTRY:
        return countries.name(value) or value
    if kind == DATE:
        return date.fromisoformat(value)
    if kind == ADDRESS:
        return [value[part] for part in ADDRESS_PARTS if value.get(part)]
    if kind == PERSON_LINK:
        return people.get(value)
    if kind == FILE:
        return files.get(value)
    return value


def answers_for(
    version: FormVersion | None,
    values: Mapping[str, Any],
    viewer: policy.Viewer,
    *,
    sections: frozenset[str],
    current: FormVersion | None = None,
) -> Answers:
    """The answers a reader of ``sections`` may see, ready to draw (see ``render_values``)."""
    schema: Schema = schema_of(version)
    asked_now = {item["key"] for item in fields_of(schema_of(current or version))}
    shown = shown_keys(schema, values)
    readable = [item for item in fields_of(schema) if item["section"] in sections]
    people = references.profiles_signposted(
        viewer,
        [values[f["key"]] for f in readable if f["type"] == PERSON_LINK and f["key"] in values],
    )
    files = references.documents_readable(
        viewer, [values[f["key"]] for f in readable if f["type"] == FILE and f["key"] in values]
    )
    rows = [
        Row(
            label=item["label"],
            kind=item["type"],
            value=_value_shown(item, values[item["key"]], people, files)
            if item["key"] in values
            else None,
            answered=item["key"] in values,
            no_longer_asked=item["key"] not in asked_now,
        )
        for item in readable
        if item["key"] in values or (item["key"] in shown and item["key"] in asked_now)
    ]
    used = {item["section"] for item in fields_of(schema)}
    result = score(schema, values)
    if result is not None:
        used.add(result.section)
        if result.section not in sections:
            result = None
    withheld = [str(section.label) for section in Section if section in used - sections]
    return Answers(
        rows=rows,
        score=result,
        score_text=score_text(result) if result else "",
        working=result.contributions_in(sections) if result else [],
        points_withheld=number_text(result.points_withheld(sections)) if result else "0",
        withheld_sections=withheld,
        version_number=version.number if version else None,
        current_number=current.number if current else None,
    )


def render_values(
    version: FormVersion | None,
    values: Mapping[str, Any],
    viewer: policy.Viewer,
    *,
    record: Any,
    current: FormVersion | None = None,
    empty: str = "",
) -> SafeString:
    """Stored answers as a GOV.UK summary list, as far as the viewer may see the record.

    Drawn with the version they were written with; ``current`` (the definition's latest version)
    marks questions no longer asked. Answers in sections the viewer may not see are left out and
    the sections named, like the record page's own "withheld" notice.
    """
    sections = frozenset(str(s) for s in policy.sections(viewer, cast(policy.Record, record)))
    answers = answers_for(version, values, viewer, sections=sections, current=current)
    return render_to_string("customforms/_answers.html", {"answers": answers, "empty": empty})
