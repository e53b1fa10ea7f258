"""An output folder inside the project (`--out` other than `build/`) is not among what a build
depends on: its cache's `.json` files change at each build, which would make every build stale."""

from __future__ import annotations

from pathlib import Path

from ptce_mono.commands.fingerprint import bibliographies_and_styles, fingerprint


def test_output_folders_in_the_project_are_not_its_sources(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "biblio").mkdir(parents=True)
    (project / "biblio" / "refs.json").write_text("[]", encoding="utf-8")
    out = project / "sortie"
    (out / "cache").mkdir(parents=True)
    before = fingerprint(project, None, [], "", out)
    (out / "cache" / "piece.json").write_text("{}", encoding="utf-8")
    assert fingerprint(project, None, [], "", out) == before  # the build's own folder
    other = project / "autre-sortie"
    (other / "cache").mkdir(parents=True)
    (other / ".ptce-build.json").write_text("{}", encoding="utf-8")
    (other / "cache" / "piece.json").write_text("{}", encoding="utf-8")
    assert fingerprint(project, None, [], "", out) == before  # another build's folder
    assert bibliographies_and_styles(project, out) == [project / "biblio" / "refs.json"]
    (project / "biblio" / "refs.json").write_text('[{"id": "a"}]', encoding="utf-8")
    assert fingerprint(project, None, [], "", out) != before  # a real bibliography still counts
