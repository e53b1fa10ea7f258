"""Parse stage: one monograph file -> front matter values and grid sections, with positions.

Parsing never raises on bad input: every problem found is recorded on the monograph with its
file:line:col, and as much as can be read is kept so that later checks still run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptce_mono.core.i18n import _
from ptce_mono.core.nesting import MAX_NESTING, too_deep
from ptce_mono.core.problems import Position, Problem, ProblemList
from ptce_mono.core.text import count_words, did_you_mean, normalise
from ptce_mono.sources.citekeys import SectionCitations, scan_section
from ptce_mono.sources.frontmatter import read_front_matter
from ptce_mono.sources.grid import Grid
from ptce_mono.sources.leftovers import scan_leftovers
from ptce_mono.sources.source_text import read_source
from ptce_mono.sources.yamlsafe import Mapping, load_yaml

MAX_LINE_CHARS = 20_000

_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z0-9_-]+)\}\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^:{3,}\s*\{?\s*\.?([A-Za-zÀ-ÿ_-]+)\s*\}?\s*$")
_DIV_CLOSE = re.compile(r"^:{3,}\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_STRUCTURE_STARTS = frozenset(" `~:#")
# Glyph substitutions left by the PDF extraction of the CITEGO dossier (see shared/README).
_DAMAGED = re.compile("[ĠǀăğġͮͩΘ͗]|dž")
_DAMAGED_FAST = re.compile("[ĠǀăğġͮͩΘ͗ž]")  # a plain character class scans much faster


@dataclass
class Gap:
    reason: str
    position: Position


@dataclass
class Paragraph:
    """A block of the section's text and the line it starts on, for linking statements back."""

    line: int
    text: str


@dataclass
class Section:
    id: str | None
    heading: str
    position: Position
    body: str = ""
    words: int = 0
    gaps: list[Gap] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    body_line: int = 0  # the file line where `body` starts
    citations: SectionCitations = field(default_factory=SectionCitations)

    @property
    def is_gap(self) -> bool:
        """Only a gap: the sources say nothing on this section."""
        return bool(self.gaps) and self.words == 0

    @property
    def anchor(self) -> str:
        return self.id or normalise(self.heading).replace(" ", "-")


@dataclass
class Monograph:
    path: str
    meta: dict[str, Any]
    sections: list[Section]
    problems: list[Problem]
    front_position: Position = field(default_factory=Position)
    body_start_line: int = 1

    @property
    def id(self) -> str:
        value = self.meta.get("id")
        return value if isinstance(value, str) else Path(self.path).stem

    @property
    def name(self) -> str:
        value = self.meta.get("name")
        return value if isinstance(value, str) else self.id

    @property
    def status(self) -> str:
        value = self.meta.get("status")
        return value if isinstance(value, str) else "draft"

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


def parse_monograph(
    path: str | Path,
    grid: Grid,
    display_path: str | None = None,
    keep_text: bool = True,
    root: Path | None = None,
) -> Monograph:
    """Read one monograph (a regular file under `root`, when given).

    Problems are on the result; this never raises on bad content.
    """
    file_path = Path(path)
    shown = display_path or str(path)
    problems = ProblemList(shown)
    text = read_source(file_path, problems, root)
    if text is None:
        return Monograph(shown, {}, [], problems.items)
    return parse_text(text, grid, shown, problems, keep_text)


def parse_text(
    text: str, grid: Grid, shown: str, problems: ProblemList | None = None, keep_text: bool = True
) -> Monograph:
    problems = problems or ProblemList(shown)
    lines = text.split("\n")
    for number, line in enumerate(lines if len(text) > MAX_LINE_CHARS else [], 1):
        if len(line) > MAX_LINE_CHARS:
            problems.warning(
                Position(number, 1),
                "long-line",
                _("line {line} is {length:,} characters long").format(line=number, length=len(line)),
                _("Such lines usually come from a bad paste; break it into paragraphs."),
            )
    meta: dict[str, Any] = {}
    body_start = 1
    front_position = Position(1, 1)
    if not text.strip():
        problems.error(
            Position(), "empty-file", _("the file is empty"), _('Start from `ptce-mono new "Nom du pôle"`.')
        )
        return Monograph(shown, meta, [], problems.items)
    if lines[0].strip() != "---":
        problems.error(
            Position(1, 1),
            "no-front-matter",
            _("the file does not start with front matter (a `---` line)"),
            _("The first line must be `---`, then the fields, then a closing `---`."),
        )
    else:
        closing = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if closing is None:
            problems.error(
                Position(1, 1),
                "front-matter-unclosed",
                _("the front matter opened on line 1 is never closed"),
                _("Add a line `---` after the last field."),
            )
            body_start = len(lines) + 1
        else:
            front = load_yaml("\n".join(lines[1:closing]), problems, line_offset=1)
            if isinstance(front, Mapping):
                meta = read_front_matter(front, grid, problems, front_position)
            body_start = closing + 2
    for number, line in enumerate(lines if _DAMAGED_FAST.search(text) else [], 1):
        match = _DAMAGED.search(line)
        if match:
            problems.error(
                Position(number, match.start() + 1),
                "damaged-text",
                _("text damaged by a PDF extraction (`{text}`)").format(text=match.group(0)),
                _("Retype the passage: in the CITEGO extraction Ġ=é, ǀ=v, dž=x, ă=à, ğ=è, ġ=ê."),
            )
    scan_leftovers(text, problems)
    nested = too_deep("\n".join(lines[body_start - 1 :]))
    if nested is not None:
        depth, depth_line = nested
        problems.error(
            Position(body_start - 1 + depth_line, 1),
            "too-deep",
            _(
                "the text here nests {depth} levels deep (lists in lists, emphasis in emphasis); "
                "the dossier prints at most {most}"
            ).format(depth=depth, most=MAX_NESTING),
            _("Flatten the list or remove the repeated `*` or `_`: deeper text would not be printed."),
        )
    sections = _scan_sections(lines, body_start, grid, problems, keep_text)
    return Monograph(shown, meta, sections, problems.items, front_position, body_start)


def _blank_comments(text: str) -> str:
    """Replace HTML comments by blanks, keeping line breaks so positions still hold."""
    if "<!--" not in text:
        return text
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _scan_sections(
    lines: list[str], body_start: int, grid: Grid, problems: ProblemList, keep_text: bool
) -> list[Section]:
    index = grid.heading_index()
    body_lines = _blank_comments("\n".join(lines[body_start - 1 :])).split("\n")
    sections: list[Section] = []
    current: Section | None = None
    buffer: list[tuple[int, str]] = []
    fence: str | None = None
    gap_open: tuple[int, list[str]] | None = None
    stray_text_line: int | None = None

    def close_section() -> None:
        if current is not None:
            _finish(current, buffer, keep_text)

    for offset, line in enumerate(body_lines):
        number = body_start + offset
        # Most lines are prose: only these first characters can open a fence, a div or a heading.
        if not fence and gap_open is None and current is not None and line[:1] not in _STRUCTURE_STARTS:
            buffer.append((number, line))
            continue
        fence_match = _FENCE.match(line)
        if fence:
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            ):
                fence = None
            buffer.append((number, line))
            continue
        if fence_match:
            fence = fence_match.group(1)
            buffer.append((number, line))
            continue
        if gap_open is not None:
            if _DIV_CLOSE.match(line):
                reason = " ".join(x.strip() for x in gap_open[1] if x.strip())
                if current is not None:
                    if not reason:
                        problems.error(
                            Position(gap_open[0], 1),
                            "gap-without-reason",
                            _("a gap marker must say why the section cannot be written"),
                        )
                    current.gaps.append(Gap(reason, Position(gap_open[0], 1)))
                gap_open = None
            else:
                gap_open[1].append(line)
            continue
        div = _DIV_OPEN.match(line)
        if div and div.group(1).lower() in grid.gap_names:
            gap_open = (number, [])
            if current is None:
                message = _("a gap marker must be inside a `##` section")
                problems.error(Position(number, 1), "gap-outside-section", message)
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            title = (heading.group(2) or "").strip()
            if level == 1:
                problems.warning(
                    Position(number, 1),
                    "heading-level",
                    _("`# {title}` is a level-1 heading").format(title=title),
                    _("Sections are `##` headings; the pole's name comes from the front matter."),
                )
                continue
            if level == 2:
                close_section()
                buffer = []
                current = _open_section(title, Position(number, 1), index, grid, problems)
                sections.append(current)
                continue
            if current is None:
                problems.warning(
                    Position(number, 1),
                    "heading-level",
                    _("`{heading}` comes before the first `##` section").format(
                        heading=f"{'#' * level} {title}"
                    ),
                    _("Use `##` for grid sections; `###` only inside a section."),
                )
                continue
        if current is None:
            if line.strip() and stray_text_line is None:
                stray_text_line = number
            continue
        buffer.append((number, line))
    if gap_open is not None:
        problems.error(
            Position(gap_open[0], 1),
            "gap-unclosed",
            _("the gap marker opened here is never closed"),
            _("Close it with a line `:::`."),
        )
    close_section()
    if stray_text_line is not None:
        problems.warning(
            Position(stray_text_line, 1),
            "text-outside-section",
            _("text before the first `##` section is not part of any section and is not printed"),
        )
    return sections


def _open_section(
    title: str, position: Position, index: dict[str, str], grid: Grid, problems: ProblemList
) -> Section:
    explicit = _EXPLICIT_ID.search(title)
    if explicit:
        section_id = explicit.group(1)
        title = title[: explicit.start()].strip()
        if section_id not in grid.section_ids:
            problems.error(
                position,
                "unknown-section",
                _("`{{#{section}}}` is not a grid section id").format(section=section_id),
                did_you_mean(section_id, grid.section_ids),
            )
            return Section(None, title, position)
        return Section(section_id, title, position)
    found = index.get(normalise(title))
    if found is None:
        titles = [s.title for s in grid.sections]
        hint = did_you_mean(title, titles + [a for s in grid.sections for a in s.aliases])
        problems.error(
            position,
            "unknown-heading",
            _("`## {title}` is not a section of the grid").format(title=title),
            hint or _("Sections: {titles}. Use `###` for a subheading.").format(titles=", ".join(titles)),
        )
    return Section(found, title, position)


def _finish(section: Section, buffer: list[tuple[int, str]], keep_text: bool) -> None:
    first = next((i for i, (_, line) in enumerate(buffer) if line.strip()), len(buffer))
    body = "\n".join(line for _, line in buffer[first:]).rstrip()
    section.words = count_words(body)
    section.citations = scan_section(buffer[first:])
    if not keep_text:
        return
    section.body = body
    section.body_line = buffer[first][0] if first < len(buffer) else 0
    paragraph: list[str] = []
    start = 0
    for number, line in [*buffer, (0, "")]:
        if line.strip():
            if not paragraph:
                start = number
            paragraph.append(line)
        elif paragraph:
            section.paragraphs.append(Paragraph(start, "\n".join(paragraph)))
            paragraph = []
