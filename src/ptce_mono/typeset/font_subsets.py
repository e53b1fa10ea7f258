"""The fonts a PDF embeds, cut down to the glyphs it draws, by HarfBuzz's subsetter (uharfbuzz).

WeasyPrint subsets each font itself, with the system's HarfBuzz-subset library when there is
one, else with fontTools, which is slow on the dossier's CFF faces: for a dossier typeset in
pieces that was most of the build's time on a machine without `libharfbuzz-subset0`. So the
dossier is written with whole faces (`full_fonts`) and `finish_fonts`, WeasyPrint's documented
`finisher`, cuts each one down before the file is written, with the HarfBuzz that uharfbuzz
carries: the same subsets, widths and text on every machine, whatever it has installed.

A glyph reads back as text through the font's ToUnicode map. With whole faces WeasyPrint maps
each glyph to the first character its character map gives, which loses ligatures (ﬁ) and picks
U+02BC for the apostrophe; `glyph_texts` reads the text of each glyph from the face alone: the
character the character map gives it, the one its name says when several share it (`space` for
U+0020 and U+00A0, `quoteright` for U+2019 and U+02BC), and for a glyph of no character (a
ligature, an old-style figure) the characters its name is made of (`f_i`, `one.osf`). Being a
property of the face, the same glyph reads the same in every piece of the dossier and in the
single pass.
"""

from __future__ import annotations

import array
import hashlib
import io
import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any

import pydyf

from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _

# As WeasyPrint drops them: layout, bitmaps and colour tables a PDF viewer never reads.
_DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")
_TEXT = re.compile(rb"/(\S+) [-0-9.]+ Tf\n|\[([^\]]*)\] TJ")
_GLYPHS = re.compile(rb"<([0-9a-fA-F]+)>")
_LIGATURE_FORMS = range(0xFB00, 0xFB07)  # ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ: read back as their letters


def subset_face(original: bytes, glyphs: set[int]) -> bytes:
    """The face cut down to `glyphs`, which keep their ids (HarfBuzz's subsetter)."""
    import uharfbuzz

    request = uharfbuzz.SubsetInput()
    for glyph in sorted(glyphs | {0}):
        request.glyph_set.add(glyph)
    flags = uharfbuzz.SubsetFlags
    request.flags = (
        flags.RETAIN_GIDS
        | flags.DESUBROUTINIZE
        | flags.NO_HINTING
        | flags.NOTDEF_OUTLINE
        | flags.PASSTHROUGH_UNRECOGNIZED
    )
    dropped = request.sets(uharfbuzz.SubsetInputSets.DROP_TABLE_TAG)
    for tag in _DROPPED_TABLES:
        dropped.add(int.from_bytes(tag.encode("ascii"), "big"))
    face = uharfbuzz.subset(uharfbuzz.Face(uharfbuzz.Blob(original)), request)
    if face is None:
        raise RenderError(_("a font face of the dossier could not be subset"))
    return bytes(face.blob.data)


def _text_of(name: str, characters: list[int]) -> str:
    from fontTools import agl

    named = agl.toUnicode(name) if name != ".notdef" else ""
    if characters:
        text = named if len(named) == 1 and ord(named) in characters else chr(characters[0])
    else:
        text = named
    if any(ord(c) in _LIGATURE_FORMS for c in text):  # as WeasyPrint maps them: their letters
        return unicodedata.normalize("NFKC", text)
    return text


@cache
def _glyph_texts(digest: str, face: bytes) -> dict[int, str]:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(face), lazy=True)
    characters: dict[str, list[int]] = {}
    for character, name in sorted((font.getBestCmap() or {}).items()):
        characters.setdefault(name, []).append(character)
    texts = {}
    for glyph, name in enumerate(font.getGlyphOrder()):
        text = _text_of(name, characters.get(name, []))
        if text:
            texts[glyph] = text
    return texts


def glyph_texts(face: bytes) -> dict[int, str]:
    """The text each glyph of the face reads back as (above); kept for the process's next PDF."""
    return _glyph_texts(hashlib.sha256(face).hexdigest(), face)


def to_unicode_lines(mapping: dict[int, bytes]) -> list[bytes]:
    """A ToUnicode CMap (glyph id -> UTF-16BE hex), written as WeasyPrint writes one."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(b"<%04x> <%s>" % (glyph, text) for glyph, text in batch)
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return lines


# -- the finisher: on WeasyPrint's objects (pydyf), before the file is written --------------------


def _item_bytes(item: object) -> bytes:
    if isinstance(item, bytes):
        return item
    if isinstance(item, pydyf.Object):
        return bytes(item.data)
    return str(item).encode()


def _target(pdf: Any, reference: object) -> Any:
    """The object a reference (`b"12 0 R"`) of `pdf` points at."""
    return pdf.objects[int(_item_bytes(reference).split()[0])]


def _drawn_glyphs(pdf: Any) -> dict[bytes, set[int]]:
    """The glyph ids every content stream draws, by the font resource name they are drawn with.

    WeasyPrint writes text as `/<font> <size> Tf` then `[<gggg...>...] TJ` items of a stream, the
    glyph ids in hexadecimal, four digits each."""
    runs: dict[bytes, list[bytes]] = {}
    for stream in pdf.objects:
        if not isinstance(stream, pydyf.Stream):
            continue
        content = b"\n".join(item for item in stream.stream if isinstance(item, bytes))
        if b" TJ" not in content:
            continue
        current: list[bytes] | None = None
        for font, shown in _TEXT.findall(content):
            if font:
                current = runs.setdefault(font, [])
            elif current is not None:
                current.append(shown)
    drawn = {}
    for font, shown in runs.items():
        ids = array.array("H", bytes.fromhex(b"".join(_GLYPHS.findall(b"".join(shown))).decode("ascii")))
        if sys.byteorder == "little":
            ids.byteswap()  # written big-endian
        drawn[font] = set(ids)
    return drawn


def _widths(array: Any) -> Iterator[tuple[int, Any]]:
    """(glyph, width) of a CIDFont's /W array as WeasyPrint writes it: `first [w1 w2 ...]`."""
    for index in range(0, len(array) - 1, 2):
        first, widths = array[index], array[index + 1]
        for offset, width in enumerate(widths):
            yield int(first) + offset, width


def _width_array(widths: dict[int, Any]) -> Any:
    array = pydyf.Array()
    previous = None
    for glyph in sorted(widths):
        if previous is None or glyph != previous + 1:
            run = pydyf.Array()
            array.extend([glyph, run])
        run.append(widths[glyph])
        previous = glyph
    return array


def _finish_font(pdf: Any, font: Any, glyphs: set[int]) -> None:
    """One Type0 font: its face cut down to `glyphs`, its widths and ToUnicode map for them."""
    cid_font = _target(pdf, font["DescendantFonts"][0])
    descriptor = _target(pdf, cid_font["FontDescriptor"])
    key = next((k for k in ("FontFile3", "FontFile2") if k in descriptor), None)
    if key is None:
        return
    file = _target(pdf, descriptor[key])
    face = b"".join(_item_bytes(item) for item in file.stream)
    texts = glyph_texts(face)
    glyphs = glyphs | {0}
    widths = {glyph: width for glyph, width in _widths(cid_font["W"]) if glyph in glyphs}
    cid_font["W"] = _width_array(widths)
    if "FontBBox" in descriptor and widths:  # as WeasyPrint gives it for a subset
        descriptor["FontBBox"][2] = max(widths.values())
    subset = subset_face(face, glyphs)
    file.stream = [subset]
    if "Length1" in file.extra:
        file.extra["Length1"] = len(subset)
    if "ToUnicode" in font:
        mapping = {g: texts[g].encode("utf-16-be").hex().encode() for g in glyphs if g in texts}
        _target(pdf, font["ToUnicode"]).stream = to_unicode_lines(mapping)


def finish_fonts(_document: object, pdf: Any) -> None:
    """WeasyPrint's `finisher` for a PDF written with `full_fonts=True`: each embedded face cut
    down to the glyphs drawn, with their widths and their text (above)."""
    drawn = _drawn_glyphs(pdf)
    for item in pdf.objects:
        if (
            isinstance(item, pydyf.Dictionary)
            and item.get("Type") == "/Font"
            and item.get("Subtype") == "/Type0"
        ):
            name = _item_bytes(item["BaseFont"]).lstrip(b"/").split(b"+", 1)[0]
            _finish_font(pdf, item, drawn.get(name, set()))


__all__ = ["finish_fonts", "glyph_texts", "subset_face", "to_unicode_lines"]
