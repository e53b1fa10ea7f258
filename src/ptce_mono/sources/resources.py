"""Where the default grid and templates live, and how a project folder overrides them.

A project folder may hold its own `grid/` and `templates/` (as a MkDocs or Quarto project does);
otherwise the copies carried by the package are used.
"""

from __future__ import annotations

from pathlib import Path

# Everything in a project that a dossier is made from: what a build fingerprints and the preview
# watches.
PROJECT_SOURCES = ("dossier.yaml", "monographs", "editorial", "grid", "templates", "assets")

_PACKAGE_DATA = Path(__file__).resolve().parents[1] / "data"
_SOURCE_TREE = Path(__file__).resolve().parents[3]


def default_resource(name: str) -> Path:
    """The packaged default folder `name` (grid or templates)."""
    packaged = _PACKAGE_DATA / name
    if packaged.is_dir():
        return packaged
    # Running from a source checkout: the top-level folders are the defaults.
    return _SOURCE_TREE / name


def project_resource(project: Path, name: str) -> Path:
    """The project's own folder `name` when it has one, else the default."""
    own = project / name
    return own if own.is_dir() else default_resource(name)


def template_folders(project: Path) -> list[Path]:
    """Where templates are looked up: the project's own folder first, then the packaged one."""
    folders = [project_resource(project, "templates"), default_resource("templates")]
    return list(dict.fromkeys(folder.resolve() for folder in folders))


def files_under(path: Path) -> list[Path]:
    """`path` if it is a file, else the files beneath it, sorted; nothing if it does not exist."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return []
