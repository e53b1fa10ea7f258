"""Text drawn into a typeset PDF after WeasyPrint, glyph for glyph as WeasyPrint draws it.

Used where numbers are known only once every piece is typeset: the "page X/Y" stamps
(stamps.py) and the Sommaire's page numbers (page_refs.py). HarfBuzz (uharfbuzz) shapes the text
with the original face of the font WeasyPrint embedded; before anything is drawn, the callers
check that HarfBuzz gives back the glyphs and advances WeasyPrint drew for a sample of the same
text, so that nothing is ever drawn differently from what WeasyPrint would have drawn.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from decimal import Decimal

import pikepdf
from pikepdf import Name, Pdf

from ptce_mono.typeset.pieces.merge import cid_widths, postscript_name

_ADVANCE_TOLERANCE = 1.01  # thousandths of an em: WeasyPrint rounds advances to integers


class Unsupported(Exception):
    """The PDF shows something this project does not reproduce: the caller falls back to
    having WeasyPrint typeset it."""


_DECLINED = (Unsupported, KeyError, IndexError, ValueError, TypeError, AttributeError, pikepdf.PdfError)


def edited_pdf(
    source: bytes, edit: Callable[[Pdf], None], logger: logging.Logger, fallback: str
) -> bytes | None:
    """`source` as `edit` leaves it; None when anything in it is not as expected (logged with
    what the caller does instead, `fallback`): WeasyPrint then typesets it, nothing is guessed."""
    try:
        with Pdf.open(io.BytesIO(source)) as pdf:
            edit(pdf)
            output = io.BytesIO()
            pdf.save(output, deterministic_id=True)
            return output.getvalue()
    except _DECLINED as reason:
        logger.info("%s: %s", fallback, reason)
        return None


def pdf_number(value: float) -> Decimal:
    return Decimal(f"{value:.4f}")


def flatten_text(array: pikepdf.Object) -> list[tuple[int, float]]:
    """A TJ operand as (glyph id, adjustment after it in thousandths of an em)."""
    glyphs: list[tuple[int, float]] = []
    for item in array:
        if isinstance(item, pikepdf.String):
            raw = bytes(item)
            if len(raw) % 2:
                raise Unsupported("a text string that is not two bytes per glyph")
            glyphs.extend((int.from_bytes(raw[i : i + 2], "big"), 0.0) for i in range(0, len(raw), 2))
        elif glyphs:
            gid, adjustment = glyphs[-1]
            glyphs[-1] = (gid, adjustment + float(item))
        else:
            raise Unsupported("a text array that starts with a shift")
    return glyphs


class Shaper:
    """HarfBuzz on the face WeasyPrint used: glyphs and advances of a text."""

    def __init__(self, face: bytes, widths: dict[int, float]) -> None:
        import uharfbuzz
        from fontTools.ttLib import TTFont

        self._hb = uharfbuzz
        hb_face = uharfbuzz.Face(uharfbuzz.Blob(face))
        self.font = uharfbuzz.Font(hb_face)
        self.units = float(hb_face.upem)
        self.widths = widths  # of the embedded font, which the PDF viewer advances by
        font = TTFont(io.BytesIO(face), lazy=True)
        ids = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
        # Lowest code point last, so that it wins: "1" rather than a rarer character.
        self.characters = {
            ids[name]: chr(code) for code, name in sorted(font.getBestCmap().items(), reverse=True)
        }
        font.close()

    def text(self, glyphs: list[tuple[int, float]]) -> str:
        try:
            return "".join(self.characters[gid] for gid, _ in glyphs)
        except KeyError:
            raise Unsupported("a glyph that maps to no character") from None

    def shape(self, text: str) -> list[tuple[int, float]]:
        """(glyph id, advance in thousandths of an em) of `text`."""
        buffer = self._hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        self._hb.shape(self.font, buffer, {})
        shaped = []
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
            if position.x_offset or position.y_offset:
                raise Unsupported("glyphs placed off their baseline")
            if info.codepoint not in self.widths:
                raise Unsupported(f"a glyph of {text!r} is not in the embedded font")
            shaped.append((info.codepoint, position.x_advance * 1000 / self.units))
        return shaped

    def check_drawn(self, text: str, drawn: list[tuple[int, float]]) -> None:
        """Raise Unsupported unless HarfBuzz shapes `text` as WeasyPrint drew it (`drawn`, from
        flatten_text)."""
        shaped = self.shape(text)
        if [g for g, _ in shaped] != [g for g, _ in drawn]:
            raise Unsupported("HarfBuzz and WeasyPrint chose different glyphs")
        for (gid, advance), (_, adjustment) in zip(shaped, drawn, strict=True):
            if abs(self.widths[gid] - advance - adjustment) > _ADVANCE_TOLERANCE:
                raise Unsupported("HarfBuzz and WeasyPrint placed the glyphs differently")

    def drawn_width(self, drawn: list[tuple[int, float]]) -> float:
        """The advance of glyphs as drawn, in thousandths of an em."""
        return sum(self.widths[gid] - adjustment for gid, adjustment in drawn)

    def text_array(self, text: str) -> tuple[pikepdf.Array, float]:
        """The TJ operand drawing `text`, as WeasyPrint writes it (each glyph, then the difference
        between the width the viewer advances by and HarfBuzz's advance), and its advance in
        thousandths of an em."""
        array = pikepdf.Array()
        width = 0.0
        for gid, advance in self.shape(text):
            array.append(pikepdf.String(gid.to_bytes(2, "big")))
            array.append(pdf_number(self.widths[gid] - advance))
            width += advance
        return array, width


def shaper_of(font: pikepdf.Object, originals: Callable[[str], bytes | None]) -> Shaper:
    """The Shaper of an embedded Type0 font, on its original face (`originals(postscript_name)`)."""
    if font.get("/Subtype") != Name.Type0 or font.get("/Encoding") != Name("/Identity-H"):
        raise Unsupported("a font that is not a CID font in Identity-H")
    descriptor = font.DescendantFonts[0].FontDescriptor
    file = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
    face_name = postscript_name(file.read_bytes()) if file is not None else None
    face = originals(face_name) if face_name else None
    if face is None:
        raise Unsupported("a font file that is not one of the dossier's")
    return Shaper(face, cid_widths(font))


__all__ = ["Shaper", "Unsupported", "edited_pdf", "flatten_text", "pdf_number", "shaper_of"]
