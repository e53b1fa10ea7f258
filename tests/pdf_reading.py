"""PDFs read back the one way every test does: pypdfium2 for what is printed and where.

Pure PyPI: no poppler command-line tool, so `make test` needs nothing but Python and
WeasyPrint's libraries. Coordinates are in points from the page's top-left corner, as a reader
sees the page (PDF's own origin is bottom-left).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

# pdfium marks a word hyphenated at the end of a line with this code instead of the hyphen.
_LINE_END_HYPHEN = "\x02"


@dataclass(frozen=True)
class Glyph:
    char: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float


def _document(pdf: Path | bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))


def _glyphs(page: pdfium.PdfPage) -> list[Glyph]:
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        glyphs = []
        for index in range(textpage.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1:
                continue  # spaces and line ends pdfium guesses: the lines below are made from positions
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
            char = "-" if chr(code) == _LINE_END_HYPHEN else chr(code)
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            glyphs.append(Glyph(char, left, height - top, right, height - bottom))
        return glyphs
    finally:
        textpage.close()


def _lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into lines (top to bottom), each line left to right.

    Two glyphs are on one line when each one's middle lies within the other's height, so that
    side-by-side boxes (a running header's two halves, a leader and its page number) make one line.
    """
    lines: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.middle):
        line = lines[-1] if lines else None
        first = line[0] if line else None
        if (
            line
            and first
            and first.top <= glyph.middle <= first.bottom
            and glyph.top <= first.middle <= glyph.bottom
        ):
            line.append(glyph)
        else:
            lines.append([glyph])
    return [sorted(line, key=lambda g: g.left) for line in lines]


def _words(line: list[Glyph]) -> list[Word]:
    words: list[list[Glyph]] = []
    previous: Glyph | None = None
    for glyph in line:
        if glyph.char.isspace():
            previous = None
            continue
        height = glyph.bottom - glyph.top
        apart = previous is None or glyph.left - previous.right > 0.12 * height
        if apart:
            words.append([glyph])
        else:
            words[-1].append(glyph)
        previous = glyph
    return [
        Word(
            "".join(g.char for g in word),
            min(g.left for g in word),
            min(g.top for g in word),
            max(g.right for g in word),
            max(g.bottom for g in word),
        )
        for word in words
    ]


def page_count(pdf: Path | bytes) -> int:
    document = _document(pdf)
    try:
        return len(document)
    finally:
        document.close()


def page_words(pdf: Path | bytes) -> list[list[Word]]:
    """The words of each page, line by line from the top, each line from the left."""
    document = _document(pdf)
    try:
        pages = []
        for page in document:
            try:
                pages.append([word for line in _lines(_glyphs(page)) for word in _words(line)])
            finally:
                page.close()
        return pages
    finally:
        document.close()


def page_texts(pdf: Path | bytes) -> list[str]:
    """The text of each page: one line of text per printed line, top to bottom; words that
    stand side by side on the page (columns, leaders and their numbers) share a line."""
    document = _document(pdf)
    try:
        pages = []
        for page in document:
            try:
                lines = _lines(_glyphs(page))
            finally:
                page.close()
            pages.append("\n".join(" ".join(w.text for w in _words(line)) for line in lines))
        return pages
    finally:
        document.close()


def pdf_text(pdf: Path | bytes) -> str:
    return "\n".join(page_texts(pdf))


def drawn_text(pdf: Path | bytes) -> str:
    """The text in the order it is drawn (pdfium's), page after page: a table cell's lines stay
    together, where `page_texts` gives the lines of side-by-side cells interleaved."""
    document = _document(pdf)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            try:
                texts.append(textpage.get_text_range().replace(_LINE_END_HYPHEN, "-"))
            finally:
                textpage.close()
                page.close()
        return "\n".join(texts)
    finally:
        document.close()


def render_page(pdf: Path | bytes, index: int, dpi: float = 100) -> Image.Image:
    """Page `index` (from 0) as an RGB image."""
    document = _document(pdf)
    try:
        page = document[index]
        try:
            return page.render(scale=dpi / 72).to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        document.close()
