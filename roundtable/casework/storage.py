"""The storage documents are kept in: the "documents" alias of ``settings.STORAGES``.

A filesystem folder outside the web root by default, or an S3-compatible bucket (see the README's
``ROUNDTABLE_DOCUMENT_*`` variables). Looked up at each use, never cached at import, so a test can
point it at a temporary folder. Nothing here decides who may read a file.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages

ALIAS = "documents"


def document_storage() -> Storage:
    """The configured documents storage."""
    return storages[ALIAS]
