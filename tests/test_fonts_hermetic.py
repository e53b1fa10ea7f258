"""Typesetting sees only the packaged fonts and the project's fonts/ folder: a character they
lack is a warning with its file and line, never a font of the machine."""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from ptce_mono.commands.build import build_dossier

from monograph_factory import WORDS, monograph_text, write_project

YAML = "title: Dossier d’essai\nperiod: 2013-2014\npublisher: Comité d’essai\n"


def embedded_fonts(pdf_path: Path) -> set[str]:
    names = set()
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for _key, font in page.obj.get("/Resources", {}).get("/Font", {}).items():
                names.add(re.sub(r"^/?[A-Z]{6}\+", "", str(font.BaseFont)))
    return names


def test_a_character_no_font_has_is_a_warning_with_its_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    body = {"Genèse": WORDS + " Le pôle s’appelle aussi سلام en arabe 🙂."}
    project = write_project(
        tmp_path,
        {"dossier.yaml": YAML, "monographs/pole-alpha.md": monograph_text("pole-alpha", body=body)},
    )
    lines = (project / "monographs" / "pole-alpha.md").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "سلام" in text)
    with caplog.at_level(logging.WARNING):
        report = build_dossier(project, project / "build", single_pass=True)
    warnings = [p for p in report.problems if p.code == "char-without-font"]
    assert {p.message.split("“")[1][0] for p in warnings} == {"س", "ل", "ا", "م", "🙂"}
    assert all(p.path.endswith("pole-alpha.md") and p.line == line for p in warnings)
    assert f"pole-alpha.md:{line}: no font of the dossier has “س” (U+0633)" in caplog.text
    fonts = embedded_fonts(report.pdf)
    assert fonts and all(name.startswith(("Source-Serif-Pro", "Source-Sans-Pro")) for name in fonts), fonts


def test_the_pdf_does_not_depend_on_the_machines_fonts(tmp_path: Path) -> None:
    """With a font of the machine that has the Arabic letters, the PDF is still set in the
    packaged fonts only."""
    listed = subprocess.run(["fc-list", ":lang=ar", "file"], capture_output=True, text=True, check=False)
    if not listed.stdout.strip():
        pytest.skip("no font with Arabic letters on this machine to be tempted by")
    body = {"Genèse": WORDS + " سلام"}
    project = write_project(
        tmp_path,
        {"dossier.yaml": YAML, "monographs/pole-alpha.md": monograph_text("pole-alpha", body=body)},
    )
    report = build_dossier(project, project / "build", single_pass=True)
    assert all(name.startswith(("Source-Serif-Pro", "Source-Sans-Pro")) for name in embedded_fonts(report.pdf))


def _every_font_read(text: str, project: Path) -> list[tuple[int, int, str]]:
    """The simple path: every face's characters, then every character of the text."""
    from fontTools.ttLib import TTFont

    from ptce_mono.typeset.fonts import font_folders

    covered: set[int] = set()
    for folder in font_folders(project):
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in (".otf", ".ttf", ".woff", ".woff2"):
                with TTFont(path, lazy=True) as font:
                    covered.update(font.getBestCmap() or {})
    found, seen = [], set()
    for number, line in enumerate(text.splitlines(), 1):
        for column, character in enumerate(line, 1):
            if character in seen or ord(character) < 32 or ord(character) in covered:
                continue
            if character in "\u200b\u200c\u200d\ufeff\u00ad":
                continue
            seen.add(character)
            found.append((number, column, character))
    return found


@pytest.mark.parametrize(
    "text",
    [
        "Le pôle « Initiatives et Cité » : 6\u202f500\u00a0m², 2013–2014.\n",
        "Ελληνικά et русский\u2028puis سلام 🙂\n\net encore س\n",
        "trait\u2011insécable, tiret\u00ad conditionnel, espace\u200bnulle\x85fin\n",
        "",
    ],
)
def test_reading_fonts_until_the_text_is_covered_finds_what_reading_them_all_finds(
    tmp_path: Path, text: str
) -> None:
    from ptce_mono.typeset.fonts import characters_without_font

    project = write_project(tmp_path, {"dossier.yaml": YAML})
    assert characters_without_font(text, project) == _every_font_read(text, project)
