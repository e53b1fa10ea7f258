"""`ptce-mono schema`: the front matter as JSON Schema, generated from the grid.

Editors' YAML extensions and `check-jsonschema` use it to validate while authors type. Values
that the grid lets an author declare unknown accept `{inconnu: "raison"}` as well.
"""

from __future__ import annotations

from typing import Any

from ptce_mono.core.text import SLUG_PATTERN
from ptce_mono.sources.fields import COUNT_QUALIFIERS
from ptce_mono.sources.frontmatter import ROLE_VOCABULARY
from ptce_mono.sources.grid import SWOT_QUADRANTS, FieldSpec, Grid

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _unknown(grid: Grid) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Valeur que les sources ne donnent pas, avec la raison.",
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
        "properties": {key: {"type": "string", "minLength": 1} for key in grid.unknown_keys},
    }


def _text(**extra: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, **extra}


_YEAR: dict[str, Any] = {"type": "integer", "minimum": 1800, "maximum": 2099}
# A citation in pandoc's syntax, quoted: `"[@key, p. 4]"`.
_CITATION: dict[str, Any] = {"type": "string", "pattern": "@"}


def _choice(allowed: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {"enum": list(allowed)} if allowed else _text()


def _record(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


def _count(units: list[str]) -> dict[str, Any]:
    """A count: the old forms (a number, `environ 20`, `85 ETP`, `{value, unit, qualifier, note}`)
    take any unit; a dated record (with `as_of`, `scope` or `source`) takes the grid's units."""
    qualifiers = "|".join(COUNT_QUALIFIERS)
    old = _record(
        ["value"],
        value={"type": "integer", "minimum": 0},
        unit=_text(),
        qualifier={"enum": list(COUNT_QUALIFIERS)},
        note=_text(),
    )
    dated = _record(
        ["value"],
        value={"type": "integer", "minimum": 0},
        unit=_choice(units),
        qualifier={"enum": list(COUNT_QUALIFIERS)},
        note=_text(),
        as_of=_YEAR,
        scope=_text(),
        source=_CITATION,
    )
    dated["anyOf"] = [{"required": [key]} for key in ("as_of", "scope", "source")]
    return {
        "anyOf": [
            {"type": "integer", "minimum": 0},
            # `environ 20`, `85 ETP`, `environ 85 ETP`: the unit is the trailing words
            _text(pattern=f"^(({qualifiers}) ?)?[0-9]+( +[^0-9 ].*)?$"),
            old,
            dated,
        ]
    }


def _funding(categories: list[str]) -> dict[str, Any]:
    old_share = {"type": "integer", "minimum": 0, "maximum": 100}
    old = _record([], self_financing=old_share, public=old_share, note=_text())
    old["anyOf"] = [{"required": ["self_financing"]}, {"required": ["public"]}]
    amount = {"type": "integer", "minimum": 0}
    line = _record(
        ["category", "share"],
        category=_choice(categories),
        share={"type": "number", "minimum": 0, "maximum": 100},
        amount=amount,
        as_of=_YEAR,
        source=_CITATION,
    )
    new = _record(
        [],
        as_of=_YEAR,
        source=_CITATION,
        budget=_record(["amount"], amount=amount, as_of=_YEAR, source=_CITATION),
        shares={"type": "array", "items": line},
        note=_text(),
    )
    # The shares' total (100 % ± 1) is checked by `check`, not by the schema.
    return {"anyOf": [old, new]}


def _field_schema(spec: FieldSpec, grid: Grid) -> dict[str, Any]:
    allowed = list(grid.allowed_values(spec))
    kind = spec.type
    if kind == "slug":
        schema = _text(pattern=SLUG_PATTERN)
    elif kind == "choice":
        schema = {"enum": allowed}
    elif kind == "list":
        item: dict[str, Any] = {"enum": allowed} if allowed else _text()
        if spec.vocabulary == ROLE_VOCABULARY:
            held = _record(["role"], role={"enum": allowed}, by=_text(), as_of=_YEAR, source=_CITATION)
            item = {"anyOf": [item, held]}
        schema = {"type": "array", "items": item}
    elif kind == "year":
        schema = dict(_YEAR)
    elif kind == "count":
        schema = _count(allowed)
    elif kind == "counts":
        schema = {"anyOf": [_count(allowed), {"type": "array", "minItems": 1, "items": _count(allowed)}]}
    elif kind == "members":
        schema = {
            "type": "array",
            "items": _record(
                ["name"],
                name=_text(),
                type=_choice(allowed),
                role=_text(),
                joined=_YEAR,
                as_of=_YEAR,
                source=_CITATION,
            ),
        }
    elif kind == "month":
        # YAML reads an unquoted 2013-10-01 as a date; JSON Schema tools see a string either way.
        schema = _text(pattern="^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")
    elif kind == "motto":
        schema = {
            "anyOf": [
                _text(),
                {
                    "type": "object",
                    "required": ["text"],
                    "additionalProperties": False,
                    "properties": {"text": _text(), "attribution": {"type": "string"}},
                },
            ]
        }
    elif kind == "location":
        schema = {
            "type": "object",
            "required": ["commune", "departement", "region_study", "region_today"],
            "additionalProperties": False,
            "properties": {
                "commune": _text(),
                "departement": _text(pattern="^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$"),
                "region_study": {"enum": list(grid.vocabularies["region_study"].values)},
                "region_today": {"enum": list(grid.vocabularies["region_today"].values)},
                "coordinates": {
                    "type": "object",
                    "required": ["lat", "lon"],
                    "additionalProperties": False,
                    "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
                },
            },
        }
    elif kind == "people":
        schema = {
            "type": "array",
            "items": _record(["name", "role"], name=_text(), role=_text(), as_of=_YEAR, source=_CITATION),
        }
    elif kind == "sources":
        full = {
            "type": "object",
            "required": ["title", "publisher", "date", "kind"],
            "additionalProperties": False,
            "properties": {
                "title": _text(),
                "publisher": _text(),
                "date": {"type": ["string", "integer"]},
                "kind": {"enum": list(grid.vocabularies["source_kind"].values)},
                "url": _text(pattern="^https?://"),
                "note": _text(),
            },
        }
        cited = {
            "type": "object",
            "required": ["key"],
            "additionalProperties": False,
            "properties": {"key": _text(), "note": _text(), "locator": _text()},
        }
        schema = {"type": "array", "minItems": 1, "items": {"anyOf": [full, cited]}}
    elif kind == "summaries":
        schema = {
            "type": "object",
            "additionalProperties": False,
            "properties": {s: _text() for s in grid.section_ids},
        }
    elif kind == "swot":
        item = {
            "type": "object",
            "required": ["text"],
            "additionalProperties": False,
            "properties": {
                "text": _text(),
                "theme": {"enum": list(grid.vocabularies["swot_theme"].values)},
                "section": {"enum": grid.section_ids},
            },
        }
        schema = {
            "type": "object",
            "additionalProperties": False,
            "properties": {q: {"type": ["array", "null"], "items": item} for q in SWOT_QUADRANTS},
        }
    elif kind == "scores":
        schema = {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                i: {"type": "integer", "minimum": 1, "maximum": 4} for i in grid.referentiel.indicator_ids()
            },
        }
    elif kind == "funding":
        schema = _funding(allowed)
    else:
        schema = _text()
    schema["description"] = spec.description
    if spec.type not in ("slug", "choice") or spec.name != "status":
        return {"anyOf": [schema, _unknown(grid)], "description": spec.description}
    return schema


def json_schema(grid: Grid) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_DRAFT,
        "$id": "https://ptce-mono.invalid/monograph-front-matter.schema.json",
        "title": "Front matter of a PTCE monograph",
        "type": "object",
        "required": [name for name, spec in grid.fields.items() if spec.required],
        "additionalProperties": False,
        "properties": {name: _field_schema(spec, grid) for name, spec in grid.fields.items()},
    }
