"""Exports for word processors: the files pandoc writes are read back with pandoc."""

from __future__ import annotations

import re

import pypandoc
import pytest

from ptce_mono.commands.export import export_dossier

from monograph_factory import invoke, monograph_text, write_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    return write_project(root, {
        "dossier.yaml": "title: Dossier d'essai\nsubtitle: Coopérer sur un territoire\npublisher: Comité d'essai\n"
                        "editors: [Jeanne Exemple]\nperiod: 2013-2014\nedition: 2014-03\n",
        "monographs/pole-test.md": monograph_text("pole-test"),
    })


@pytest.mark.parametrize("fmt", ["docx", "odt", "epub"])
def test_export_holds_the_dossier_structure(project, fmt):
    target = export_dossier(project, fmt, project / "build" / f"dossier.{fmt}")
    text = pypandoc.convert_file(str(target), "plain", format="epub" if fmt == "epub" else fmt,
                                 extra_args=["--wrap=none"])
    for heading in ["1.1. Les PTCE étudiés", "2.1. Pôle pole-test (Aquitaine)", "Genèse", "Gouvernance",
                    "3.1. Atouts, faiblesses", "Document de référence"]:
        assert heading in text, (fmt, heading)
    assert "Une coopération ancienne" in text  # the SWOT statement of part 3
    assert "\u00a0:" in text  # French spacing survives the conversion


def test_export_command(project):
    result = invoke(["export", "--to", "odt"], project)
    assert result.exit_code == 0, result.output
    assert (project / "build" / "dossier.odt").stat().st_size > 5000


def test_docx_takes_the_styles_of_the_reference_document(project):
    import zipfile

    target = export_dossier(project, "docx", project / "build" / "styled.docx")
    with zipfile.ZipFile(target) as docx:
        theme = docx.read("word/theme/theme1.xml").decode("utf-8")
        styles = docx.read("word/styles.xml").decode("utf-8")
    assert 'typeface="Source Serif Pro"' in theme and 'typeface="Source Sans Pro"' in theme
    assert 'w:val="fr-FR"' in styles


def _docx_rows(path):
    import xml.etree.ElementTree as ET
    import zipfile

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as docx:
        root = ET.fromstring(docx.read("word/document.xml"))
        media = [name for name in docx.namelist() if name.startswith("word/media/")]
    rows = [
        ["".join(t.text or "" for t in cell.iter(f"{w}t")) for cell in row.iter(f"{w}tc")]
        for row in root.iter(f"{w}tr")
    ]
    return rows, media


def test_docx_key_facts_are_a_two_column_table(project):
    rows, _media = _docx_rows(export_dossier(project, "docx", project / "build" / "facts.docx"))
    assert ["Emplois", "non documenté"] in rows
    assert ["Implantation", "Tarnos, Landes (40)"] in rows
    assert ["Forme juridique", "association"] in rows


def test_docx_map_is_a_png_painted_in_process(project, monkeypatch):
    # No program is needed: not even on PATH, where pandoc would look for rsvg-convert.
    monkeypatch.setenv("PATH", "/nonexistent")
    _rows, media = _docx_rows(export_dossier(project, "docx", project / "build" / "map.docx"))
    assert media and all(name.endswith(".png") for name in media), media


# -- the front: title page, Sommaire, dates ----------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
XLINK = "{http://www.w3.org/1999/xlink}"
SOMMAIRE = [
    "1. Fiche d’introduction", "1.1. Les PTCE étudiés et les personnes interviewées", "1.2. Méthodologie",
    "1.3. Typologie des PTCE", "2. Études de cas", "2.1. Pôle pole-test (Aquitaine)",
    "3. Analyse globale des études de cas", "3.1. Atouts, faiblesses, opportunités et menaces",
]


def _xml(path, name):
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return ET.fromstring(archive.read(name))


def _text(element, tag):
    return "".join(t.text or "" for t in element.iter(tag))


def test_docx_opens_on_a_title_page_then_a_sommaire_with_its_entries(project):
    document = _xml(export_dossier(project, "docx", project / "build" / "front.docx"), "word/document.xml")
    body = list(document.find(f"{W}body"))
    styled = {}
    for paragraph in body[:6]:
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is not None:
            styled[style.get(f"{W}val")] = _text(paragraph, f"{W}t")
    assert styled["Title"] == "Dossier d’essai"
    assert styled["Subtitle"] == "Coopérer sur un territoire"
    assert styled["Author"] == "Comité d’essai"
    assert styled["Date"] == "Sous la direction de Jeanne ExempleDossier d’études de cas · 2013–2014Édition\u00a0: mars 2014"
    breaks = [i for i, block in enumerate(body) if block.find(f".//{W}br[@{W}type='page']") is not None]
    contents = next(i for i, block in enumerate(body) if block.tag == f"{W}sdt")
    assert breaks[:2] == [contents - 1, contents + 1]  # the Sommaire on a page of its own
    sdt = body[contents]
    assert "TOC" in _text(sdt, f"{W}instrText")  # a field Word can update, with its page numbers
    entries = [(link.get(f"{W}anchor"), _text(link, f"{W}t")) for link in sdt.iter(f"{W}hyperlink")]
    assert [text for _anchor, text in entries][: len(SOMMAIRE)] == SOMMAIRE
    assert any("Annexe" in text for _anchor, text in entries)
    bookmarks = {mark.get(f"{W}name") for mark in document.iter(f"{W}bookmarkStart")}
    assert {anchor for anchor, _text_ in entries} <= bookmarks  # each entry leads to its heading


def test_odt_opens_on_a_title_page_then_a_sommaire_with_its_entries(project):
    import zipfile

    target = export_dossier(project, "odt", project / "build" / "front.odt")
    with zipfile.ZipFile(target) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    content = _xml(target, "content.xml")
    text = content.find(".//{urn:oasis:names:tc:opendocument:xmlns:office:1.0}text")
    blocks = list(text)
    styles = [(block.get(f"{TEXT}style-name"), "".join(block.itertext())) for block in blocks[:4]]
    assert styles == [("Title", "Dossier d’essai"), ("Subtitle", "Coopérer sur un territoire"),
                      ("Author", "Comité d’essai"),
                      ("Date", "Sous la direction de Jeanne ExempleDossier d’études de cas · 2013–2014Édition\u00a0: mars 2014")]
    contents = next(i for i, block in enumerate(blocks) if block.tag == f"{TEXT}table-of-content")
    breaking = {s.get("{urn:oasis:names:tc:opendocument:xmlns:style:1.0}name") for s in content.iter(
        "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}style") if any(
        p.get("{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}break-before") == "page"
        for p in s)}
    assert blocks[contents - 1].get(f"{TEXT}style-name") in breaking
    assert blocks[contents + 1].get(f"{TEXT}style-name") in breaking
    links = [(a.get(f"{XLINK}href"), "".join(a.itertext())) for a in blocks[contents].iter(f"{TEXT}a")]
    assert [label for _href, label in links][: len(SOMMAIRE)] == SOMMAIRE
    bookmarks = {mark.get(f"{TEXT}name") for mark in content.iter(f"{TEXT}bookmark-start")}
    bookmarks |= {mark.get(f"{TEXT}name") for mark in content.iter(f"{TEXT}bookmark")}
    assert {href.removeprefix("#") for href, _label in links} <= bookmarks


@pytest.mark.parametrize(("fmt", "name", "tags"), [
    ("docx", "docProps/core.xml", ["{http://purl.org/dc/terms/}created", "{http://purl.org/dc/terms/}modified"]),
    ("odt", "meta.xml", ["{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}creation-date",
                         "{http://purl.org/dc/elements/1.1/}date"]),
    ("epub", "EPUB/content.opf", ["{http://purl.org/dc/elements/1.1/}date"]),
])
def test_exports_carry_the_edition_date(project, fmt, name, tags):
    """`edition: 2014-03` of dossier.yaml, as the PDF carries it: not pandoc's 1970-01-01."""
    metadata = _xml(export_dossier(project, fmt, project / "build" / f"dated.{fmt}"), name)
    for tag in tags:
        assert [element.text for element in metadata.iter(tag)] == ["2014-03-01T00:00:00Z"], tag
    if fmt == "epub":
        modified = [m.text for m in metadata.iter("{http://www.idpf.org/2007/opf}meta")
                    if m.get("property") == "dcterms:modified"]
        assert modified == ["2014-03-01T00:00:00Z"]


def test_epub_has_a_title_page_and_its_navigation(project):
    import zipfile

    with zipfile.ZipFile(export_dossier(project, "epub", project / "build" / "front.epub")) as archive:
        title = archive.read("EPUB/text/title_page.xhtml").decode("utf-8")
        navigation = archive.read("EPUB/nav.xhtml").decode("utf-8")
    for said in ("Dossier d’essai", "Coopérer sur un territoire", "Comité d’essai", "2013–2014", "mars 2014"):
        assert said in title
    assert "Sous la direction de Jeanne Exemple" in title
    # proper names keep their own spans (never hyphenated), the entry reads whole
    assert "2.1. Pôle pole-test (Aquitaine)" in re.sub(r"<[^>]+>", "", navigation)
