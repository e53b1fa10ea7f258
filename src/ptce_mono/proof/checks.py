"""What a proof-reader marks on a page, found in the PDF as read by `reading`.

Each check takes the read document and says what it finds, page by page. Thresholds are those of
the house style (docs/styling.md): a word space wider than `LOOSE_SPACE` times the font size is
a loose line; a page of `SHORT_PAGE` lines or fewer is nearly empty.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ptce_mono.core.i18n import _
from ptce_mono.proof.findings import Finding, Locator, excerpt
from ptce_mono.proof.geometry import PageGeometry, TextBlock
from ptce_mono.proof.reading import HEADING_TYPES, Line, Page, Proof

LOOSE_SPACE = 1.0  # in ems: about three times a justified line's usual word space
SHORT_PAGE = 2  # lines
TOLERANCE = 1.0  # points: what a glyph may stick out of the text block (its side bearings)
HEIGHT_ALLOWANCE = 0.2  # of the font size: the font's ascent and descent beyond a tight line
RUNNING_TEXT = frozenset({"P", "LBody", "BlockQuote", "Note"})

_RAW_CITATION = re.compile(r"\[-?@[\w]|(?<![\w.@/])@[A-Za-z][\w:-]*\d{2,4}\b")
_LOCATOR = re.compile(r"^[(\[«]?(?:p|pp|t|vol|chap|sect|fig|art|no|n°|§)\.?$", re.IGNORECASE)
_NUMBER_START = re.compile(r"^[(\[]?(?:\d|[IVXLC]+\b)")
_RANGE_END = re.compile(r"\d[–-]$")
_COUNT = re.compile(r"(?<![\d/.,])(\d+)\s?/\s?(\d+)(?!\d|[/.,]\d)")  # not a date: 20/01/2014
_STRAIGHT = re.compile("['\"]")
_ADDRESS = re.compile(r"://|www\.|@|\\")
_NUMBERING = re.compile(r"^(?:(?:\d+\.)+|[A-Z]\.|[A-Z]\d{1,2})$")

Check = Callable[[Proof, PageGeometry, Locator], Iterator[Finding]]


def _content(page: Page, block: TextBlock, tagged: bool) -> list[Line]:
    """The page's own lines: in an untagged PDF, those within the text block's height."""
    if tagged:
        return page.lines
    return [line for line in page.lines if line.bottom > block.top and line.top < block.bottom]


def _margin(page: Page, block: TextBlock, tagged: bool) -> list[Line]:
    if tagged:
        return page.margin
    return [line for line in page.lines if line.bottom <= block.top or line.top >= block.bottom]


def _block(proof: Proof, geometry: PageGeometry, page: Page) -> TextBlock:
    return geometry.text_block(page.width, page.height, first=page.number == 1)


def ink_outside(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    for page in proof.pages:
        block = _block(proof, geometry, page)
        worst: dict[str, tuple[float, Line | None]] = {}
        for line in _content(page, block, proof.tagged):
            if (
                block.left <= line.left
                and line.right <= block.right
                and block.top <= line.top
                and line.bottom <= block.bottom
            ):
                continue  # the whole line is inside: no glyph of it can be out
            for glyph in line.glyphs:
                # A glyph's box has the font's whole height: a large heading's may rise above
                # its line box by a fifth of its size without any ink outside.
                rise = HEIGHT_ALLOWANCE * glyph.size
                for side, amount in (
                    ("right", glyph.right - block.right),
                    ("left", block.left - glyph.left),
                    ("bottom", glyph.bottom - rise - block.bottom),
                    ("top", block.top - glyph.top - rise),
                ):
                    if amount > TOLERANCE and amount > worst.get(side, (0.0, None))[0]:
                        worst[side] = (amount, line)
        for left, top, right, bottom in page.ink:
            inside_height = bottom > block.top and top < block.bottom
            for side, amount in (("right", right - block.right), ("left", block.left - left)):
                if inside_height and amount > TOLERANCE and amount > worst.get(side, (0.0, None))[0]:
                    worst[side] = (amount, None)
        names = {
            "right": _("on the right"),
            "left": _("on the left"),
            "bottom": _("below"),
            "top": _("above"),
        }
        for side, (amount, where_line) in sorted(worst.items()):
            yield Finding(
                "ink-outside",
                page.number,
                _("ink outside the text block: {amount} pt {side}").format(
                    amount=round(amount), side=names[side]
                ),
                excerpt(where_line.text) if where_line else _("a rule or a border"),
                where(page.number, where_line.top if where_line else 0.0),
            )


def overlapping_text(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    """Text of one block drawn over another's: a word too long for its table column runs into
    the next one. Two lines of different blocks side by side must not share any width."""
    for page in proof.pages:
        overlap = _first_overlap(sorted(page.lines, key=lambda line: line.top))
        if overlap is not None:
            left, right = sorted(overlap, key=lambda line: line.left)
            yield Finding(
                "overlapping-text",
                page.number,
                _("text runs over the text beside it (a column too narrow for a word)"),
                f"{excerpt(left.text, 30)} / {excerpt(right.text, 30)}",
                where(page.number, left.top),
            )


def _first_overlap(lines: list[Line]) -> tuple[Line, Line] | None:
    """The first two lines, top to bottom, of different blocks that share both height and width."""
    for index, line in enumerate(lines):
        for other in lines[index + 1 :]:
            if other.top >= line.bottom:
                break
            shared = min(line.bottom, other.bottom) - max(line.top, other.top)
            height = min(line.bottom - line.top, other.bottom - other.top)
            if other.block == line.block or shared < height / 2:
                continue
            if min(line.right, other.right) - max(line.left, other.left) > TOLERANCE:
                return line, other
    return None


def raw_citations(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    for page in proof.pages:
        for line in _content(page, _block(proof, geometry, page), proof.tagged):
            match = _RAW_CITATION.search(line.text)
            if match:
                yield Finding(
                    "raw-citation",
                    page.number,
                    _("a citation printed as written, not through the citation style"),
                    excerpt(line.text[max(match.start() - 20, 0) :]),
                    where(page.number, line.top),
                )


def short_pages(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    for page in proof.pages[1:]:
        lines = _content(page, _block(proof, geometry, page), proof.tagged)
        if len(lines) <= SHORT_PAGE:
            yield Finding(
                "short-page",
                page.number,
                _("a page holding {count} line(s) of text").format(count=len(lines)),
                excerpt(" / ".join(line.text for line in lines)),
                where(page.number, lines[0].top if lines else 0.0),
            )


def headings_at_foot(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    if not proof.tagged:
        return
    for page in proof.pages[:-1]:
        if not page.lines:
            continue
        last = max(page.lines, key=lambda line: line.bottom)
        if last.block is not None and last.block.kind in HEADING_TYPES:
            yield Finding(
                "heading-at-foot",
                page.number,
                _("a heading alone at the foot of the page, its text on the next"),
                excerpt(last.text),
                where(page.number, last.top),
            )


@dataclass
class _Fragment:
    """The part of a table one page holds (WeasyPrint tags each page's part as a table)."""

    header_top: float | None = None
    first_body: Line | None = None
    columns: set[int] = field(default_factory=set)  # where its cells start, rounded to a point


def _fragments(page: Page) -> dict[int, _Fragment]:
    fragments: dict[int, _Fragment] = {}
    cell_left: dict[int, float] = {}
    for line in page.lines:
        block = line.block
        if block is None or not block.table:
            continue
        fragment = fragments.setdefault(block.table, _Fragment())
        if block.kind in ("TD", "TH"):
            cell_left[block.key] = min(cell_left.get(block.key, line.left), line.left)
            fragment.columns.add(round(cell_left[block.key]))
        if block.header:
            fragment.header_top = min(fragment.header_top or line.top, line.top)
        elif block.kind != "Caption" and (fragment.first_body is None or line.top < fragment.first_body.top):
            fragment.first_body = line
    return fragments


def table_headers(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    """A table that goes on to a page without its header row, and a header row left alone at a
    page's foot. A table broken across pages is tagged as one table per page: its parts are
    known by their columns."""
    if not proof.tagged:
        return
    pages = [_fragments(page) for page in proof.pages]
    for index, page in enumerate(proof.pages):
        neighbours = [
            *(pages[index - 1].values() if index else []),
            *(pages[index + 1].values() if index + 1 < len(pages) else []),
        ]
        for fragment in pages[index].values():
            line = fragment.first_body
            if line is not None and fragment.header_top is None:
                headed = any(
                    other.header_top is not None and other.columns == fragment.columns for other in neighbours
                )
                if headed:
                    yield Finding(
                        "table-without-header",
                        page.number,
                        _("a table goes on without its header row"),
                        excerpt(line.text),
                        where(page.number, line.top),
                    )
            elif line is None and fragment.header_top is not None:
                yield Finding(
                    "table-header-alone",
                    page.number,
                    _("a table's header row alone at the foot of the page"),
                    "",
                    where(page.number, fragment.header_top),
                )


def _block_lines(proof: Proof, geometry: PageGeometry) -> Iterator[tuple[Page, Line, Page, Line]]:
    """Each line of the document with the next line of the same block (on this page or the next)."""
    previous: dict[int, tuple[Page, Line]] = {}
    for page in proof.pages:
        for line in _content(page, _block(proof, geometry, page), proof.tagged):
            key = line.block.key if line.block else -page.number
            if key in previous:
                yield (*previous[key], page, line)
            previous[key] = (page, line)


def parted_locators(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    for page, line, _next_page, following in _block_lines(proof, geometry):
        words, next_words = line.words, following.words
        if not words or not next_words:
            continue
        last, first = words[-1].text, next_words[0].text
        if _LOCATOR.match(last) and _NUMBER_START.match(first):
            message = _("a locator parted from its number")
        elif _RANGE_END.search(last) and first[:1].isdigit():
            message = _("a range broken at its dash")
        else:
            continue
        yield Finding(
            "parted-locator", page.number, message, f"{last} / {first}", where(page.number, line.top)
        )


def straight_quotes(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    for page in proof.pages:
        block = _block(proof, geometry, page)
        for line in [*_content(page, block, proof.tagged), *_margin(page, block, proof.tagged)]:
            if any(_STRAIGHT.search(w.text) and not _ADDRESS.search(w.text) for w in line.words):
                yield Finding(
                    "straight-quote",
                    page.number,
                    _("a straight quote or apostrophe (’ and « » in French)"),
                    excerpt(line.text),
                    where(page.number, line.top),
                )


def running_heads(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    for page in proof.pages:
        block = _block(proof, geometry, page)
        margin = _margin(page, block, proof.tagged)
        above = [line for line in margin if line.bottom <= block.top + TOLERANCE]
        below = [line for line in margin if line.top >= block.bottom - TOLERANCE]
        for lines, label in ((above, _("running head")), (below, _("running footer"))):
            wide = [
                line
                for line in lines
                if line.left < block.left - TOLERANCE
                or line.right > block.right + TOLERANCE
                or any(
                    b.left < a.right - TOLERANCE for a, b in zip(line.glyphs, line.glyphs[1:], strict=False)
                )
            ]
            if len(lines) > 1 or wide:
                yield Finding(
                    "wide-running-head",
                    page.number,
                    _("a {what} wider than its line").format(what=label),
                    excerpt(" / ".join(line.text for line in lines)),
                    "",
                )


def counts_above_total(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    for page in proof.pages:
        for line in _content(page, _block(proof, geometry, page), proof.tagged):
            for match in _COUNT.finditer(line.text):
                if int(match.group(1)) > int(match.group(2)):
                    yield Finding(
                        "count-above-total",
                        page.number,
                        _("a count above its total"),
                        match.group(0),
                        where(page.number, line.top),
                    )


def loose_lines(proof: Proof, geometry: PageGeometry, where: Locator) -> Iterator[Finding]:
    if not proof.tagged:
        return
    last_line: dict[int, tuple[int, float]] = {}
    for page in proof.pages:
        for line in page.lines:
            if line.block is not None:
                last_line[line.block.key] = (page.number, line.top)
    for page in proof.pages:
        for line in page.lines:
            block = line.block
            if (
                block is None
                or block.kind not in RUNNING_TEXT
                or last_line[block.key] == (page.number, line.top)
            ):
                continue
            words = [w for w in line.words if w.text.strip(".…")]
            if not words:
                continue
            if len(words) == 1 and len(words[0].text) <= 3:
                yield Finding(
                    "loose-line",
                    page.number,
                    _("a line broken after one short word"),
                    words[0].text,
                    where(page.number, line.top),
                )
                continue
            # After a list's label (« 2.1. » in the Sommaire, « S5 » in a SWOT) stands a column, not a
            # word space.
            counted = words[1:] if _NUMBERING.match(words[0].text) else words
            gaps = [(b.left - a.right, a, b) for a, b in itertools.pairwise(counted)]
            widest = max(gaps, default=None, key=lambda gap: gap[0])
            if widest and widest[0] > LOOSE_SPACE * line.size:
                yield Finding(
                    "loose-line",
                    page.number,
                    _("a loose line: a word space of {amount} pt").format(amount=round(widest[0])),
                    f"{widest[1].text} … {widest[2].text}",
                    where(page.number, line.top),
                )


CHECKS: list[Check] = [
    ink_outside,
    overlapping_text,
    raw_citations,
    short_pages,
    headings_at_foot,
    table_headers,
    parted_locators,
    straight_quotes,
    running_heads,
    counts_above_total,
    loose_lines,
]

__all__ = ["CHECKS", "LOOSE_SPACE", "SHORT_PAGE"]
