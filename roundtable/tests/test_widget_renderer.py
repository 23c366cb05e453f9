"""The fast widget renderer draws exactly what Django's widget templates draw."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.lib.widgets import FastWidgetRenderer

FAST = FastWidgetRenderer()
DJANGO = DjangoTemplates()

TRICKY = st.lists(st.sampled_from([*"ab <>&\"'=é\n\t{}%", "{{", "{%", "&amp;"]), max_size=8).map(
    "".join
)


def _draw(widget, name, value, attrs, renderer):
    try:
        return widget.render(name, value, attrs=attrs, renderer=renderer)
    except Exception as error:  # what Django refuses, the fast path must refuse
        return type(error)


def both(widget: forms.Widget, name: str, value: object, attrs: dict[str, object] | None = None):
    return (_draw(widget, name, value, attrs, FAST), _draw(widget, name, value, attrs, DJANGO))


WIDGETS = [
    forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "off"}),
    forms.NumberInput(attrs={"inputmode": "numeric"}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(),
    forms.TimeInput(),
    forms.DateTimeInput(),
    forms.CheckboxInput(),
    forms.Textarea(attrs={"rows": 5}),
    forms.Select(choices=[("", "Any"), ("a", "Apple <b>"), ("b&c", "B & C")]),
    forms.Select(
        choices=[("Fruit", [("a", "Apple"), ("p", "Pear")]), ("Veg", [("k", "Kale")]), ("x", "X")]
    ),
    forms.SelectMultiple(choices=[("a", "A"), ("b", "B")]),
    forms.NullBooleanSelect(),
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", [None, "", "a", "b&c", 0, 12, True, False, ["a", "b"]])
def test_each_plain_widget_matches_django_for_ordinary_values(widget, value):
    fast, django = both(widget, "field", value, {"id": "id_field", "required": True})
    assert fast == django


@settings(max_examples=150, deadline=None)
@given(
    value=TRICKY,
    label=TRICKY,
    attr=TRICKY,
    flag=st.sampled_from([True, False, "x"]),
    index=st.integers(min_value=0, max_value=len(WIDGETS) - 1),
)
def test_any_text_is_escaped_exactly_as_django_escapes_it(value, label, attr, flag, index):
    widget = WIDGETS[index]
    if type(widget) in (forms.Select, forms.SelectMultiple):
        widget = type(widget)(choices=[(value, label), ("", label)])
    attrs = {"aria-describedby": attr, "data-x": flag, "id": "id_f"}
    assert both(widget, "f<&", value, attrs)[0] == both(widget, "f<&", value, attrs)[1]


def test_safe_strings_are_left_as_they_are_like_django():
    widget = forms.TextInput()
    value = mark_safe("<b>bold</b>")  # the point of the test
    fast, django = both(widget, "f", value)
    assert fast == django


def test_widgets_it_does_not_know_are_drawn_by_django():
    widget = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    assert both(widget, "f", "a")[0] == both(widget, "f", "a")[1]


def test_the_project_uses_it_for_every_form(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastWidgetRenderer)


def test_plain_widgets_never_touch_the_template_engine():
    class NoTemplates(FastWidgetRenderer):
        def get_template(self, template_name):
            raise AssertionError(f"loaded {template_name}")

    renderer = NoTemplates()
    for widget in WIDGETS:
        assert widget.render("f", "a", renderer=renderer).startswith("<")
