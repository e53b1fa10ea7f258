"""Load stage: the dossier's settings from `dossier.yaml`, checked like a monograph's front matter.

Every problem is collected with its file:line before anything is raised, unknown keys get a
did-you-mean, and the values that depend on the corpus (the order of the poles) are checked
against it later by `order_poles`, still pointing at the line that names them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptce_mono.core.errors import ConfigError
from ptce_mono.core.i18n import N_, _, os_reason
from ptce_mono.core.problems import Position, Problem, ProblemList, Severity
from ptce_mono.core.project_files import read_text
from ptce_mono.core.text import did_you_mean
from ptce_mono.sources.bibliography import (
    DEFAULT_STYLE,
    Bibliography,
    bibliography_file,
    citation_style,
    load_bibliography,
    packaged_style,
    shown_path,
)
from ptce_mono.sources.fields import flag, slug
from ptce_mono.sources.reader import At, Choice, ListOf, Reader, Record, Text, optional, required
from ptce_mono.sources.yamlsafe import YValue, load_yaml

CONFIG_NAME = "dossier.yaml"
LANGUAGES = ("fr", "fr-FR")
DRAFT_CHOICES = ("exclude", "include")
# Part of the dossier -> the editorial Markdown file used when `editorial:` does not name one.
EDITORIAL_DEFAULTS = {
    "methodology": "editorial/methodologie.md",
    "typology": "editorial/typologie.md",
    "analysis": "editorial/analyse.md",
    "swot": "editorial/afom.md",
    "governance": "editorial/gouvernance.md",
}
# The PDF's variant (`pdf: {variant: ...}`): tagged PDF/UA-1, tagged PDF/A-3u for archives, or
# a plain PDF.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3u", "none")
OPTIONS_DEFAULT = "editorial/options.yaml"
_PERIOD = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")
# The edition's month (or day): 2014-03 or 2014-03-15.
_EDITION = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$")


@dataclass(frozen=True)
class PoleRef:
    """A pole named in `poles:`, kept with its line so an unknown id can be pointed at."""

    id: str
    position: Position


@dataclass(frozen=True)
class DossierConfig:
    path: str
    project: Path
    title: str
    subtitle: str
    publisher: str
    period: str
    editors: tuple[str, ...]
    footer: str
    language: str
    poles: tuple[PoleRef, ...]
    editorial: dict[str, Path]  # part -> existing Markdown file inside the project
    include_drafts: bool
    bibliography: tuple[Path, ...] = ()  # BibTeX or CSL-JSON files, in the order named
    csl: Path | None = None  # the citation style; None when the packaged styles are missing
    warnings: tuple[Problem, ...] = field(default=())
    options: Path | None = None  # the strategic options (TOWS) file, when the project has one
    edition: str = ""  # the edition's date as written (2014-03 or 2014-03-15), "" when not given
    pdf_variant: str = PDF_VARIANTS[0]
    case_study_swot: bool = True  # each case study ends with the pole's own SWOT

    @property
    def reference_year(self) -> int:
        """The year the study describes (first year of the period): ages are counted from it."""
        return int(self.period[:4])


def load_config(project: Path, path: Path | None = None) -> DossierConfig:
    """Read and check `dossier.yaml` of `project`; raise ConfigError listing every problem."""
    config_path = path or project / CONFIG_NAME
    shown = _display(config_path)
    problems = ProblemList(shown)
    try:
        text = read_text(config_path.absolute(), (project if path is None else config_path.parent).absolute())
    except (OSError, UnicodeDecodeError) as exc:
        hint = _("Every project has a `{file}` at its root (title, publisher, period...).")
        if isinstance(exc, FileNotFoundError):
            hint = _(
                "No `{file}` here: run `ptce-mono init` in this folder to start a project "
                "(settings, an example monograph, editorial texts), or pass --project."
            )
        problems.error(
            Position(),
            "config-unreadable",
            _("cannot read the dossier settings: {reason}").format(reason=os_reason(exc)),
            hint.format(file=CONFIG_NAME),
        )
        raise ConfigError(problems.items) from None
    root = load_yaml(text, problems)
    if root is None or _has_errors(problems):
        raise ConfigError(problems.items or [_fallback(shown)])
    values = Reader(problems).read(root, _settings_spec(project.resolve()))
    if not isinstance(values, dict) or _has_errors(problems):
        raise ConfigError(sorted(problems.items or [_fallback(shown)], key=Problem.sort_key))
    return _config(values, shown, project.resolve(), problems)


def order_poles(config: DossierConfig, pole_ids: list[str]) -> list[str]:
    """The dossier's order: the poles listed in `poles:` first, then the others alphabetically.

    `pole_ids` are all the ids of the corpus (drafts included, so that listing a draft that is
    left out of this build is not an error).
    """
    known = set(pole_ids)
    problems = ProblemList(config.path)
    for ref in config.poles:
        if ref.id not in known:
            problems.error(
                ref.position,
                "unknown-pole",
                _("`poles` names `{pole}`, which no monograph has as its id").format(pole=ref.id),
                did_you_mean(ref.id, sorted(known))
                or _("Ids in the corpus: {ids}.").format(ids=", ".join(sorted(known))),
            )
    if problems.items:
        raise ConfigError(problems.items)
    listed = [ref.id for ref in config.poles]
    return listed + sorted(known - set(listed))


def _has_errors(problems: ProblemList) -> bool:
    return any(p.severity == Severity.ERROR for p in problems.items)


def _fallback(path: str) -> Problem:
    message = _("the dossier settings are invalid")
    return Problem(path, Position(), Severity.ERROR, "config-invalid", message)


def _display(path: Path) -> str:
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def project_bibliography(project: Path, root: Path | None = None) -> tuple[Bibliography, list[Problem]]:
    """The bibliography that `dossier.yaml` of `project` names, and the settings' problems if any.

    Without a dossier.yaml the bibliography is empty; with one that has errors, they are
    returned (so `check` lists them with the rest) and the bibliography is empty.
    """
    if not (project / CONFIG_NAME).is_file():
        return Bibliography(), []
    try:
        config = load_config(project)
    except ConfigError as exc:
        return Bibliography(), list(exc.problems)
    base = root or Path.cwd()
    files = list(config.bibliography)
    return load_bibliography(files, [shown_path(f, base) for f in files]), []


def _settings_spec(project: Path) -> Record:
    poles = ListOf(
        Text(_pole_ref),
        _("Write one `- pole-id` per line, in the order of the dossier."),
        unique=lambda ref: ref.id,
        duplicate_code="duplicate-pole",
        duplicate_severity=Severity.ERROR,
    )
    markdown = Text(_markdown_file(project))
    editorial = Record(tuple(optional(part, markdown) for part in EDITORIAL_DEFAULTS))
    return Record(
        (
            required("title", Text()),
            optional("subtitle", Text(), ""),
            required("publisher", Text()),
            required("period", Text(_period)),
            optional("editors", ListOf(Text(), one_as_list=True), []),
            optional("footer", Text()),
            optional("language", Choice(LANGUAGES), "fr"),
            optional("poles", poles, []),
            optional("editorial", editorial, {}),
            optional("options", Text(_options_file(project))),
            optional("drafts", Choice(DRAFT_CHOICES), "exclude"),
            optional("edition", Text(_edition), ""),
            optional("bibliography", ListOf(Text(bibliography_file(project)), one_as_list=True), []),
            optional("csl", Text(citation_style(project))),
            optional("pdf", Record((optional("variant", Choice(PDF_VARIANTS), PDF_VARIANTS[0]),)), {}),
            optional("case_study_swot", Text(flag, N_("true or false")), True),
        ),
        label=N_("the dossier settings"),
    )


def _config(values: dict[str, Any], shown: str, project: Path, problems: ProblemList) -> DossierConfig:
    publisher, period = values["publisher"], values["period"]
    editorial: dict[str, Path] = {}
    for part, default in EDITORIAL_DEFAULTS.items():
        if part in values["editorial"]:
            editorial[part] = values["editorial"][part]
        elif os.path.lexists(project / default):  # read (or refused) with the rest
            # Not named: the conventional file is used when the project has it.
            editorial[part] = project / default
    options = values.get("options")
    if options is None and os.path.lexists(project / OPTIONS_DEFAULT):
        options = project / OPTIONS_DEFAULT
    return DossierConfig(
        path=shown,
        project=project,
        title=values["title"],
        subtitle=values["subtitle"],
        publisher=publisher,
        period=period,
        editors=tuple(values["editors"]),
        footer=values.get("footer") or f"{publisher} | Dossier PTCE | {period}",
        language=values["language"],
        poles=tuple(values["poles"]),
        editorial=editorial,
        include_drafts=values["drafts"] == "include",
        options=options,
        edition=values["edition"],
        bibliography=tuple(values["bibliography"]),
        csl=values.get("csl") or packaged_style(DEFAULT_STYLE),
        pdf_variant=values["pdf"].get("variant") or PDF_VARIANTS[0],
        case_study_swot=values["case_study_swot"],
        warnings=tuple(p for p in problems.items if p.severity < Severity.ERROR),
    )


def _period(text: str, at: At) -> str | None:
    match = _PERIOD.match(text)
    if not match or (match.group(2) and int(match.group(2)) < int(match.group(1))):
        at.error(
            "bad-period",
            _("`{name}` must be a year or a range of years such as 2013-2014, found `{found}`").format(
                name=at.name, found=text
            ),
        )
        return None
    return f"{match.group(1)}-{match.group(2)}" if match.group(2) else match.group(1)


def _edition(text: str, at: At) -> str | None:
    if not _EDITION.match(text):
        at.error(
            "bad-edition",
            _("`{name}` must be a month such as 2014-03 (or a day, 2014-03-15), found `{found}`").format(
                name=at.name, found=text
            ),
            _("The cover prints it as the edition's date; without it, the last commit's date is used."),
        )
        return None
    return text


def _pole_ref(text: str, at: At) -> PoleRef | None:
    pole_id = slug(text, at)
    return PoleRef(pole_id, at.position) if pole_id is not None else None


def _project_file(project: Path, raw: str, at: At) -> Path | None:
    path = (project / raw).resolve()
    if not path.is_relative_to(project):
        at.error(
            "path-outside",
            _("`{name}` points outside the project: `{path}`").format(name=at.name, path=raw),
            _("Editorial texts live in the project, e.g. `editorial/methodologie.md`."),
        )
        return None
    if not path.is_file():
        at.error(
            "no-such-file",
            _("`{name}`: no such file `{path}`").format(name=at.name, path=raw),
            _("Create it, or remove the line."),
        )
        return None
    return path


def _markdown_file(project: Path) -> Callable[[str, At], Path | None]:
    def read(raw: str, at: At) -> Path | None:
        path = _project_file(project, raw, at)
        if path is not None and path.suffix.lower() != ".md":
            at.error("bad-value", _("`{name}` must be a Markdown (.md) file").format(name=at.name))
            return None
        return path

    return read


def _options_file(project: Path) -> Callable[[str, At], Path | None]:
    return lambda raw, at: _project_file(project, raw, at)


__all__ = [
    "CONFIG_NAME",
    "DossierConfig",
    "PoleRef",
    "YValue",
    "load_config",
    "order_poles",
    "project_bibliography",
]
