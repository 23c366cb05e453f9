"""What an uploaded document really is, decided from its bytes: never from its name or the browser.

``detect(file)`` returns the detected type of an allowed document or raises ValidationError with a
message a practitioner can act on. The signature of most formats is recognised by ``filetype``
(a small, dependency-free library); what it cannot tell apart is checked here with well-kept
parsers rather than hand-written magic:

- ZIP containers (Word, Excel and PowerPoint since 2007, OpenDocument) are opened with the
  standard library's ``zipfile`` and must declare a document as their main part: any other ZIP
  (an archive of programs renamed ``.docx``) is refused, and so is anything holding macros;
- Compound File Binary containers (Office 97-2003 documents and Outlook ``.msg`` messages) are
  opened with ``olefile`` and must hold the stream of one of those formats; macros and
  password-protected (encrypted) documents are refused, because neither can be checked;
- images are opened with Pillow, which must agree with the signature;
- an ``.eml`` message has no signature at all: its header block is parsed with the standard
  library's ``email`` parser and must carry a sender and a date, subject or message id.

Plain text and CSV are not accepted: a text file has no signature, so its type cannot be checked
from its content (a spreadsheet goes up as Excel or OpenDocument). This module never stores or
names anything: the documents service stores what it accepts, under a random name.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import filetype  # type: ignore[import-untyped]  # no type information shipped
import olefile  # type: ignore[import-untyped]  # no type information shipped
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

HEAD_BYTES = 8192
CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
#: [Content_Types].xml and an ODF ``mimetype`` entry are small; refuse to inflate more than this.
MAX_MANIFEST_BYTES = 1024 * 1024


@dataclass(frozen=True)
class DetectedType:
    """An allowed document type: its content type, the extension we store it under, a label."""

    content_type: str
    extension: str
    label: str


PDF = DetectedType("application/pdf", "pdf", "PDF")
DOC = DetectedType("application/msword", "doc", "Word 97-2003 document")
DOCX = DetectedType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    "Word document",
)
XLS = DetectedType("application/vnd.ms-excel", "xls", "Excel 97-2003 workbook")
XLSX = DetectedType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel workbook"
)
PPT = DetectedType("application/vnd.ms-powerpoint", "ppt", "PowerPoint 97-2003 presentation")
PPTX = DetectedType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
    "PowerPoint presentation",
)
ODT = DetectedType("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text")
ODS = DetectedType(
    "application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument spreadsheet"
)
ODP = DetectedType(
    "application/vnd.oasis.opendocument.presentation", "odp", "OpenDocument presentation"
)
JPEG = DetectedType("image/jpeg", "jpg", "JPEG image")
PNG = DetectedType("image/png", "png", "PNG image")
GIF = DetectedType("image/gif", "gif", "GIF image")
WEBP = DetectedType("image/webp", "webp", "WebP image")
TIFF = DetectedType("image/tiff", "tif", "TIFF image")
EML = DetectedType("message/rfc822", "eml", "Email message")
MSG = DetectedType("application/vnd.ms-outlook", "msg", "Outlook message")

ALLOWED: tuple[DetectedType, ...] = (
    PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, ODT, ODS, ODP, JPEG, PNG, GIF, WEBP, TIFF, EML, MSG,
)  # fmt: skip
BY_CONTENT_TYPE = {kind.content_type: kind for kind in ALLOWED}
#: Pillow's format name for each allowed image type.
IMAGE_FORMATS = {"JPEG": JPEG, "PNG": PNG, "GIF": GIF, "WEBP": WEBP, "TIFF": TIFF}
#: OOXML main parts: the [Content_Types].xml override that says what the package is.
OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
OOXML_MACRO_MARKERS = (b"macroEnabled", b"vbaProject")
#: Office 97-2003: the stream each format's content lives in (olefile names are case-insensitive).
OLE_STREAMS = (
    ("worddocument", DOC),
    ("workbook", XLS),
    ("book", XLS),
    ("powerpoint document", PPT),
)
OLE_MACRO_STORAGES = frozenset({"macros", "_vba_project_cur", "vba"})
HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?")

ACCEPTED_TEXT = gettext_lazy(
    "Upload a PDF, a Word, Excel or PowerPoint file, an OpenDocument file, an image (JPG, PNG, "
    "GIF, WebP or TIFF) or an email (EML or MSG)"
)


def accepted_types_text() -> str:
    """The allow-list in words, for hints and error messages."""
    return str(ACCEPTED_TEXT)


def _refuse(reason: str, code: str = "file_type") -> ValidationError:
    return ValidationError(f"{reason}. {accepted_types_text()}", code=code)


def _read_head(file: Any) -> bytes:
    file.seek(0)
    head = bytes(file.read(HEAD_BYTES))
    file.seek(0)
    return head


def detect(file: Any) -> DetectedType:
    """The allowed type of this file's content, or ValidationError saying why it is refused."""
    head = _read_head(file)
    if not head:
        raise ValidationError(_("The selected file is empty"), code="empty")
    if head.startswith(ZIP_SIGNATURE):
        return _zip_document(file)
    if head.startswith(CFB_SIGNATURE):
        return _compound_document(file)
    guessed: Any = filetype.guess(head)
    if guessed is not None and guessed.mime == PDF.content_type:
        return PDF
    if guessed is not None and guessed.mime.startswith("image/"):
        return _image(file, str(guessed.extension))
    if guessed is None and _looks_like_email(head):
        return EML
    if guessed is not None:
        label = str(guessed.extension).upper()
        raise _refuse(
            _("The content of the selected file is of type %(kind)s, which is not accepted")
            % {"kind": label}
        )
    raise _refuse(_("The selected file's type could not be recognised"))


# --- ZIP containers: Office Open XML and OpenDocument -------------------------------------------


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise _refuse(_("The selected file is not a document"))
    with archive.open(info) as member:
        return member.read(MAX_MANIFEST_BYTES + 1)[:MAX_MANIFEST_BYTES]


def _zip_document(file: Any) -> DetectedType:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = _read_member(archive, "mimetype").decode("ascii", "replace").strip()
                kind = BY_CONTENT_TYPE.get(declared)
                if kind in (ODT, ODS, ODP):
                    _refuse_macros(any(name.lower().startswith("basic/") for name in names))
                    return kind
            if "[Content_Types].xml" in names:
                manifest = _read_member(archive, "[Content_Types].xml")
                _refuse_macros(
                    any(marker in manifest for marker in OOXML_MACRO_MARKERS)
                    or any(name.lower().endswith("vbaproject.bin") for name in names)
                )
                for main, kind in OOXML_MAIN.items():
                    if main.encode() in manifest:
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError, ValueError, OSError):
        raise _refuse(_("The selected file is damaged or not a document")) from None
    finally:
        file.seek(0)
    raise _refuse(_("The selected file is a ZIP archive, which is not accepted"))


def _refuse_macros(has_macros: bool) -> None:
    if has_macros:
        raise ValidationError(
            _(
                "The selected file contains macros, which are not accepted. Save it without "
                "macros (for example as .docx or .xlsx) and upload it again"
            ),
            code="macros",
        )


# --- Compound File Binary: Office 97-2003 and Outlook messages ----------------------------------


def _ole_entries(ole: Any) -> Iterator[list[str]]:
    for path in ole.listdir(streams=True, storages=True):
        yield [part.lower() for part in path]


def _compound_document(file: Any) -> DetectedType:
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # olefile warns about oddities it can read past
            ole = olefile.OleFileIO(file)
            try:
                entries = list(_ole_entries(ole))
            finally:
                ole.close()
    except (OSError, ValueError, IndexError, TypeError, AttributeError):
        raise _refuse(_("The selected file is damaged or not a document")) from None
    finally:
        file.seek(0)
    tops = {path[0] for path in entries if path}
    if "encryptedpackage" in tops or "encryptioninfo" in tops:
        raise ValidationError(
            _(
                "The selected file is protected with a password, so it cannot be checked. Remove "
                "the password and upload it again"
            ),
            code="encrypted",
        )
    _refuse_macros(any(part in OLE_MACRO_STORAGES for path in entries for part in path))
    if "__properties_version1.0" in tops and any(t.startswith("__substg1.0_") for t in tops):
        return MSG
    for stream, kind in OLE_STREAMS:
        if stream in tops:
            return kind
    raise _refuse(_("The selected file is an Office file of a kind that is not accepted"))


# --- Images ------------------------------------------------------------------------------------


def _image(file: Any, guessed_extension: str) -> DetectedType:
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                fmt = str(image.format)
                image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise _refuse(_("The selected image is damaged or not an image")) from None
    finally:
        file.seek(0)
    kind = IMAGE_FORMATS.get(fmt)
    if kind is None:
        label = guessed_extension.upper()
        raise _refuse(
            _("The selected file is an image of type %(kind)s, which is not accepted")
            % {"kind": label}
        )
    return kind


# --- Email messages (RFC 5322 / 822): no signature, so the header block must parse ---------------


def _looks_like_email(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    first_line = head.split(b"\n", 1)[0]
    if not HEADER_LINE.match(first_line):
        return False
    header_block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        header_block, headersonly=True
    )
    if message.defects:
        return False
    has_sender = bool(message.get("From"))
    has_more = any(message.get(name) for name in ("Date", "Subject", "Message-ID"))
    return has_sender and has_more
