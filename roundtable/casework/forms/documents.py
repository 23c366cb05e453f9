"""Forms for documents: add one to a record, upload a new version, change its title.

They parse the shape of input only: the file's size and real type are checked by
``casework.services.documents``, whose refusal is put back on the form.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from roundtable.casework import filetypes
from roundtable.directory.forms import GovukFormMixin

OUT_OF_DATE = _("The form is out of date. Go back and try again")


class DocumentFileInput(forms.FileInput):
    """A file input that suggests the accepted types to the browser (the server still checks)."""

    def __init__(self) -> None:
        accept = ",".join(
            sorted({kind.content_type for kind in filetypes.ALLOWED})
            + sorted(f".{kind.extension}" for kind in filetypes.ALLOWED)
            + [".jpeg", ".tiff"]
        )
        super().__init__(attrs={"class": "govuk-file-upload", "accept": accept})


def _file_field() -> forms.FileField:
    return forms.FileField(
        label=_("Choose the file"),
        help_text=filetypes.ACCEPTED_TEXT,
        widget=DocumentFileInput(),
        error_messages={
            "required": _("Select a file"),
            "empty": _("The selected file is empty"),
            "invalid": _("Select a file"),
        },
    )


class DocumentAddForm(GovukFormMixin, forms.Form):
    """A new document: its title, an optional description and the file."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: Witness statement, 3 March"),
        error_messages={
            "required": _("Enter a title"),
            "max_length": _("The title must be 200 characters or fewer"),
        },
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("The description must be 2,000 characters or fewer")},
    )
    file = _file_field()


class DocumentVersionForm(GovukFormMixin, forms.Form):
    """A new version of a document's file."""

    file = _file_field()


class DocumentEditForm(GovukFormMixin, forms.Form):
    """A document's title and description, at the version the form was read."""

    title = DocumentAddForm.base_fields["title"]
    description = DocumentAddForm.base_fields["description"]
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )
