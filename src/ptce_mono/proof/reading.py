"""A finished PDF read as a proof-reader reads it: its lines of text with their boxes, each line
with the block of the document it belongs to (a paragraph, a heading, a table cell), the margin's
lines apart, the other ink, and where each anchor of the document fell.

pypdfium2 gives the glyphs, their boxes and the marked content each belongs to; the tagged PDF's
structure tree (read with pikepdf) says which block that marked content is part of. Text outside
the structure tree is the margin's (running heads, footers: WeasyPrint marks them as artifacts).
An untagged PDF has no blocks: its lines are read from their positions alone, and the checks that
need the structure say nothing. Nothing is ever written to the file.

Coordinates are in points from the page's top-left corner.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# The structure types that hold lines of text of their own; a span or a link inside one belongs
# to it. `LBody` is a list item's text, `TOCI` an entry of a table of contents.
BLOCK_TYPES = frozenset(
    {"P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "LBody", "Lbl", "TD", "TH", "Caption"}
    | {"BlockQuote", "Note", "TOCI", "Figure", "Formula", "Code"}
)
HEADING_TYPES = frozenset({"H", "H1", "H2", "H3", "H4", "H5", "H6"})
# pdfium marks a word hyphenated at the end of a line with this code instead of the hyphen.
_LINE_END_HYPHEN = "\x02"
# Objects this large are a page's background (the review edition's watermark), not ink to place.
_BACKGROUND_SHARE = 0.8


@dataclass(frozen=True)
class Block:
    """One block of the structure tree: `key` is the same on every page the block crosses."""

    key: int
    kind: str  # its structure type: P, H2, TD, LBody...
    table: int = 0  # the table it is part of (0: none)
    header: bool = False  # part of its table's header rows


@dataclass(slots=True)
class Glyph:
    char: str
    left: float  # the glyph's box as its line sets it: its advance, the font's height
    top: float
    right: float
    bottom: float
    size: float  # the font size, in points
    block: Block | None  # None: the margin's (an artifact)


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    right: float


@dataclass
class Line:
    """One printed line of one block, its glyphs left to right; what is measured of it is
    measured once (the checks ask for it many times)."""

    glyphs: list[Glyph]

    @property
    def block(self) -> Block | None:
        return self.glyphs[0].block

    @cached_property
    def left(self) -> float:
        return min(g.left for g in self.glyphs)

    @cached_property
    def right(self) -> float:
        return max(g.right for g in self.glyphs)

    @cached_property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @cached_property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @cached_property
    def size(self) -> float:
        sizes = sorted(g.size for g in self.glyphs)
        return sizes[len(sizes) // 2]

    @cached_property
    def words(self) -> list[Word]:
        words: list[list[Glyph]] = []
        previous: Glyph | None = None
        for glyph in self.glyphs:
            if glyph.char.isspace():
                previous = None
                continue
            if previous is None or glyph.left - previous.right > 0.12 * (glyph.bottom - glyph.top):
                words.append([glyph])
            else:
                words[-1].append(glyph)
            previous = glyph
        return [Word("".join(g.char for g in w), w[0].left, max(g.right for g in w)) for w in words]

    @cached_property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass
class Page:
    number: int  # from 1
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)  # the document's, top to bottom, block by block
    margin: list[Line] = field(default_factory=list)  # running heads, footers
    ink: list[tuple[float, float, float, float]] = field(default_factory=list)  # other objects


@dataclass
class Proof:
    pages: list[Page]
    anchors: list[tuple[str, int, float]]  # (id, page number, top) in the document's order
    tagged: bool


# -- the structure tree ---------------------------------------------------------------------------


def _marked_blocks(pdf: pikepdf.Pdf) -> dict[tuple[int, int], Block]:
    """(page index, marked-content id) -> the block it belongs to."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return {}
    page_index = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found: dict[tuple[int, int], Block] = {}
    # (node, block, table, header, page) — iterative: a long dossier nests deep enough.
    todo: list[tuple[object, Block | None, int, bool, int]] = [(root.get("/K"), None, 0, False, -1)]
    seen: set[tuple[int, int]] = set()
    while todo:
        node, block, table, header, page = todo.pop()
        if isinstance(node, pikepdf.Array):
            todo.extend((kid, block, table, header, page) for kid in reversed(list(node)))
            continue
        if isinstance(node, int):
            if block is not None and page >= 0:
                found[(page, int(node))] = block
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.get("/Pg") is not None:
            page = page_index.get(node.Pg.objgen, page)
        if node.get("/Type") == "/MCR":
            if block is not None and page >= 0 and node.get("/MCID") is not None:
                found[(page, int(node.MCID))] = block
            continue
        kind = str(node.get("/S", "/"))[1:]
        if not kind:
            continue
        key = node.objgen
        if key != (0, 0):
            if key in seen:
                continue
            seen.add(key)
        identity = key[0] * 65536 + key[1] if key != (0, 0) else id(node)
        if kind == "Table":
            table, header = identity, False
        elif kind == "THead":
            header = True
        elif kind in ("TBody", "TFoot"):
            header = False
        if kind in BLOCK_TYPES:
            block = Block(identity, kind, table, header)
        todo.append((node.get("/K"), block, table, header, page))
    return found


# -- glyphs and lines -----------------------------------------------------------------------------


def _glyphs(page: pdfium.PdfPage, index: int, blocks: dict[tuple[int, int], Block]) -> list[Glyph]:
    height = page.get_height()
    textpage = page.get_textpage()
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    # The calls, looked up once: this loop runs for every glyph of the dossier. What is the same
    # for a whole text object (its marked content, its font size) is asked once per object.
    text_object, marked = pdfium_c.FPDFText_GetTextObject, pdfium_c.FPDFPageObj_GetMarkedContentID
    loose_box, font_size, address = (
        pdfium_c.FPDFText_GetLooseCharBox,
        pdfium_c.FPDFText_GetFontSize,
        ctypes.addressof,
    )
    objects: dict[int, tuple[float, Block | None]] = {}
    try:
        # One character per index; those pdfium guesses (spaces and line ends between text
        # objects) have no text object: the lines are made from the glyphs' positions.
        characters = textpage.get_text_range(0, -1, errors="replace")
        glyphs = []
        for char, code in enumerate(characters):
            obj = text_object(raw, char)
            if not obj:
                continue
            key = address(obj.contents)
            known = objects.get(key)
            if known is None:
                known = objects[key] = (font_size(raw, char), blocks.get((index, marked(obj))))
            loose_box(raw, char, box)
            glyphs.append(
                Glyph(
                    "-" if code == _LINE_END_HYPHEN else code,
                    box.left,
                    height - box.top,
                    box.right,
                    height - box.bottom,
                    known[0],
                    known[1],
                )
            )
        return glyphs
    finally:
        textpage.close()


def lines_of(glyphs: list[Glyph]) -> list[Line]:
    """Glyphs grouped into lines, top to bottom, each left to right: two glyphs share a line when
    each one's middle lies within the other's height."""
    lines: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: (g.top + g.bottom) / 2):
        middle = (glyph.top + glyph.bottom) / 2
        first = lines[-1][0] if lines else None
        if (
            first
            and first.top <= middle <= first.bottom
            and glyph.top <= (first.top + first.bottom) / 2 <= glyph.bottom
        ):
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return [Line(sorted(line, key=lambda g: g.left)) for line in lines]


def _ink(page: pdfium.PdfPage) -> list[tuple[float, float, float, float]]:
    """The boxes of the page's paths and images (text is read glyph by glyph)."""
    height, width = page.get_height(), page.get_width()
    boxes = []
    # The page's own objects: a figure or a background drawn as a form counts as one box.
    for obj in page.get_objects(max_depth=1):
        if obj.type not in (
            pdfium_c.FPDF_PAGEOBJ_PATH,
            pdfium_c.FPDF_PAGEOBJ_IMAGE,
            pdfium_c.FPDF_PAGEOBJ_FORM,
        ):
            continue
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) > _BACKGROUND_SHARE * width * height:
            continue
        boxes.append((left, height - top, right, height - bottom))
    return boxes


def _anchors(document: pdfium.PdfDocument, heights: list[float]) -> list[tuple[str, int, float]]:
    raw = document.raw
    found = []
    length = ctypes.c_long()
    for index in range(pdfium_c.FPDF_CountNamedDests(raw)):
        length.value = 0
        pdfium_c.FPDF_GetNamedDest(raw, index, None, ctypes.byref(length))
        buffer = ctypes.create_string_buffer(max(length.value, 2))
        dest = pdfium_c.FPDF_GetNamedDest(raw, index, buffer, ctypes.byref(length))
        if not dest:
            continue
        name = buffer.raw[: max(length.value - 2, 0)].decode("utf-16-le", errors="replace")
        page = pdfium_c.FPDFDest_GetDestPageIndex(raw, dest)
        has = [ctypes.c_int() for _ in range(3)]
        x, y, zoom = ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFDest_GetLocationInPage(
            dest, *(ctypes.byref(h) for h in has), ctypes.byref(x), ctypes.byref(y), ctypes.byref(zoom)
        )
        if 0 <= page < len(heights):
            top = heights[page] - y.value if has[1].value else 0.0
            found.append((name, page + 1, top))
    return sorted(found, key=lambda a: (a[1], a[2]))


def read_proof(pdf: Path) -> Proof:
    """The PDF at `pdf`, read; raises OSError or ValueError when it cannot be."""
    try:
        with pikepdf.open(pdf) as structure:
            blocks = _marked_blocks(structure)
    except pikepdf.PdfError as exc:
        raise ValueError(str(exc)) from None
    try:
        document = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError as exc:
        raise ValueError(str(exc)) from None
    try:
        pages = []
        for index, page in enumerate(document):
            try:
                proof_page = Page(index + 1, page.get_width(), page.get_height())
                glyphs = _glyphs(page, index, blocks)
                by_block: dict[int, list[Glyph]] = {}
                margin: list[Glyph] = []
                for glyph in glyphs:
                    if glyph.block is None and blocks:
                        margin.append(glyph)
                    else:
                        by_block.setdefault(glyph.block.key if glyph.block else 0, []).append(glyph)
                for group in by_block.values():
                    proof_page.lines.extend(lines_of(group))
                proof_page.lines.sort(key=lambda line: (line.top, line.left))
                proof_page.margin = lines_of(margin)
                proof_page.ink = _ink(page)
                pages.append(proof_page)
            finally:
                page.close()
        anchors = _anchors(document, [p.height for p in pages])
    finally:
        document.close()
    return Proof(pages, anchors, bool(blocks))


__all__ = [
    "BLOCK_TYPES",
    "HEADING_TYPES",
    "Block",
    "Glyph",
    "Line",
    "Page",
    "Proof",
    "Word",
    "lines_of",
    "read_proof",
]
