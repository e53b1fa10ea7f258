"""Front-matter values: each grid field type turns positioned YAML into a checked plain value."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ptce_mono.core.problems import Position, ProblemList
from ptce_mono.core.text import did_you_mean, normalise, suggest
from ptce_mono.sources.grid import SWOT_QUADRANTS, FieldSpec, Grid
from ptce_mono.sources.yamlsafe import Mapping, Scalar, Sequence, YValue, to_plain


@dataclass(frozen=True)
class Unknown:
    """A required value the sources do not give, declared as such by the author."""

    reason: str

    def __str__(self) -> str:
        return "non documenté"


@dataclass(frozen=True, order=True)
class Count:
    """A count as the source gives it: exact (`20`) or approximate (`environ 20`)."""

    value: int
    qualifier: str = ""

    def __str__(self) -> str:
        return f"{self.qualifier} {self.value}" if self.qualifier else str(self.value)


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")
_COUNT = re.compile(r"^(environ|près de|plus de|moins de|au moins)?\s*(\d+)$", re.IGNORECASE)
_SOURCE_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:\s*[-–/]\s*\d{4})?$")
_PERCENT = re.compile(r"^(\d{1,3})(?:[.,]\d+)?\s*%?$")

OPTIONAL_MISSING = object()


class FieldReader:
    """Checks one monograph's front matter against the grid, collecting every problem."""

    def __init__(self, grid: Grid, problems: ProblemList) -> None:
        self.grid = grid
        self.problems = problems
        self.readers: dict[str, Callable[[FieldSpec, YValue], Any]] = {
            "slug": self.read_slug,
            "text": self.read_text,
            "choice": self.read_choice,
            "list": self.read_list,
            "year": self.read_year,
            "count": self.read_count,
            "month": self.read_month,
            "motto": self.read_motto,
            "location": self.read_location,
            "people": self.read_people,
            "sources": self.read_sources,
            "summaries": self.read_summaries,
            "swot": self.read_swot,
            "scores": self.read_scores,
            "funding": self.read_funding,
        }

    def read_all(self, front: Mapping, fence_position: Position) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        names = list(self.grid.fields)
        for key, entry in front.entries.items():
            spec = self.grid.fields.get(key)
            if spec is None:
                self.problems.error(
                    entry.key_position,
                    "unknown-field",
                    f"unknown field `{key}`",
                    did_you_mean(key, names) or "See the fields listed in the grid (ptce-mono schema).",
                )
                continue
            unknown = self.read_unknown(spec, entry.value)
            if unknown is not None:
                meta[key] = unknown
                continue
            if isinstance(entry.value, Scalar) and entry.value.is_null:
                self.problems.error(
                    entry.key_position,
                    "empty-field",
                    f"`{key}` has no value",
                    f'Give a value, or declare it unknown: `{key}: {{inconnu: "raison"}}`.',
                )
                continue
            value = self.readers[spec.type](spec, entry.value)
            if value is not None:
                meta[key] = value
        for name, spec in self.grid.fields.items():
            if spec.required and name not in front.entries:
                self.problems.error(
                    fence_position,
                    "missing-field",
                    f"required field `{name}` is missing from the front matter",
                    f"{spec.description} If the sources do not give it, write "
                    f'`{name}: {{inconnu: "raison"}}`.',
                )
        return meta

    def read_unknown(self, spec: FieldSpec, value: YValue) -> Unknown | None:
        if not (isinstance(value, Mapping) and len(value.entries) == 1):
            return None
        key = next(iter(value.entries))
        if key not in self.grid.unknown_keys:
            return None
        reason = value.entries[key].value
        if not isinstance(reason, Scalar) or not reason.text.strip():
            self.problems.error(
                value.position,
                "unknown-without-reason",
                f"`{spec.name}` is declared unknown without a reason",
            )
            return Unknown("")
        return Unknown(reason.text.strip())

    # -- scalar types ---------------------------------------------------------------------

    def scalar(self, spec: FieldSpec, value: YValue, what: str = "a text") -> Scalar | None:
        if isinstance(value, Scalar):
            return value
        found = "a list" if isinstance(value, Sequence) else "a mapping"
        self.problems.error(value.position, "wrong-type", f"`{spec.name}` must be {what}, found {found}")
        return None

    def read_text(self, spec: FieldSpec, value: YValue) -> str | None:
        scalar = self.scalar(spec, value)
        if scalar is None:
            return None
        if not scalar.text.strip():
            self.problems.error(scalar.position, "empty-field", f"`{spec.name}` is empty")
            return None
        return scalar.text.strip()

    def read_slug(self, spec: FieldSpec, value: YValue) -> str | None:
        text = self.read_text(spec, value)
        if text is not None and not _SLUG.match(text):
            self.problems.error(
                value.position,
                "bad-id",
                f"`{spec.name}` must be lower-case letters, digits and hyphens, found `{text}`",
                f"For example `{_suggest_slug(text)}`.",
            )
            return None
        return text

    def check_choice(
        self, text: str, allowed: tuple[str, ...], spec: FieldSpec, position: Position
    ) -> str | None:
        if text in allowed:
            return text
        for candidate in allowed:
            if normalise(candidate) == normalise(text):
                self.problems.error(
                    position,
                    "bad-value",
                    f"`{spec.name}`: write `{candidate}`, not `{text}`",
                    "Values are written exactly as in the grid.",
                )
                return None
        best = suggest(text, list(allowed))
        hint = f"Did you mean `{best}`? " if best else ""
        self.problems.error(
            position,
            "bad-value",
            f"`{spec.name}`: `{text}` is not an allowed value",
            f"{hint}Allowed: {', '.join(allowed)}.",
        )
        return None

    def read_choice(self, spec: FieldSpec, value: YValue) -> str | None:
        text = self.read_text(spec, value)
        if text is None:
            return None
        return self.check_choice(text, self.grid.allowed_values(spec), spec, value.position)

    def read_list(self, spec: FieldSpec, value: YValue) -> list[str] | None:
        if not isinstance(value, Sequence):
            self.problems.error(
                value.position,
                "wrong-type",
                f"`{spec.name}` must be a list",
                f"Write `{spec.name}: [first, second]`, or one `- item` per line.",
            )
            return None
        allowed = self.grid.allowed_values(spec)
        result: list[str] = []
        for item in value.items:
            if not isinstance(item, Scalar) or not item.text.strip():
                self.problems.error(
                    item.position, "wrong-type", f"each item of `{spec.name}` must be a short text"
                )
                continue
            text = item.text.strip()
            if allowed and self.check_choice(text, allowed, spec, item.position) is None:
                continue
            if text in result:
                self.problems.warning(
                    item.position, "duplicate-item", f"`{text}` is listed twice in `{spec.name}`"
                )
                continue
            result.append(text)
        return result

    def read_year(self, spec: FieldSpec, value: YValue) -> int | None:
        scalar = self.scalar(spec, value, "a year")
        if scalar is None:
            return None
        if not _YEAR.match(scalar.text.strip()):
            self.problems.error(
                scalar.position, "bad-year", f"`{spec.name}` must be a four-digit year, found `{scalar.text}`"
            )
            return None
        return int(scalar.text)

    def read_count(self, spec: FieldSpec, value: YValue) -> Count | None:
        scalar = self.scalar(spec, value, "a number")
        if scalar is None:
            return None
        match = _COUNT.match(scalar.text.strip())
        if not match:
            self.problems.error(
                scalar.position,
                "bad-count",
                f"`{spec.name}` must be a whole number, found `{scalar.text}`",
                "Write `20`, or `environ 20` / `plus de 30` when the source is approximate.",
            )
            return None
        return Count(int(match.group(2)), (match.group(1) or "").lower())

    def read_month(self, spec: FieldSpec, value: YValue) -> str | None:
        scalar = self.scalar(spec, value, "a date")
        if scalar is None:
            return None
        text = scalar.text.strip()
        match = _MONTH.match(text)
        valid = False
        if match:
            year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
            try:
                dt.date(year, month, int(day) if day else 1)
                valid = True
            except ValueError:
                valid = False
        if not valid:
            self.problems.error(
                scalar.position,
                "bad-date",
                f"`{spec.name}` must be a real date written YYYY-MM or YYYY-MM-DD, found `{text}`",
            )
            return None
        return text

    # -- structured types -----------------------------------------------------------------

    def mapping(self, spec: FieldSpec, value: YValue, name: str | None = None) -> Mapping | None:
        if isinstance(value, Mapping):
            return value
        self.problems.error(
            value.position, "wrong-type", f"`{name or spec.name}` must be a mapping of `key: value` lines"
        )
        return None

    def sub_text(self, spec: FieldSpec, mapping: Mapping, key: str, required: bool, label: str) -> str | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.problems.error(mapping.position, "missing-field", f"{label} needs `{key}`")
            return None
        if not isinstance(value, Scalar) or not value.text.strip():
            self.problems.error(value.position, "wrong-type", f"`{key}` in {label} must be a non-empty text")
            return None
        return value.text.strip()

    def unknown_keys(self, mapping: Mapping, allowed: tuple[str, ...], label: str) -> None:
        for key, entry in mapping.entries.items():
            if key not in allowed:
                self.problems.error(
                    entry.key_position,
                    "unknown-field",
                    f"unknown key `{key}` in {label}",
                    did_you_mean(key, list(allowed)) or f"Allowed: {', '.join(allowed)}.",
                )

    def read_motto(self, spec: FieldSpec, value: YValue) -> dict[str, str] | None:
        if isinstance(value, Scalar):
            return {"text": value.text.strip(), "attribution": ""}
        mapping = self.mapping(spec, value)
        if mapping is None:
            return None
        self.unknown_keys(mapping, ("text", "attribution"), "`motto`")
        text = self.sub_text(spec, mapping, "text", True, "`motto`")
        if text is None:
            return None
        text = text.strip('«» "“”')
        return {
            "text": text,
            "attribution": self.sub_text(spec, mapping, "attribution", False, "`motto`") or "",
        }

    def read_location(self, spec: FieldSpec, value: YValue) -> dict[str, Any] | None:
        mapping = self.mapping(spec, value)
        if mapping is None:
            return None
        label = "`location`"
        self.unknown_keys(
            mapping, ("commune", "departement", "region_study", "region_today", "coordinates"), label
        )
        result: dict[str, Any] = {}
        result["commune"] = self.sub_text(spec, mapping, "commune", True, label)
        dep = mapping.get("departement")
        if dep is None:
            self.problems.error(
                mapping.position, "missing-field", f'{label} needs `departement` (its code, e.g. "40")'
            )
        elif isinstance(dep, Scalar) and _DEPARTEMENT.match(dep.text.strip().zfill(2)):
            result["departement"] = dep.text.strip().zfill(2)
        else:
            self.problems.error(
                dep.position,
                "bad-value",
                '`departement` must be a département code such as "40", "2A" or "974"',
                'Quote it so that YAML keeps the leading zero: departement: "01".',
            )
        for key in ("region_study", "region_today"):
            text = self.sub_text(spec, mapping, key, True, label)
            if text is not None:
                vocab = self.grid.vocabularies[key]
                result[key] = self.check_choice(
                    text, vocab.values, FieldSpec(key, "choice", True, ""), _at(mapping, key)
                )
        coords = mapping.get("coordinates")
        if coords is not None:
            result["coordinates"] = self.read_coordinates(coords)
        return result

    def read_coordinates(self, value: YValue) -> tuple[float, float] | None:
        if not isinstance(value, Mapping):
            self.problems.error(
                value.position, "wrong-type", "`coordinates` must be `{lat: 43.5, lon: -1.46}`"
            )
            return None
        self.unknown_keys(value, ("lat", "lon"), "`coordinates`")
        numbers = []
        for key, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
            item = value.get(key)
            try:
                number = float(item.text) if isinstance(item, Scalar) else float("nan")
            except ValueError:
                number = float("nan")
            if not low <= number <= high:
                self.problems.error(
                    (item or value).position,
                    "bad-value",
                    f"`coordinates.{key}` must be a number between {low:g} and {high:g}",
                )
                return None
            numbers.append(number)
        return numbers[0], numbers[1]

    def list_of_mappings(self, spec: FieldSpec, value: YValue) -> list[Mapping]:
        if not isinstance(value, Sequence):
            self.problems.error(
                value.position, "wrong-type", f"`{spec.name}` must be a list (one `- ` item per entry)"
            )
            return []
        result = []
        for item in value.items:
            if isinstance(item, Mapping):
                result.append(item)
            else:
                self.problems.error(
                    item.position, "wrong-type", f"each entry of `{spec.name}` must be a mapping"
                )
        return result

    def read_people(self, spec: FieldSpec, value: YValue) -> list[dict[str, str]] | None:
        people = []
        for item in self.list_of_mappings(spec, value):
            label = f"an entry of `{spec.name}`"
            self.unknown_keys(item, ("name", "role"), label)
            name = self.sub_text(spec, item, "name", True, label)
            role = self.sub_text(spec, item, "role", True, label)
            if name:
                people.append({"name": name, "role": role or ""})
        return people

    def read_sources(self, spec: FieldSpec, value: YValue) -> list[dict[str, str]] | None:
        sources = []
        kinds = self.grid.vocabularies["source_kind"].values
        items = self.list_of_mappings(spec, value)
        if isinstance(value, Sequence) and not value.items:
            self.problems.error(value.position, "no-sources", "a monograph must list at least one source")
        for item in items:
            label = "a source"
            if item.get("key") is not None:
                # A bibliography key: the entry itself is in the dossier's bibliography.
                self.unknown_keys(item, ("key", "note", "locator"), label)
                names = ("key", "note", "locator")
                key = {k: self.sub_text(spec, item, k, k == "key", label) or "" for k in names}
                if key["key"]:
                    where = _at(item, "key")
                    sources.append({**key, "line": str(where.line), "column": str(where.column)})
                continue
            self.unknown_keys(item, ("title", "publisher", "date", "kind", "url", "note"), label)
            entry = {
                key: self.sub_text(spec, item, key, key in ("title", "publisher", "date", "kind"), label)
                or ""
                for key in ("title", "publisher", "date", "kind", "url", "note")
            }
            if entry["date"] and not _SOURCE_DATE.match(entry["date"]):
                self.problems.error(
                    _at(item, "date"),
                    "bad-date",
                    f"source date `{entry['date']}` is not YYYY, YYYY-MM, YYYY-MM-DD "
                    "or a range like 2013-2014",
                )
            if entry["kind"]:
                self.check_choice(
                    entry["kind"], kinds, FieldSpec("kind", "choice", True, ""), _at(item, "kind")
                )
            if entry["url"] and not entry["url"].startswith(("http://", "https://")):
                self.problems.error(
                    _at(item, "url"), "bad-url", "a source `url` must start with http:// or https://"
                )
            if entry["title"]:
                sources.append(entry)
        return sources

    def read_summaries(self, spec: FieldSpec, value: YValue) -> dict[str, str] | None:
        mapping = self.mapping(spec, value)
        if mapping is None:
            return None
        result = {}
        for key, entry in mapping.entries.items():
            if key not in self.grid.section_ids:
                self.problems.error(
                    entry.key_position,
                    "unknown-section",
                    f"`summaries` names unknown section `{key}`",
                    did_you_mean(key, self.grid.section_ids)
                    or f"Sections: {', '.join(self.grid.section_ids)}.",
                )
                continue
            if isinstance(entry.value, Scalar) and entry.value.text.strip():
                result[key] = entry.value.text.strip()
            else:
                self.problems.error(
                    entry.value.position, "wrong-type", f"the summary of `{key}` must be one sentence of text"
                )
        return result

    def read_swot(self, spec: FieldSpec, value: YValue) -> dict[str, list[dict[str, Any]]] | None:
        mapping = self.mapping(spec, value)
        if mapping is None:
            return None
        self.unknown_keys(mapping, SWOT_QUADRANTS, "`swot`")
        themes = self.grid.vocabularies["swot_theme"].values
        result: dict[str, list[dict[str, Any]]] = {q: [] for q in SWOT_QUADRANTS}
        for quadrant in SWOT_QUADRANTS:
            raw = mapping.get(quadrant)
            if raw is None or (isinstance(raw, Scalar) and raw.is_null):
                continue
            for item in self.list_of_mappings(FieldSpec(f"swot.{quadrant}", "list", False, ""), raw):
                label = f"a `swot.{quadrant}` item"
                self.unknown_keys(item, ("text", "theme", "section"), label)
                text = self.sub_text(spec, item, "text", True, label)
                theme = self.sub_text(spec, item, "theme", False, label)
                section = self.sub_text(spec, item, "section", False, label)
                if theme is not None:
                    theme = self.check_choice(
                        theme, themes, FieldSpec("theme", "choice", True, ""), _at(item, "theme")
                    )
                else:
                    self.problems.warning(
                        item.position,
                        "swot-no-theme",
                        f"{label} has no `theme`",
                        "Without a theme the item cannot be grouped across poles.",
                    )
                if section is not None and section not in self.grid.section_ids:
                    self.problems.error(
                        _at(item, "section"),
                        "unknown-section",
                        f"`{section}` is not a grid section",
                        did_you_mean(section, self.grid.section_ids),
                    )
                    section = None
                if text:
                    result[quadrant].append(
                        {"text": text, "theme": theme, "section": section, "line": item.position.line}
                    )
        return result

    def read_scores(self, spec: FieldSpec, value: YValue) -> dict[str, int] | None:
        mapping = self.mapping(spec, value)
        if mapping is None:
            return None
        ids = self.grid.referentiel.indicator_ids()
        scores = {}
        for key, entry in mapping.entries.items():
            if key not in ids:
                self.problems.error(
                    entry.key_position,
                    "unknown-indicator",
                    f"`{key}` is not a référentiel indicator",
                    did_you_mean(key, ids),
                )
                continue
            text = to_plain(entry.value)
            if not (isinstance(text, str) and text in ("1", "2", "3", "4")):
                self.problems.error(
                    entry.value.position, "bad-score", f"the score of `{key}` must be a level from 1 to 4"
                )
                continue
            scores[key] = int(text)
        return scores

    def read_funding(self, spec: FieldSpec, value: YValue) -> dict[str, Any] | None:
        mapping = self.mapping(spec, value)
        if mapping is None:
            return None
        self.unknown_keys(mapping, ("self_financing", "public", "note"), "`funding`")
        result: dict[str, Any] = {"note": self.sub_text(spec, mapping, "note", False, "`funding`") or ""}
        for key in ("self_financing", "public"):
            item = mapping.get(key)
            if item is None:
                continue
            match = _PERCENT.match(item.text.strip()) if isinstance(item, Scalar) else None
            if not match or int(match.group(1)) > 100:
                self.problems.error(
                    item.position, "bad-value", f"`funding.{key}` must be a share from 0 to 100 %"
                )
                continue
            result[key] = int(match.group(1))
        return result


def _suggest_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-") or "mon-pole"


def _at(mapping: Mapping, key: str) -> Position:
    """Where `key`'s value is, or the mapping itself when the key is absent."""
    value = mapping.get(key)
    return value.position if value is not None else mapping.position
