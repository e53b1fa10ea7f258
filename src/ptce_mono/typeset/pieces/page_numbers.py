"""Page-number stamps for a dossier typeset in pieces, drawn from a short specimen.

The pieces are typeset without their page numbers ("page X/Y" needs every piece's length).
Typesetting a stamp document of one page per dossier page costs about 6 ms a page in
WeasyPrint, mostly its sixteen margin boxes: 2.5 s for 400 pages. Instead:

1. WeasyPrint typesets a specimen: about thirty stamp pages, in the dossier's stylesheet, that
   cycle through the page names the dossier uses, on odd and even pages, with numbers of one and
   two digits ending in every digit (so every digit's glyph is in its font subset).
2. From the specimen this module learns, for each kind of page, the drawing of the page-number
   box (graphics state, font, size, colour, baseline), the text's pattern ("page {number}/
   {total}") and its alignment (where the text starts, ends or is centred, whatever its width).
3. It checks that HarfBuzz, shaping the specimen's own numbers with the same font, gives the
   glyphs and advances WeasyPrint gave; then it draws every page's stamp the same way.

When anything in the specimen is not understood (a counter style other than decimal, two text
runs in the box, a pattern it cannot find...), `draw_stamps` returns None and the caller falls
back to the stamp document: the dossier is never stamped with numbers this module guessed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Dictionary, Name, Operator, Pdf

from ptce_mono.typeset.pieces.glyphs import (
    Shaper,
    Unsupported,
    edited_pdf,
    flatten_text,
    pdf_number,
    shaper_of,
)

LOGGER = logging.getLogger("ptce_mono.typeset.pieces.page_numbers")
_SPECIMEN_MINIMUM = 20  # pages
_TOLERANCE = 0.05  # CSS px: how far a predicted position may be from WeasyPrint's
_FIRST = ("", -1)  # the group of the document's first page, which @page :first may style


def specimen_names(page_names: list[str]) -> list[str]:
    """The page names of the specimen: the dossier's first page's name first (for @page
    :first), then a cycle through the names in use whose length is prime to 10, so that each
    name falls on odd and even pages (for @page :left and :right) and on numbers ending in
    every digit (so that the font subset holds them all), of one and of two digits."""
    names = list(dict.fromkeys(page_names))
    cycle = list(names)
    while math.gcd(len(cycle), 10) != 1:
        cycle.append(names[0])
    count = max(_SPECIMEN_MINIMUM, 10 * len(cycle) + 1)
    return [cycle[index % len(cycle)] for index in range(count)]


@dataclass
class _Sample:
    number: int
    operators: list[Any]  # pikepdf's parsed content stream instructions
    text_at: int | None  # index of the TJ operator; None: the box is empty on this page
    x: float
    size: float
    glyphs: list[tuple[int, float]]  # (glyph id, adjustment after it, in thousandths of an em)

    def signature(self) -> str:
        """Everything drawn except the text and its horizontal position."""
        parts = []
        for index, instruction in enumerate(self.operators):
            operands = list(instruction.operands)
            if index == self.text_at:
                operands = []
            elif self.text_at is not None and str(instruction.operator) == "Tm":
                operands = operands[:4] + operands[5:]
            parts.append(f"{instruction.operator}{operands}")
        return "|".join(parts)


def _sample(page: pikepdf.Page, number: int, fonts: dict[str, pikepdf.Object]) -> _Sample:
    operators = list(pikepdf.parse_content_stream(page))
    shows = [i for i, op in enumerate(operators) if str(op.operator) in ("TJ", "Tj", "'", '"')]
    if not shows:
        return _Sample(number, operators, None, 0.0, 0.0, [])
    if len(shows) > 1 or str(operators[shows[0]].operator) != "TJ":
        raise Unsupported("the page-number box draws more than one text run")
    at = shows[0]
    matrices = [i for i in range(at) if str(operators[i].operator) == "Tm"]
    font_ops = [i for i in range(at) if str(operators[i].operator) == "Tf"]
    if not matrices or not font_ops:
        raise Unsupported("a text run without its matrix or font")
    matrix = [float(v) for v in operators[matrices[-1]].operands]
    if matrix[0] != 1 or matrix[1] != 0 or matrix[2] != 0:
        raise Unsupported("a rotated or scaled text matrix")
    font_name, size = operators[font_ops[-1]].operands
    fonts[str(font_name)] = page.obj.Resources.Font[str(font_name)]
    glyphs = flatten_text(operators[at].operands[0])
    return _Sample(number, operators, at, matrix[4], float(size), glyphs)


def _pattern(samples: list[_Sample], texts: dict[int, str], total: int) -> str:
    """The text with its numbers as {number} and {total}, checked against every sample."""
    for sample in samples:
        text, number = texts[sample.number], str(sample.number)
        if number in str(total) or str(total) in number:
            continue
        if text.count(number) != 1 or text.count(str(total)) > 1:
            continue
        pattern = text.replace("{", "{{").replace("}", "}}")
        pattern = pattern.replace(str(total), "{total}").replace(number, "{number}")
        if all(pattern.format(number=s.number, total=total) == texts[s.number] for s in samples):
            return pattern
    raise Unsupported("the page number's text follows no decimal pattern")


@dataclass
class _Drawing:
    sample: _Sample
    anchor: float  # x of the text's start, centre or end, as `align` says


def _align(groups: dict[tuple[str, int], list[_Sample]], width: Callable[[_Sample], float]) -> float:
    """0 (left), 0.5 (centre) or 1 (right): the share of its width a text is moved left of
    the anchor. Learnt from the groups whose samples differ in width."""
    possible = {0.0, 0.5, 1.0}
    varied = False
    for samples in groups.values():
        widths = [width(s) for s in samples]
        varied |= max(widths) - min(widths) > _TOLERANCE
        for share in list(possible):
            anchors = [s.x + share * w for s, w in zip(samples, widths, strict=True)]
            if max(anchors) - min(anchors) > _TOLERANCE:
                possible.discard(share)
    if not varied or len(possible) != 1:
        raise Unsupported("the page number's alignment cannot be told")
    return possible.pop()


def _learn(
    specimen: Pdf, names: list[str], originals: Callable[[str], bytes | None]
) -> tuple[dict[tuple[str, int], _Drawing], str, Shaper, float]:
    fonts: dict[str, pikepdf.Object] = {}
    samples = [_sample(page, index + 1, fonts) for index, page in enumerate(specimen.pages)]
    groups: dict[tuple[str, int], list[_Sample]] = {}
    for sample, name in zip(samples, names, strict=True):
        key = _FIRST if sample.number == 1 else (name, sample.number % 2)
        groups.setdefault(key, []).append(sample)
    for members in groups.values():
        if len({s.signature() for s in members}) != 1:
            raise Unsupported("pages of one kind draw their number differently")
    written = [s for s in samples if s.text_at is not None]
    if not written:
        raise Unsupported("no page of the specimen has a number")
    if len({f.objgen for f in fonts.values()}) != 1:
        raise Unsupported("the page number uses more than one font")
    shaper = shaper_of(next(iter(fonts.values())), originals)
    texts = {s.number: shaper.text(s.glyphs) for s in written}
    pattern = _pattern(written, texts, len(samples))
    for sample in written:  # HarfBuzz must give back what WeasyPrint drew
        shaper.check_drawn(texts[sample.number], sample.glyphs)

    def width(sample: _Sample) -> float:
        return shaper.drawn_width(sample.glyphs) * sample.size / 1000

    share = _align({k: v for k, v in groups.items() if v[0].text_at is not None}, width)
    drawings = {
        key: _Drawing(members[0], members[0].x + share * width(members[0])) for key, members in groups.items()
    }
    return drawings, pattern, shaper, share


def _stamp_content(drawing: _Drawing, text: str, shaper: Shaper, share: float) -> bytes:
    """The sample's drawing with `text` in place of its own, placed on the same anchor."""
    sample = drawing.sample
    if sample.text_at is None:
        return b""
    operators = list(sample.operators)
    array, width = shaper.text_array(text)
    x = drawing.anchor - share * width * sample.size / 1000
    for index in range(sample.text_at - 1, -1, -1):
        if str(operators[index].operator) == "Tm":
            matrix: list[Any] = list(operators[index].operands)
            matrix[4] = pdf_number(x)
            operators[index] = pikepdf.ContentStreamInstruction(matrix, Operator("Tm"))
            break
    operators[sample.text_at] = pikepdf.ContentStreamInstruction([array], Operator("TJ"))
    return pikepdf.unparse_content_stream(operators)


def draw_stamps(
    specimen: bytes,
    names: list[str],
    page_names: list[str],
    originals: Callable[[str], bytes | None],
) -> bytes | None:
    """A PDF of one page per dossier page holding its page-number stamp, or None when the
    specimen (typeset from `specimen_names(page_names)`) cannot be reproduced faithfully.
    `originals(postscript_name)` gives the original file of a face."""

    def stamp(pdf: Pdf) -> None:
        if len(pdf.pages) != len(names):
            raise Unsupported("the specimen has not the pages it was typeset for")
        drawings, pattern, shaper, share = _learn(pdf, names, originals)
        count = len(page_names)
        representatives = {key: pdf.pages[d.sample.number - 1] for key, d in drawings.items()}
        stamps = []
        for index, name in enumerate(page_names):
            key = _FIRST if index == 0 else (name, (index + 1) % 2)
            if key not in drawings:
                raise Unsupported(f"no specimen of a page named {name!r}")
            text = pattern.format(number=index + 1, total=count)
            content = _stamp_content(drawings[key], text, shaper, share)
            page = representatives[key]
            stamps.append(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=page.obj.MediaBox,
                    Resources=page.obj.Resources,
                    Contents=pdf.make_stream(content),
                )
            )
        specimen_pages = len(pdf.pages)
        for stamp_page in stamps:
            pdf.pages.append(pikepdf.Page(stamp_page))
        del pdf.pages[:specimen_pages]

    # Whatever goes wrong, the stamp document gives the right numbers.
    return edited_pdf(specimen, stamp, LOGGER, "page numbers typeset page by page")


__all__ = ["draw_stamps", "specimen_names"]
