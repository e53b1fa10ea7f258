"""Front matter: the grid's field types as reader specs, and the reading of one front matter.

The grid names a type for every field (`count`, `location`, `sources`...); `field_spec` turns it
into a spec of `sources/reader.py` built from the converters of `sources/fields.py`.
"""

from __future__ import annotations

from typing import Any

from ptce_mono.core.i18n import N_, _, current_language
from ptce_mono.core.problems import Position, ProblemList
from ptce_mono.sources.dated import count_spec, counts_spec, funding_spec, members_spec, people_spec
from ptce_mono.sources.fields import (
    AuthorityRole,
    between,
    citation,
    departement,
    level,
    month,
    slug,
    source_date,
    url,
    year,
)
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
    Variant,
    by_shape,
    optional,
    required,
)
from ptce_mono.sources.yamlsafe import Mapping, YValue

# The vocabulary whose list items may name the authority holding the role: `{role: ..., by: ...}`.
ROLE_VOCABULARY = "local_authority_role"


# -- grid field types -> specs ------------------------------------------------------------------


def _motto_record(values: dict[str, Any], at: At) -> dict[str, str]:
    return {"text": values["text"].strip('«» "“”'), "attribution": values["attribution"]}


def _swot_item(values: dict[str, Any], at: At) -> dict[str, Any]:
    if at.mapping is not None and "theme" not in at.mapping.entries:
        at.warning(
            "swot-no-theme",
            _("`{name}` has no `theme`").format(name=at.name),
            _("Without a theme the item cannot be grouped across poles."),
        )
    where = at.position
    if at.mapping is not None and "text" in at.mapping.entries:
        where = at.mapping.entries["text"].value.position
    return {
        "text": values["text"],
        "theme": values.get("theme"),
        "section": values.get("section"),
        "line": at.position.line,
        "text_line": where.line,
        "text_column": where.column,
    }


def _swot(values: dict[str, Any], at: At) -> dict[str, list[dict[str, Any]]]:
    return {quadrant: values.get(quadrant) or [] for quadrant in SWOT_QUADRANTS}


def _list(grid: Grid, spec: FieldSpec) -> ListOf:
    allowed = grid.allowed_values(spec)
    item: Spec = Choice(allowed) if allowed else Text()
    if spec.vocabulary == ROLE_VOCABULARY:
        role = Choice(allowed, make_at=lambda text, position: AuthorityRole(text, position=position))
        held = Record(
            (
                required("role", Choice(allowed)),
                optional("by", Text(), ""),
                optional("as_of", Text(year, N_("a year"))),
                optional("source", Text(citation, N_("a citation"))),
            ),
            finish=lambda values, at: AuthorityRole(
                values["role"], values["by"], values.get("as_of"), values.get("source"), at.position
            ),
        )
        item = by_shape(role, held, what=N_("a role or `{role: ..., by: ..., as_of: ...}`"))
    hint = _("Write `{field}: [first, second]`, or one `- item` per line.").format(field=spec.name)
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
    # A bibliography entry cited by its key, resolved against the bibliography later. Until then
    # the keys of a full entry are there, empty, so that what prints a full entry prints nothing.
    cited = Record(
        (required("key", Text()), optional("note", Text(), ""), optional("locator", Text(), "")),
        finish=_cited_entry,
    )

    def choose(value: YValue) -> Spec | None:
        if not isinstance(value, Mapping):
            return None
        return cited if "key" in value.entries else full

    entry = Variant(choose, N_("a mapping"))
    hint = _("Write one `- title: ...` entry per source.")
    return ListOf(entry, hint, min_items=1, too_few_code="no-sources")


def _cited_entry(values: dict[str, Any], at: At) -> dict[str, Any]:
    """A source cited by its key; where the key is written, so that an unknown key points there."""
    where = at.position
    if at.mapping is not None and "key" in at.mapping.entries:
        where = at.mapping.entries["key"].value.position
    empty = {"title": "", "publisher": "", "date": "", "kind": "", "url": ""}
    return {**empty, **values, "line": str(where.line), "column": str(where.column)}


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
        return Text(year, N_("a year"))
    if kind == "month":
        return Text(month, N_("a date"))
    if kind == "count":
        return count_spec(grid.allowed_values(spec))
    if kind == "counts":
        return counts_spec(grid.allowed_values(spec))
    if kind == "members":
        return members_spec(grid.allowed_values(spec))
    if kind == "funding":
        return funding_spec(grid.allowed_values(spec))
    if kind == "motto":
        record = Record((required("text", Text()), optional("attribution", Text(), "")), finish=_motto_record)
        return by_shape(Text(lambda text, at: {"text": text, "attribution": ""}), record, what=N_("a text"))
    if kind == "location":
        return _location(grid)
    if kind == "people":
        return people_spec()
    if kind == "sources":
        return _sources(grid)
    if kind == "summaries":
        return MapOf(Text(), tuple(grid.section_ids), "unknown-section", N_("a grid section"))
    if kind == "swot":
        return _swot_spec(grid)
    if kind == "scores":
        ids = tuple(grid.referentiel.indicator_ids())
        return MapOf(Text(level), ids, "unknown-indicator", N_("a référentiel indicator"))
    return Text()


def _location(grid: Grid) -> Record:
    coordinates = Record((required("lat", between(-90.0, 90.0)), required("lon", between(-180.0, 180.0))))
    return Record(
        (
            required("commune", Text()),
            required("departement", Text(departement), _('Its code, e.g. `departement: "40"`.')),
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


# Built once per grid and language: the specs carry their hints already translated.
_SPECS: dict[tuple[int, str], tuple[Grid, Record]] = {}


def front_matter_spec(grid: Grid) -> Record:
    """The front matter as the grid describes it (built once per grid)."""
    key = (id(grid), current_language())
    cached = _SPECS.get(key)
    if cached is not None and cached[0] is grid:
        return cached[1]
    unknown = (grid.unknown_keys or ("inconnu",))[0]
    fields = tuple(
        Field(
            name,
            field_spec(grid, spec),
            required=spec.required,
            hint=_('{description} If the sources do not give it, write `{field}: {{{unknown}: "raison"}}`.')
            .format(description=spec.description, field=name, unknown=unknown)
            .strip(),
            may_be_unknown=True,
        )
        for name, spec in grid.fields.items()
    )
    hint = _("See the fields listed in the grid (ptce-mono schema).")
    record = Record(fields, N_("the front matter"), hint, partial=True)
    if len(_SPECS) >= 8:  # a long-running preview loads a new grid at each edit
        _SPECS.clear()
    _SPECS[key] = (grid, record)
    return record


def read_front_matter(
    front: Mapping, grid: Grid, problems: ProblemList, fence_position: Position
) -> dict[str, Any]:
    """The checked front-matter values; a missing field is reported on the opening `---`."""
    meta = Reader(problems, grid.unknown_keys).read(front, front_matter_spec(grid), missing_at=fence_position)
    return meta if isinstance(meta, dict) else {}


__all__ = ["field_spec", "front_matter_spec", "read_front_matter"]
