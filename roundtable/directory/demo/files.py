"""Small invented files for the demo's documents: a PDF (fpdf2), a Word file (python-docx) and a
PNG (Pillow), made in memory from the text given.

The same text always gives the same bytes (fixed creation dates and zip timestamps), so a demo
load is repeatable. They hold only the invented words they are given: never a real name or
address. This module writes nothing anywhere: the documents service stores what it returns.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import docx
from fpdf import FPDF
from PIL import Image, ImageDraw

FIXED = datetime(2024, 1, 1, tzinfo=UTC)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def pdf_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A one-page PDF: a bold title and paragraphs of plain text (Latin-1 letters only)."""
    pdf = FPDF()
    pdf.set_creation_date(FIXED)
    pdf.set_title(title)
    pdf.set_author("Roundtable demo")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 8, text=title)
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, text=paragraph)
        pdf.ln(3)
    return bytes(pdf.output())


def _normalised_zip(data: bytes) -> bytes:
    """The same archive with every member's timestamp fixed (zipfile stamps the time of saving)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return buffer.getvalue()


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A Word document: a heading and paragraphs."""
    document = docx.Document()
    properties = document.core_properties
    properties.author = "Roundtable demo"
    properties.title = title
    properties.created = properties.modified = FIXED.replace(tzinfo=None)
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalised_zip(buffer.getvalue())


def png_bytes(caption: str, *, colour: tuple[int, int, int] = (120, 110, 100)) -> bytes:
    """A small picture standing in for a photograph: a coloured panel, a crack and a caption."""
    image = Image.new("RGB", (480, 320), colour)
    drawing = ImageDraw.Draw(image)
    drawing.rectangle((40, 40, 440, 250), outline=(235, 235, 235), width=4)
    drawing.line((120, 60, 200, 150, 170, 230), fill=(30, 30, 30), width=5)
    drawing.line((200, 150, 300, 120), fill=(30, 30, 30), width=3)
    drawing.text((40, 275), caption, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
