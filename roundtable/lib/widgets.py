"""A form renderer that draws the plain widgets in Python instead of through Django's templates.

Django renders every ``<input>``, ``<select>`` and each of a select's ``<option>``s through the
template engine (a template plus an include for the attributes, per widget and per option). On
the pages practitioners use most (search, filters) that was a quarter of the server time. This
renderer produces exactly the markup of Django's own widget templates (``input.html``,
``select.html``, ``select_option.html``, ``textarea.html``, ``attrs.html``), escaping as they do,
and hands every other template (radios, checkboxes lists, forms, fields) to Django unchanged. The
test ``roundtable/tests/test_widget_renderer.py`` compares the two byte for byte. It holds no
business rules and must stay output-identical to Django's templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_WIDGETS = "django/forms/widgets/"
#: Templates that are nothing but ``{% include "django/forms/widgets/input.html" %}``.
_INPUT_TEMPLATES = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "search", "tel",
        "checkbox", "date", "datetime", "time", "color",
    )
)  # fmt: skip
_SELECT_TEMPLATE = f"{_WIDGETS}select.html"
_OPTION_TEMPLATE = f"{_WIDGETS}select_option.html"
_TEXTAREA_TEMPLATE = f"{_WIDGETS}textarea.html"


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescaping."""
    if not isinstance(value, SafeString):
        value = str(value)
    return str(conditional_escape(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """Django's ``attrs.html``: False leaves an attribute out, True writes it bare."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f" {conditional_escape(name)}={chr(34)}{_text(value)}{chr(34)}")
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_text(value)}"' if value is not None else ""
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None  # a custom option template: let Django draw the whole select
            parts.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                # select_option.html ends in a newline, which Django keeps inside a select
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    body = conditional_escape(value) if value else ""
    name = conditional_escape(widget["name"])
    return f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{body}</textarea>'


class FastWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with the plain widgets drawn directly (same markup)."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        widget = context.get("widget")
        html: str | None = None
        if widget is not None and widget.get("template_name") == template_name:
            if template_name in _INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name == _SELECT_TEMPLATE:
                html = _select(widget)
            elif template_name == _TEXTAREA_TEMPLATE:
                html = _textarea(widget)
        if html is None:
            return str(super().render(template_name, context, request))
        return mark_safe(html.strip())  # noqa: S308  (every value above is escaped)
