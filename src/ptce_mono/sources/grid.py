"""Load stage: the analysis grid (sections, fields, vocabularies, référentiel) from YAML data."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ptce_mono.core.errors import GridError
from ptce_mono.core.i18n import N_, _
from ptce_mono.core.problems import Position, Problem, ProblemList, Severity
from ptce_mono.core.project_files import read_text
from ptce_mono.core.text import normalise
from ptce_mono.sources.fields import flag, whole_number
from ptce_mono.sources.reader import At, ListOf, MapOf, Reader, Record, Text, by_shape, optional, required
from ptce_mono.sources.yamlsafe import load_yaml

FIELD_TYPES = {
    "slug",
    "text",
    "motto",
    "choice",
    "location",
    "list",
    "year",
    "count",
    "counts",
    "members",
    "month",
    "people",
    "sources",
    "summaries",
    "swot",
    "scores",
    "funding",
}
SWOT_QUADRANTS = ("strengths", "weaknesses", "opportunities", "threats")


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str
    aliases: tuple[str, ...]
    required: bool
    min_words: int
    pillar: str | None
    informs: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool
    description: str
    values: tuple[str, ...] = ()
    vocabulary: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    values: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, value: str) -> str:
        return self.labels.get(value, value)


@dataclass(frozen=True)
class Indicator:
    id: str
    objective: str
    title: str
    placement: str


@dataclass(frozen=True)
class Objective:
    id: str
    general: str
    title: str


@dataclass(frozen=True)
class Referentiel:
    levels: dict[int, str]
    general_objectives: dict[str, str]
    objectives: tuple[Objective, ...]
    indicators: tuple[Indicator, ...]

    def indicator_ids(self) -> list[str]:
        return [i.id for i in self.indicators]


@dataclass(frozen=True)
class Grid:
    path: str
    sections: tuple[SectionSpec, ...]
    fields: dict[str, FieldSpec]
    vocabularies: dict[str, Vocabulary]
    gap_names: tuple[str, ...]
    unknown_keys: tuple[str, ...]
    referentiel: Referentiel

    def section(self, section_id: str) -> SectionSpec:
        return self._section_by_id[section_id]

    @cached_property
    def section_ids(self) -> list[str]:
        return [s.id for s in self.sections]

    @cached_property
    def _heading_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for spec in self.sections:
            for name in (spec.title, *spec.aliases, spec.id):
                index.setdefault(normalise(name), spec.id)
        return index

    def heading_index(self) -> dict[str, str]:
        """Normalised title, alias or id -> section id."""
        return self._heading_index

    @cached_property
    def _section_by_id(self) -> dict[str, SectionSpec]:
        return {s.id: s for s in self.sections}

    def allowed_values(self, spec: FieldSpec) -> tuple[str, ...]:
        if spec.vocabulary:
            return self.vocabularies[spec.vocabulary].values
        return spec.values


def default_grid_path() -> Path:
    from ptce_mono.sources.resources import default_resource

    return default_resource("grid") / "grid.yaml"


def load_grid(path: str | Path | None = None) -> Grid:
    """Read and validate a grid file; raise GridError listing every problem found."""
    grid_path = Path(path) if path else default_grid_path()
    shown = str(grid_path)
    problems = ProblemList(shown)
    try:
        text = read_text(grid_path.absolute(), grid_path.absolute().parent)
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(Position(), "grid-unreadable", _("cannot read the grid: {reason}").format(reason=exc))
        raise GridError(problems.items) from None
    root = load_yaml(text, problems)
    if root is None or problems.items:
        raise GridError(problems.items or [_fallback(shown)])
    values = Reader(problems).read(root, _grid_spec())
    grid = _GridBuilder(values, problems).build(shown) if isinstance(values, dict) else None
    if grid is None or any(p.severity == Severity.ERROR for p in problems.items):
        raise GridError(problems.items or [_fallback(shown)])
    return grid


def _fallback(path: str) -> Problem:
    return Problem(path, Position(), Severity.ERROR, "grid-invalid", _("the grid is invalid"))


def _text_list() -> ListOf:
    return ListOf(Text())


def _positioned(values: dict[str, Any], at: At) -> tuple[dict[str, Any], Position]:
    return values, at.position


def _grid_spec() -> Record:
    section = Record(
        (
            required("id", Text()),
            required("title", Text()),
            optional("aliases", _text_list(), []),
            optional("required", Text(flag), False),
            optional("min_words", Text(whole_number), 0),
            optional("pillar", Text()),
            optional("informs", _text_list(), []),
            optional("questions", _text_list(), []),
        ),
        finish=_positioned,
    )
    vocabulary = Record(
        (
            optional("description", Text(), ""),
            optional("values", by_shape(None, MapOf(Text()), _text_list(), N_("a list or a mapping")), []),
        )
    )
    field_spec = Record(
        (
            required("type", Text()),
            optional("of", Text()),
            optional("required", Text(flag), False),
            optional("description", Text(), ""),
            optional("values", _text_list(), []),
        ),
        finish=_positioned,
    )
    gap_marker = Record((optional("names", _text_list(), []), optional("unknown_keys", _text_list(), [])))
    referentiel = Record(
        (
            optional("levels", MapOf(Text()), {}),
            optional(
                "general_objectives", ListOf(Record((required("id", Text()), required("title", Text())))), []
            ),
            optional(
                "objectives",
                ListOf(
                    Record(
                        (required("id", Text()), required("general", Text()), required("title", Text())),
                        finish=_positioned,
                    )
                ),
                [],
            ),
            optional(
                "indicators",
                ListOf(
                    Record(
                        (
                            required("id", Text()),
                            required("objective", Text()),
                            required("title", Text()),
                            optional("placement", Text(), "stated"),
                        ),
                        finish=_positioned,
                    )
                ),
                [],
            ),
        ),
        finish=_positioned,
    )
    return Record(
        (
            optional("version", Text()),
            optional("gap_marker", gap_marker, {}),
            required("sections", ListOf(section, min_items=1, too_few_code="grid-empty")),
            required("vocabularies", MapOf(vocabulary)),
            required("fields", MapOf(field_spec)),
            required("referentiel", referentiel),
        ),
        label=N_("the grid"),
        partial=True,
    )


class _GridBuilder:
    """The grid's cross-references, checked once every part is read: headings, types, référentiel."""

    def __init__(self, values: dict[str, Any], problems: ProblemList) -> None:
        self.values = values
        self.problems = problems

    def build(self, path: str) -> Grid | None:
        sections = self.sections()
        vocabularies = {
            name: Vocabulary(
                name,
                raw["description"],
                tuple(raw["values"]),
                raw["values"] if isinstance(raw["values"], dict) else {},
            )
            for name, raw in self.values.get("vocabularies", {}).items()
        }
        fields = self.fields(vocabularies)
        gap = self.values.get("gap_marker", {})
        gap_names = tuple(gap.get("names") or ("lacune",))
        unknown_keys = tuple(gap.get("unknown_keys") or ("inconnu",))
        if "referentiel" not in self.values:
            return None
        referentiel = self.referentiel(sections)
        return Grid(path, tuple(sections), fields, vocabularies, gap_names, unknown_keys, referentiel)

    def sections(self) -> list[SectionSpec]:
        specs: list[SectionSpec] = []
        seen_names: dict[str, str] = {}
        for raw, position in self.values.get("sections", []):
            spec = SectionSpec(
                id=raw["id"],
                title=raw["title"],
                aliases=tuple(raw["aliases"]),
                required=raw["required"],
                min_words=raw["min_words"],
                pillar=raw.get("pillar"),
                informs=tuple(raw["informs"]),
                questions=tuple(raw["questions"]),
            )
            for name in (spec.id, spec.title, *spec.aliases):
                key = normalise(name)
                if key in seen_names and seen_names[key] != spec.id:
                    self.problems.error(
                        position,
                        "grid-ambiguous-heading",
                        _("`{name}` names both `{first}` and `{second}`").format(
                            name=name, first=seen_names[key], second=spec.id
                        ),
                    )
                seen_names[key] = spec.id
            specs.append(spec)
        return specs

    def fields(self, vocabularies: dict[str, Vocabulary]) -> dict[str, FieldSpec]:
        result: dict[str, FieldSpec] = {}
        for name, (raw, position) in self.values.get("fields", {}).items():
            kind, vocabulary = raw["type"], raw.get("of")
            if kind not in FIELD_TYPES:
                message = _("field `{field}` has unknown type `{type}`").format(field=name, type=kind)
                self.problems.error(position, "grid-field-type", message)
            if vocabulary and vocabulary not in vocabularies:
                self.problems.error(
                    position,
                    "grid-vocabulary",
                    _("field `{field}` refers to unknown vocabulary `{vocabulary}`").format(
                        field=name, vocabulary=vocabulary
                    ),
                )
            result[name] = FieldSpec(
                name, kind, raw["required"], raw["description"], tuple(raw["values"]), vocabulary
            )
        return result

    def referentiel(self, sections: list[SectionSpec]) -> Referentiel:
        raw, position = self.values["referentiel"]
        levels = {int(key): text for key, text in raw["levels"].items() if key.isdigit()}
        general = {item["id"]: item["title"] for item in raw["general_objectives"]}
        objectives = []
        for item, at in raw["objectives"]:
            objectives.append(Objective(item["id"], item["general"], item["title"]))
            if item["general"] not in general:
                message = _("objective `{objective}` has unknown general objective `{general}`").format(
                    objective=item["id"], general=item["general"]
                )
                self.problems.error(at, "grid-referentiel", message)
        objective_ids = {o.id for o in objectives}
        indicators = []
        for item, at in raw["indicators"]:
            indicators.append(Indicator(item["id"], item["objective"], item["title"], item["placement"]))
            if item["objective"] not in objective_ids:
                message = _("indicator `{indicator}` has unknown objective `{objective}`").format(
                    indicator=item["id"], objective=item["objective"]
                )
                self.problems.error(at, "grid-referentiel", message)
        for spec in sections:
            for letter in spec.informs:
                if letter not in objective_ids:
                    message = _("section `{section}` informs unknown objective `{objective}`").format(
                        section=spec.id, objective=letter
                    )
                    self.problems.error(position, "grid-referentiel", message)
        return Referentiel(levels, general, tuple(objectives), tuple(indicators))
