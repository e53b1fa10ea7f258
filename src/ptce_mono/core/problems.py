"""Problems found in monographs, the grid or the dossier config, with their source position."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple


class Severity(enum.IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


class Position(NamedTuple):
    """A 1-based line and column in a file (a tuple: one is made for every YAML node)."""

    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Problem:
    """One finding. `code` is stable: tools and docs refer to it."""

    path: str
    position: Position
    severity: Severity
    code: str
    message: str
    hint: str = ""

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def column(self) -> int:
        return self.position.column

    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


@dataclass
class ProblemList:
    """Collects problems for one file so that parsing never stops at the first one."""

    path: str
    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        position: Position,
        severity: Severity,
        code: str,
        message: str,
        hint: str = "",
    ) -> None:
        self.items.append(Problem(self.path, position, severity, code, message, hint))

    def error(self, position: Position, code: str, message: str, hint: str = "") -> None:
        self.add(position, Severity.ERROR, code, message, hint)

    def warning(self, position: Position, code: str, message: str, hint: str = "") -> None:
        self.add(position, Severity.WARNING, code, message, hint)

    def info(self, position: Position, code: str, message: str, hint: str = "") -> None:
        self.add(position, Severity.INFO, code, message, hint)


def has_errors(problems: list[Problem], strict: bool = False) -> bool:
    threshold = Severity.WARNING if strict else Severity.ERROR
    return any(p.severity >= threshold for p in problems)
