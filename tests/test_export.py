"""Exports for word processors: the files pandoc writes are read back with pandoc."""

from __future__ import annotations

import pypandoc
import pytest

from ptce_mono.commands.export import export_dossier

from monograph_factory import invoke, monograph_text, write_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    return write_project(root, {
        "dossier.yaml": "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n",
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
