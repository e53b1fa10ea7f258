"""Where the default grid and templates live, and how a project folder overrides them.

A project folder may hold its own `grid/` and `templates/` (as a MkDocs or Quarto project does);
otherwise the copies carried by the package are used.
"""

from __future__ import annotations

from pathlib import Path

from ptce_mono.core.errors import ConfigError
from ptce_mono.core.i18n import _
from ptce_mono.core.problems import Position, Problem, Severity
from ptce_mono.core.project_files import is_inside

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
    """The project's own folder `name` when it has one, else the default.

    A project folder that is a link to a place outside the project is refused (ConfigError),
    not silently replaced by the default.
    """
    own = project / name
    if not own.is_dir():
        return default_resource(name)
    if not is_inside(own.absolute(), project.absolute()):  # absolute: a relative one is taken from `project`
        problem = Problem(
            str(own),
            Position(),
            Severity.ERROR,
            "link-outside",
            _("the folder is a link to a place outside the project; it is not read"),
            _("Copy the folder into the project instead of linking to it."),
        )
        raise ConfigError([problem])
    return own


def template_folders(project: Path) -> list[Path]:
    """Where templates are looked up: the project's own folder first, then the packaged one."""
    folders = [project_resource(project, "templates"), default_resource("templates")]
    return list(dict.fromkeys(folder.resolve() for folder in folders))


def files_under(path: Path) -> list[Path]:
    """`path` if it is a file, else the files beneath it, sorted; nothing if it does not exist.

    Files come and go while an editor saves (a temporary file written, then renamed over the
    source): a folder that vanishes while it is listed gives what was listed before.
    """
    try:
        if path.is_file():
            return [path]
        if path.is_dir():
            return sorted(p for p in path.rglob("*") if p.is_file())
    except OSError:
        pass
    return []
