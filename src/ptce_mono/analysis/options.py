"""Strategic options (TOWS matrix): editorial entries that combine cross-case SWOT items.

The file (`editorial/options.yaml` by default) is written by the editors; each option cites the
harmonised SWOT ids it combines. An id that the corpus does not support is an error with its
file:line, so an option never cites an item that has disappeared from the monographs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ptce_mono.analysis.crosscase import Swot, SwotItem
from ptce_mono.core.problems import Position, Problem, ProblemList
from ptce_mono.core.project_files import read_text
from ptce_mono.core.text import did_you_mean
from ptce_mono.sources.yamlsafe import Mapping, Scalar, Sequence, load_yaml

TOWS_QUADRANTS = {
    "SO": "Atouts × opportunités : s'appuyer sur les atouts pour saisir les opportunités",
    "ST": "Atouts × menaces : mobiliser les atouts face aux menaces",
    "WO": "Faiblesses × opportunités : saisir les opportunités pour corriger les faiblesses",
    "WT": "Faiblesses × menaces : réduire les faiblesses exposées aux menaces",
}
_ID = re.compile(r"^[SWOT]\d+$")


@dataclass
class Option:
    quadrant: str
    title: str
    text: str
    combines: list[str]
    line: int


@dataclass
class Options:
    path: str
    options: list[Option] = field(default_factory=list)

    def by_quadrant(self) -> dict[str, list[Option]]:
        return {q: [o for o in self.options if o.quadrant == q] for q in TOWS_QUADRANTS}


def load_options(
    path: Path, swot: Swot, shown: str | None = None, project: Path | None = None
) -> tuple[Options, list[Problem]]:
    """Read the options file and check every cited id against the corpus's SWOT."""
    problems = ProblemList(shown or str(path))
    result = Options(problems.path)
    if not os.path.lexists(path):
        return result, []
    try:
        text = read_text(path, project or path.parent)
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(Position(), "unreadable", f"cannot read the options file: {exc}")
        return result, problems.items
    root = load_yaml(text, problems)
    if root is None:
        return result, problems.items
    raw = root.get("options")
    for key, entry in root.entries.items():
        if key != "options":
            problems.error(
                entry.key_position, "unknown-field", f"unknown key `{key}`", "The file holds `options:`."
            )
    if not isinstance(raw, Sequence):
        if raw is not None:
            problems.error(raw.position, "wrong-type", "`options` must be a list")
        return result, problems.items
    known = swot.by_id()
    for item in raw.items:
        option = _read_option(item, known, problems)
        if option:
            result.options.append(option)
    return result, problems.items


def _read_option(item: object, known: dict[str, SwotItem], problems: ProblemList) -> Option | None:
    if not isinstance(item, Mapping):
        problems.error(getattr(item, "position", Position()), "wrong-type", "each option must be a mapping")
        return None
    for key, entry in item.entries.items():
        if key not in ("quadrant", "title", "text", "combines"):
            problems.error(
                entry.key_position,
                "unknown-field",
                f"unknown key `{key}` in an option",
                did_you_mean(key, ["quadrant", "title", "text", "combines"]),
            )
    values = {}
    for key in ("quadrant", "title", "text"):
        value = item.get(key)
        if not isinstance(value, Scalar) or not value.text.strip():
            problems.error(
                value.position if value else item.position, "missing-field", f"an option needs `{key}`"
            )
            return None
        values[key] = value.text.strip()
    quadrant = values["quadrant"].upper()
    if quadrant not in TOWS_QUADRANTS:
        problems.error(
            item.entries["quadrant"].value.position,
            "bad-value",
            f"`{values['quadrant']}` is not a TOWS quadrant",
            f"Use one of {', '.join(TOWS_QUADRANTS)}.",
        )
        return None
    cited = item.get("combines")
    if not isinstance(cited, Sequence) or not cited.items:
        problems.error(
            cited.position if cited else item.position,
            "missing-field",
            "an option must cite the SWOT ids it combines, e.g. `combines: [S1, O3]`",
        )
        return None
    ids: list[str] = []
    for ref in cited.items:
        text = ref.text.strip().upper() if isinstance(ref, Scalar) else ""
        if not _ID.match(text):
            problems.error(ref.position, "bad-value", "a SWOT id is a letter S, W, O or T and a number")
        elif text not in known:
            problems.error(
                ref.position,
                "unknown-swot-id",
                f"`{text}` is not a SWOT item of the published monographs",
                did_you_mean(text, sorted(known)) or "See the ids in part 3.1 of the dossier.",
            )
        elif text[0] not in quadrant:
            problems.error(
                ref.position,
                "swot-quadrant",
                f"`{text}` cannot be combined in a {quadrant} option",
                f"A {quadrant} option combines {quadrant[0]} and {quadrant[1]} items.",
            )
        else:
            ids.append(text)
    return Option(quadrant, values["title"], values["text"], ids, item.position.line)
