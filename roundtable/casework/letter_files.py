"""Turning a merged letter into a file: PDF with fpdf2, Word (DOCX) with python-docx.

Both libraries are pure Python and well kept; fpdf2 was picked over ReportLab for PDF because it
needs no C extension and its output is small and plain. The PDF uses the standard Helvetica font
(nothing to ship or install), which covers Western European text (Windows-1252): letters in other
scripts are folded to their nearest Latin letter where there is one and shown as "?" where there
is none, so a partnership writing to people whose names are in other scripts should choose DOCX,
which keeps every character. This module only lays text out: what goes into a letter has already
been merged and checked against the policy by ``casework.services.letters``.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf import FPDF

PDF_ENCODING = "windows-1252"
#: Latin letters with no decomposition that NFKD could fold.
FOLD = str.maketrans(
    {
        "\u0141": "L",
        "\u0142": "l",
        "\u0110": "D",
        "\u0111": "d",
        "\u0126": "H",
        "\u0127": "h",
        "\u0131": "i",
    }
)


@dataclass(frozen=True)
class LetterContent:
    """A letter ready to lay out: the letterhead lines, a subject and the body's paragraphs."""

    letterhead: tuple[str, ...]
    subject: str
    paragraphs: tuple[str, ...]
    author: str


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Paragraphs are separated by a blank line; a single line break stays a line break."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [block.strip("\n") for block in normalised.split("\n\n")]
    return tuple(block for block in blocks if block.strip())


def _pdf_text(text: str) -> str:
    """Text the PDF's standard font can show: folded to Latin where possible, else '?'."""
    out = []
    for char in text.translate(FOLD):
        try:
            char.encode(PDF_ENCODING)
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        folded = "".join(
            part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
        )
        try:
            folded.encode(PDF_ENCODING)
            out.append(folded or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def render_pdf(content: LetterContent) -> bytes:
    """The letter as an A4 PDF."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(_pdf_text(content.subject))
    pdf.set_author(_pdf_text(content.author))
    pdf.set_creator("Roundtable")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(
        0,
        5,
        text=_pdf_text("\n".join(content.letterhead)),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(8)
    if content.subject:
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.multi_cell(0, 6, text=_pdf_text(content.subject), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for paragraph in content.paragraphs:
        pdf.multi_cell(0, 5.5, text=_pdf_text(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def render_docx(content: LetterContent) -> bytes:
    """The letter as a Word document."""
    document = docx.Document()
    document.core_properties.title = content.subject
    document.core_properties.author = content.author
    document.core_properties.last_modified_by = content.author
    document.core_properties.comments = ""
    for line in content.letterhead:
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(0)
    document.add_paragraph()
    if content.subject:
        run = document.add_paragraph().add_run(content.subject)
        run.bold = True
        run.font.size = Pt(12)
    for block in content.paragraphs:
        paragraph = document.add_paragraph()
        for number, line in enumerate(block.split("\n")):
            run = paragraph.add_run()
            if number:
                run.add_break()
            run.add_text(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
