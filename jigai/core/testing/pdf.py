"""Look inside a generated PDF in tests: which fonts it uses and whether each is embedded, and its
text (through poppler's ``pdftotext`` when the machine has it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.DOTALL)
_REF = r"/{key} (\d+) 0 R"


@dataclass(frozen=True)
class PdfFont:
    name: str  # /BaseFont, e.g. AAAAAA+NotoSerifSC-Regular (a subset carries a six-letter tag)
    subtype: str  # TrueType, Type0, Type1…
    embedded_as: str | None  # FontFile2 (TrueType), FontFile3, FontFile, or None when not embedded


def pdf_fonts(content: bytes) -> list[PdfFont]:
    """Every font dictionary of the document (reportlab writes objects uncompressed)."""
    objects = {int(num): body.decode("latin-1") for num, body in _OBJECT.findall(content)}

    def ref(body: str, key: str) -> str:
        match = re.search(_REF.format(key=key), body)
        return objects.get(int(match.group(1)), "") if match else ""

    fonts = []
    for body in objects.values():
        head = body.split("stream", 1)[0]
        if not re.search(r"/Type /Font\b", head) or "/Type /FontDescriptor" in head:
            continue
        name = re.search(r"/BaseFont /([^\s/]+)", head)
        subtype = re.search(r"/Subtype /(\w+)", head)
        descriptor = ref(head, "FontDescriptor")
        descendants = re.search(r"/DescendantFonts \[\s*(\d+) 0 R", head)
        if not descriptor and descendants:
            descriptor = ref(objects.get(int(descendants.group(1)), ""), "FontDescriptor")
        embedded = re.search(r"/(FontFile[23]?) \d+ 0 R", descriptor)
        fonts.append(
            PdfFont(
                name=name.group(1) if name else "",
                subtype=subtype.group(1) if subtype else "",
                embedded_as=embedded.group(1) if embedded else None,
            )
        )
    return fonts


def pdf_text(content: bytes) -> str | None:
    """The document's text by ``pdftotext`` (poppler-utils), or None when it is not installed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    command = [tool, "-enc", "UTF-8", "-", "-"]
    done = subprocess.run(command, input=content, capture_output=True, timeout=60)  # noqa: S603
    done.check_returncode()
    return done.stdout.decode("utf-8")
