"""One rule for every path the tool reads or writes: inside the project, never through a link.

What `core/project_files.py` holds for the sources holds for `fonts/`, `assets/`, `build/` and its
subfolders, what `init` and `new` write and what the preview serves: a link out of the project is
not followed, a write never goes through a link, a special file is refused before it is opened.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monograph_factory import invoke, monograph_text, write_project

DOSSIER = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n"
PTCE = str(Path(sys.executable).parent / "ptce-mono")


def project_at(root: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    return write_project(root, {"dossier.yaml": DOSSIER, "monographs/pole-test.md": monograph_text("pole-test"),
                                **(extra or {})})


def packaged_font() -> Path:
    from ptce_mono.typeset.fonts import FONT_FOLDERS

    return FONT_FOLDERS["serif"] / "SourceSerifPro-Regular.otf"


def fontconfig_dirs(project: Path) -> list[str]:
    """The folders fontconfig is told to read, and what they hold, for this project."""
    import re

    from ptce_mono.typeset.fonts import hermetic_fontconfig

    with hermetic_fontconfig(project):
        conf = Path(os.environ["FONTCONFIG_FILE"]).read_text(encoding="utf-8")
        dirs = re.findall(r"<dir>(.*?)</dir>", conf)
        listed = [str(Path(folder) / name) for folder in dirs for name in sorted(os.listdir(folder))]
        real = [os.path.realpath(path) for path in listed]
    return [*dirs, *listed, *real]


@pytest.mark.parametrize("linked", ["folder", "file"])
def test_fonts_linked_out_of_the_project_are_neither_embedded_nor_served(tmp_path, linked):
    """Class 3: `fonts/` (or a font in it) linked elsewhere widens neither fontconfig nor the sandbox."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(packaged_font(), elsewhere / "Canary.otf")
    project = project_at(tmp_path / "project")
    if linked == "folder":
        (project / "fonts").symlink_to(elsewhere, target_is_directory=True)
    else:
        (project / "fonts").mkdir()
        (project / "fonts" / "Canary.otf").symlink_to(elsewhere / "Canary.otf")
    from ptce_mono.sources.resources import template_folders
    from ptce_mono.typeset.stylesheet import allowed_folders

    allowed = [os.path.realpath(folder) for folder in allowed_folders(template_folders(project), project)]
    assert not any(Path(folder).is_relative_to(elsewhere) for folder in allowed), allowed
    assert not any("elsewhere" in entry or "Canary" in entry for entry in fontconfig_dirs(project))
    done = subprocess.run([PTCE, "build", "--jobs", "1"], cwd=project, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "fonts" in done.stderr and "outside the project" in done.stderr  # said, not silently dropped


def test_a_project_font_is_used_from_a_copy_fontconfig_gets(tmp_path):
    """The project's own regular fonts still reach fontconfig (copied), the others do not."""
    project = project_at(tmp_path / "project")
    (project / "fonts").mkdir()
    shutil.copy(packaged_font(), project / "fonts" / "Propre.otf")
    os.mkfifo(project / "fonts" / "Tube.otf")
    entries = fontconfig_dirs(project)
    copies = [entry for entry in entries if entry.endswith(".otf") and "project-fonts" in entry]
    assert len(set(copies)) == 1
    assert not any("Tube" in entry or str(project) in entry for entry in entries)


@pytest.mark.parametrize("folder", ["build", "build/cache", "build/cache/pieces", "build/fonts"])
def test_the_build_never_writes_through_a_link_in_its_output_folder(tmp_path, folder):
    """Class 3: `build/` or a subfolder linked elsewhere: refused, nothing written there."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = project_at(tmp_path / "project")
    (project / folder).parent.mkdir(parents=True, exist_ok=True)
    (project / folder).symlink_to(elsewhere, target_is_directory=True)
    done = subprocess.run([PTCE, "build", "--jobs", "2"], cwd=project, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode != 0, done.stderr[-2000:]
    assert "is a link" in done.stderr and "Traceback" not in done.stderr
    assert list(elsewhere.iterdir()) == []


def test_outputs_that_are_links_are_replaced_not_written_through(tmp_path):
    """Class 3: `build/dossier.pdf` linked to a file elsewhere: the link is replaced, the file kept."""
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"precious")
    project = project_at(tmp_path / "project")
    (project / "build").mkdir()
    (project / "build" / "dossier.pdf").symlink_to(victim)
    (project / "build" / "dossier.html").symlink_to(victim)
    assert invoke(["build", "--jobs", "1"], project).exit_code == 0
    assert victim.read_bytes() == b"precious"
    assert not (project / "build" / "dossier.pdf").is_symlink()


def test_the_preview_folder_linked_elsewhere_is_refused(tmp_path):
    """Class 3: `build/preview` linked elsewhere would be written and served: `serve` refuses it."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("CANARY", encoding="utf-8")
    project = project_at(tmp_path / "project")
    (project / "build").mkdir()
    (project / "build" / "preview").symlink_to(elsewhere, target_is_directory=True)
    done = subprocess.run([PTCE, "serve", "--port", "0"], cwd=project, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "build/preview is a link" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["secret.txt"]


def test_init_does_not_write_through_a_dangling_link(tmp_path):
    """Class 3: `dossier.yaml` is a link to a file that does not exist yet: it is not created."""
    target = tmp_path / "nouveau"
    target.mkdir()
    (target / "dossier.yaml").symlink_to(tmp_path / "created-elsewhere.yaml")
    result = invoke(["init", str(target)], tmp_path)
    assert result.exit_code == 1
    assert "dossier.yaml: already there, nothing written" in result.output
    assert not (tmp_path / "created-elsewhere.yaml").exists()
    assert sorted(p.name for p in target.iterdir()) == ["dossier.yaml"]


def test_init_does_not_write_into_a_linked_folder(tmp_path):
    """Class 3: `.github/` is a link to a folder elsewhere: nothing at all is written."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = tmp_path / "nouveau"
    target.mkdir()
    (target / ".github").symlink_to(elsewhere, target_is_directory=True)
    result = invoke(["init", str(target)], tmp_path)
    assert result.exit_code == 1
    assert ".github is a link: nothing written" in result.output
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == [".github"]


@pytest.mark.parametrize("pole_id", ["../../x", "../x", "/tmp/x", "A-Majuscule", "a_b", "x/y", "-x", "x--"])
def test_new_accepts_only_ids_check_accepts(tmp_path, pole_id):
    """Class 3 and 9: `new --id ../../x` would write outside `monographs/`; only slugs pass."""
    project = project_at(tmp_path / "a" / "b" / "project")
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    result = invoke(["new", "Pôle X", "--id", pole_id], project)
    assert result.exit_code == 2, result.output
    assert "is not an id: lower-case letters, digits and hyphens only" in result.output
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_new_writes_neither_through_a_link_nor_into_a_linked_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = project_at(tmp_path / "project")
    (project / "monographs" / "pole-neuf.md").symlink_to(elsewhere / "cree.md")
    result = invoke(["new", "Pôle neuf", "--id", "pole-neuf"], project)
    assert result.exit_code == 1 and "already exists" in result.output
    assert not (elsewhere / "cree.md").exists()
    (project / "linked").symlink_to(elsewhere, target_is_directory=True)
    result = invoke(["new", "Pôle autre", "--id", "pole-autre", "--folder", "linked"], project)
    assert result.exit_code == 2 and "is a link" in result.output
    assert list(elsewhere.iterdir()) == []


def test_an_asset_that_is_a_fifo_stops_the_build_with_its_name(tmp_path):
    """Class 3: a special file in `assets/` is refused before it is opened (the build never waits)."""
    css = (Path(__file__).resolve().parents[2] / "templates" / "dossier.css").read_text(encoding="utf-8")
    project = project_at(tmp_path / "project", {
        "templates/dossier.css": css + "\n.cover { background: url('../assets/logo.png'); }\n",
    })
    (project / "assets").mkdir()
    os.mkfifo(project / "assets" / "logo.png")
    done = subprocess.run([PTCE, "build", "--jobs", "1"], cwd=project, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "logo.png" in done.stderr and "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr
