"""Refusing an oversized upload while it streams in, before any view reads it.

``SizeLimitUploadHandler`` runs first among Django's upload handlers (``FILE_UPLOAD_HANDLERS``).
Once a file passes ``UPLOAD_MAX_BYTES`` (the largest any page accepts) it is dropped and the rest
of it is read off the connection and thrown away, so an oversized file is never held whole in
memory or on disk. The field's name is kept on the request (``upload_refused``), so the page can
say the file was too big instead of "select a file". Each page still applies its own, smaller
limit to what it receives. This module never looks inside a file.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.forms import Form
from django.http import HttpRequest

REFUSED_ATTRIBUTE = "_roundtable_uploads_refused"


def upload_limit() -> int:
    """The largest upload any page accepts, in bytes (read now, so tests may change it)."""
    return max(int(settings.DOCUMENT_MAX_BYTES), int(settings.ROUNDTABLE_PHOTO_MAX_BYTES))


def upload_refused(request: HttpRequest, field_name: str) -> bool:
    """Whether the file sent in ``field_name`` was dropped for being too big."""
    return field_name in getattr(request, REFUSED_ATTRIBUTE, set())


def explain_refusal(form: Form, field_name: str, message: str) -> None:
    """Say the file was too big, instead of the "select a file" a missing file would get."""
    form.is_valid()  # check the other fields too, so every problem is shown at once
    form.errors[field_name] = form.error_class([message], renderer=form.renderer)


class SizeLimitUploadHandler(FileUploadHandler):
    """Drops any file bigger than ``upload_limit()`` as its bytes arrive."""

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.limit = upload_limit()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            refused: set[str] = getattr(self.request, REFUSED_ATTRIBUTE, set())
            refused.add(str(self.field_name))
            setattr(self.request, REFUSED_ATTRIBUTE, refused)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the uploaded file
