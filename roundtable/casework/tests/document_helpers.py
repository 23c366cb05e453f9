"""Helpers for the document and letter tests: real small files made here, a private store.

Every file is made by the test from a real library (fpdf2, python-docx, Pillow, the standard
library's email and zipfile) or, for the Compound File Binary container of Office 97-2003 files
and Outlook messages (which no installed library writes), by ``compound_file`` below, a minimal
writer that follows the published format. Names and addresses are invented.
"""

from __future__ import annotations

import io
import struct
import zipfile
from email.message import EmailMessage
from typing import Any

import docx
import pytest
from fpdf import FPDF
from PIL import Image

from roundtable.records.tests.case_helpers import casework, open_case

FREE, END, FAT_SECTOR, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512


def pdf_bytes(text: str = "Home visit notes, Test Street") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def docx_bytes(text: str = "Minutes of the problem-solving meeting") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def eml_bytes() -> bytes:
    message = EmailMessage()
    message["From"] = "Housing Officer <housing@meregate.invalid>"
    message["To"] = "asb@police.testshire.invalid"
    message["Subject"] = "Noise complaint, Test Street"
    message["Date"] = "Tue, 03 Mar 2026 10:15:00 +0000"
    message.set_content("Further complaints were received last night.")
    return bytes(message)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml_bytes(main_type: str, part: str) -> bytes:
    """A minimal Office Open XML package whose [Content_Types].xml names ``main_type``."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/content-types"><Override PartName="/{part}" ContentType="{main_type}"/>'
        "</Types>"
    ).encode()
    return zip_bytes({"[Content_Types].xml": manifest, part: b"<x/>"})


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240 + b"PE\x00\x00"


def _entry(name: str, kind: int, *, child: int = NONE, right: int = NONE, start: int = END,
           size: int = 0) -> bytes:  # fmt: skip
    encoded = (name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", NONE, right, child)
        + b"\x00" * 36
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """A Compound File Binary (version 3) holding the streams (padded past the mini-stream
    cutoff, so each lives in ordinary sectors) and empty storages, all children of the root."""
    names = list(streams) + list(storages)
    assert len(names) <= 3  # one directory sector holds the root and three entries
    data = b""
    fat = [FAT_SECTOR, END]
    entries = [_entry("Root Entry", 5, child=1 if names else NONE)]
    for position, name in enumerate(names, start=1):
        right = position + 1 if position < len(names) else NONE
        if name in streams:
            content = streams[name].ljust(4096, b"\x00")
            content = content.ljust(-(-len(content) // SECTOR) * SECTOR, b"\x00")
            first = len(fat)
            count = len(content) // SECTOR
            fat.extend(range(first + 1, first + count))
            fat.append(END)
            data += content
            entries.append(
                _entry(
                    name, 2, right=right, start=first, size=len(streams[name].ljust(4096, b"\x00"))
                )
            )
        else:
            entries.append(_entry(name, 1, right=right, start=0, size=0))
    while len(entries) < 4:
        entries.append(
            b"\x00" * 64
            + struct.pack("<HBB", 0, 0, 0)
            + struct.pack("<III", NONE, NONE, NONE)
            + b"\x00" * 48
        )
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREE) * 108
    )
    fat_sector = b"".join(struct.pack("<I", value) for value in fat).ljust(SECTOR, b"\xff")
    return header + fat_sector + b"".join(entries) + data


def doc_bytes(*, macros: bool = False) -> bytes:
    storages = ("Macros",) if macros else ()
    return compound_file({"WordDocument": b"\xec\xa5\xc1\x00" + b"word"}, storages)


def msg_bytes() -> bytes:
    return compound_file(
        {
            "__properties_version1.0": b"\x00" * 32,
            "__substg1.0_0037001F": "Noise".encode("utf-16-le"),
        }
    )


@pytest.fixture
def documents_dir(settings, tmp_path):
    """Documents go to a temporary folder for the test, never into the repository or var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    return tmp_path / "documents"


def stored_files(root: Any) -> list[Any]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def case_world(personas: Any) -> tuple[Any, Any]:
    """The casework teams and an ASB case owned by Alice's team."""
    work = casework(personas)
    return work, open_case(personas.alice, work.asb, work.case_type)
