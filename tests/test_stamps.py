"""Page numbers of a dossier typeset in pieces: drawn from a specimen where the stylesheet allows,
typeset page by page where it does not; in both cases where the one-pass dossier prints them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ptce_mono.commands.build import build_dossier
from ptce_mono.sources.resources import template_folders
from ptce_mono.typeset.engine import render_pdf
from ptce_mono.typeset.pieces.builder import original_font
from ptce_mono.typeset.pieces.margins import stamp_css, stamp_html
from ptce_mono.typeset.pieces.page_numbers import draw_stamps, specimen_names

from monograph_factory import monograph_text, write_project
from pdf_reading import page_texts, page_words

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PROJECT_FILES: dict[str, str | bytes] = {
    "dossier.yaml": "title: Dossier d’essai\nperiod: 2013-2014\npublisher: Comité d’essai\n",
    "monographs/pole-alpha.md": monograph_text("pole-alpha"),
    "monographs/pole-beta.md": monograph_text("pole-beta"),
}


def footers(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """(word, left, bottom) of the words at the foot of each page, in points."""
    return [[(w.text, w.left, w.bottom) for w in words if w.bottom > 780] for words in page_words(pdf)]


def test_the_specimen_covers_every_kind_of_page() -> None:
    for page_names in (["cover", "", "", "draft", ""], ["cover", "", ""], ["", "a", "b", "c"]):
        names = specimen_names(page_names)
        assert names[0] == page_names[0]  # @page :first applies to it as to the dossier's first page
        for name in set(page_names):
            numbers = [index + 1 for index, n in enumerate(names) if n == name]
            assert {n % 2 for n in numbers} == {0, 1}, name  # odd and even pages
            assert {n % 10 for n in numbers} == set(range(10)), name  # every last digit
            assert min(numbers) < 10 <= max(numbers), name  # one and two digits


def _specimen(project: Path, page_names: list[str]) -> tuple[bytes, list[str]]:
    names = specimen_names(page_names)
    pdf, _layout = render_pdf(
        stamp_html(names), template_folders(project), project, 0, extra_css=stamp_css(set(page_names))
    )
    return pdf, names


def test_the_default_page_number_is_drawn_from_the_specimen(tmp_path: Path) -> None:
    page_names = ["cover", *[""] * 120]
    specimen, names = _specimen(tmp_path, page_names)
    stamps = draw_stamps(specimen, names, page_names, original_font)
    assert stamps is not None
    text = page_texts(stamps)
    assert text[0].strip() == ""  # the cover has no number
    assert text[1].strip() == "page 2/121" and text[120].strip() == "page 121/121"


def test_a_page_number_the_specimen_cannot_teach_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    css = (TEMPLATES / "dossier.css").read_text(encoding="utf-8")
    roman = css.replace('content: "page " counter(page) "/" counter(pages);', "content: counter(page, lower-roman);")
    assert roman != css
    write_project(tmp_path, {"templates/dossier.css": roman})
    specimen, names = _specimen(tmp_path, ["cover", *[""] * 30])
    with caplog.at_level(logging.INFO, logger="ptce_mono.typeset.pieces.page_numbers"):
        assert draw_stamps(specimen, names, ["cover", *[""] * 30], original_font) is None
    assert "typeset page by page" in caplog.text


def test_a_specimen_that_cannot_be_read_is_refused_not_fatal() -> None:
    page_names = ["cover", "", ""]
    assert draw_stamps(b"%PDF-1.7 broken", specimen_names(page_names), page_names, original_font) is None


@pytest.mark.parametrize(
    "content",
    [
        None,  # the packaged stylesheet: drawn from the specimen
        '"p. " counter(page, lower-roman)',  # roman numerals: typeset page by page
    ],
)
def test_page_numbers_sit_where_the_one_pass_dossier_prints_them(tmp_path: Path, content: str | None) -> None:
    files = dict(PROJECT_FILES)
    if content is not None:
        css = (TEMPLATES / "dossier.css").read_text(encoding="utf-8")
        files["templates/dossier.css"] = css.replace('"page " counter(page) "/" counter(pages)', content)
    project = write_project(tmp_path, files)
    one_pass = build_dossier(project, project / "one-pass", single_pass=True).pdf
    in_pieces = build_dossier(project, project / "pieces", jobs=2).pdf
    expected, got = footers(one_pass), footers(in_pieces)
    assert len(got) == len(expected) > 10
    numbered = 0
    for number, (want, have) in enumerate(zip(expected, got, strict=True), 1):
        assert [w for w, _, _ in have] == [w for w, _, _ in want], f"page {number}"
        for (_, x, y), (_, x0, y0) in zip(have, want, strict=True):
            assert abs(x - x0) < 0.05 and abs(y - y0) < 0.05, f"page {number}"
        numbered += any(w.endswith(f"/{len(expected)}") or w == "p." for w, _, _ in have)
    assert numbered == len(expected) - 1  # every page but the cover
