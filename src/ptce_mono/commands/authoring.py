"""`ptce-mono new` and `ptce-mono schema`: what an author starts from, made from the grid."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ptce_mono.check.scaffold import default_id, scaffold
from ptce_mono.check.schema import json_schema
from ptce_mono.core.errors import PtceError
from ptce_mono.core.files import write_new_file
from ptce_mono.core.i18n import _
from ptce_mono.core.project_files import output_folder
from ptce_mono.core.text import SLUG
from ptce_mono.sources.grid import Grid, load_grid
from ptce_mono.sources.resources import project_resource


class TargetExists(PtceError):
    exit_code = 1


class BadId(PtceError):
    exit_code = 2


def project_grid(project: Path) -> Grid:
    return load_grid(project_resource(project, "grid") / "grid.yaml")


def new_monograph(project: Path, name: str, pole_id: str | None, folder: Path) -> Path:
    """Write the skeleton of a monograph of pole `name`; never overwrites a file or a link.

    The id is one `check` accepts (it names the file: `--id ../../x` is refused); the folder,
    when in the project, is one of its own, not reached through a link. Raises BadId,
    TargetExists, or Refused (an OSError)."""
    grid = project_grid(project)
    pole_id = pole_id or default_id(name)
    if not SLUG.match(pole_id):
        raise BadId(
            _(
                "`{id}` is not an id: lower-case letters, digits and hyphens only (for example `{example}`)"
            ).format(id=pole_id, example=default_id(name))
        )
    target = folder / f"{pole_id}.md"
    if os.path.lexists(target):
        raise TargetExists(_("{path} already exists; nothing written.").format(path=target))
    output_folder(folder, project)
    try:
        write_new_file(target, scaffold(grid, name, pole_id).encode("utf-8"))
    except FileExistsError:  # made meanwhile
        raise TargetExists(_("{path} already exists; nothing written.").format(path=target)) from None
    return target


def schema_text(project: Path) -> str:
    """The front matter's JSON Schema, from the project's grid."""
    return json.dumps(json_schema(project_grid(project)), ensure_ascii=False, indent=2) + "\n"


__all__ = ["BadId", "TargetExists", "new_monograph", "project_grid", "schema_text"]
