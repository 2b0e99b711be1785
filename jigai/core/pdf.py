"""What every PDF of the platform shares: the embedded Chinese font, the A4 page and the styles.

The font is Noto Serif SC (思源宋体, SIL Open Font License 1.1) in TrueType outlines, installed by
``make install`` from the npm package ``@expo-google-fonts/noto-serif-sc`` (package-lock.json);
``settings.JIGAI_PDF_FONT`` may point at another TrueType file. reportlab embeds the subset of
glyphs a document uses (a ``/FontFile2`` stream), so a notice looks the same in every reader and
can be archived; no text is set in a font that is not embedded (reportlab's built-in CID fonts
such as STSong-Light and its base-14 fonts are never used).

A document module builds its story with :func:`styles` and the flowables of reportlab, and turns
it into bytes with :func:`render`. Amounts are written with :mod:`jigai.core.money`.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

#: the name documents set their text in
FONT = "NotoSerifSC"
#: the official red of a header
RED = colors.HexColor("#b30000")

_lock = threading.Lock()


def font_path() -> Path:
    return Path(settings.JIGAI_PDF_FONT)


def register_font() -> str:
    """Register :data:`FONT` with reportlab once per process (reading the file takes a moment)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    with _lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            path = font_path()
            if not path.is_file():
                raise ImproperlyConfigured(
                    f"PDF font not found at {path}: run `make install` (it installs the font from "
                    "package-lock.json) or set JIGAI_PDF_FONT to a TrueType (.ttf) file."
                )
            font = TTFont(FONT, str(path))
            pdfmetrics.registerFont(font)
            # Bold and italic markup (<b>, <i>) map to the same face, never to a base-14 font.
            pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles of an official document, all in the embedded font: header (red, centred),
    title, number, body (first-line indent), plain, cell (tables), right (signature, date)."""
    font = register_font()
    base = ParagraphStyle("plain", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    return {
        "header": ParagraphStyle(
            "header", parent=base, fontSize=22, leading=30, alignment=TA_CENTER, textColor=RED
        ),
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=26, alignment=TA_CENTER),
        "number": ParagraphStyle("number", parent=base, fontSize=11, alignment=TA_CENTER),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=24),
        "plain": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def grid_table(rows: list[list[Any]], widths: list[float], *, shade_first_column: bool = True) -> Table:
    """A ruled table; its cells are Paragraphs in the ``cell`` style (or plain strings, set in the
    embedded font at reportlab's default size)."""
    table = Table(rows, colWidths=widths)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), register_font()),  # reportlab's default would be Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if shade_first_column:
        commands.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")))
    table.setStyle(TableStyle(commands))
    return table


def render(
    story: list[Any], *, title: str, subject: str = "", author: str = "", keywords: Sequence[str] = ()
) -> bytes:
    """The story on A4 pages (margins 25 mm left and right, 20 mm top and bottom) as PDF bytes."""
    register_font()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        subject=subject,
        author=author,
        keywords=list(keywords),
        creator="Jigai",
        lang="zh-CN",
        # the canvas would otherwise start every page in Helvetica, a font that is not embedded
        initialFontName=FONT,
    )
    document.build(story)
    return buffer.getvalue()
