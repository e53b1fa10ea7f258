"""Merge the typeset pieces of the dossier into one PDF, as if it had been typeset in one pass.

- pages: the front piece's file is the base (its catalog, language and document information),
  the other pieces' pages follow in order; the merged page count must be the sum of the parts.
- structure tree: WeasyPrint tags each page's content under the document's element, page by
  page; the pieces' elements follow the front's under its document element, their parent-tree
  keys (pages' /StructParents, links' /StructParent) shifted past the ones before them.
- named destinations: every piece's anchors, pointing at the merged pages; links a piece could
  not resolve (`ptce-anchor:<id>`, see chunks.py) become internal links again.
- outline: rebuilt from the pieces' bookmarks with their levels, across pieces.
- fonts: each piece embeds its own subset of each face (font_subsets.py). Glyph ids are kept by
  the subsetter, so one subset of the original face holding every glyph used anywhere replaces
  them all, and the faces' ToUnicode maps are made one (each glyph reads back as the same text
  in every piece: the face says which).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, OutlineItem, Pdf, String

from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _
from ptce_mono.typeset.font_subsets import subset_face, to_unicode_lines
from ptce_mono.typeset.fonts import FONT_FACES, FONT_FOLDERS
from ptce_mono.typeset.layout import Layout
from ptce_mono.typeset.pieces.cutting import FOREIGN_SCHEME

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px; PDF space is in points


@dataclass
class Piece:
    pdf: Path
    layout: Layout


@dataclass
class Merged:
    pages: int
    subsets_shared: int  # embedded font files the merge made one


def _subset_prefix_removed(base_font: str) -> str:
    name = base_font.lstrip("/")
    return name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name


def cid_widths(font: pikepdf.Object) -> dict[int, float]:
    """Glyph widths (thousandths of an em) of a Type0 font, from its CIDFont's /W array:
    `c [w1 w2 ...]` and `c_first c_last w` forms."""
    widths: dict[int, float] = {}
    items = list(font.DescendantFonts[0].get("/W", []))
    index = 0
    while index < len(items):
        first = int(items[index])
        follower = items[index + 1]
        if isinstance(follower, pikepdf.Array):
            widths.update((first + offset, float(w)) for offset, w in enumerate(follower))
            index += 2
        else:
            widths.update(dict.fromkeys(range(first, int(follower) + 1), float(items[index + 2])))
            index += 3
    return widths


def postscript_name(font_file: bytes) -> str | None:
    """The PostScript name of an embedded font file; None when it cannot be read. (HarfBuzz,
    which the merge loads anyway to subset the faces, reads it without loading fontTools.)"""
    import uharfbuzz

    try:
        face = uharfbuzz.Face(uharfbuzz.Blob(font_file))
        name = face.get_name(uharfbuzz.OTNameIdPredefined.POSTSCRIPT_NAME)
    except Exception:  # a font that cannot be read is simply not recognised
        return None
    return str(name) if name else None


@cache
def _postscript_names() -> dict[str, Path]:
    """The dossier's font files by PostScript name (an unreadable one is simply not shared)."""
    names = {}
    for *_face, package, file in FONT_FACES:
        path = FONT_FOLDERS[package] / file
        name = postscript_name(path.read_bytes()) if path.is_file() else None
        if name:
            names[name] = path
    return names


def packaged_font(postscript_name: str) -> bytes | None:
    """The file of the packaged face named `postscript_name`, if it is one of them."""
    path = _postscript_names().get(postscript_name)
    return path.read_bytes() if path else None


_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def _share_to_unicode(pdf: Pdf, fonts: list[pikepdf.Object]) -> None:
    """One ToUnicode map for the fonts of one face, given in document order: every glyph any
    piece drew (a glyph reads the same in every piece; the earliest piece's mapping would win)."""
    mapping: dict[int, bytes] = {}
    for font in fonts:
        if "/ToUnicode" not in font:
            return
        for glyph, text in _BFCHAR.findall(font.ToUnicode.read_bytes()):
            mapping.setdefault(int(glyph, 16), text.lower())
    shared = pdf.make_indirect(pikepdf.Stream(pdf, b"\n".join(to_unicode_lines(mapping))))
    for font in fonts:
        font.ToUnicode = shared


def share_font_subsets(pdf: Pdf, originals: Callable[[str], bytes | None]) -> int:
    """Replace the per-piece subsets of each face by one; `originals(postscript_name)` gives the
    face's original file. Returns the number of embedded font files removed."""
    descriptors: dict[str, list[pikepdf.Object]] = {}
    faces: dict[str, list[pikepdf.Object]] = {}
    glyphs: dict[str, set[int]] = {}
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
        for _key, font in fonts.items():
            if font.objgen in seen or font.get("/Subtype") != Name.Type0:
                continue
            seen.add(font.objgen)
            cid_font = font.DescendantFonts[0]
            descriptor = cid_font.get("/FontDescriptor")
            if descriptor is None or "/W" not in cid_font:
                continue
            face = _subset_prefix_removed(str(cid_font.BaseFont))
            faces.setdefault(face, []).append(font)
            descriptors.setdefault(face, []).append(descriptor)
            glyphs.setdefault(face, set()).update(cid_widths(font))
    for same_face in faces.values():
        if len(same_face) > 1:
            _share_to_unicode(pdf, same_face)
    removed = 0
    for face, holders in descriptors.items():
        files = [(key, d[key]) for d in holders for key in ("/FontFile2", "/FontFile3") if key in d]
        if len(files) < 2:
            continue
        # The subset keeps the face's PostScript name: it says which original to take.
        name = postscript_name(files[0][1].read_bytes())
        original = originals(name) if name else None
        if original is None:
            continue
        subset = subset_face(original, glyphs[face])
        key, first = files[0]
        shared = pikepdf.Stream(pdf, subset)
        for name in ("/Subtype", "/Length1"):
            if name in first.stream_dict:
                shared.stream_dict[name] = first.stream_dict[name]
        if "/Length1" in shared.stream_dict:
            shared.stream_dict.Length1 = len(subset)
        shared = pdf.make_indirect(shared)
        for descriptor in holders:
            if key in descriptor:
                descriptor[key] = shared
                removed += 1
        removed -= 1
    return max(removed, 0)


def _bookmark_tree(
    bookmarks: list[tuple[int, int, str, float, float]], heights: list[float]
) -> list[OutlineItem]:
    roots: list[OutlineItem] = []
    stack: list[tuple[int, OutlineItem]] = []
    for page, level, label, x, y in bookmarks:
        item = OutlineItem(label, page, "XYZ", left=x * PX_TO_PT, top=(heights[page] - y) * PX_TO_PT, zoom=0)
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(item)
        stack.append((level, item))
    return roots


def _own_ids(element: pikepdf.Dictionary, prefix: str) -> None:
    """`prefix` before the structure element's id and before the header ids its attributes name
    (table cells): WeasyPrint makes them from object numbers, which each piece counts from 1, and
    a merged file's ids must be unique."""
    if "/ID" in element:
        element.ID = String(prefix + str(element.ID))
    attributes = element.get("/A")
    for attribute in attributes if isinstance(attributes, Array) else [attributes] if attributes else []:
        if isinstance(attribute, Dictionary) and "/Headers" in attribute:
            attribute.Headers = Array([String(prefix + str(h)) for h in attribute.Headers])


def _merge_structure(merged: Pdf, source: Pdf, pages: list[pikepdf.Page], next_key: int) -> int:
    """`source`'s structure elements appended to `merged`'s document element, for its pages
    already copied as `pages`; the next free parent-tree key."""
    if "/StructTreeRoot" not in source.Root or "/StructTreeRoot" not in merged.Root:
        return next_key
    root = merged.copy_foreign(source.Root.StructTreeRoot)  # same copies of the pages as before
    document = merged.Root.StructTreeRoot.K[0]
    for element in root.K[0].K:
        element.P = document
        document.K.append(element)
    nums = merged.Root.StructTreeRoot.ParentTree.Nums
    theirs = list(root.ParentTree.Nums)
    for key, value in zip(theirs[::2], theirs[1::2], strict=True):
        nums.append(int(key) + next_key)
        nums.append(value)
    for page in pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + next_key
        for annotation in page.obj.get("/Annots", Array()):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + next_key
    return next_key + max((int(k) for k in theirs[::2]), default=-1) + 1


def _ready_to_copy(source: Pdf, prefix: str) -> bool:
    """`source`'s structure ids prefixed (`_own_ids`), and every stream given its own (still
    encoded) bytes; False when a stream's filters are not of the kinds the PDF format allows
    (the source must then stay open). One pass over its objects.

    A stream copied to another file is read from its source only when that file is written:
    each source would have to stay open until then, with all its parsed objects (about half the
    merge's memory at 64 poles). Streams holding their bytes are copied with them, and their
    source can be closed at once."""
    closable = True
    for item in source.objects:
        if isinstance(item, pikepdf.Stream):
            filters, parameters = item.get("/Filter"), item.get("/DecodeParms")
            if not isinstance(filters, Name | Array | None) or not isinstance(
                parameters, Dictionary | Array | None
            ):
                closable = False
            elif closable:
                item.write(item.read_raw_bytes(), filter=filters, decode_parms=parameters)
        elif isinstance(item, Dictionary) and "/S" in item and "/P" in item:  # a structure element
            _own_ids(item, prefix)
    return closable


def merge_pieces(pieces: list[Piece], target: Path, originals: Callable[[str], bytes | None]) -> Merged:
    """Write the merged dossier to `target` (the caller renames it into place)."""
    expected = sum(piece.layout.pages for piece in pieces)
    merged = Pdf.open(pieces[0].pdf)
    opened: list[Pdf] = []  # the pieces that must stay open until the merged file is written
    try:
        tree = merged.Root.get("/StructTreeRoot")
        next_key = 0
        if tree is not None:
            next_key = max((int(k) for k in list(tree.ParentTree.Nums)[::2]), default=-1) + 1
        for index, piece in enumerate(pieces[1:], 1):
            source = Pdf.open(piece.pdf)
            opened.append(source)
            in_memory = _ready_to_copy(source, f"p{index}-")
            first = len(merged.pages)
            with warnings.catch_warnings():  # the named destinations are rebuilt below
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                merged.pages.extend(source.pages)
            next_key = _merge_structure(merged, source, list(merged.pages)[first:], next_key)
            if in_memory:
                opened.pop().close()
        if tree is not None:
            tree.ParentTreeNextKey = next_key
        if len(merged.pages) != expected:
            raise RenderError(
                _(
                    "the merged dossier has {merged} pages, its pieces {expected}: "
                    "build with --single-pass and report the problem"
                ).format(merged=len(merged.pages), expected=expected)
            )
        heights: list[float] = []
        bookmarks: list[tuple[int, int, str, float, float]] = []
        anchors: dict[str, tuple[int, float, float]] = {}
        for piece in pieces:
            offset = len(heights)
            heights.extend(piece.layout.page_heights)
            for name, (page, x, y) in piece.layout.anchors.items():
                anchors.setdefault(name, (offset + page, x, y))
            bookmarks.extend((offset + p, lv, label, x, y) for p, lv, label, x, y in piece.layout.bookmarks)

        dests = NameTree.new(merged)
        for name in sorted(anchors):
            page, x, y = anchors[name]
            dests[name] = Array(
                [merged.pages[page].obj, Name.XYZ, x * PX_TO_PT, (heights[page] - y) * PX_TO_PT, 0]
            )
        merged.Root.Names = Dictionary(Dests=dests.obj)
        _relink(merged, set(anchors))

        if "/Outlines" in merged.Root:
            del merged.Root["/Outlines"]
        with merged.open_outline() as outline:
            outline.root.extend(_bookmark_tree(bookmarks, heights))
        if bookmarks:
            merged.Root.PageMode = Name.UseOutlines

        removed = share_font_subsets(merged, originals)
        merged.save(
            target,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return Merged(len(merged.pages), removed)
    finally:
        for source in opened:
            source.close()
        merged.close()


def _relink(pdf: Pdf, anchors: set[str]) -> None:
    """Links a piece left as `ptce-anchor:<id>` become links to the named destination <id>."""
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", Array()):
            action = annotation.get("/A")
            if action is None or action.get("/S") != Name.URI:
                continue
            uri = str(action.get("/URI", ""))
            if not uri.startswith(FOREIGN_SCHEME):
                continue
            target = uri[len(FOREIGN_SCHEME) :]
            if target in anchors:
                del annotation["/A"]
                annotation.Dest = String(target)
                if "/Contents" in annotation:
                    annotation.Contents = String(target)


__all__ = [
    "Merged",
    "Piece",
    "cid_widths",
    "merge_pieces",
    "packaged_font",
    "postscript_name",
    "share_font_subsets",
]
