"""One reader for every YAML file: declarative specs, walked by one `Reader`.

Front matter, `grid.yaml`, `dossier.yaml` and `editorial/options.yaml` are described by specs
(`Text`, `Choice`, `ListOf`, `Record`, `MapOf`, `Variant`) and read by the same walker, so an
unknown key, a wrong type, a missing field or a bad value is reported with the same code, the same
message and the same did-you-mean whichever file it is in. A value's name in messages is its path
from the root (`location.commune`, `sources[2].date`).

A spec reads a positioned value and returns the plain value, or None after reporting why it could
not; the walker never stops at the first problem.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ptce_mono.core.i18n import N_, _, ngettext
from ptce_mono.core.problems import Position, ProblemList, Severity
from ptce_mono.core.text import did_you_mean
from ptce_mono.sources.vocabulary import allowed_value
from ptce_mono.sources.yamlsafe import Mapping, Scalar, Sequence, YValue


@dataclass(frozen=True)
class Unknown:
    """A required value the sources do not give, declared as such by the author."""

    reason: str

    def __str__(self) -> str:
        return "non documenté"


@dataclass(slots=True)  # not frozen: one is made for every value read, and frozen ones are slower
class At:
    """The value being read: its name in messages, its position, and where to report."""

    problems: ProblemList
    name: str
    position: Position
    mapping: Mapping | None = None  # set for a record, so that its fields can be pointed at

    def error(self, code: str, message: str, hint: str = "") -> None:
        self.problems.error(self.position, code, message, hint)

    def warning(self, code: str, message: str, hint: str = "") -> None:
        self.problems.warning(self.position, code, message, hint)


Convert = Callable[[str, At], Any]  # the stripped text -> a value, or None after reporting
Finish = Callable[[dict[str, Any], At], Any]  # the fields read -> the record's value, or None


class Spec:
    """What a value must be. `what` ("a list"), `key_what`, `label`: message ids (`N_`) translated
    when a problem is reported; a `hint` comes translated from the code that builds the spec."""

    what: str = N_("a value")


@dataclass(frozen=True)
class Text(Spec):
    """A non-empty scalar, stripped, then given to `convert` when there is one."""

    convert: Convert | None = None
    what: str = N_("a text")


@dataclass(frozen=True)
class Choice(Spec):
    """A text among `values`, written exactly (or in any case when `any_case`), then given to `make`."""

    values: tuple[str, ...]
    code: str = "bad-value"
    any_case: bool = False
    make: Callable[[str], Any] | None = None
    what: str = N_("a text")
    make_at: Callable[[str, Position], Any] | None = None  # as `make`, told where the value is


@dataclass(frozen=True)
class ListOf(Spec):
    """A list of `item`s; duplicates (by `unique`) are reported with `duplicate_code`."""

    item: Spec
    hint: str = ""  # how to write the list, shown when it is not one or is too short
    one_as_list: bool = False  # a lone scalar counts as a list of one
    lone_item: bool = False  # a lone item of any shape (a scalar, a mapping) counts as a list of one
    min_items: int = 0
    too_few_code: str = "too-few-items"
    unique: Callable[[Any], Hashable] | None = None
    duplicate_code: str = "duplicate-item"
    duplicate_severity: Severity = Severity.WARNING
    what: str = N_("a list")


@dataclass(frozen=True)
class Field:
    """One key of a record."""

    name: str
    spec: Spec
    required: bool = False
    default: Any = None  # the value when the key is absent, or null and `nullable`
    nullable: bool = False  # a key with no value counts as absent instead of an error
    hint: str = ""  # shown when the field is missing
    may_be_unknown: bool = False  # `{inconnu: "raison"}` is accepted in place of the value


@dataclass(frozen=True)
class Record(Spec):
    """A mapping with named fields; any other key is an unknown key."""

    fields: tuple[Field, ...]
    label: str = ""  # how the root is named (N_("the dossier settings")); nested records use their path
    hint: str = ""  # shown for an unknown key when no name is close
    finish: Finish | None = None
    partial: bool = False  # keep what was read even when a required field is missing or wrong
    what: str = N_("a mapping of `key: value` lines")

    @cached_property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(self.names)


@dataclass(frozen=True)
class MapOf(Spec):
    """A mapping whose keys are data (section ids, vocabulary names), each value read by `value`."""

    value: Spec
    keys: tuple[str, ...] | None = None  # None: any key
    key_code: str = "unknown-field"
    key_what: str = N_("an allowed key")
    what: str = N_("a mapping of `key: value` lines")


@dataclass(frozen=True)
class Variant(Spec):
    """A value with several accepted shapes: `choose` picks the spec, or None for a wrong type."""

    choose: Callable[[YValue], Spec | None]
    what: str = N_("a value")


def by_shape(
    scalar: Spec | None = None,
    mapping: Spec | None = None,
    sequence: Spec | None = None,
    what: str = N_("a value"),
) -> Variant:
    """A value that is read by one spec when a text, another when a mapping or a list."""

    def choose(value: YValue) -> Spec | None:
        if isinstance(value, Scalar):
            return scalar
        return mapping if isinstance(value, Mapping) else sequence

    return Variant(choose, what)


class Reader:
    """Walks positioned YAML along a spec, reporting every problem in `problems`."""

    def __init__(self, problems: ProblemList, unknown_keys: tuple[str, ...] = ()) -> None:
        self.problems = problems
        self.unknown_keys = unknown_keys  # the keys of an `{inconnu: "raison"}` declaration

    def read(self, value: YValue, spec: Spec, name: str = "", missing_at: Position | None = None) -> Any:
        """The plain value of `value`, or None; `missing_at` is where a missing root field is reported."""
        if isinstance(spec, Text):
            return self.text(value, spec, name)
        if isinstance(spec, Choice):
            return self.choice(value, spec, name)
        at = At(self.problems, name, value.position)
        if isinstance(spec, ListOf):
            return self.items(value, spec, at)
        if isinstance(spec, Record):
            return self.record(value, spec, at, missing_at)
        if isinstance(spec, MapOf):
            return self.keyed(value, spec, at)
        if isinstance(spec, Variant):
            chosen = spec.choose(value)
            if chosen is None:
                self.wrong_type(value, spec, at)
                return None
            return self.read(value, chosen, name)
        raise TypeError(f"not a spec: {spec!r}")  # pragma: no cover - a programming error

    def wrong_type(self, value: YValue, spec: Spec, at: At, hint: str = "") -> None:
        found = _("a list") if isinstance(value, Sequence) else _("a mapping")
        if isinstance(value, Scalar):
            found = _("a text")
        message = _("the file must be {expected}, found {found}")
        if at.name:
            message = _("`{name}` must be {expected}, found {found}")
        at.error("wrong-type", message.format(name=at.name, expected=_(spec.what), found=found), hint)

    def text(self, value: YValue, spec: Text | Choice, name: str) -> Any:
        if not isinstance(value, Scalar):
            self.wrong_type(value, spec, At(self.problems, name, value.position))
            return None
        text = "" if value.is_null else value.text.strip()
        if not text:
            self.problems.error(value.position, "empty-field", _("`{name}` is empty").format(name=name))
            return None
        if isinstance(spec, Text) and spec.convert is not None:
            return spec.convert(text, At(self.problems, name, value.position))
        return text

    def choice(self, value: YValue, spec: Choice, name: str) -> Any:
        text = self.text(value, spec, name)
        if text is None:
            return None
        found = allowed_value(
            text, spec.values, At(self.problems, name, value.position), spec.code, spec.any_case
        )
        if found is None:
            return None
        if spec.make_at is not None:
            return spec.make_at(found, value.position)
        return (spec.make or str)(found)

    def items(self, value: YValue, spec: ListOf, at: At) -> list[Any] | None:
        lone = not isinstance(value, Sequence) and (
            spec.lone_item or (spec.one_as_list and isinstance(value, Scalar))
        )
        if lone:
            value = Sequence([value], value.position)
        if not isinstance(value, Sequence):
            self.wrong_type(value, spec, at, spec.hint)
            return None
        if len(value.items) < spec.min_items:
            message = ngettext(
                "`{name}` must list at least one item",
                "`{name}` must list at least {count} items",
                spec.min_items,
            )
            at.error(spec.too_few_code, message.format(name=at.name, count=spec.min_items), spec.hint)
            return None
        result: list[Any] = []
        seen: dict[Hashable, Position] = {}
        for index, item in enumerate(value.items, 1):
            read = self.read(item, spec.item, at.name if lone else f"{at.name}[{index}]")
            if read is None:
                continue
            key = spec.unique(read) if spec.unique else None
            if key is not None and key in seen:
                shown = key if isinstance(key, str) else read
                self.problems.add(
                    item.position,
                    spec.duplicate_severity,
                    spec.duplicate_code,
                    _("`{value}` is listed twice in `{name}` (first on line {line})").format(
                        value=shown, name=at.name, line=seen[key].line
                    ),
                )
                continue
            if key is not None:
                seen[key] = item.position
            result.append(read)
        return result

    def unknown_key(self, key: str, position: Position, names: list[str], where: str, hint: str) -> None:
        self.problems.error(
            position,
            "unknown-field",
            _("unknown field `{key}` in {where}").format(key=key, where=where),
            did_you_mean(key, names) or hint or _("Allowed keys: {keys}.").format(keys=", ".join(names)),
        )

    def record(self, value: YValue, spec: Record, at: At, missing_at: Position | None) -> Any:
        if not isinstance(value, Mapping):
            self.wrong_type(value, spec, at)
            return None
        where = f"`{at.name}`" if at.name else _(spec.label or N_("the file"))
        for key, entry in value.entries.items():
            if key not in spec.keys:
                self.unknown_key(key, entry.key_position, spec.names, where, spec.hint)
        result: dict[str, Any] = {}
        complete = True
        for fld in spec.fields:
            read = self.field(value, fld, at.name, missing_at or value.position, where)
            if read is _FAILED:
                complete = complete and not fld.required
                read = fld.default  # an optional value reported wrong: the rest is still read
            if read is not None:
                result[fld.name] = read
        if not complete and not spec.partial:
            return None
        if spec.finish is None:
            return result
        return spec.finish(result, At(self.problems, at.name, at.position, value))

    def field(self, mapping: Mapping, fld: Field, parent: str, missing_at: Position, where: str) -> Any:
        """The value of one key of a record: None when absent and optional, _FAILED after a problem."""
        entry = mapping.entries.get(fld.name)
        name = _child(parent, fld.name)
        if entry is not None and isinstance(entry.value, Scalar) and entry.value.is_null:
            if not fld.nullable or fld.required:
                hint = _("Give a value or remove the line.")
                if fld.may_be_unknown and self.unknown_keys:
                    hint = _('Give a value, or declare it unknown: `{field}: {{{unknown}: "raison"}}`.')
                    hint = hint.format(field=fld.name, unknown=self.unknown_keys[0])
                message = _("`{name}` has no value").format(name=name)
                self.problems.error(entry.key_position, "empty-field", message, hint)
                return _FAILED
            entry = None
        if entry is None:
            if fld.required:
                message = _("required field `{field}` is missing from {where}").format(
                    field=fld.name, where=where
                )
                self.problems.error(missing_at, "missing-field", message, fld.hint)
                return _FAILED
            return fld.default
        read = None
        if fld.may_be_unknown and isinstance(entry.value, Mapping) and len(entry.value.entries) == 1:
            read = self.declared_unknown(entry.value, name)
        if read is None:
            read = self.read(entry.value, fld.spec, name)
        return _FAILED if read is None else read

    def declared_unknown(self, value: Mapping, name: str) -> Unknown | None:
        key = next(iter(value.entries))
        if key not in self.unknown_keys:
            return None
        reason = value.entries[key].value
        if not isinstance(reason, Scalar) or not reason.text.strip():
            message = _("`{name}` is declared unknown without a reason").format(name=name)
            self.problems.error(value.position, "unknown-without-reason", message)
            return Unknown("")
        return Unknown(reason.text.strip())

    def keyed(self, value: YValue, spec: MapOf, at: At) -> dict[str, Any] | None:
        if not isinstance(value, Mapping):
            self.wrong_type(value, spec, at)
            return None
        result: dict[str, Any] = {}
        for key, entry in value.entries.items():
            if spec.keys is not None and key not in spec.keys:
                self.problems.error(
                    entry.key_position,
                    spec.key_code,
                    _("`{key}` in `{name}` is not {expected}").format(
                        key=key, name=at.name, expected=_(spec.key_what)
                    ),
                    did_you_mean(key, list(spec.keys))
                    or _("Allowed: {values}.").format(values=", ".join(spec.keys)),
                )
                continue
            read = self.read(entry.value, spec.value, _child(at.name, key))
            if read is not None:
                result[key] = read
        return result


_FAILED = object()  # a field whose problem is already reported


def _child(name: str, key: str) -> str:
    return f"{name}.{key}" if name else key


def required(name: str, spec: Spec, hint: str = "") -> Field:
    return Field(name, spec, required=True, hint=hint)


def optional(name: str, spec: Spec, default: Any = None) -> Field:
    """An optional key; a key with no value (`key:`) is the same as no key."""
    return Field(name, spec, default=default, nullable=True)


__all__ = [
    "At",
    "Choice",
    "Field",
    "ListOf",
    "MapOf",
    "Reader",
    "Record",
    "Spec",
    "Text",
    "Unknown",
    "Variant",
    "by_shape",
    "optional",
    "required",
]
