"""The dossier is a tagged, accessible PDF (PDF/UA-1) by default, read back with pikepdf; its
running heads name the section in force at the top of each page, read with pypdfium2."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from pypdf import PdfReader

from ptce_mono.commands.build import build_dossier
from ptce_mono.core.errors import ConfigError

from monograph_factory import monograph_text, write_project

YAML = (
    "title: Dossier d’essai\nperiod: 2013-2014\npublisher: Comité d’essai\n"
    "footer: Comité d’essai | Dossier\ndrafts: include\n"
)
FILES: dict[str, str | bytes] = {
    "dossier.yaml": YAML,
    "monographs/pole-alpha.md": monograph_text("pole-alpha"),
    "monographs/pole-beta.md": monograph_text("pole-beta"),
    "monographs/pole-gamma.md": monograph_text("pole-gamma", status="draft"),
}
PDFUA = "{http://www.aiim.org/pdfua/ns/id/}part"


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write_project(tmp_path_factory.mktemp("tagged"), FILES)
    return build_dossier(project, project / "build", single_pass=True).pdf


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []

    def walk(element: pikepdf.Dictionary) -> None:
        found.append(element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    walk(pdf.Root.StructTreeRoot.K[0])
    return found


def test_the_dossier_is_tagged_pdf_ua(dossier: Path) -> None:
    with pikepdf.open(dossier) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "fr"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        metadata = pdf.open_metadata()
        assert metadata.get(PDFUA) == "1"
        assert metadata.get("dc:title") == "Dossier d’essai — édition de travail, avec brouillons"
        assert len(pdf.open_outline().root) >= 4  # bookmarks
        assert all(page.obj.Tabs == "/S" for page in pdf.pages)  # tab order: the structure's


def test_headings_tables_lists_and_the_map_are_tagged(dossier: Path) -> None:
    with pikepdf.open(dossier) as pdf:
        tree = elements(pdf)
        kinds = [str(e.S) for e in tree]
        levels = [int(kind[2]) for kind in kinds if re.fullmatch(r"/H[1-6]", kind)]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))
        assert "/L" in kinds and "/LI" in kinds
        tables = [e for e in tree if e.S == "/Table"]
        assert tables
        headers = [e for e in tree if e.S == "/TH"]
        assert headers and {"/TR", "/TD"} <= set(kinds)
        figures = [e for e in tree if e.S == "/Figure"]
        assert figures and all("/Alt" in figure for figure in figures)
        alt = str(figures[0].Alt)
        # Says which poles are where, from the data, in French.
        for pole in ("2.1 Pôle pole-alpha (Landes)", "2.2 Pôle pole-beta", "2.3 Pôle pole-gamma"):
            assert pole in alt
        assert alt.startswith("Carte de la France métropolitaine")


# WeasyPrint 70 leaves its sRGB profile's file open when it writes PDF/A (a ResourceWarning).
@pytest.mark.filterwarnings("ignore:Exception ignored in.*sRGB2014:pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(("setting", "marked"), [("pdf/a-3u", "3"), ("none", None)])
def test_dossier_yaml_chooses_the_variant(setting: str, marked: str | None, tmp_path: Path) -> None:
    project = write_project(tmp_path, {**FILES, "dossier.yaml": YAML + f"pdf: {{variant: {setting}}}\n"})
    pdf_path = build_dossier(project, project / "build", single_pass=True).pdf
    with pikepdf.open(pdf_path) as pdf:
        metadata = pdf.open_metadata()
        assert metadata.get("{http://www.aiim.org/pdfa/ns/id/}part") == marked
        assert ("/StructTreeRoot" in pdf.Root) is (marked is not None)


def test_an_unknown_variant_is_an_error_with_its_line(tmp_path: Path) -> None:
    project = write_project(tmp_path, {**FILES, "dossier.yaml": YAML + "pdf: {variant: pdf/x}\n"})
    with pytest.raises(ConfigError) as raised:
        build_dossier(project, project / "build", single_pass=True)
    assert "pdf/x" in str(raised.value) and "dossier.yaml:6" in str(raised.value)


# -- running heads ---------------------------------------------------------------------------------

MARGIN_TOP = 24 * 72 / 25.4  # dossier.css: the page's top margin, in points


def headings(pdf: Path) -> list[tuple[int, int, str, float]]:
    """(page index, level, title, top in PDF points) of every bookmark, in order."""
    reader = PdfReader(pdf)
    found = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append(
                    (reader.get_destination_page_number(item), level, str(item.title), float(item.top))
                )

    walk(reader.outline, 1)
    return found


CASE_STUDY = re.compile(r"^2\.\d+\. ")


def expected_heads(pdf: Path, document: pypdfium2.PdfDocument) -> dict[int, tuple[str, str] | None]:
    """(part, chapter) in force at the top of each page after the Sommaire: a heading opens the
    page when nothing of the page's body stands above it. A page opened by a part's title or a
    case study's (`None`) carries no running head: its title is on it."""
    expected: dict[int, tuple[str, str] | None] = {}
    part = chapter = ""
    marks = headings(pdf)
    first = marks[0][0]
    for index in range(first, len(document)):
        page = document[index]
        width, height = page.get_size()
        text = page.get_textpage()
        opening = False
        for page_index, level, title, top in marks:
            if page_index != index:
                continue
            above = text.get_text_bounded(0, top + 2, width, height - MARGIN_TOP)
            if re.sub(r"\s+", " ", above).strip():
                break
            opening = opening or level == 1 or bool(CASE_STUDY.match(title))
            part, chapter = (title, "") if level == 1 else (part, title if level == 2 else chapter)
        expected[index] = None if opening else (part, chapter)
        for page_index, level, title, _top in marks:
            if page_index == index:
                part, chapter = (title, "") if level == 1 else (part, title if level == 2 else chapter)
    return expected


def _words(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").replace("\ufffe", "-").split())


def assert_running_heads(dossier: Path) -> None:
    """Every page's running heads name the part and the section in force at its top, on one
    line; a case study is named by its number and short name; an opening page has none."""
    document = pypdfium2.PdfDocument(dossier)
    try:
        expected = expected_heads(dossier, document)
        assert len(expected) >= 10
        assert any(heads is None for heads in expected.values())
        for index, heads in expected.items():
            page = document[index]
            width, height = page.get_size()
            text = page.get_textpage()
            head = _words(text.get_text_bounded(0, height - MARGIN_TOP, width, height).replace("Brouillon · ", ""))
            if heads is None:
                assert head == "", f"page {index + 1}: {head}"
                continue
            part, chapter = heads
            if CASE_STUDY.match(chapter):
                assert head.upper().startswith(_words(f"{part} {chapter.split()[0]}").upper()), f"page {index + 1}"
            else:
                assert head.upper() == _words(f"{part} {chapter}").upper(), f"page {index + 1}"
    finally:
        document.close()


def test_running_heads_name_the_section_in_force_at_the_top_of_the_page(dossier: Path) -> None:
    assert_running_heads(dossier)
