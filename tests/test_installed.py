"""The tool as users get it: a wheel installed elsewhere, run on a folder that has only
monographs and settings, with the grid and templates the wheel carries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pdf_reading import pdf_text

ROOT = Path(__file__).resolve().parents[1]
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]


@pytest.fixture(scope="module")
def wheel_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str], float]:
    """The work folder, pip's output (not quietened: a user sees it) and when the build began."""
    work = tmp_path_factory.mktemp("wheel")
    started = time.time()
    built = subprocess.run([*PIP, "wheel", "--no-deps", "-w", str(work / "dist"), str(ROOT)],
                           capture_output=True, text=True, check=False)
    if built.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{built.stderr[-2000:]}")
    return work, built, started


@pytest.fixture(scope="module")
def installed(wheel_build) -> Path:
    work, _built, _started = wheel_build
    pip = [*PIP, "-q"]
    wheel = next((work / "dist").glob("ptce_mono-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(work / "site"), str(wheel)], check=True,
                   capture_output=True)
    return work / "site"


def run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run([sys.executable, "-m", "ptce_mono", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False, timeout=600)


def test_building_the_wheel_is_quiet_and_keeps_out_of_build(wheel_build):
    _work, built, started = wheel_build
    output = built.stdout + built.stderr
    assert "Warning" not in output and "!!" not in output, output
    # build/ holds the dossier: setuptools' lib/ and bdist.*/ go to .setuptools-build/ (setup.cfg)
    touched = [p.name for p in (ROOT / "build").glob("*") if p.stat().st_mtime >= started - 1]
    assert not [name for name in touched if name == "lib" or name.startswith("bdist.")], touched


def test_the_wheel_carries_the_grid_and_templates(installed):
    for rel in ["ptce_mono/data/grid/grid.yaml", "ptce_mono/data/templates/dossier.html",
                "ptce_mono/data/templates/partials/analysis.html", "ptce_mono/render/geo/SOURCE.md",
                "ptce_mono/data/init/gitignore", "ptce_mono/data/init/monographs/exemple-pole-fictif.md",
                "ptce_mono/data/init/editorial/analyse.md", "ptce_mono/data/init/dossier-workflow.yml"]:
        assert (installed / rel).is_file(), rel


def test_another_folder_is_checked_and_built_with_the_packaged_defaults(installed, tmp_path):
    project = tmp_path / "autre-projet"
    (project / "monographs").mkdir(parents=True)
    shutil.copy(ROOT / "monographs" / "pole-sud-aquitain.md", project / "monographs")
    shutil.copy(ROOT / "references.bib", project)
    (project / "dossier.yaml").write_text("title: Autre dossier\npublisher: Autre réseau\nperiod: 2013-2014\n"
                                          "bibliography: [references.bib]\n", encoding="utf-8")
    probe = subprocess.run([sys.executable, "-c", "import ptce_mono; print(ptce_mono.__file__)"],
                           env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True,
                           check=True)
    assert probe.stdout.startswith(str(installed))
    checked = run(installed, project, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = run(installed, project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    pdf = project / "build" / "dossier.pdf"
    text = pdf_text(pdf)
    assert "Autre dossier" in text and "Pôle Sud Aquitain" in text


def test_init_from_the_wheel_gives_a_project_that_builds(installed, tmp_path):
    made = run(installed, tmp_path, "init", "nouveau")
    assert made.returncode == 0, made.stdout + made.stderr
    project = tmp_path / "nouveau"
    assert (project / ".gitignore").is_file() and (project / ".github" / "workflows" / "dossier.yml").is_file()
    built = run(installed, project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Pôle fictif des Trois Vallées" in " ".join(pdf_text(project / "build" / "dossier.pdf").split())
