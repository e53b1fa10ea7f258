"""Templates read as project files: inside their folder's root, regular files, within the size limit."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound

from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _
from ptce_mono.core.project_files import Refused, read_text


class BoundedLoader(BaseLoader):
    """Loads templates from `folder`; none is read from outside `root` (links resolved).

    Jinja's FileSystemLoader opens whatever a template path leads to: a link to a file elsewhere
    on the machine, or a pipe that never ends. This one reads through `project_files`, and a
    refused template stops the rendering with a message instead of being skipped.
    """

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.root = root

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        parts = [part for part in template.split("/") if part not in ("", ".")]
        if ".." in parts:
            raise TemplateNotFound(template)
        path = self.folder.joinpath(*parts)
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        try:
            source = read_text(path, self.root, what="template")
        except Refused as refused:
            raise RenderError(f"{path}: {refused.message}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise RenderError(
                _("{path}: cannot read the template: {reason}").format(path=path, reason=exc)
            ) from None
        mtime = os.path.getmtime(path)
        return source, str(path), lambda: os.path.lexists(path) and os.path.getmtime(path) == mtime


def template_loaders(folders: list[Path], project: Path) -> list[BaseLoader]:
    """One loader per template folder: the project's bounded by the project, the others by themselves."""
    base = project.resolve()
    return [BoundedLoader(folder, base if folder.is_relative_to(base) else folder) for folder in folders]
