"""Any locale, any bytes: output is written whatever the terminal's encoding, control characters are
shown escaped on the terminal and kept out of the machine reports, and refused in front matter,
where nothing could print them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from monograph_factory import WORDS, monograph_text, write_project

DOSSIER = "title: Dossier d’essai\npublisher: Comité d’essai\nperiod: 2013-2014\n"
PTCE = str(Path(sys.executable).parent / "ptce-mono")
ESC = "\x1b"


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG"))}
    return subprocess.run([PTCE, *args], cwd=cwd, capture_output=True, env={**environment, **env}, timeout=600,
                          check=False)


LOCALES = {
    # Where the locale is not installed, Python falls back to UTF-8: the encoding is then asked
    # for explicitly, as a Latin-1 terminal would have it.
    "latin-1": {"LANG": "fr_FR.ISO-8859-1", "PYTHONIOENCODING": "iso8859-1"},
    # Under the C locale Python writes UTF-8 (PEP 540): nothing may fail on the way either.
    "C": {"LANG": "C", "LC_ALL": "C"},
}


@pytest.mark.parametrize("locale", list(LOCALES))
def test_check_and_build_print_under_any_locale(tmp_path, locale):
    """Class 8: French messages (’, narrow no-break spaces, « ») and a folder named `l’édition`
    on a Latin-1 terminal, or under the C locale: no traceback, output in the terminal's encoding."""
    gap = "::: lacune\nLes sources consultées ne disent rien de la gouvernance.\n:::"
    text = monograph_text("pole-test", status="draft", body={"Genèse": WORDS + " ☃ ", "Gouvernance": gap})
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER, "monographs/pole-test.md": text})
    encoding = LOCALES[locale].get("PYTHONIOENCODING", "utf-8")
    checked = run(["check"], project, **LOCALES[locale])
    assert checked.returncode == 0, checked.stderr.decode(encoding, "replace")[-2000:]
    assert b"Traceback" not in checked.stderr
    said = checked.stdout.decode(encoding) + checked.stderr.decode(encoding)
    assert "Gouvernance" in said and "les sources n" in said  # the French note on the gap
    built = run(["build", "--drafts", "--jobs", "1", "--out", "l’édition"], project, **LOCALES[locale])
    assert built.returncode == 0, built.stderr.decode(encoding, "replace")[-2000:]
    assert b"Traceback" not in built.stderr
    assert "dition/dossier-brouillon.pdf" in built.stdout.decode(encoding)
    assert "U+2603" in built.stderr.decode(encoding)  # the warning about ☃, printed as it can be
    assert (project / "l’édition" / "dossier-brouillon.pdf").is_file()


def hostile_heading_project(root: Path) -> Path:
    text = monograph_text("pole-test") + f"## Annexe {ESC}[2J{ESC}]0;pwned\x07 \u202eexe.md\n\nTexte.\n"
    return write_project(root, {"dossier.yaml": DOSSIER, "monographs/pole-test.md": text})


def test_control_characters_in_a_heading_are_shown_escaped_on_the_terminal(tmp_path):
    """Class 8: an escape sequence in a heading is not replayed on the terminal."""
    project = hostile_heading_project(tmp_path / "project")
    done = run(["check", "--level", "info"], project, LANG="en_US.UTF-8")
    output = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    assert "Annexe" in output, output[-2000:]
    assert ESC not in output and "\x07" not in output and "\u202e" not in output
    assert "\\x1b[2J" in output


@pytest.mark.parametrize("fmt", ["junit", "sarif", "json", "github"])
def test_control_characters_never_reach_the_machine_reports(tmp_path, fmt):
    """Class 8: the JUnit report stays valid XML; SARIF and JSON hold no raw control character."""
    project = hostile_heading_project(tmp_path / "project")
    done = run(["check", "--format", fmt], project, LANG="en_US.UTF-8")
    report = done.stdout.decode("utf-8")
    assert "Annexe" in report, report[-2000:]
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in report)
    if fmt == "junit":
        ElementTree.fromstring(report.encode("utf-8"))
    elif fmt in ("sarif", "json"):
        json.loads(report)


def test_a_control_character_in_front_matter_is_refused_at_its_line(tmp_path):
    """Class 8: written as a YAML escape, it passed `check` and crashed `matrix`; now an error."""
    text = monograph_text("pole-test").replace("name: Pôle pole-test", 'name: "Pôle \\e[31mrouge"')
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER, "monographs/pole-test.md": text})
    line = text.split("\n").index('name: "Pôle \\e[31mrouge"') + 1
    done = run(["check", "--format", "json"], project, LANG="en_US.UTF-8")
    assert done.returncode == 1
    problems = json.loads(done.stdout)
    found = [p for p in problems if p["code"] == "control-character"]
    assert found and found[0]["line"] == line and found[0]["path"] == "monographs/pole-test.md"
    matrix = run(["matrix"], project, LANG="en_US.UTF-8")
    assert matrix.returncode == 1 and b"Traceback" not in matrix.stderr
    assert b"[control-character]" in matrix.stderr


def test_a_control_character_in_the_text_is_kept_escaped_in_the_tables(tmp_path):
    """Class 8: in a section's text (no YAML), `matrix` writes it escaped, never crashes."""
    from openpyxl import load_workbook

    text = monograph_text("pole-test", body={"Résumé": WORDS.replace("Le pôle", f"Le {ESC}[1mpôle", 1)})
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER, "monographs/pole-test.md": text})
    done = run(["matrix"], project, LANG="en_US.UTF-8")
    assert done.returncode == 0, done.stderr.decode("utf-8")[-2000:]
    workbook = load_workbook(project / "build" / "tables" / "analyse-transversale.xlsx")
    values = [str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert any("\\x1b[1mpôle" in value for value in values)
    assert ESC not in (project / "build" / "tables" / "matrice.csv").read_text(encoding="utf-8-sig")
