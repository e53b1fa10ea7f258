"""Exceptions of the library. The CLI maps them to messages and exit codes; nothing here imports click."""

from __future__ import annotations

from ptce_mono.core.i18n import ngettext
from ptce_mono.core.problems import Problem


class PtceError(Exception):
    """Base class. `exit_code` is what the command line returns for it."""

    exit_code = 2


class GridError(PtceError):
    """The grid file is missing or invalid: nothing can be checked against it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(f"{first.location()}: {first.message}")


class ConfigError(PtceError):
    """The dossier configuration is invalid."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(f"{first.location()}: {first.message}")


class CorpusError(PtceError):
    """The monographs have errors: the dossier is not built."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = sum(1 for p in problems if p.severity >= 2)
        message = ngettext("{count} error in the monographs", "{count} errors in the monographs", errors)
        super().__init__(message.format(count=errors))


class RenderError(PtceError):
    """Typesetting or export failed."""

    exit_code = 1


class SandboxViolation(RenderError):
    """Rendering tried to read a resource outside the allowed folders."""
