"""`ptce-mono init`: a project that builds at once, and a folder that is not one points to it."""

from __future__ import annotations

from pathlib import Path

from ptce_mono.commands.init import PROJECT_FILES

from monograph_factory import invoke, monograph_text, write_project
from pdf_reading import pdf_text

ROOT = Path(__file__).resolve().parents[1]


def test_a_new_project_checks_clean_and_builds(tmp_path: Path) -> None:
    result = invoke(["init", "mon-dossier"], tmp_path)
    assert result.exit_code == 0, result.output
    project = tmp_path / "mon-dossier"
    written = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    assert written == sorted(PROJECT_FILES.values())
    assert (project / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "build/"
    assert "Next: cd mon-dossier && ptce-mono build" in result.output

    checked = invoke(["check"], project)
    assert checked.exit_code == 0, checked.output
    # the example and the texts to adapt are pointed at; nothing else is wrong
    warned = sorted(row.split(":")[0] for row in checked.output.splitlines() if "warning:" in row)
    assert warned == [
        "dossier.yaml",
        "editorial/analyse.md",
        "editorial/methodologie.md",
        "editorial/typologie.md",
        "monographs/exemple-pole-fictif.md",
    ], checked.output
    assert all("[init-leftover]" in row for row in checked.output.splitlines() if "warning:" in row)
    assert "0 errors, 5 warnings" in checked.output

    built = invoke(["build", "--jobs", "1"], project)
    assert built.exit_code == 0, built.output
    text = " ".join(pdf_text(project / "build" / "dossier.pdf").split())
    assert "Pôle fictif des Trois Vallées" in text
    assert "Nom de votre structure" in text  # the settings to adapt are the ones printed


def test_init_overwrites_nothing(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"dossier.yaml": "title: Mon dossier\n"})
    result = invoke(["init"], project)
    assert result.exit_code == 1
    assert "dossier.yaml: already there, nothing written" in result.output
    assert (project / "dossier.yaml").read_text(encoding="utf-8") == "title: Mon dossier\n"
    assert sorted(p.name for p in project.iterdir()) == ["dossier.yaml"]


def test_a_folder_of_monographs_without_settings_points_to_init(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"monographs/pole-a.md": monograph_text("pole-a")})
    result = invoke(["build"], project)
    assert result.exit_code == 1
    assert "run `ptce-mono init` in this folder" in result.output


def test_check_in_an_empty_folder_points_to_init(tmp_path: Path) -> None:
    result = invoke(["check"], tmp_path)
    assert result.exit_code == 1
    assert "[no-project]" in result.output and "Run `ptce-mono init`" in result.output


def test_the_workflow_written_is_the_documented_one() -> None:
    packaged = ROOT / "src" / "ptce_mono" / "data" / "init" / "dossier-workflow.yml"
    assert packaged.read_text(encoding="utf-8") == (ROOT / "docs" / "ci-example.yml").read_text(
        encoding="utf-8"
    )
