"""Front-matter values: each grid field type as a reader spec, and the values it produces.

The grid names a type for every front-matter field (`count`, `location`, `sources`...); `field_spec`
turns it into a spec of `sources/reader.py`, whose converters below check the text the author
typed and build the plain value (`Count`, `AuthorityRole`, dicts, lists).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ptce_mono.core.problems import Position, ProblemList
from ptce_mono.core.text import SLUG, normalise
from ptce_mono.sources.grid import SWOT_QUADRANTS, FieldSpec, Grid
from ptce_mono.sources.reader import (
    At,
    Choice,
    Field,
    ListOf,
    MapOf,
    Reader,
    Record,
    Spec,
    Text,
    Unknown,
    Variant,
    by_shape,
    optional,
    required,
)
from ptce_mono.sources.yamlsafe import Mapping, YValue

COUNT_QUALIFIERS = ("environ", "près de", "plus de", "moins de", "au moins")
# The vocabulary whose list items may name the authority holding the role: `{role: ..., by: ...}`.
ROLE_VOCABULARY = "local_authority_role"


@dataclass(frozen=True, order=True)
class Count:
    """A count as the source gives it: exact (`20`), approximate (`environ 20`), with a unit and a note."""

    value: int
    qualifier: str = ""
    unit: str = ""  # what is counted when the source says (`ETP`)
    note: str = ""  # the source's precision (`cumulés, 2012`)

    def __str__(self) -> str:
        text = " ".join(part for part in (self.qualifier, str(self.value), self.unit) if part)
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class AuthorityRole:
    """A local authority's role (a vocabulary id) and, when the source names it, the authority."""

    role: str
    authority: str = ""

    def __str__(self) -> str:
        return self.role


_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")
_COUNT = re.compile(
    rf"^(?:({'|'.join(COUNT_QUALIFIERS)})\s*)?(\d+)(?:\s+([^\W\d_].*))?$", re.IGNORECASE | re.DOTALL
)
_SOURCE_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:\s*[-–/]\s*\d{4})?$")
_PERCENT = re.compile(r"^(\d{1,3})(?:[.,]\d+)?\s*%?$")

# -- converters: the stripped text -> the value, or None after reporting ---------------------------


def slug(text: str, at: At) -> str | None:
    if SLUG.match(text):
        return text
    at.error(
        "bad-id",
        f"`{at.name}` must be lower-case letters, digits and hyphens, found `{text}`",
        f"For example `{_suggest_slug(text)}`.",
    )
    return None


def year(text: str, at: At) -> int | None:
    if _YEAR.match(text):
        return int(text)
    at.error("bad-year", f"`{at.name}` must be a four-digit year, found `{text}`")
    return None


def count(text: str, at: At) -> Count | None:
    match = _COUNT.match(text)
    if not match:
        at.error(
            "bad-count",
            f"`{at.name}` must be a whole number, found `{text}`",
            "Write `20`, `environ 20` or `plus de 30` when the source is approximate, `85 ETP` with a "
            'unit, or `{value: 400, unit: ETP, note: "cumulés, 2012"}`.',
        )
        return None
    unit = " ".join((match.group(3) or "").split())
    return Count(int(match.group(2)), (match.group(1) or "").lower(), unit)


def whole_number(text: str, at: At) -> int | None:
    if text.isdigit():
        return int(text)
    at.error("bad-value", f"`{at.name}` must be a whole number, found `{text}`")
    return None


def month(text: str, at: At) -> str | None:
    match = _MONTH.match(text)
    if match:
        year_, month_, day = int(match.group(1)), int(match.group(2)), match.group(3)
        try:
            dt.date(year_, month_, int(day) if day else 1)
            return text
        except ValueError:
            pass
    at.error("bad-date", f"`{at.name}` must be a real date written YYYY-MM or YYYY-MM-DD, found `{text}`")
    return None


def departement(text: str, at: At) -> str | None:
    code = text.zfill(2)
    if _DEPARTEMENT.match(code):
        return code
    at.error(
        "bad-value",
        f'`{at.name}` must be a département code such as "40", "2A" or "974"',
        'Quote it so that YAML keeps the leading zero: departement: "01".',
    )
    return None


def between(low: float, high: float) -> Text:
    def number(text: str, at: At) -> float | None:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if low <= value <= high:
            return value
        at.error("bad-value", f"`{at.name}` must be a number between {low:g} and {high:g}")
        return None

    return Text(number, "a number")


def share(text: str, at: At) -> int | None:
    match = _PERCENT.match(text)
    if match and int(match.group(1)) <= 100:
        return int(match.group(1))
    at.error("bad-value", f"`{at.name}` must be a share from 0 to 100 %")
    return None


def source_date(text: str, at: At) -> str | None:
    if _SOURCE_DATE.match(text):
        return text
    at.error(
        "bad-date",
        f"source date `{text}` is not YYYY, YYYY-MM, YYYY-MM-DD or a range like 2013-2014",
    )
    return None


def url(text: str, at: At) -> str | None:
    if text.startswith(("http://", "https://")):
        return text
    at.error("bad-url", f"`{at.name}` must start with http:// or https://")
    return None


def level(text: str, at: At) -> int | None:
    if text in ("1", "2", "3", "4"):
        return int(text)
    at.error("bad-score", f"`{at.name}` must be a level from 1 to 4")
    return None


def _suggest_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-") or "mon-pole"


# -- grid field types -> specs ------------------------------------------------------------------


def _motto_record(values: dict[str, Any], at: At) -> dict[str, str]:
    return {"text": values["text"].strip('«» "“”'), "attribution": values["attribution"]}


def _count_record(values: dict[str, Any], at: At) -> Count:
    return Count(values["value"], values["qualifier"], values["unit"], values["note"])


def _swot_item(values: dict[str, Any], at: At) -> dict[str, Any]:
    if at.mapping is not None and "theme" not in at.mapping.entries:
        at.warning(
            "swot-no-theme",
            f"`{at.name}` has no `theme`",
            "Without a theme the item cannot be grouped across poles.",
        )
    return {
        "text": values["text"],
        "theme": values.get("theme"),
        "section": values.get("section"),
        "line": at.position.line,
    }


def _swot(values: dict[str, Any], at: At) -> dict[str, list[dict[str, Any]]]:
    return {quadrant: values.get(quadrant) or [] for quadrant in SWOT_QUADRANTS}


def _list(grid: Grid, spec: FieldSpec) -> ListOf:
    allowed = grid.allowed_values(spec)
    item: Spec = Choice(allowed) if allowed else Text()
    if spec.vocabulary == ROLE_VOCABULARY:
        role = Choice(allowed, make=AuthorityRole)
        held = Record(
            (required("role", Choice(allowed)), optional("by", Text(), "")),
            finish=lambda values, at: AuthorityRole(values["role"], values["by"]),
        )
        item = by_shape(role, held, what="a role or `{role: ..., by: ...}`")
    hint = f"Write `{spec.name}: [first, second]`, or one `- item` per line."
    return ListOf(item, hint, unique=lambda value: value)


def _sources(grid: Grid) -> ListOf:
    kinds = grid.vocabularies["source_kind"].values
    full = Record(
        (
            required("title", Text()),
            required("publisher", Text()),
            required("date", Text(source_date)),
            required("kind", Choice(kinds)),
            optional("url", Text(url), ""),
            optional("note", Text(), ""),
        )
    )
    # A bibliography entry cited by its key; the key is resolved against the bibliography later.
    cited = Record(
        (required("key", Text()), optional("note", Text(), ""), optional("locator", Text(), "")),
        finish=lambda values, at: {"title": "", "publisher": "", "date": "", "kind": "", "url": "", **values},
    )
    def choose(value: YValue) -> Spec | None:
        if not isinstance(value, Mapping):
            return None
        return cited if "key" in value.entries else full

    entry = Variant(choose, "a mapping")
    return ListOf(entry, "Write one `- title: ...` entry per source.", min_items=1, too_few_code="no-sources")


def field_spec(grid: Grid, spec: FieldSpec) -> Spec:
    """The reader spec of a grid field type."""
    kind = spec.type
    if kind == "slug":
        return Text(slug)
    if kind == "choice":
        return Choice(grid.allowed_values(spec))
    if kind == "list":
        return _list(grid, spec)
    if kind == "year":
        return Text(year, "a year")
    if kind == "month":
        return Text(month, "a date")
    if kind == "count":
        counted = Record(
            (
                required("value", Text(whole_number, "a whole number")),
                optional("unit", Text(), ""),
                optional("qualifier", Choice(COUNT_QUALIFIERS), ""),
                optional("note", Text(), ""),
            ),
            finish=_count_record,
        )
        return by_shape(Text(count), counted, what="a number or `{value: ..., unit: ...}`")
    if kind == "motto":
        record = Record(
            (required("text", Text()), optional("attribution", Text(), "")), finish=_motto_record
        )
        return by_shape(Text(lambda text, at: {"text": text, "attribution": ""}), record, what="a text")
    if kind == "location":
        return _location(grid)
    if kind == "people":
        return ListOf(Record((required("name", Text()), required("role", Text()))))
    if kind == "sources":
        return _sources(grid)
    if kind == "summaries":
        return MapOf(Text(), tuple(grid.section_ids), "unknown-section", "a grid section")
    if kind == "swot":
        return _swot_spec(grid)
    if kind == "scores":
        ids = tuple(grid.referentiel.indicator_ids())
        return MapOf(Text(level), ids, "unknown-indicator", "a référentiel indicator")
    if kind == "funding":
        return Record(
            (
                optional("self_financing", Text(share)),
                optional("public", Text(share)),
                optional("note", Text(), ""),
            )
        )
    return Text()


def _location(grid: Grid) -> Record:
    coordinates = Record((required("lat", between(-90.0, 90.0)), required("lon", between(-180.0, 180.0))))
    return Record(
        (
            required("commune", Text()),
            required("departement", Text(departement), 'its code, e.g. "40"'),
            required("region_study", Choice(grid.vocabularies["region_study"].values)),
            required("region_today", Choice(grid.vocabularies["region_today"].values)),
            optional("coordinates", by_shape(mapping=coordinates, what="`{lat: 43.5, lon: -1.46}`")),
        ),
        partial=True,
    )


def _swot_spec(grid: Grid) -> Record:
    themes = grid.vocabularies["swot_theme"].values
    item = Record(
        (
            required("text", Text()),
            optional("theme", Choice(themes)),
            optional("section", Choice(tuple(grid.section_ids), code="unknown-section")),
        ),
        finish=_swot_item,
    )
    return Record(tuple(optional(q, ListOf(item)) for q in SWOT_QUADRANTS), finish=_swot)


_SPECS: dict[int, tuple[Grid, Record]] = {}


def front_matter_spec(grid: Grid) -> Record:
    """The front matter as the grid describes it (built once per grid)."""
    cached = _SPECS.get(id(grid))
    if cached is not None and cached[0] is grid:
        return cached[1]
    fields = tuple(
        Field(
            name,
            field_spec(grid, spec),
            required=spec.required,
            hint=f"{spec.description} If the sources do not give it, write "
            f'`{name}: {{{(grid.unknown_keys or ("inconnu",))[0]}: "raison"}}`.',
            may_be_unknown=True,
        )
        for name, spec in grid.fields.items()
    )
    hint = "See the fields listed in the grid (ptce-mono schema)."
    record = Record(fields, "the front matter", hint, partial=True)
    _SPECS[id(grid)] = (grid, record)
    return record


def read_front_matter(
    front: Mapping, grid: Grid, problems: ProblemList, fence_position: Position
) -> dict[str, Any]:
    """The checked front-matter values; a missing field is reported on the opening `---`."""
    meta = Reader(problems, grid.unknown_keys).read(front, front_matter_spec(grid), missing_at=fence_position)
    return meta if isinstance(meta, dict) else {}


__all__ = ["AuthorityRole", "Count", "Unknown", "front_matter_spec", "read_front_matter"]
