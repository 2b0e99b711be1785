"""jigai.core.pdf: every font of a generated PDF is an embedded TrueType subset of the platform's
font (no built-in CID font, no base-14 Helvetica), and the Chinese text reads back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from reportlab.platypus import Paragraph

from jigai.core import pdf
from jigai.core.testing.pdf import pdf_fonts, pdf_text

TEXT = "上海市经济和信息化委员会 项目支持决定书 人民币贰佰伍拾万元整 <b>2026年</b> 1,234.56 元"


def sample() -> bytes:
    style = pdf.styles()
    table = pdf.grid_table([[Paragraph("支持金额", style["cell"]), "2,500,000.00"]], [40, 80])
    story = [Paragraph(TEXT, style["header"]), table, Paragraph("技术改造专项资金" * 40, style["body"])]
    return pdf.render(story, title="测试", subject="T-1")


def test_only_embedded_subsets_of_the_platform_font():
    fonts = pdf_fonts(sample())
    assert fonts, "no font found in the PDF"
    for font in fonts:
        assert font.embedded_as == "FontFile2", font
        assert font.subtype == "TrueType", font
        # a subset: six capital letters, a plus, then the font's own name
        assert font.name.split("+", 1)[1].startswith("NotoSerifSC"), font
        assert len(font.name.split("+", 1)[0]) == 6, font


def test_the_chinese_text_reads_back():
    text = pdf_text(sample())
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the text was not read back")
    flat = "".join(text.split())
    assert "上海市经济和信息化委员会项目支持决定书人民币贰佰伍拾万元整2026年1,234.56元" in flat
    assert "技术改造专项资金技术改造专项资金" in flat


def test_a_missing_font_file_is_named(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.pdfmetrics, "getRegisteredFontNames", lambda: [])
    settings.JIGAI_PDF_FONT = str(tmp_path / "none.ttf")
    with pytest.raises(ImproperlyConfigured, match="make install"):
        pdf.register_font()
