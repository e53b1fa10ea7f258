"""`ptce-mono new` and `ptce-mono schema`: what an author starts from, made from the grid."""

from __future__ import annotations

import json
from pathlib import Path

from ptce_mono.check.scaffold import scaffold
from ptce_mono.check.schema import json_schema
from ptce_mono.core.errors import PtceError
from ptce_mono.core.i18n import _
from ptce_mono.core.text import slugify
from ptce_mono.sources.grid import Grid, load_grid
from ptce_mono.sources.resources import project_resource


class TargetExists(PtceError):
    exit_code = 1


def project_grid(project: Path) -> Grid:
    return load_grid(project_resource(project, "grid") / "grid.yaml")


def new_monograph(project: Path, name: str, pole_id: str | None, folder: Path) -> Path:
    """Write the skeleton of a monograph of pole `name`; never overwrites a file."""
    grid = project_grid(project)
    pole_id = pole_id or slugify(name)
    target = folder / f"{pole_id}.md"
    if target.exists():
        raise TargetExists(_("{path} already exists; nothing written.").format(path=target))
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(scaffold(grid, name, pole_id), encoding="utf-8")
    return target


def schema_text(project: Path) -> str:
    """The front matter's JSON Schema, from the project's grid."""
    return json.dumps(json_schema(project_grid(project)), ensure_ascii=False, indent=2) + "\n"


__all__ = ["TargetExists", "new_monograph", "project_grid", "schema_text"]
