"""BibTeX and BibLaTeX files: read in one pass, converted to CSL-JSON by pandoc when printed.

Reading (what `check` does) is the tool's own, linear in the file's size: each entry is found,
its braces matched by jumping from brace to brace, and its fields read (`name = {value}`,
`"value"`, a number or an `@string` name, joined by `#`), so that a missing comma or brace is an
error at its line and column, as pandoc would say it, before pandoc ever runs. The conversion to
CSL-JSON, which pandoc does (LaTeX accents, names, dates), is done only when the citations are
formatted, and in chunks of entries: pandoc's time and memory grow faster than the file (50,000
entries in one call needed 2 GiB), a chunk's do not. Each chunk carries the file's `@string`
definitions; a file whose entries refer to each other (`crossref`, `xdata`) or that defines an
`@string` twice is converted in one call, as it is written.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ptce_mono.core.i18n import _
from ptce_mono.core.pandoc import PandocFailed, run_pandoc
from ptce_mono.core.problems import Position, ProblemList

CHUNK_ENTRIES = 2000
NOT_ENTRIES = frozenset({"comment", "string", "preamble"})
_ENTRY_START = re.compile(r"@[ \t]*([A-Za-z]+)[ \t\n]*([{(])")
_BRACES = re.compile(r"[{}]")
_BRACES_AND_PARENTHESES = re.compile(r"[{}()]")
_SPACE = re.compile(r"[ \t\n]*")
_KEY = re.compile(r"[ \t\n]*([^,\s{}()]+)[ \t\n]*,")
_NAME = re.compile(r"[^\s=,{}()\"#%'~]+")
_NUMBER_OR_MACRO = re.compile(r"[^\s,{}()\"#=%'~]+")
_QUOTED = re.compile(r'[{}"]')
_LANGID_FIELD = re.compile(r"[\s,{(]langid\s*=", re.IGNORECASE)
_STRING_NAME = re.compile(r"[ \t\n]*([^\s=,{}()]+)")
_LINKED = re.compile(r"(?im)^[ \t]*(crossref|xdata|xref)[ \t]*=")


class Lines:
    """Line and column of an offset. Offsets asked for in increasing order cost only the text
    between them (one count of line breaks, in C), so positioning every entry of a file is one
    pass over it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0  # the last offset asked for
        self.line = 1  # its line
        self.line_start = 0  # the offset where that line starts

    def position(self, offset: int) -> Position:
        if offset < self.offset:
            self.offset, self.line, self.line_start = 0, 1, 0
        breaks = self.text.count("\n", self.offset, offset)
        if breaks:
            self.line += breaks
            self.line_start = self.text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return Position(self.line, offset - self.line_start + 1)


def _nested(depth: int) -> str:
    """A pattern for text whose braces balance, nested at most `depth` deep."""
    inner = r"[^{}]*+"
    for _level in range(depth):
        # Possessive: runs of other characters are taken whole and never given back.
        inner = rf"(?:[^{{}}]++|\{{{inner}\}})*+"
    return inner


# The fields of a well-formed entry, braces nested up to four deep, in one match: the common case
# is checked without a step in Python; anything else (an error, deeper braces) is read by
# `_fields`, which says where it goes wrong.
_PART = rf"""(?:\{{{_nested(3)}\}}|"(?:[^"{{}}]++|\{{{_nested(2)}\}})*+"|[^\s,{{}}()"#=%'~]++)"""
_FIELD = rf"""[ \t\n]*[^\s=,{{}}()"#%'~]+[ \t\n]*=[ \t\n]*{_PART}(?:[ \t\n]*\#[ \t\n]*{_PART})*[ \t\n]*"""
_WELL_FORMED_FIELDS = re.compile(rf"(?:{_FIELD},)*(?:{_FIELD})?[ \t\n]*")
_BALANCED_ENTRY = re.compile(rf"\{{{_nested(4)}\}}")


@dataclass
class Entry:
    kind: str  # lower case
    start: int  # the offset of its `@`
    end: int  # just past its closing brace
    position: Position
    key: str = ""


@dataclass
class Scan:
    entries: list[Entry] = field(default_factory=list)
    keys: dict[str, Position] = field(default_factory=dict)  # first position of each key


def _entry_end(text: str, match: re.Match[str]) -> int | None:
    """The offset just past the brace closing the entry `match` opens; None when none does."""
    opener = match.group(2)
    if opener == "{" and (balanced := _BALANCED_ENTRY.match(text, match.end() - 1)) is not None:
        return balanced.end()
    pattern = _BRACES if opener == "{" else _BRACES_AND_PARENTHESES
    depth = 1
    for found in pattern.finditer(text, match.end()):
        depth += 1 if found.group() in "{(" else -1
        if depth == 0:
            return found.end()
    return None


def entries(text: str) -> Iterator[tuple[re.Match[str], int | None]]:
    """Each `@kind{` (or `@kind(`) at the top level of `text`, with the offset just past its
    closing brace; None when it never closes (nothing is found after it)."""
    offset = 0
    while (match := _ENTRY_START.search(text, offset)) is not None:
        end = _entry_end(text, match)
        yield match, end
        if end is None:
            return
        offset = end


class _Syntax(Exception):
    def __init__(self, offset: int, detail: str) -> None:
        super().__init__(detail)
        self.offset = offset
        self.detail = detail


def _value_part_end(text: str, at: int, stop: int) -> int:
    """The end of the value part starting at `at`: `{...}`, `"..."`, a number or a name."""
    char = text[at] if at < stop else ""
    if char == "{":
        depth = 0
        for found in _BRACES.finditer(text, at, stop):
            depth += 1 if found.group() == "{" else -1
            if depth == 0:
                return found.end()
        raise _Syntax(at, _("a brace opened here is never closed"))
    if char == '"':
        depth = 0
        for found in _QUOTED.finditer(text, at + 1, stop):
            mark = found.group()
            depth += 1 if mark == "{" else -1 if mark == "}" else 0
            if mark == '"' and depth == 0:
                return found.end()
        raise _Syntax(at, _("a quotation mark opened here is never closed"))
    word = _NUMBER_OR_MACRO.match(text, at, stop)
    if word is None:
        raise _Syntax(at, _("a value is expected here: a text in braces or quotes, a number or a name"))
    return word.end()


def _skip_space(text: str, at: int, stop: int) -> int:
    found = _SPACE.match(text, at, stop)
    return found.end() if found else at


def _fields(text: str, at: int, stop: int, *, named: bool = True) -> None:
    """Read `name = value # value, ...` from `at` to `stop` (the closing brace); raise _Syntax."""
    if named and _WELL_FORMED_FIELDS.fullmatch(text, at, stop):
        return
    while True:
        at = _skip_space(text, at, stop)
        if at >= stop:
            return
        if named:
            name = _NAME.match(text, at, stop)
            if name is None:
                raise _Syntax(at, _("a field name is expected here"))
            at = _skip_space(text, name.end(), stop)
            if at >= stop or text[at] != "=":
                raise _Syntax(at, _("`=` is expected after the field name"))
            at = _skip_space(text, at + 1, stop)
        while True:
            at = _skip_space(text, _value_part_end(text, at, stop), stop)
            if at < stop and text[at] == "#":
                at = _skip_space(text, at + 1, stop)
                continue
            break
        if at >= stop:
            return
        if text[at] != ",":
            raise _Syntax(at, _("a comma is missing before this field, or a brace in the value before it"))
        at += 1


def scan(text: str, problems: ProblemList) -> Scan:
    """The entries of `text`, their keys and positions; the first syntax error as a problem.

    After an error the rest of the file is only looked through for keys (the file cannot be
    used, but a citation of one of its keys can say where that key is)."""
    lines = Lines(text)
    found = Scan()
    for match, end in entries(text):
        kind = match.group(1).lower()
        if end is None:
            closer = "}" if match.group(2) == "{" else ")"
            problems.error(
                lines.position(match.start()),
                "bib-syntax",
                _("the entry `@{kind}` opened here is never closed (a `{closer}` is missing)").format(
                    kind=match.group(1), closer=closer
                ),
                _("Check the braces of this entry: every opening brace needs its closing one."),
            )
            _keys_after(text, match.start(), lines, found)
            return found
        entry = Entry(kind, match.start(), end, lines.position(match.start()))
        body_start, body_end = match.end(), end - 1
        try:
            if kind == "comment":
                pass
            elif kind in ("string", "preamble"):
                _fields(text, body_start, body_end, named=kind == "string")
            else:
                key = _KEY.match(text, body_start, body_end + 1)
                if key is None:
                    problems.error(
                        lines.position(match.start()),
                        "bib-syntax",
                        _("the entry `@{kind}` has no key").format(kind=match.group(1)),
                        _("An entry starts with its key: `@book{dupont2012, ...}`."),
                    )
                    _keys_after(text, end, lines, found)
                    return found
                entry.key = key.group(1)
                found.keys.setdefault(entry.key, entry.position)
                _fields(text, key.end(), body_end)
        except _Syntax as error:
            problems.error(
                lines.position(error.offset),
                "bib-syntax",
                _("this BibTeX cannot be read: {detail}").format(detail=error.detail),
                _("A field is probably missing its comma, or a value its braces or quotes."),
            )
            _keys_after(text, end, lines, found)
            return found
        found.entries.append(entry)
    return found


def _keys_after(text: str, offset: int, lines: Lines, found: Scan) -> None:
    pattern = re.compile(r"@[ \t]*[A-Za-z]+[ \t]*[{(][ \t\n]*([^,\s{}()]+)[ \t\n]*,")
    for match in pattern.finditer(text, offset):
        found.keys.setdefault(match.group(1), lines.position(match.start()))


def with_titles_as_written(text: str) -> str:
    """`text` with `langid = {french}` given to every entry without a `langid`.

    pandoc takes an entry without a language for English, and an English title for title case:
    it lowers every capital after the first, people's and organisations' names included
    ("Entretien avec marco felez"). The dossier's references are printed as they are written;
    an entry that says `langid = {english}` is still put in sentence case, as English styles
    want. The field goes right after the entry's key, on its line, so that pandoc's line numbers
    are still the file's."""
    parts, copied = [], 0
    for match, end in entries(text):
        if end is None or match.group(1).lower() in NOT_ENTRIES:
            continue
        body = text[match.end() : end]
        key = re.match(r"[ \t\n]*[^,\s{}()]+[ \t\n]*?,", body)
        if key is not None and not _LANGID_FIELD.search(body[key.end() - 1 :]):
            insert_at = match.end() + key.end()
            parts += [text[copied:insert_at], " langid = {french},"]
            copied = insert_at
    return "".join([*parts, text[copied:]])


@dataclass
class _Chunk:
    text: str
    segments: list[tuple[int, int]]  # (first line in the chunk, that line in the file)

    def file_line(self, line: int) -> int:
        index = bisect.bisect_right([start for start, _ in self.segments], line) - 1
        chunk_start, file_start = self.segments[max(index, 0)]
        return file_start + line - chunk_start


def chunks(text: str, size: int = CHUNK_ENTRIES) -> list[_Chunk]:
    """`text` as the pieces pandoc converts: the whole of it, or groups of `size` entries each
    preceded by every `@string` of the file (see the module's docstring for when it is whole)."""
    strings: list[tuple[int, int]] = []
    records: list[tuple[int, int]] = []
    defined: list[str] = []
    for match, end in entries(text):
        kind = match.group(1).lower()
        if end is None or kind in ("comment", "preamble"):
            continue
        if kind == "string":
            strings.append((match.start(), end))
            name = _STRING_NAME.match(text, match.end(), end)
            defined.append(name.group(1).lower() if name else "")
        else:
            records.append((match.start(), end))
    if len(records) <= size or _LINKED.search(text) or len(defined) != len(set(defined)):
        return [_Chunk(text, [(1, 1)])]
    lines = Lines(text)
    preamble_parts: list[str] = []
    segments: list[tuple[int, int]] = []
    line = 1
    for start, end in strings:
        piece = text[start:end] + "\n"
        segments.append((line, lines.position(start).line))
        preamble_parts.append(piece)
        line += piece.count("\n")
    result = []
    for first in range(0, len(records), size):
        group = records[first : first + size]
        parts, chunk_segments, chunk_line = list(preamble_parts), list(segments), line
        for start, end in group:
            piece = text[start:end] + "\n"
            chunk_segments.append((chunk_line, lines.position(start).line))
            parts.append(piece)
            chunk_line += piece.count("\n")
        result.append(_Chunk("".join(parts), chunk_segments))
    return result


class ConversionFailed(PandocFailed):
    """pandoc could not convert a BibTeX file; `position` is where in the file, when it said."""

    def __init__(self, message: str, position: Position, detail: str) -> None:
        super().__init__(message, detail)
        self.position = position


@functools.lru_cache(maxsize=64)
def _convert_chunk(digest: str, text: str, shown: str) -> str:
    del digest  # the cache's key: the content it names
    return run_pandoc(["--from=biblatex", "--to=csljson"], with_titles_as_written(text), what=shown)


def convert(text: str, shown: str, size: int = CHUNK_ENTRIES) -> list[dict[str, Any]]:
    """The CSL-JSON items of the BibTeX `text` (the file `shown`), by pandoc, in file order.

    Raises ConversionFailed, with the file's line when pandoc gave one."""
    items: list[dict[str, Any]] = []
    for chunk in chunks(text, size):
        digest = hashlib.sha256(chunk.text.encode("utf-8")).hexdigest()
        try:
            converted = _convert_chunk(digest, chunk.text, shown)
        except PandocFailed as failed:
            where = re.search(r"line (\d+), column (\d+)\):\s*(.*)", failed.detail, re.DOTALL)
            if where is None:
                raise ConversionFailed(str(failed), Position(), failed.detail) from None
            position = Position(chunk.file_line(int(where.group(1))), int(where.group(2)))
            detail = where.group(3).strip()
            message = _("{place}: this BibTeX cannot be read: {detail}").format(
                place=f"{shown}:{position.line}", detail=detail
            )
            raise ConversionFailed(message, position, detail) from None
        items.extend(json.loads(converted))
    return items


__all__ = ["CHUNK_ENTRIES", "ConversionFailed", "Lines", "Scan", "chunks", "convert", "entries", "scan"]
