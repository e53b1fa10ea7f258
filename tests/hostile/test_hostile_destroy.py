"""Outputs never destroy: `export --out` replaces neither a source of the project nor a file it did
not write (unless `--force`), and the temporary files swept are the tool's own only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from monograph_factory import monograph_text, write_project

DOSSIER = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n"
PTCE = str(Path(sys.executable).parent / "ptce-mono")
DEAD = 999_999_999  # no process has this id


def project_at(root: Path) -> Path:
    return write_project(root, {"dossier.yaml": DOSSIER, "monographs/pole-test.md": monograph_text("pole-test"),
                                "references.bib": "@book{a,\n  title = {Un livre},\n}\n"})


def export(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PTCE, "export", "--to", "docx", *args], cwd=project, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.mark.parametrize("out", ["monographs/pole-test.md", "dossier.yaml", "references.bib", "lien.docx"])
def test_export_never_replaces_a_source_of_the_project(tmp_path, out):
    """Class 7: a monograph replaced by a Word file, even with --force, is refused before any work."""
    project = project_at(tmp_path / "project")
    (project / "lien.docx").symlink_to(project / "monographs" / "pole-test.md")
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    for args in ([], ["--force"]):
        done = export(project, "--out", out, *args)
        assert done.returncode == 1, done.stderr[-2000:]
        assert "is a source of the project: the export does not replace it" in done.stderr
    assert {path: path.read_bytes() for path in project.rglob("*") if path.is_file()} == before


def test_export_replaces_an_existing_file_only_if_it_wrote_it_or_with_force(tmp_path):
    """Class 7: a file the export did not write is kept unless --force; its own it replaces."""
    project = project_at(tmp_path / "project")
    other = tmp_path / "rapport.docx"
    other.write_bytes(b"someone else's report")
    done = export(project, "--out", str(other))
    assert done.returncode == 1 and "already exists and was not written by an export; --force replaces it" in done.stderr
    assert other.read_bytes() == b"someone else's report"
    assert export(project, "--out", str(other), "--force").returncode == 0
    assert other.read_bytes().startswith(b"PK")
    again = export(project, "--out", str(other))  # its own file now
    assert again.returncode == 0, again.stderr[-2000:]
    assert export(project).returncode == 0 and export(project).returncode == 0  # build/dossier.docx is its own


FOREIGN = [".dossier.docx.4242.abcdefgh.tmp", f".matrice.csv.{DEAD}.abcdefgh.tmp", ".notes.tmp",
           f".x.ptce-mono.{DEAD}.ab.tmp"]


@pytest.mark.parametrize("command", ["export", "matrix"])
def test_only_the_tools_own_temporary_files_are_swept(tmp_path, command):
    """Class 7: files of other programs that look like temporary files stay; the tool's own go."""
    project = project_at(tmp_path / "project")
    folder = project / "build" / ("tables" if command == "matrix" else "")
    folder.mkdir(parents=True, exist_ok=True)
    for name in FOREIGN:
        (folder / name).write_text("keep me", encoding="utf-8")
    ours = folder / f".dossier.docx.ptce-mono.{DEAD}.abcd1234.tmp"
    ours.write_text("left by a killed run", encoding="utf-8")
    linked = folder / f".matrice.csv.ptce-mono.{DEAD}.wxyz9876.tmp"
    (tmp_path / "target.txt").write_text("a link's target", encoding="utf-8")
    linked.symlink_to(tmp_path / "target.txt")
    args = ["matrix"] if command == "matrix" else ["export", "--to", "docx"]
    done = subprocess.run([PTCE, *args], cwd=project, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert all((folder / name).read_text(encoding="utf-8") == "keep me" for name in FOREIGN)
    assert not ours.exists()
    assert linked.is_symlink() and (tmp_path / "target.txt").exists()  # not ours to remove: not a file


def test_temporary_files_carry_the_tools_name(tmp_path):
    from ptce_mono.core.files import temporary_beside

    fd, name = temporary_beside(tmp_path / "dossier.pdf")
    os.close(fd)
    assert Path(name).name.startswith(f".dossier.pdf.ptce-mono.{os.getpid()}.")
