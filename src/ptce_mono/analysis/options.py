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
from typing import Any

from ptce_mono.analysis.crosscase import Swot, SwotItem
from ptce_mono.core.i18n import N_, _
from ptce_mono.core.problems import Position, Problem, ProblemList
from ptce_mono.core.project_files import read_text
from ptce_mono.core.text import did_you_mean
from ptce_mono.sources.reader import At, Choice, ListOf, Reader, Record, Text, optional, required
from ptce_mono.sources.yamlsafe import load_yaml

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
        text = read_text(path.absolute(), project.absolute() if project else path.absolute().parent)
    except (OSError, UnicodeDecodeError) as exc:
        message = _("cannot read the options file: {reason}").format(reason=exc)
        problems.error(Position(), "unreadable", message)
        return result, problems.items
    root = load_yaml(text, problems)
    if root is None:
        return result, problems.items
    values = Reader(problems).read(root, _file_spec())
    known = swot.by_id()
    for read in values["options"] if isinstance(values, dict) else []:
        option = _checked(read, known, problems)
        if option:
            result.options.append(option)
    return result, problems.items


def _swot_ref(text: str, at: At) -> tuple[str, Position] | None:
    if _ID.match(text.upper()):
        return text.upper(), at.position
    message = _("`{name}` is not a SWOT id: a letter S, W, O or T and a number")
    at.error("bad-value", message.format(name=at.name))
    return None


def _file_spec() -> Record:
    """The options file's spec, made when it is read: its hint is in the language spoken."""
    option = Record(
        (
            required("quadrant", Choice(tuple(TOWS_QUADRANTS), any_case=True)),
            required("title", Text()),
            required("text", Text()),
            required(
                "combines",
                ListOf(
                    Text(_swot_ref),
                    _("An option cites the SWOT ids it combines, e.g. `combines: [S1, O3]`."),
                    min_items=1,
                    too_few_code="missing-field",
                ),
            ),
        ),
        finish=lambda values, at: (values, at.position),
    )
    return Record((optional("options", ListOf(option), []),), label=N_("the options file"))


def _checked(
    read: tuple[dict[str, Any], Position], known: dict[str, SwotItem], problems: ProblemList
) -> Option | None:
    """The option whose cited ids all exist in the corpus and belong to its quadrant."""
    values, position = read
    quadrant: str = values["quadrant"]
    ids: list[str] = []
    for text, at in values["combines"]:
        if text not in known:
            problems.error(
                at,
                "unknown-swot-id",
                _("`{id}` is not a SWOT item of the published monographs").format(id=text),
                did_you_mean(text, sorted(known)) or _("See the ids in part 3.1 of the dossier."),
            )
        elif text[0] not in quadrant:
            problems.error(
                at,
                "swot-quadrant",
                _("`{id}` cannot be combined in a {quadrant} option").format(id=text, quadrant=quadrant),
                _("A {quadrant} option combines {first} and {second} items.").format(
                    quadrant=quadrant, first=quadrant[0], second=quadrant[1]
                ),
            )
        else:
            ids.append(text)
    return Option(quadrant, values["title"], values["text"], ids, position.line)
