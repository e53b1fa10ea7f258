"""`ptce-mono init`: a new project that builds at once.

The files come from the package (`ptce_mono/data/init/`): `dossier.yaml` with its settings
explained in French, one example monograph of a fictitious pole (every field of the grid shown),
editorial texts to adapt, a `.gitignore` for `build/`, a CI workflow and a pre-commit
configuration. All or nothing: nothing that is there is overwritten (a link, even a broken one,
counts as there), no folder reached through a link is written into, and if a file cannot be
written, those written before it are removed: the folder is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from ptce_mono.core.errors import PtceError
from ptce_mono.core.files import write_new_file
from ptce_mono.core.i18n import _, os_reason
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


class CannotInit(PtceError):
    exit_code = 1


def _folders_to_make(target: Path) -> list[Path]:
    """The folders the files go into, parents first, that do not exist yet. Raises CannotInit
    when one that exists is a link or not a folder: nothing is written through it."""
    folders = {target}
    for name in PROJECT_FILES.values():
        parts = Path(name).parts[:-1]
        folders.update(target.joinpath(*parts[:depth]) for depth in range(1, len(parts) + 1))
    missing = []
    for folder in sorted(folders, key=lambda path: len(path.parts)):
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            missing.append(folder)
            continue
        if folder != target and stat.S_ISLNK(info.st_mode):
            raise CannotInit(
                _("{path} is a link: nothing written (`init` writes only into real folders).").format(
                    path=folder
                )
            )
        try:
            is_folder = stat.S_ISDIR(os.stat(folder).st_mode)
        except OSError:  # a broken link named as the target
            is_folder = False
        if not is_folder:
            raise CannotInit(_("{path} is not a folder: nothing written.").format(path=folder))
    return missing


def init_project(target: Path) -> list[Path]:
    """Write a new project into `target` (created if needed); return the files written.

    Raises ProjectExists, listing the files already there, when any of them exists; CannotInit
    when a folder is a link or a file, or a file cannot be written: nothing is left written then.
    """
    source = default_resource("init")
    there = [target / name for name in PROJECT_FILES.values() if os.path.lexists(target / name)]
    if there:
        listed = ", ".join(str(path) for path in there)
        message = _("{files}: already there, nothing written (`init` starts a new project only).")
        raise ProjectExists(message.format(files=listed))
    missing = _folders_to_make(target)
    made: list[Path] = []
    written: list[Path] = []
    try:
        for folder in missing:
            folder.mkdir()
            made.append(folder)
        for packaged, name in PROJECT_FILES.items():
            path = target / name
            write_new_file(path, (source / packaged).read_bytes())
            written.append(path)
    except OSError as exc:
        for path in reversed(written):
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        where = exc.filename or target
        raise CannotInit(
            _("{path}: cannot write ({reason}); nothing written.").format(path=where, reason=os_reason(exc))
        ) from None
    return written


def init_report(target: Path, written: list[Path]) -> str:
    """What `init` tells: the files written, then the next step."""
    lines = [_("Wrote {path}").format(path=path) for path in written]
    go = "" if target == Path(".") else f"cd {target} && "
    next_step = _("Next: {command} (the example monograph builds as it is), then replace it.")
    return "\n".join([*lines, next_step.format(command=f"{go}ptce-mono build")])


__all__ = ["PROJECT_FILES", "CannotInit", "ProjectExists", "init_project", "init_report"]
