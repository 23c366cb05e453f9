"""Document addresses: a record's documents by record kind and code; a document by its code."""

from __future__ import annotations

from django.urls import path

from roundtable.casework.views import documents

urlpatterns = [
    path(
        "records/<slug:kind>/<uuid:code>/documents/",
        documents.document_list,
        name="document_list",
    ),
    path(
        "records/<slug:kind>/<uuid:code>/documents/add/",
        documents.document_add,
        name="document_add",
    ),
    path("documents/<uuid:code>/", documents.document_detail, name="document_detail"),
    path("documents/<uuid:code>/change/", documents.document_edit, name="document_edit"),
    path(
        "documents/<uuid:code>/versions/add/",
        documents.document_version_add,
        name="document_version_add",
    ),
    path(
        "documents/<uuid:code>/versions/<int:number>/download/",
        documents.document_download,
        name="document_download",
    ),
]
