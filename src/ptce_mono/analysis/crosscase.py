"""Analyse stage: the cross-case model, built from monographs as plain data (no rendering here).

Like a framework matrix in qualitative analysis software: cases (poles) x themes (grid sections),
case attributes from the front matter to group and order the cases, and counts reported as
"k of N cases". Every statement keeps the pole, the section and the source line it comes from,
so that the dossier can link it back to its paragraph.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

from ptce_mono.analysis.typology import (
    TYPOLOGY_ATTRIBUTES,
    TypologyTable,
    typology_table,
)
from ptce_mono.analysis.values import NOT_DOCUMENTED, display, location_of
from ptce_mono.check.validate import GAP, MISSING, WRITTEN, section_state
from ptce_mono.sources.citekeys import strip_citations
from ptce_mono.sources.grid import SWOT_QUADRANTS, Grid
from ptce_mono.sources.monograph import Monograph

QUADRANT_LETTERS = {"strengths": "S", "weaknesses": "W", "opportunities": "O", "threats": "T"}
QUADRANT_TITLES = {
    "strengths": "Atouts",
    "weaknesses": "Faiblesses",
    "opportunities": "Opportunités",
    "threats": "Menaces",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«])")
_MARKUP = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)|^[-+>#]+\s*")


@dataclass(frozen=True)
class Pole:
    id: str
    name: str
    short_name: str
    region: str
    path: str


@dataclass(frozen=True)
class Cell:
    """One pole x section cell of the framework matrix."""

    pole: str
    section: str
    state: str  # written, thin, gap, missing
    summary: str
    origin: str  # "author" (front-matter summary), "first sentence", "gap", ""
    line: int  # where the statement comes from in the monograph (0 when missing)
    body_line: int = 0  # where the section's text starts in the monograph
    keys: tuple[str, ...] = ()  # the bibliography keys the section cites, in order
    markdown: str = ""  # the summary as written: Markdown, its citations kept for the style

    @property
    def anchor(self) -> str:
        """The paragraph a first-sentence summary is taken from; else the section. Paragraphs
        are named by their line within their section (render.render_markdown): an edit in one
        section does not rename the paragraphs of the others, nor change what links to them."""
        if self.origin == "first sentence" and self.line and self.body_line:
            return f"{self.pole}--{self.section}--L{self.line - self.body_line + 1}"
        return f"{self.pole}--{self.section}"


@dataclass
class Matrix:
    poles: list[Pole]
    sections: list[tuple[str, str]]  # (id, title)
    cells: dict[tuple[str, str], Cell]

    def cell(self, pole: str, section: str) -> Cell:
        return self.cells[(pole, section)]

    def state_counts(self, section: str) -> Counter[str]:
        return Counter(self.cells[(p.id, section)].state for p in self.poles)


@dataclass(frozen=True)
class Statement:
    pole: str
    text: str
    section: str | None
    line: int

    @property
    def anchor(self) -> str:
        return f"{self.pole}--{self.section}" if self.section else self.pole


@dataclass
class SwotItem:
    """A harmonised item: one quadrant x theme, with the poles' own statements behind it."""

    id: str
    quadrant: str
    theme: str | None
    label: str
    statements: list[Statement]
    n: int

    @property
    def poles(self) -> list[str]:
        return list(dict.fromkeys(s.pole for s in self.statements))

    @property
    def k(self) -> int:
        return len(self.poles)

    @property
    def share(self) -> str:
        return f"{self.k}/{self.n}"


@dataclass
class Swot:
    items: dict[str, list[SwotItem]]  # quadrant -> items, most supported first
    poles_without_items: list[str]
    n: int

    def by_id(self) -> dict[str, SwotItem]:
        return {item.id: item for items in self.items.values() for item in items}


@dataclass
class ComparisonRow:
    pole: str
    values: dict[str, str]


@dataclass
class Referentiel:
    scored: bool
    poles: list[str] = field(default_factory=list)
    # pole -> indicator -> level; pole -> objective -> subtotal
    scores: dict[str, dict[str, int]] = field(default_factory=dict)
    subtotals: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class CrossCase:
    poles: list[Pole]
    matrix: Matrix
    typology: list[TypologyTable]
    swot: Swot
    comparison: list[ComparisonRow]
    comparison_columns: list[tuple[str, str]]
    referentiel: Referentiel
    reference_year: int


def _pole(m: Monograph) -> Pole:
    location = location_of(m.meta)
    return Pole(
        m.id,
        m.name,
        str(m.meta.get("short_name") or m.name),
        str(location.get("region_study") or NOT_DOCUMENTED),
        m.path,
    )


# -- framework matrix --------------------------------------------------------------------------


def opening_sentence(text: str) -> str:
    """The opening sentence of a paragraph as written (Markdown, citations kept), whole: a
    sentence end inside a citation's brackets (« p. 8. Le ») is not one."""
    joined = " ".join(line.strip() for line in text.strip().splitlines())
    for end in _SENTENCE_END.finditer(joined):
        before = joined[: end.start()]
        if before.count("[") == before.count("]") and before.count("(") == before.count(")"):
            return before
    return joined


def plain_text(markdown: str) -> str:
    """Markdown text without its markup and its citations, for a table of plain text."""
    lines = strip_citations(markdown).splitlines()
    text = " ".join(_MARKUP.sub(lambda m: m.group(1) or "", line.strip()) for line in lines)
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))


def first_sentence(text: str) -> str:
    """The opening sentence of a paragraph, whole, without markup or citations."""
    return plain_text(opening_sentence(text))


def build_matrix(monographs: list[Monograph], grid: Grid) -> Matrix:
    """Summaries come from the author's `summaries` field; else the section's first sentence."""
    cells: dict[tuple[str, str], Cell] = {}
    for m in monographs:
        authored = m.meta.get("summaries") or {}
        for spec in grid.sections:
            state = section_state(m, spec.id, grid)
            section = m.section(spec.id)
            if state == MISSING or section is None:
                cells[(m.id, spec.id)] = Cell(m.id, spec.id, MISSING, "", "", 0)
            elif state == GAP:
                reason = section.gaps[0].reason if section.gaps else ""
                line = section.gaps[0].position.line
                plain = plain_text(reason)
                cells[(m.id, spec.id)] = Cell(m.id, spec.id, GAP, plain, "gap", line, markdown=reason)
            elif spec.id in authored:
                text = str(authored[spec.id])
                cells[(m.id, spec.id)] = Cell(
                    m.id, spec.id, state, plain_text(text), "author", section.position.line, markdown=text
                )
            else:
                paragraph = next((p for p in section.paragraphs if p.text.strip()), None)
                text = opening_sentence(paragraph.text) if paragraph else ""
                line = paragraph.line if paragraph else section.position.line
                plain = plain_text(text)
                cells[(m.id, spec.id)] = Cell(
                    m.id, spec.id, state, plain, "first sentence", line, section.body_line, (), text
                )
            if section is not None and section.citations.uses:
                keys = tuple(dict.fromkeys(use.key for use in section.citations.uses))
                cells[(m.id, spec.id)] = dataclasses.replace(cells[(m.id, spec.id)], keys=keys)
    return Matrix([_pole(m) for m in monographs], [(s.id, s.title) for s in grid.sections], cells)


# -- SWOT --------------------------------------------------------------------------------------


def swot_id(quadrant: str, theme: str | None, grid: Grid) -> str:
    """The harmonised id of a SWOT item: its quadrant's letter and its theme's place in the grid's
    vocabulary (S5: strengths about funding), 0 without a theme. A pole's own items carry it too."""
    themes = list(grid.vocabularies["swot_theme"].values)
    return f"{QUADRANT_LETTERS[quadrant]}{themes.index(theme) + 1 if theme in themes else 0}"


def theme_label(theme: str | None, grid: Grid) -> str:
    return grid.vocabularies["swot_theme"].label(theme) if theme else "Autres éléments (sans thème)"


def build_swot(monographs: list[Monograph], grid: Grid) -> Swot:
    """Group every SWOT item by quadrant and theme.

    Ids are stable across corpus changes: a theme's number is its place in the grid's
    vocabulary (S5 is always the strengths about funding), so the strategic options can cite
    them; items without a theme are grouped under number 0.
    """
    n = len(monographs)
    items: dict[str, list[SwotItem]] = {}
    without: list[str] = []
    for quadrant in SWOT_QUADRANTS:
        groups: dict[str | None, list[Statement]] = {}
        for m in monographs:
            for raw in (m.meta.get("swot") or {}).get(quadrant, []):
                groups.setdefault(raw["theme"], []).append(
                    Statement(m.id, raw["text"], raw["section"], raw["line"])
                )
        built = []
        for theme, statements in groups.items():
            label = theme_label(theme, grid)
            built.append(SwotItem(swot_id(quadrant, theme, grid), quadrant, theme, label, statements, n))
        built.sort(key=lambda item: (-item.k, int(item.id[1:])))
        items[quadrant] = built
    for m in monographs:
        swot = m.meta.get("swot") or {}
        if not any(swot.get(q) for q in SWOT_QUADRANTS):
            without.append(m.id)
    return Swot(items, without, n)


# -- governance and cooperation, référentiel ----------------------------------------------------

COMPARISON_COLUMNS = [
    ("carrier", "Structure porteuse"),
    ("legal_form", "Forme juridique"),
    ("governance_bodies", "Instances de gouvernance"),
    ("cooperation_logics", "Logiques de coopération"),
    ("shared_place", "Lieu commun"),
    ("local_authority_roles", "Rôle des collectivités"),
]


def build_comparison(monographs: list[Monograph]) -> list[ComparisonRow]:
    return [
        ComparisonRow(m.id, {key: display(m.meta.get(key)) for key, _ in COMPARISON_COLUMNS})
        for m in monographs
    ]


def build_referentiel(monographs: list[Monograph], grid: Grid) -> Referentiel:
    scored = [m for m in monographs if m.meta.get("referentiel")]
    if not scored:
        return Referentiel(False)
    result = Referentiel(True, [m.id for m in scored])
    objective_of = {i.id: i.objective for i in grid.referentiel.indicators}
    for m in scored:
        scores: dict[str, int] = m.meta["referentiel"]
        result.scores[m.id] = dict(scores)
        subtotal: dict[str, int] = {}
        for indicator, level in scores.items():
            subtotal[objective_of[indicator]] = subtotal.get(objective_of[indicator], 0) + level
        result.subtotals[m.id] = subtotal
    return result


def analyse(monographs: list[Monograph], grid: Grid, reference_year: int = 2013) -> CrossCase:
    """The whole cross-case model for the monographs of one dossier, in the dossier's order."""
    typology = [
        typology_table(monographs, grid, attr, title, reference_year) for attr, title in TYPOLOGY_ATTRIBUTES
    ]
    return CrossCase(
        poles=[_pole(m) for m in monographs],
        matrix=build_matrix(monographs, grid),
        typology=typology,
        swot=build_swot(monographs, grid),
        comparison=build_comparison(monographs),
        comparison_columns=COMPARISON_COLUMNS,
        referentiel=build_referentiel(monographs, grid),
        reference_year=reference_year,
    )


__all__ = ["GAP", "MISSING", "WRITTEN", "CrossCase", "analyse", "swot_id", "theme_label"]
