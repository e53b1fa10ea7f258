"""`ptce-mono init`: a new project that builds at once.

The files come from the package (`ptce_mono/data/init/`): `dossier.yaml` with its settings
explained in French, one example monograph of a fictitious pole (every field of the grid shown),
editorial texts to adapt, a `.gitignore` for `build/`, a CI workflow and a pre-commit
configuration. Nothing that exists is overwritten: if any of these files is already there,
nothing at all is written.
"""

from __future__ import annotations

from pathlib import Path

from ptce_mono.core.errors import PtceError
from ptce_mono.core.i18n import _
from ptce_mono.sources.resources import default_resource

# Where each packaged file goes in the new project. Dot files are stored without their dot:
# package data globs do not pick them up.
PROJECT_FILES = {
    "dossier.yaml": "dossier.yaml",
    "references.bib": "references.bib",
    "monographs/exemple-pole-fictif.md": "monographs/exemple-pole-fictif.md",
    "editorial/methodologie.md": "editorial/methodologie.md",
    "editorial/typologie.md": "editorial/typologie.md",
    "editorial/analyse.md": "editorial/analyse.md",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "dossier-workflow.yml": ".github/workflows/dossier.yml",
}


class ProjectExists(PtceError):
    exit_code = 1


def init_project(target: Path) -> list[Path]:
    """Write a new project into `target` (created if needed); return the files written.

    Raises ProjectExists, listing the files already there, when any of them exists: nothing is
    written then.
    """
    source = default_resource("init")
    there = [target / name for name in PROJECT_FILES.values() if (target / name).exists()]
    if there:
        listed = ", ".join(str(path) for path in there)
        message = _("{files}: already there, nothing written (`init` starts a new project only).")
        raise ProjectExists(message.format(files=listed))
    written = []
    for packaged, name in PROJECT_FILES.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((source / packaged).read_bytes())
        written.append(path)
    return written


def init_report(target: Path, written: list[Path]) -> str:
    """What `init` tells: the files written, then the next step."""
    lines = [_("Wrote {path}").format(path=path) for path in written]
    go = "" if target == Path(".") else f"cd {target} && "
    next_step = _("Next: {command} (the example monograph builds as it is), then replace it.")
    return "\n".join([*lines, next_step.format(command=f"{go}ptce-mono build")])


__all__ = ["PROJECT_FILES", "ProjectExists", "init_project", "init_report"]
