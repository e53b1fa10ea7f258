"""Text left from the files `ptce-mono init` writes: placeholders to adapt, the fictitious example.

`init` gives a project that builds at once, with editorial texts marked « Texte à adapter », a
fictitious example monograph and settings naming « Nom de votre structure ». Printed as they are,
they would reach the published dossier: `check` (and the build) warns of each file still holding
one, at its first place, with the other lines where it recurs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from ptce_mono.core.errors import ConfigError
from ptce_mono.core.i18n import _, ngettext
from ptce_mono.core.problems import Position, Problem, ProblemList
from ptce_mono.core.project_files import read_text
from ptce_mono.sources.config import CONFIG_NAME, load_config

# The placeholder phrases of src/ptce_mono/data/init/ (tests/test_leftovers.py holds them to it).
PLACEHOLDERS = (
    "Texte à adapter",
    "Décrivez ici",
    "Expliquez comment",
    "Dites ici",
    "Exemple fictif",
    "Exemple de lacune",
    "Nom de votre structure",
    "Nom de l'auteur",
)
_LOWERED = tuple(phrase.lower() for phrase in PLACEHOLDERS)


def scan_leftovers(text: str, problems: ProblemList, first_line: int = 1) -> None:
    """Report in `problems` the placeholders of `init` that `text` still holds (one warning)."""
    lowered = text.lower().replace("’", "'")
    if not any(phrase in lowered for phrase in _LOWERED):
        return
    found: list[tuple[int, int, str]] = []
    for number, row in enumerate(lowered.split("\n"), first_line):
        hits = [(row.find(phrase), phrase) for phrase in _LOWERED if phrase in row]
        if hits:
            offset, phrase = min(hits)
            found.append((number, offset + 1, PLACEHOLDERS[_LOWERED.index(phrase)]))
    line, column, phrase = found[0]
    message = _("text left from the files of `ptce-mono init`: « {phrase} »").format(phrase=phrase)
    others = [str(n) for n, _column, _phrase in found[1:]]
    if others:
        message += " " + ngettext("(also on line {lines})", "(also on lines {lines})", len(others)).format(
            lines=", ".join(others)
        )
    problems.warning(
        Position(line, column),
        "init-leftover",
        message,
        _(
            "Replace it with your own text, or delete the example: it would be printed as it is. "
            "`ptce-mono init` writes it to show the way."
        ),
    )


def file_leftovers(path: Path, shown: str, project: Path) -> list[Problem]:
    """The placeholders left in one file of the project (none when it cannot be read: whoever
    reads it reports that)."""
    problems = ProblemList(shown)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        scan_leftovers(read_text(path, project), problems)
    return problems.items


def project_leftovers(project: Path, shown: Callable[[Path], str]) -> list[Problem]:
    """The placeholders left in `dossier.yaml` and the editorial texts it uses (paths shown by
    `shown`); none when the settings cannot be read, whose problems are reported elsewhere."""
    try:
        config = load_config(project)
    except ConfigError:
        return []
    files = [project / CONFIG_NAME, *config.editorial.values()]
    return [p for path in files for p in file_leftovers(path, shown(path), project)]


__all__ = ["PLACEHOLDERS", "file_leftovers", "project_leftovers", "scan_leftovers"]
