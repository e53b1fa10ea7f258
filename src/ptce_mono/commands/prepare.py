"""Load, check, order, analyse and render: what every command that shows the dossier shares.

`analyse_project` runs steps 1 to 4 of the build (load the grid and the settings; parse and
validate every monograph as `check` does, any error stopping here; order the poles as
dossier.yaml says and keep those to print; analyse across cases and check the editors' options).
`prepare_dossier` adds step 5, the HTML. `build`, `export`, the site, the preview and `matrix`
all start from these, so they print the same poles, in the same order, under the same draft
policy. Nothing is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ptce_mono.analysis.crosscase import CrossCase, analyse
from ptce_mono.analysis.options import Options, load_options
from ptce_mono.check.citations import check_text_citations, own_bibliography
from ptce_mono.check.validate import check_paths
from ptce_mono.core.errors import CorpusError
from ptce_mono.core.i18n import _
from ptce_mono.core.problems import Position, Problem, ProblemList, Severity, has_errors
from ptce_mono.render.analysis import pole_map_html, render_analysis
from ptce_mono.render.citations import collect_citations, render_citations
from ptce_mono.render.dossier import (
    RenderedDossier,
    make_environment,
    read_editorial,
    read_editorial_text,
    render_dossier,
)
from ptce_mono.render.extent import with_page_counts
from ptce_mono.render.references import bibliography_annex, source_item
from ptce_mono.sources.bibliography import Bibliography, load_bibliography
from ptce_mono.sources.citekeys import citation_spans
from ptce_mono.sources.config import DossierConfig, load_config, order_poles
from ptce_mono.sources.dated import front_matter_citations
from ptce_mono.sources.edition import edition_datetime
from ptce_mono.sources.grid import Grid, load_grid
from ptce_mono.sources.leftovers import project_leftovers
from ptce_mono.sources.monograph import Monograph
from ptce_mono.sources.resources import project_resource

LOGGER = logging.getLogger("ptce_mono.commands.build")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _root_for(project: Path) -> Path:
    """Paths in messages are relative to where the command runs, as `check` prints them."""
    cwd = Path.cwd().resolve()
    return cwd if project.resolve().is_relative_to(cwd) else project.resolve()


def _cited_texts(config: DossierConfig, printed: list[Monograph]) -> list[str]:
    """The texts of the dossier that may cite: section bodies and their gaps' reasons, the
    authors' summaries, editorial texts, SWOT statements, the front matter's `source:` keys (the
    strategic options' texts are added once the options are read)."""
    texts = [section.body for m in printed for section in m.sections]
    texts += [gap.reason for m in printed for section in m.sections for gap in section.gaps]
    texts += [str(text) for m in printed for text in (m.meta.get("summaries") or {}).values()]
    for path in config.editorial.values():
        with contextlib.suppress(OSError, UnicodeDecodeError):  # read_editorial reports it
            texts.append(read_editorial_text(path, config.project))
    for m in printed:
        for items in (m.meta.get("swot") or {}).values():
            texts.extend(str(item.get("text", "")) for item in items if isinstance(item, dict))
        texts.extend(cited.text for cited in front_matter_citations(m.meta))
    return texts


def annex_letter(annexes: str) -> str:
    """The letter of the next annex: the one after the last that `annexes` holds."""
    letters = re.findall(r'id="annexe-([a-z])"', annexes)
    return chr(ord(max(letters)) + 1).upper() if letters else "A"


def with_annex(annexes: str, annex: str) -> str:
    """`annexes` (the part's HTML, one closing `</section>` last) with `annex` added at its end."""
    if not annex:
        return annexes
    head, tag, tail = annexes.rpartition("</section>")
    return f"{head}{annex}{tag}{tail}" if tag else annexes + annex


@dataclass
class AnalysedCorpus:
    """Steps 1 to 4: the poles to print, in order, and what the analysis made of them."""

    grid: Grid
    config: DossierConfig
    printed: list[Monograph]
    left_out: list[Monograph]  # drafts not printed under this draft policy
    model: CrossCase
    options: Options
    problems: list[Problem]  # warnings and notes that did not stop it
    bibliography: Bibliography  # the dossier's, as dossier.yaml names it


@dataclass
class Prepared:
    """Everything up to the rendered HTML: what `build` typesets and `export` converts."""

    rendered: RenderedDossier
    printed: list[Monograph]
    left_out: list[Monograph]
    edition: dt.datetime
    problems: list[Problem]
    model: CrossCase
    pdf_variant: str = "pdf/ua-1"  # `pdf:` of dossier.yaml


def analyse_project(
    project: Path,
    drafts: bool | None = None,
    *,
    grid_path: Path | None = None,
    config_path: Path | None = None,
) -> AnalysedCorpus:
    """Steps 1 to 4 of the build. `drafts` overrides `drafts:` of dossier.yaml.

    Raises GridError, ConfigError or CorpusError (the problems `check` reports).
    """
    # 1. Load: the grid (the project's, else the packaged one) and the dossier settings.
    LOGGER.info(_("Loading the grid and the settings"))
    grid = load_grid(grid_path or project_resource(project, "grid") / "grid.yaml")
    config = load_config(project, config_path)
    include_drafts = config.include_drafts if drafts is None else drafts
    bib_files = list(config.bibliography)
    bibliography = load_bibliography(bib_files, [_shown(f) for f in bib_files])

    # 2. Parse and validate every monograph, drafts included: the same problems as `check`,
    #    the citations checked against the bibliography.
    LOGGER.info(_("Checking the monographs"))
    checked = check_paths(
        [project / "monographs"], grid, root=_root_for(project), bibliography=bibliography, project=project
    )
    citing_files = [*config.editorial.values(), *([config.options] if config.options else [])]
    for path in citing_files:
        with contextlib.suppress(OSError, UnicodeDecodeError):  # read_editorial, load_options report it
            text = read_editorial_text(path, config.project)
            checked.problems.extend(check_text_citations(_shown(path), text, bibliography))
    checked.problems.extend(project_leftovers(project, _shown))
    if has_errors(checked.problems):
        raise CorpusError(checked.problems)

    # 3. Order the poles as dossier.yaml says, then keep those to print.
    LOGGER.info(_("Ordering the poles"))
    by_id = {m.id: m for m in checked.monographs}
    ordered = [by_id[pole] for pole in order_poles(config, list(by_id))]
    printed = [m for m in ordered if m.is_published or include_drafts]
    left_out = [m for m in ordered if m not in printed]
    if not printed:
        raise CorpusError(
            [
                Problem(
                    str(project / "monographs"),
                    Position(),
                    Severity.ERROR,
                    "nothing-to-print",
                    _("no published monograph: the dossier would be empty"),
                    _("Publish a monograph (`status: published`) or build with `--drafts`."),
                )
            ]
        )

    # 4. Analyse: the cross-case model of the printed poles, and the editors' strategic options,
    #    whose SWOT ids must exist in this model (an unknown id is an error with its line).
    LOGGER.info(_("Analysing across cases"))
    model = analyse(printed, grid, config.reference_year)
    options = Options(config.path)
    if config.options is not None:
        options, option_problems = load_options(config.options, model.swot, _shown(config.options), project)
        if has_errors(option_problems):
            raise CorpusError(option_problems)
    problems = [*config.warnings, *checked.problems]
    return AnalysedCorpus(grid, config, printed, left_out, model, options, problems, bibliography)


def prepare_dossier(
    project: Path,
    drafts: bool | None = None,
    *,
    grid_path: Path | None = None,
    config_path: Path | None = None,
) -> Prepared:
    """Steps 1 to 5 of the build: load, check, order, analyse, render. Nothing is written."""
    corpus = analyse_project(project, drafts, grid_path=grid_path, config_path=config_path)
    config, grid, printed = corpus.config, corpus.grid, corpus.printed

    # 5. Render: every citation formatted by one call of pandoc's citeproc, then one HTML
    #    document, French typography applied.
    LOGGER.info(_("Formatting the citations"))
    bibliography = corpus.bibliography
    for monograph in printed:  # the monographs' own bibliographies, checked in step 2
        own = own_bibliography(monograph, project, ProblemList(monograph.path))
        bibliography = bibliography.merged(own)
    cited_texts = [*_cited_texts(config, printed), *(option.text for option in corpus.options.options)]
    written_out = [
        source_item(m.id, index, source)
        for m in printed
        for index, source in enumerate(m.meta.get("sources") or [], 1)
        if not source.get("key")
    ]
    citations = render_citations(bibliography, config.csl, collect_citations(cited_texts), written_out)
    citations = with_page_counts(citations, bibliography)
    LOGGER.info(_("Rendering the HTML"))
    env = make_environment(project)
    editorial = read_editorial(config, citations)
    part3, annexes = render_analysis(
        env,
        corpus.model,
        corpus.options,
        grid,
        {
            "intro": editorial.get("analysis", ""),
            "swot": editorial.get("swot", ""),
            "governance": editorial.get("governance", ""),
        },
        cite=citations.cite_function(),
        drafts=sum(1 for m in printed if not m.is_published),
    )
    cited = {key for text in cited_texts for span in citation_spans(text) for key in span.keys}
    listed = {str(s["key"]) for m in printed for s in m.meta.get("sources") or [] if s.get("key")}
    annexes = with_annex(annexes, bibliography_annex(citations, cited, listed, annex_letter(annexes)))
    edition = edition_datetime(config)
    rendered = render_dossier(
        project,
        config,
        grid,
        printed,
        typology=corpus.model.typology,
        edition=edition,
        drafts_left_out=[m.name for m in corpus.left_out],
        analysis_html=part3,
        annexes_html=annexes,
        map_html=pole_map_html(printed),
        editorial=editorial,
        env=env,
        citations=citations,
    )
    return Prepared(
        rendered, printed, corpus.left_out, edition, corpus.problems, corpus.model, config.pdf_variant
    )


__all__ = ["AnalysedCorpus", "Prepared", "analyse_project", "prepare_dossier"]
