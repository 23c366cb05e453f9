"""The real type of an upload is decided from its bytes, and only allowed types pass."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from roundtable.casework import filetypes
from roundtable.casework.tests import document_helpers as files

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def detect(data: bytes) -> filetypes.DetectedType:
    return filetypes.detect(io.BytesIO(data))


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        detect(data)
    return raised.value


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (files.pdf_bytes, filetypes.PDF),
        (files.docx_bytes, filetypes.DOCX),
        (lambda: files.image_bytes("PNG"), filetypes.PNG),
        (lambda: files.image_bytes("JPEG"), filetypes.JPEG),
        (lambda: files.image_bytes("GIF"), filetypes.GIF),
        (lambda: files.image_bytes("WEBP"), filetypes.WEBP),
        (lambda: files.image_bytes("TIFF"), filetypes.TIFF),
        (files.eml_bytes, filetypes.EML),
        (files.doc_bytes, filetypes.DOC),
        (files.msg_bytes, filetypes.MSG),
        (lambda: files.ooxml_bytes(XLSX_MAIN, "xl/workbook.xml"), filetypes.XLSX),
        (lambda: files.ooxml_bytes(PPTX_MAIN, "ppt/presentation.xml"), filetypes.PPTX),
        (
            lambda: files.zip_bytes(
                {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
            ),
            filetypes.ODT,
        ),
    ],
)
def test_allowed_types_are_recognised_from_their_content(make, expected):
    assert detect(make()) == expected


def test_a_program_renamed_to_pdf_is_refused_naming_what_it_is():
    error = refusal(files.EXE)
    assert error.code == "file_type"
    assert "EXE" in error.messages[0]
    assert "Upload a PDF" in error.messages[0]


def test_a_zip_of_something_else_renamed_to_docx_is_refused():
    error = refusal(files.zip_bytes({"word/setup.exe": files.EXE, "readme.txt": b"hello"}))
    assert "ZIP archive" in error.messages[0]


def test_a_word_file_with_macros_is_refused():
    main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    assert refusal(files.ooxml_bytes(main, "word/document.xml")).code == "macros"


def test_an_office_97_file_with_macros_is_refused():
    assert refusal(files.doc_bytes(macros=True)).code == "macros"


def test_a_password_protected_office_file_is_refused():
    encrypted = files.compound_file({"EncryptedPackage": b"x", "EncryptionInfo": b"y"})
    assert refusal(encrypted).code == "encrypted"


def test_a_compound_file_of_another_kind_is_refused():
    assert "not accepted" in refusal(files.compound_file({"Contents": b"x"})).messages[0]


def test_a_damaged_zip_is_refused_without_an_error_page():
    data = files.docx_bytes()
    assert "damaged" in refusal(data[:200]).messages[0]


def test_an_image_type_outside_the_list_is_refused():
    assert "BMP" in refusal(files.image_bytes("BMP")).messages[0]


def test_bytes_that_only_start_like_a_png_are_refused():
    assert "damaged" in refusal(files.image_bytes("PNG")[:40]).messages[0]


def test_plain_text_is_refused_because_its_type_cannot_be_checked():
    assert "could not be recognised" in refusal(b"Just some notes\nabout a visit\n").messages[0]


def test_text_that_is_not_an_email_header_is_not_taken_for_an_email():
    assert refusal(b"Subject only: no sender here\n\nbody").code == "file_type"


def test_an_empty_file_is_refused():
    assert refusal(b"").code == "empty"
