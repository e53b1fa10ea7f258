"""The fonts the dossier embeds are cut down by us (font_subsets.py), not by WeasyPrint: the pages
must look and read as WeasyPrint's own subsets make them, on any machine."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2
import pytest
from fontTools.ttLib import TTFont
from PIL import ImageChops

from ptce_mono.typeset.font_subsets import finish_fonts, glyph_texts
from ptce_mono.typeset.fonts import FONT_FACES, FONT_FOLDERS, font_face_css, hermetic_fontconfig

FAMILIES = {"serif": "Source Serif Pro", "sans": "Source Sans Pro"}
# Ligatures (fi, ffi, fl), the apostrophe its face shares with U+02BC, no-break spaces, figures,
# French accents and hyphenation, in every face of both families. WeasyPrint maps a glyph drawn
# for several characters to the first one it drew it for; ours, to the one the face names it
# after (test_a_glyph_reads_as...): the text starts with those, so that both read the same.
TEXT = (
    "Porte-parole de l’efficacité financière du pôle « Initiatives » : 6\u202f500\u00a0m², 2013–2014 ; "
    "affluence, flux, officielle, réflexion. Œuvre, cœur, à côté, déjà — Ça va ? "
    "Anticonstitutionnellement, les coopérations intercommunales s’entrecroisent. "
)


def _document() -> Any:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    paragraphs = "".join(
        f'<p style="font-family: \'{family}\'; font-weight: {weight}; font-style: {style}">{TEXT}</p>'
        for family, weight, style, _package, _file in FONT_FACES
    )
    html = (
        '<html lang="fr"><head><title>Essai</title></head><body style="hyphens: auto; width: 9cm">'
        f"<h1>Faces</h1>{paragraphs}</body></html>"
    )
    with hermetic_fontconfig(Path.cwd()):
        fonts = FontConfiguration()
    faces = CSS(string=font_face_css(lambda pkg, name: (FONT_FOLDERS[pkg] / name).as_uri()), font_config=fonts)
    return HTML(string=html).render(font_config=fonts, stylesheets=[faces])


@pytest.fixture(scope="module")
def both() -> tuple[bytes, bytes]:
    """The same laid-out document written by WeasyPrint with its own subsets, and ours."""
    document = _document()
    theirs = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    ours = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, full_fonts=True, finisher=finish_fonts)
    return theirs, ours


def _pages(pdf: bytes) -> list[tuple[str, Any]]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            (page.get_textpage().get_text_range(), page.render(scale=100 / 72).to_pil().convert("L"))
            for page in document
        ]
    finally:
        document.close()


def test_our_subsets_look_and_read_as_weasyprints_own(both: tuple[bytes, bytes]) -> None:
    theirs, ours = _pages(both[0]), _pages(both[1])
    assert len(ours) == len(theirs) >= 2
    for number, (their, our) in enumerate(zip(theirs, ours, strict=True), 1):
        (their_text, their_image), (our_text, our_image) = their, our
        assert our_text == their_text, f"page {number} reads differently"
        assert ImageChops.difference(their_image, our_image).getbbox() is None, f"page {number} differs"
    text = "".join(text for text, _image in ours)
    assert "efficacité financière" in text and "affluence" in text  # ligatures read as letters
    assert "l’efficacité" in text and "\u02bc" not in text  # the apostrophe is U+2019


def _postscript_name(face: bytes) -> str:
    return str(TTFont(io.BytesIO(face), lazy=True)["name"].getDebugName(6))


def test_every_face_is_cut_down_to_the_glyphs_drawn(both: tuple[bytes, bytes]) -> None:
    originals = {
        _postscript_name((FONT_FOLDERS[package] / file).read_bytes()): FONT_FOLDERS[package] / file
        for _family, _weight, _style, package, file in FONT_FACES
    }
    with pikepdf.open(io.BytesIO(both[1])) as pdf:
        fonts = {font.objgen: font for page in pdf.pages for _name, font in page.Resources.Font.items()}
        assert len(fonts) == len(FONT_FACES)
        for font in fonts.values():
            cid_font = font.DescendantFonts[0]
            embedded = cid_font.FontDescriptor.FontFile3.read_bytes()
            name = _postscript_name(embedded)
            assert len(embedded) < originals[name].stat().st_size / 4, name
            widths = list(cid_font.W)
            assert len(widths) >= 2 and all(isinstance(run, pikepdf.Array) for run in widths[1::2])


def test_a_glyph_reads_as_the_text_its_face_gives_it() -> None:
    face = (FONT_FOLDERS["serif"] / "SourceSerifPro-Regular.otf").read_bytes()
    font = TTFont(io.BytesIO(face), lazy=True)
    texts = glyph_texts(face)
    glyph = font.getGlyphID
    assert texts[glyph("space")] == " "  # not U+00A0, which shares it
    assert texts[glyph("quoteright")] == "\u2019"  # not U+02BC
    assert texts[glyph("hyphen")] == "-"
    assert texts[glyph("f_i")] == "fi"  # a ligature: its letters
    assert texts[glyph("one.osf")] == "1"
    assert 0 not in texts  # .notdef reads as nothing


def test_weasyprints_advice_to_install_harfbuzz_subset_is_said_once_in_french(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    from ptce_mono.core.i18n import set_language
    from ptce_mono.typeset import engine

    set_language("fr")
    advice = 'Using fontTools instead of HarfBuzz-Subset for font "%s". Please install HarfBuzz-Subset.'
    engine.ADVICE.said = False
    with caplog.at_level(logging.WARNING):
        for family in ("Source Serif Pro", "Source Sans Pro", "Source Serif Pro"):
            logging.getLogger("weasyprint").warning(advice, family)
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 1 and "libharfbuzz-subset0" in said[0] and "fontTools" in said[0]
    assert "installez" in said[0]
