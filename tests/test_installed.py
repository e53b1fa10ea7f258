"""The tool as users get it: a wheel installed elsewhere, run on a folder that has only
monographs and settings, with the grid and templates the wheel carries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = subprocess.run([*pip, "wheel", "--no-deps", "-w", str(work / "dist"), str(ROOT)],
                           capture_output=True, text=True, check=False)
    if built.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{built.stderr[-2000:]}")
    wheel = next((work / "dist").glob("ptce_mono-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(work / "site"), str(wheel)], check=True,
                   capture_output=True)
    return work / "site"


def run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run([sys.executable, "-m", "ptce_mono", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False, timeout=600)


def test_the_wheel_carries_the_grid_and_templates(installed):
    for rel in ["ptce_mono/data/grid/grid.yaml", "ptce_mono/data/templates/dossier.html",
                "ptce_mono/data/templates/partials/analysis.html", "ptce_mono/render/geo/SOURCE.md"]:
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
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Autre dossier" in text and "Pôle Sud Aquitain" in text
