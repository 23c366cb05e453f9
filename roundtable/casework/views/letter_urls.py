"""Letter addresses: templates (partnership admins), generating on a case, a letter by its code."""

from __future__ import annotations

from django.urls import path

from roundtable.casework.views import letters

urlpatterns = [
    path("letter-templates/", letters.letter_template_list, name="letter_template_list"),
    path("letter-templates/new/", letters.letter_template_create, name="letter_template_create"),
    path(
        "letter-templates/<uuid:code>/",
        letters.letter_template_detail,
        name="letter_template_detail",
    ),
    path(
        "letter-templates/<uuid:code>/change/",
        letters.letter_template_edit,
        name="letter_template_edit",
    ),
    path("cases/<uuid:code>/letters/new/", letters.letter_generate, name="letter_generate"),
    path("letters/<uuid:code>/", letters.letter_detail, name="letter_detail"),
    path("letters/<uuid:code>/served/", letters.letter_mark_served, name="letter_mark_served"),
]
