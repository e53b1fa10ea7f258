"""Reads YAML into positioned plain values, refusing the features that surprise authors.

What the author typed is what is checked: scalars stay text until the grid asks for a number or a
date, so `NO`, `on` or `1.10` are never silently converted. Anchors, aliases, merge keys, tags,
deep nesting and oversized input are refused with a message and a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

import yaml

from ptce_mono.core.i18n import N_, _
from ptce_mono.core.problems import Position, ProblemList

MAX_YAML_BYTES = 256 * 1024
MAX_DEPTH = 20

_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_MERGE_TAG = "tag:yaml.org,2002:merge"
# PyYAML's words for the commonest slips, shown in the language spoken; any other reason is shown
# as PyYAML gives it.
_KNOWN_REASONS = frozenset(
    {
        N_("mapping values are not allowed in this context"),
        N_("mapping values are not allowed here"),
        N_("did not find expected key"),
        N_("could not find expected ':'"),
        N_("did not find expected ',' or ']'"),
        N_("did not find expected ',' or '}'"),
        N_("did not find expected '-' indicator"),
        N_("found character that cannot start any token"),
        N_("found unexpected end of stream"),
        N_("found unknown escape character"),
        N_("invalid YAML"),
    }
)

try:  # the C loader is much faster; the pure-Python one behaves the same
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass(slots=True)
class Scalar:
    text: str
    position: Position
    quoted: bool = False

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in ("", "~", "null", "Null", "NULL")


@dataclass(slots=True)
class Sequence:
    items: list[YValue]
    position: Position


@dataclass(slots=True)
class Entry:
    key: str
    key_position: Position
    value: YValue


@dataclass(slots=True)
class Mapping:
    entries: dict[str, Entry]
    position: Position
    order: list[str] = field(default_factory=list)

    def get(self, key: str) -> YValue | None:
        entry = self.entries.get(key)
        return entry.value if entry else None


YValue = Union[Scalar, Sequence, Mapping]  # noqa: UP007 - a runtime alias


# `key: value : more`: a second colon followed by a space inside a plain value, as French
# typography writes `lieu commun : ancienne scierie`.
_COLON_IN_VALUE = re.compile(r"^(\s*(?:-\s+)?[^\s:#][^:#]*?):\s+([^\s\"'].*?:(?:\s.*)?)$")


def _colon_hint(line: str) -> str:
    match = _COLON_IN_VALUE.match(line.rstrip())
    if not match:
        return ""
    key, value = match.group(1).strip(), match.group(2).strip()
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    return _('A value with ": " in it must be quoted: {example}').format(example=f'{key}: "{quoted}"')


def load_yaml(text: str, problems: ProblemList, line_offset: int = 0) -> Mapping | None:
    """Parse `text` (a YAML mapping) into positioned values; report every refusal in `problems`.

    `line_offset` is added to every line so positions refer to the enclosing file.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        problems.error(
            Position(line_offset + 1, 1),
            "yaml-too-large",
            _("the front matter is larger than {size} KiB").format(size=MAX_YAML_BYTES // 1024),
            _("Keep long text in the Markdown body; the front matter holds short facts."),
        )
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Position(line_offset + (mark.line + 1 if mark else 1), (mark.column + 1) if mark else 1)
        reason = (exc.problem or exc.context or "invalid YAML").strip()
        if "nesting depth" in reason:  # PyYAML 6.0.4 and later stop deep nesting themselves
            problems.error(pos, "yaml-too-deep", _too_deep())
            return None
        hint = _("Check quotes, colons and indentation on this line or the one before.")
        bad_line = text.split("\n")[mark.line] if mark and mark.line < len(text.split("\n")) else ""
        if "\t" in bad_line:
            hint = _("YAML does not allow tabs for indentation: use spaces.")
        elif "mapping values are not allowed" in reason:
            hint = _colon_hint(bad_line) or hint
        elif mark and bad_line[mark.column : mark.column + 1] == "@":
            # `source: [@key, p. 4]`: to YAML, `[` opens a list and `@` is reserved.
            hint = _('A citation is written in quotes: `source: "[@key, p. 4]"`.')
        shown = _(reason) if reason in _KNOWN_REASONS else reason
        problems.error(pos, "yaml-syntax", _("YAML syntax error: {reason}").format(reason=shown), hint)
        return None
    except RecursionError:
        problems.error(Position(line_offset + 1, 1), "yaml-too-deep", _too_deep())
        return None
    except yaml.YAMLError as exc:
        message = _("YAML error: {reason}").format(reason=exc)
        problems.error(Position(line_offset + 1, 1), "yaml-syntax", message)
        return None
    if node is None:
        return Mapping({}, Position(line_offset + 1, 1))
    reader = _NodeReader(problems, line_offset)
    value = reader.read(node, 0)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        problems.error(
            value.position,
            "yaml-not-mapping",
            _("the front matter must be a list of `key: value` lines"),
            _("Start each line with a field name followed by a colon."),
        )
        return None
    return value


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class _NodeReader:
    def __init__(self, problems: ProblemList, line_offset: int) -> None:
        self.problems = problems
        self.line_offset = line_offset
        self.seen: set[int] = set()

    def pos(self, node: yaml.Node) -> Position:
        return Position(node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)

    def read(self, node: yaml.Node, depth: int) -> YValue | None:
        if depth > MAX_DEPTH:
            self.problems.error(
                self.pos(node),
                "yaml-too-deep",
                _too_deep(),
            )
            return None
        if id(node) in self.seen:
            self.problems.error(
                self.pos(node),
                "yaml-alias",
                _("YAML anchors and aliases (&name / *name) are not accepted"),
                _("Write the value out in full where it is needed."),
            )
            return None
        self.seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            self.problems.error(
                self.pos(node),
                "yaml-tag",
                _("YAML tag {tag} is not accepted").format(tag=_short_tag(node.tag)),
                _("Remove the tag: values are plain text, numbers, lists or mappings."),
            )
            return None
        if isinstance(node, yaml.ScalarNode):
            control = _CONTROL.search(str(node.value))
            if control:
                # Written as an escape in quotes (`"\e[31m"`): no table, terminal or XML report
                # can print it.
                self.problems.error(
                    self.pos(node),
                    "control-character",
                    _("this value holds a control character ({code}), which cannot be printed").format(
                        code=f"U+{ord(control.group()):04X}"
                    ),
                    _("Remove it; write a line break as a new line of a `|` block."),
                )
                return None
            return Scalar(str(node.value), self.pos(node), quoted=node.style in ("'", '"'))
        if isinstance(node, yaml.SequenceNode):
            items = [self.read(child, depth + 1) for child in node.value]
            return Sequence([i for i in items if i is not None], self.pos(node))
        if isinstance(node, yaml.MappingNode):
            return self.read_mapping(node, depth)
        return None  # pragma: no cover - PyYAML has no other node kinds

    def read_mapping(self, node: yaml.MappingNode, depth: int) -> Mapping:
        mapping = Mapping({}, self.pos(node))
        for key_node, value_node in node.value:
            key_pos = self.pos(key_node)
            if key_node.tag == _MERGE_TAG:
                self.problems.error(
                    key_pos,
                    "yaml-merge-key",
                    _("YAML merge keys (<<) are not accepted"),
                    _("Write every field explicitly."),
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.error(key_pos, "yaml-key", _("a key must be a plain name"))
                continue
            key = str(key_node.value)
            value = self.read(value_node, depth + 1)
            if key in mapping.entries:
                first = mapping.entries[key].key_position
                self.problems.error(
                    key_pos,
                    "duplicate-key",
                    _("`{key}` is given twice (first on line {line})").format(key=key, line=first.line),
                    _("Keep one of the two; YAML would silently keep only the last."),
                )
                continue
            if value is None:
                continue
            mapping.entries[key] = Entry(key, key_pos, value)
            mapping.order.append(key)
        return mapping


def _too_deep() -> str:
    return _("the front matter is nested too deeply (more than {depth} levels)").format(depth=MAX_DEPTH)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def to_plain(value: YValue) -> object:
    """Drop positions: scalars become strings, the rest lists and dicts."""
    if isinstance(value, Scalar):
        return None if value.is_null else value.text
    if isinstance(value, Sequence):
        return [to_plain(v) for v in value.items]
    return {k: to_plain(e.value) for k, e in value.entries.items()}
