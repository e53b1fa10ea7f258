"""Render stage: dossier settings and ordered monographs -> one HTML document, and its plain model.

Monograph text goes through markdown-it with raw HTML off (it is escaped, never passed through);
links are kept only for http, https and mailto, and an image becomes its alternative text in
brackets: nothing an author writes can make the typesetter fetch a file. Templates autoescape
and are looked up in the project's `templates/` first, then in the packaged defaults. French
typography is applied last, to every text node of the finished document.

Part 3 and the annexes are slots: `render_dossier(..., analysis_html=..., annexes_html=...)`
places the cross-case analysis there without changing the page structure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, StrictUndefined
from markupsafe import Markup

from ptce_mono.analysis.typology import TypologyTable
from ptce_mono.analysis.values import NOT_DOCUMENTED, location_of
from ptce_mono.check.citations import cited_keys
from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _
from ptce_mono.core.project_files import read_text
from ptce_mono.render.citations import RenderedCitations
from ptce_mono.render.facts import Fact, departement_label, pole_facts
from ptce_mono.render.gaps import GapNote
from ptce_mono.render.linebreaks import spaces_open_runs
from ptce_mono.render.loader import template_loaders
from ptce_mono.render.markdown import TooDeep, render_inline, render_markdown
from ptce_mono.render.pole_swot import PoleSwotQuadrant, pole_swot
from ptce_mono.render.references import Reference, chapter_references
from ptce_mono.render.template_sandbox import DossierSandbox
from ptce_mono.render.typography import french_html, french_text, in_words, proper_names, running_head
from ptce_mono.sources.citekeys import citation_spans
from ptce_mono.sources.config import DossierConfig
from ptce_mono.sources.dated import Person
from ptce_mono.sources.grid import Grid
from ptce_mono.sources.monograph import Monograph
from ptce_mono.sources.resources import template_folders

MONTHS = (
    *("janvier", "février", "mars", "avril", "mai", "juin"),
    *("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
)
NAMED_POLES = 12
_NUMBERED = re.compile(r"^((?:\d+\.)+|[A-Z]\.)\s+(.*)$")



# -- values -------------------------------------------------------------------------------------


def french_month(value: str | dt.date) -> str:
    """`2013-10` or a date -> `octobre 2013`."""
    if isinstance(value, dt.date):
        return f"{MONTHS[value.month - 1]} {value.year}"
    year, _, rest = value.partition("-")
    month = rest[:2]
    if month.isdigit() and 1 <= int(month) <= 12:
        return f"{MONTHS[int(month) - 1]} {year}"
    return value


# -- model --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedSection:
    id: str
    anchor: str
    title: str
    html: str
    gaps: tuple[GapNote, ...]


@dataclass
class Chapter:
    number: str  # "2.1"
    pole: str
    anchor: str
    name: str
    short_name: str
    title: str  # "Pôle Sud Aquitain (Aquitaine)"
    draft: bool
    running_head: str  # "2.1. Pôle Sud Aquitain", on one line: the pages after the study's first
    location: dict[str, Any]
    motto: dict[str, str] | None
    facts: list[Fact]
    interviewees: list[Person]
    sections: list[RenderedSection]
    authors: list[str]
    date_written: str
    sources: list[dict[str, str]]  # the front matter's sources written out in full
    references: list[Reference] = field(default_factory=list)  # bibliography entries
    swot: list[PoleSwotQuadrant] = field(default_factory=list)  # the pole's own, closing it


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    number: str
    title: str
    draft: bool = False


@dataclass
class DossierModel:
    """Everything the templates see, as plain data."""

    config: DossierConfig
    grid: Grid
    chapters: list[Chapter]
    typology: list[TypologyTable]
    editorial: dict[str, str]  # part -> HTML
    edition: str  # "novembre 2026"
    drafts_left_out: list[str] = field(default_factory=list)
    analysis_html: str | None = None
    annexes_html: str | None = None
    map_html: str | None = None

    @property
    def pole_names(self) -> dict[str, str]:
        return {c.pole: c.short_name for c in self.chapters}

    @property
    def pole_numbers(self) -> dict[str, str]:
        return {c.pole: c.number for c in self.chapters}

    @property
    def has_drafts(self) -> bool:
        return any(c.draft for c in self.chapters)

    @property
    def draft_count(self) -> int:
        return sum(1 for c in self.chapters if c.draft)

    @property
    def region_count(self) -> int:
        return len({c.location.get("region_study") for c in self.chapters} - {None})


@dataclass
class RenderedDossier:
    html: str
    model: DossierModel
    toc: list[TocEntry]


def chapter_for(
    monograph: Monograph,
    number: str,
    grid: Grid,
    citations: RenderedCitations | None = None,
    swot: bool = True,
) -> Chapter:
    meta = monograph.meta
    location: dict[str, Any] = location_of(meta)
    region = location.get("region_study")
    people = list(meta.get("interviewees") or [])
    order = grid.section_ids
    cite = citations.cite_function(f"{monograph.id}--") if citations else None
    facts = pole_facts(meta, cite)
    sections = [
        RenderedSection(
            section.id,
            f"{monograph.id}--{section.id}",
            grid.section(section.id).title,
            render_markdown(section.body, 4, f"{monograph.id}--{section.id}", 1, cite)
            if section.words
            else "",
            tuple(GapNote.of(gap.reason, Markup(render_inline(gap.reason, cite))) for gap in section.gaps),
        )
        for section in sorted(monograph.sections, key=lambda s: order.index(s.id) if s.id else 0)
        if section.id is not None
    ]
    motto = meta.get("motto")
    name = monograph.name

    def quote(text: str) -> Markup:
        """A SWOT statement as one line of Markdown, as the cross-case SWOT prints it."""
        return Markup(render_inline(text, cite))

    return Chapter(
        number=number,
        pole=monograph.id,
        anchor=f"pole-{monograph.id}",
        name=name,
        short_name=str(meta.get("short_name") or name),
        title=f"{name} ({region})" if region else name,
        draft=not monograph.is_published,
        running_head=running_head(
            f"{'' if monograph.is_published else 'Brouillon · '}{number}. {meta.get('short_name') or name}"
        ),
        location=location,
        motto=motto if isinstance(motto, dict) and motto.get("text") else None,
        facts=facts,
        interviewees=people,
        sections=sections,
        authors=[str(a) for a in meta.get("authors") or []],
        date_written=french_month(str(meta.get("date_written") or "")) or NOT_DOCUMENTED,
        sources=[] if citations else [s for s in meta.get("sources") or [] if not s.get("key")],
        references=chapter_references(
            monograph.id, case_study_keys(monograph), list(meta.get("sources") or []), citations
        ),
        swot=pole_swot(meta, grid, quote) if swot else [],
    )


def case_study_keys(monograph: Monograph) -> list[str]:
    """The keys a case study cites: in its sections' text, its front matter's `source:` keys, its
    SWOT statements, and its gaps' reasons."""
    keys = [use.key for use in cited_keys(monograph)]
    reasons = (gap.reason for section in monograph.sections for gap in section.gaps)
    return keys + [key for reason in reasons for span in citation_spans(reason) for key in span.keys]


def read_editorial_text(path: Path, project: Path) -> str:
    """The one place an editorial text is read: never outside `project`."""
    return read_text(path, project)


def read_editorial(config: DossierConfig, citations: RenderedCitations | None = None) -> dict[str, str]:
    """The editorial texts named by the settings, as HTML, by part; citations link to the annex."""
    html: dict[str, str] = {}
    cite = citations.cite_function() if citations else None
    for part, path in config.editorial.items():
        try:
            html[part] = render_markdown(read_editorial_text(path, config.project), top=3, cite=cite)
        except (OSError, UnicodeDecodeError) as exc:
            raise RenderError(
                _("{path}: cannot read the editorial text: {reason}").format(path=path, reason=exc)
            ) from None
        except TooDeep as exc:
            raise RenderError(f"{path}: {exc}") from None
    return html


# -- templates ----------------------------------------------------------------------------------


def css_string(value: str) -> Markup:
    """A CSS string literal; every character that could end it or the <style> is hex-escaped."""
    escaped = "".join(c if c.isalnum() or c in " .,-_'’|/()" else f"\\{ord(c):x} " for c in value)
    return Markup(f'"{escaped}"')


def upper_first(value: str) -> str:
    """`désindustrialisé` -> `Désindustrialisé`, leaving `SCIC` as it is (unlike `capitalize`)."""
    return value[:1].upper() + value[1:]


def w3c_date(value: dt.date) -> str:
    """The form WeasyPrint reads from `<meta name=dcterms.created>` into the PDF's dates."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def make_environment(project: Path) -> Environment:
    env = DossierSandbox(
        loader=ChoiceLoader(template_loaders(template_folders(project), project)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["month"] = french_month
    env.filters["css_string"] = css_string
    env.filters["departement"] = departement_label
    env.filters["w3c_date"] = w3c_date
    return with_house_style(env)


def with_house_style(env: Environment) -> Environment:
    """`env` with what the templates need to write as the house style does (docs/styling.md)."""
    env.filters.setdefault("upper_first", upper_first)
    env.filters.setdefault("in_words", in_words)
    env.filters.setdefault("typography", french_text)
    # Up to this many case studies, the cover and the typology tables name the poles; beyond,
    # they give their number and the number of their case study.
    env.globals.setdefault("cover_names", NAMED_POLES)
    env.globals.setdefault("named_poles", NAMED_POLES)
    return env


class _Headings(HTMLParser):
    """The h1 and h2 with an id, in document order: they make the Sommaire and the bookmarks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[TocEntry] = []
        self._open: tuple[str, str, bool, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("h1", "h2") and self._open is None and values.get("id"):
            self._open = (tag, values["id"] or "", values.get("data-status") == "draft", [])

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == self._open[0]:
            name, anchor, draft, parts = self._open
            text = " ".join("".join(parts).split())
            numbered = _NUMBERED.match(text)
            number, title = numbered.groups() if numbered else ("", text)
            self.entries.append(TocEntry(int(name[1]), anchor, number, title, draft))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[3].append(data)


_HEADING = re.compile(r"<h([12])\b[^>]*>.*?</h\1\s*>", re.DOTALL | re.IGNORECASE)


def table_of_contents(body: str) -> list[TocEntry]:
    collector = _Headings()
    # Only the headings are parsed: parsing the whole body took a third of a second at 64 poles.
    for heading in _HEADING.finditer(body):
        collector.feed(heading.group(0))
    collector.close()
    return collector.entries


def corpus_names(monographs: list[Monograph]) -> frozenset[str]:
    """The proper names of the corpus that the dossier never hyphenates: poles, places, carriers,
    the people interviewed."""
    texts: list[str] = []
    for m in monographs:
        location = location_of(m.meta)
        people = [str(p.get("name", "")) for p in m.meta.get("interviewees") or [] if isinstance(p, dict)]
        texts += [m.name, str(m.meta.get("short_name") or ""), str(m.meta.get("carrier") or ""), *people]
        texts += [str(v) for v in location.values() if isinstance(v, str)]
    return proper_names(texts)


def render_dossier(
    project: Path,
    config: DossierConfig,
    grid: Grid,
    monographs: list[Monograph],
    *,
    typology: list[TypologyTable],  # the analysis stage's, of these monographs
    edition: dt.date,  # printed on the cover and stored as the PDF's dates
    drafts_left_out: list[str] | None = None,
    analysis_html: str | None = None,
    annexes_html: str | None = None,
    map_html: str | None = None,
    editorial: dict[str, str] | None = None,
    env: Environment | None = None,
    citations: RenderedCitations | None = None,
) -> RenderedDossier:
    """The whole dossier as one HTML document. `monographs` are those to print, in order.

    `analysis_html` fills part 3 (a short statement stands in for it when None) and
    `annexes_html` adds the annexes after it; their h1/h2 with ids join the Sommaire.
    """
    env = env or make_environment(project)
    chapters = [
        chapter_for(m, f"2.{i}", grid, citations, config.case_study_swot) for i, m in enumerate(monographs, 1)
    ]
    model = DossierModel(
        config=config,
        grid=grid,
        chapters=chapters,
        typology=typology,
        editorial=editorial if editorial is not None else read_editorial(config, citations),
        edition=french_month(edition),
        drafts_left_out=list(drafts_left_out or []),
        analysis_html=analysis_html,
        annexes_html=annexes_html,
        map_html=map_html,
    )
    context = {"model": model, "config": config, "chapters": chapters, "edition": edition}
    body = env.get_template("partials/body.html").render(context)
    toc = table_of_contents(body)
    page = env.get_template("dossier.html").render(context, body=Markup(body), toc=toc)
    return RenderedDossier(spaces_open_runs(french_html(page, corpus_names(monographs))), model, toc)


__all__ = [
    "Chapter",
    "DossierModel",
    "RenderedDossier",
    "TocEntry",
    "make_environment",
    "read_editorial",
    "render_dossier",
    "render_markdown",
    "template_folders",
]
