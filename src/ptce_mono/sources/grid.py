"""Load stage: the analysis grid (sections, fields, vocabularies, référentiel) from YAML data."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ptce_mono.core.errors import GridError
from ptce_mono.core.problems import Position, Problem, ProblemList, Severity
from ptce_mono.core.project_files import read_text
from ptce_mono.core.text import normalise
from ptce_mono.sources.yamlsafe import Mapping, Scalar, Sequence, YValue, load_yaml, to_plain

FIELD_TYPES = {
    "slug",
    "text",
    "motto",
    "choice",
    "location",
    "list",
    "year",
    "count",
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
        text = read_text(grid_path, grid_path.parent)
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(Position(), "grid-unreadable", f"cannot read the grid: {exc}")
        raise GridError(problems.items) from None
    root = load_yaml(text, problems)
    if root is None or problems.items:
        raise GridError(problems.items or [_fallback(shown)])
    grid = _GridReader(root, problems).read(shown)
    if grid is None or any(p.severity == Severity.ERROR for p in problems.items):
        raise GridError(problems.items or [_fallback(shown)])
    return grid


def _fallback(path: str) -> Problem:
    return Problem(path, Position(), Severity.ERROR, "grid-invalid", "the grid is invalid")


class _GridReader:
    def __init__(self, root: Mapping, problems: ProblemList) -> None:
        self.root = root
        self.problems = problems

    def need(self, mapping: Mapping, key: str, kind: type) -> YValue | None:
        value = mapping.get(key)
        if value is None:
            self.problems.error(mapping.position, "grid-missing", f"the grid needs `{key}` here")
            return None
        if not isinstance(value, kind):
            self.problems.error(value.position, "grid-type", f"`{key}` must be a {kind.__name__.lower()}")
            return None
        return value

    def text(self, mapping: Mapping, key: str, default: str | None = None) -> str:
        value = mapping.get(key)
        if value is None:
            if default is None:
                self.problems.error(mapping.position, "grid-missing", f"the grid needs `{key}` here")
            return default or ""
        if not isinstance(value, Scalar):
            self.problems.error(value.position, "grid-type", f"`{key}` must be text")
            return ""
        if value.is_null:
            return default or ""
        return value.text

    def strings(self, mapping: Mapping, key: str) -> tuple[str, ...]:
        value = mapping.get(key)
        if value is None:
            return ()
        plain = to_plain(value)
        if not isinstance(plain, list) or not all(isinstance(v, str) for v in plain):
            self.problems.error(value.position, "grid-type", f"`{key}` must be a list of texts")
            return ()
        return tuple(plain)

    def flag(self, mapping: Mapping, key: str) -> bool:
        raw = self.text(mapping, key, "false").lower()
        if raw not in ("true", "false"):
            value = mapping.get(key)
            self.problems.error(
                value.position if value else mapping.position, "grid-type", f"`{key}` must be true or false"
            )
        return raw == "true"

    def read(self, path: str) -> Grid | None:
        sections = self.read_sections()
        vocabularies = self.read_vocabularies()
        fields = self.read_fields(vocabularies)
        gap = self.root.get("gap_marker")
        gap_names: tuple[str, ...] = ("lacune",)
        unknown_keys: tuple[str, ...] = ("inconnu",)
        if isinstance(gap, Mapping):
            gap_names = self.strings(gap, "names") or gap_names
            unknown_keys = self.strings(gap, "unknown_keys") or unknown_keys
        referentiel = self.read_referentiel(sections)
        if referentiel is None:
            return None
        return Grid(path, tuple(sections), fields, vocabularies, gap_names, unknown_keys, referentiel)

    def read_sections(self) -> list[SectionSpec]:
        raw = self.need(self.root, "sections", Sequence)
        specs: list[SectionSpec] = []
        seen_names: dict[str, str] = {}
        for item in raw.items if isinstance(raw, Sequence) else []:
            if not isinstance(item, Mapping):
                self.problems.error(item.position, "grid-type", "each section must be a mapping")
                continue
            min_words_text = self.text(item, "min_words", "0")
            if not min_words_text.isdigit():
                self.problems.error(item.position, "grid-type", "`min_words` must be a whole number")
            spec = SectionSpec(
                id=self.text(item, "id"),
                title=self.text(item, "title"),
                aliases=self.strings(item, "aliases"),
                required=self.flag(item, "required"),
                min_words=int(min_words_text) if min_words_text.isdigit() else 0,
                pillar=(self.text(item, "pillar", "") or None),
                informs=self.strings(item, "informs"),
                questions=self.strings(item, "questions"),
            )
            for name in (spec.id, spec.title, *spec.aliases):
                key = normalise(name)
                if key in seen_names and seen_names[key] != spec.id:
                    self.problems.error(
                        item.position,
                        "grid-ambiguous-heading",
                        f"`{name}` names both `{seen_names[key]}` and `{spec.id}`",
                    )
                seen_names[key] = spec.id
            specs.append(spec)
        if isinstance(raw, Sequence) and not specs:
            self.problems.error(raw.position, "grid-empty", "the grid defines no section")
        return specs

    def read_vocabularies(self) -> dict[str, Vocabulary]:
        raw = self.need(self.root, "vocabularies", Mapping)
        result: dict[str, Vocabulary] = {}
        for name, entry in raw.entries.items() if isinstance(raw, Mapping) else []:
            value = entry.value
            if not isinstance(value, Mapping):
                self.problems.error(value.position, "grid-type", f"vocabulary `{name}` must be a mapping")
                continue
            values = value.get("values")
            labels: dict[str, str] = {}
            if isinstance(values, Mapping):
                labels = {k: str(to_plain(e.value)) for k, e in values.entries.items()}
                keys = tuple(values.order)
            else:
                keys = self.strings(value, "values")
            result[name] = Vocabulary(name, self.text(value, "description", ""), keys, labels)
        return result

    def read_fields(self, vocabularies: dict[str, Vocabulary]) -> dict[str, FieldSpec]:
        raw = self.need(self.root, "fields", Mapping)
        result: dict[str, FieldSpec] = {}
        for name, entry in raw.entries.items() if isinstance(raw, Mapping) else []:
            value = entry.value
            if not isinstance(value, Mapping):
                self.problems.error(value.position, "grid-type", f"field `{name}` must be a mapping")
                continue
            kind = self.text(value, "type")
            if kind and kind not in FIELD_TYPES:
                self.problems.error(
                    value.position, "grid-field-type", f"field `{name}` has unknown type `{kind}`"
                )
            vocabulary = self.text(value, "of", "") or None
            if vocabulary and vocabulary not in vocabularies:
                self.problems.error(
                    value.position,
                    "grid-vocabulary",
                    f"field `{name}` refers to unknown vocabulary `{vocabulary}`",
                )
            result[name] = FieldSpec(
                name=name,
                type=kind,
                required=self.flag(value, "required"),
                description=self.text(value, "description", ""),
                values=self.strings(value, "values"),
                vocabulary=vocabulary,
            )
        return result

    def read_referentiel(self, sections: list[SectionSpec]) -> Referentiel | None:
        raw = self.need(self.root, "referentiel", Mapping)
        if not isinstance(raw, Mapping):
            return None
        levels_raw = raw.get("levels")
        levels: dict[int, str] = {}
        if isinstance(levels_raw, Mapping):
            for key, entry in levels_raw.entries.items():
                if key.isdigit():
                    levels[int(key)] = str(to_plain(entry.value))
        general = {}
        for item in _items(raw.get("general_objectives")):
            general[self.text(item, "id")] = self.text(item, "title")
        objectives = tuple(
            Objective(self.text(i, "id"), self.text(i, "general"), self.text(i, "title"))
            for i in _items(raw.get("objectives"))
        )
        objective_ids = {o.id for o in objectives}
        for obj, item in zip(objectives, _items(raw.get("objectives")), strict=False):
            if obj.general not in general:
                self.problems.error(
                    item.position,
                    "grid-referentiel",
                    f"objective `{obj.id}` has unknown general objective `{obj.general}`",
                )
        indicators = []
        for item in _items(raw.get("indicators")):
            ind = Indicator(
                self.text(item, "id"),
                self.text(item, "objective"),
                self.text(item, "title"),
                self.text(item, "placement", "stated"),
            )
            if ind.objective not in objective_ids:
                self.problems.error(
                    item.position,
                    "grid-referentiel",
                    f"indicator `{ind.id}` has unknown objective `{ind.objective}`",
                )
            indicators.append(ind)
        for spec in sections:
            for letter in spec.informs:
                if letter not in objective_ids:
                    self.problems.error(
                        raw.position,
                        "grid-referentiel",
                        f"section `{spec.id}` informs unknown objective `{letter}`",
                    )
        return Referentiel(levels, general, objectives, tuple(indicators))


def _items(value: YValue | None) -> list[Mapping]:
    if isinstance(value, Sequence):
        return [v for v in value.items if isinstance(v, Mapping)]
    return []
