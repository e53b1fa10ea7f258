"""The Sommaire's page numbers, filled into a front typeset before they were known.

A dossier typeset in pieces knows its page numbers once every piece is typeset. Typesetting the
front (cover and Sommaire) again then, with its dot leaders, put about a second on the build's
critical path for a 400-page dossier. Instead, the front is typeset with the other pieces, each
number replaced by a placeholder of three digits (together they hold all ten, so that the
front's font subset has every digit); this module then writes the real numbers over the
placeholders, right-aligned on the same edge, in the same font, size and colour.

This is exact only because the stylesheet sets each number alone in a box of fixed width
(`.toc a::after`): the number's width moves nothing else. `fill_page_numbers` checks that, and
everything else it relies on, from the layout and the PDF (every placeholder found once, in a
box of fixed width, right-aligned, drawn with glyphs HarfBuzz reproduces, the real number
fitting its box) and returns None otherwise: the caller then typesets the front again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pikepdf
from pikepdf import Operator, Pdf

from ptce_mono.typeset.layout import Layout, PrintedNumber
from ptce_mono.typeset.pieces.glyphs import (
    Shaper,
    Unsupported,
    edited_pdf,
    flatten_text,
    pdf_number,
    shaper_of,
)

LOGGER = logging.getLogger("ptce_mono.typeset.pieces.toc_numbers")
_TOLERANCE = 0.05  # CSS px


def placeholder(index: int) -> str:
    """The placeholder of the `index`-th number: three digits, the next ones in turn, so that
    four numbers hold all ten digits."""
    return "".join(str((3 * index + offset) % 10) for offset in range(3))


def _matrix_position(instruction: Any) -> tuple[float, float]:
    a, b, c, d, x, y = (float(v) for v in instruction.operands)
    if (a, b, c, d) != (1, 0, 0, -1):
        raise Unsupported("a text matrix that is not WeasyPrint's")
    return x, y


def _by_line(wanted: list[PrintedNumber]) -> dict[int, list[int]]:
    """The indices of `wanted` by baseline, in tenths of a px: a text run's baseline finds its
    candidates at once, among the thousands of runs a page of dot leaders draws."""
    lines: dict[int, list[int]] = {}
    for index, number in enumerate(wanted):
        line = round(number.baseline * 10)
        for near in (line - 1, line, line + 1):
            lines.setdefault(near, []).append(index)
    return lines


def _rewritten(
    matrix: Any, shown: Any, number: PrintedNumber, real: str, shaper: Shaper, size: float
) -> tuple[Any, Any]:
    """The text matrix and TJ drawing `real` where WeasyPrint drew the placeholder."""
    x, _y = _matrix_position(matrix)
    drawn = flatten_text(shown.operands[0])
    if shaper.text(drawn) != number.text:
        raise Unsupported("a placeholder drawn with other characters")
    shaper.check_drawn(number.text, drawn)
    if abs(x + shaper.drawn_width(drawn) * size / 1000 - number.right) > _TOLERANCE:
        raise Unsupported("a placeholder not aligned on its box's right edge")
    array, width = shaper.text_array(real)
    start = number.right - width * size / 1000
    if start < number.left - _TOLERANCE:
        raise Unsupported(f"page number {real} wider than its box")
    operands: list[Any] = list(matrix.operands)
    operands[4] = pdf_number(start)
    return (
        pikepdf.ContentStreamInstruction(operands, Operator("Tm")),
        pikepdf.ContentStreamInstruction([array], Operator("TJ")),
    )


def _fill_page(
    page: pikepdf.Page,
    wanted: list[PrintedNumber],
    numbers: dict[str, str],
    shapers: dict[tuple[int, int], Shaper],
    originals: Callable[[str], bytes | None],
) -> bytes:
    operators = list(pikepdf.parse_content_stream(page))
    lines = _by_line(wanted)
    fonts = page.obj.Resources.Font
    matrix_at, font, size = None, None, 0.0
    filled: set[int] = set()
    for index, instruction in enumerate(operators):
        operator = str(instruction.operator)
        if operator == "Tm":
            matrix_at = index
        elif operator == "Tf":
            font, size = fonts[str(instruction.operands[0])], float(instruction.operands[1])
        elif operator in ("Tj", "'", '"'):
            raise Unsupported("text drawn with an operator WeasyPrint does not use")
        elif operator == "TJ" and matrix_at is not None and font is not None:
            x, y = (float(v) for v in operators[matrix_at].operands[4:6])
            hits = [
                i
                for i in lines.get(round(y * 10), ())
                if abs(wanted[i].x - x) < _TOLERANCE and abs(wanted[i].baseline - y) < _TOLERANCE
            ]
            if not hits:
                continue
            if len(hits) > 1 or hits[0] in filled:
                raise Unsupported("two numbers drawn at one place")
            number = wanted[hits[0]]
            real = numbers.get(number.href)
            if real is None:
                raise Unsupported(f"no page number for {number.href}")
            if font.objgen not in shapers:
                shapers[font.objgen] = shaper_of(font, originals)
            operators[matrix_at], operators[index] = _rewritten(
                operators[matrix_at], instruction, number, real, shapers[font.objgen], size
            )
            filled.add(hits[0])
    if len(filled) != len(wanted):
        raise Unsupported("a placeholder was not found where the layout put it")
    return pikepdf.unparse_content_stream(operators)


def fill_page_numbers(
    front: bytes,
    layout: Layout,
    numbers: dict[str, str],
    originals: Callable[[str], bytes | None],
) -> bytes | None:
    """`front` (typeset with placeholders, laid out as `layout` says) with the real page
    numbers: `numbers` maps each link's href to its number. None when that cannot be done
    exactly; `originals(postscript_name)` gives the original file of a face."""
    printed = layout.page_numbers

    def fill(pdf: Pdf) -> None:
        if not printed:
            raise Unsupported("the layout shows no page number")
        if not all(n.fixed for n in printed):
            raise Unsupported("a page number that is not alone in a box of fixed width")
        if len(pdf.pages) != layout.pages:
            raise Unsupported("the front has not the pages its layout says")
        shapers: dict[tuple[int, int], Shaper] = {}
        for page_index, page in enumerate(pdf.pages):
            wanted = [n for n in printed if n.page == page_index]
            if wanted:
                content = _fill_page(page, wanted, numbers, shapers, originals)
                page.obj.Contents = pdf.make_stream(content)

    return edited_pdf(front, fill, LOGGER, "the Sommaire is typeset again with its numbers")


__all__ = ["fill_page_numbers", "placeholder"]
