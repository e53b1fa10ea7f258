"""Load stage: the dossier's settings from `dossier.yaml`, checked like a monograph's front matter.

Every problem is collected with its file:line before anything is raised, unknown keys get a
did-you-mean, and the values that depend on the corpus (the order of the poles) are checked
against it later by `order_poles`, still pointing at the line that names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ptce_mono.core.errors import ConfigError
from ptce_mono.core.problems import Position, Problem, ProblemList, Severity
from ptce_mono.core.text import did_you_mean
from ptce_mono.sources.yamlsafe import Mapping, Scalar, Sequence, YValue, load_yaml

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
KEYS = (
    "title",
    "subtitle",
    "publisher",
    "period",
    "editors",
    "footer",
    "language",
    "poles",
    "editorial",
    "options",
    "drafts",
    "pdf",
)
# The PDF's variant (`pdf: {variant: ...}`): tagged PDF/UA-1, tagged PDF/A-3u for archives, or
# a plain PDF.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3u", "none")
OPTIONS_DEFAULT = "editorial/options.yaml"
_PERIOD = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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
    warnings: tuple[Problem, ...] = field(default=())
    options: Path | None = None  # the strategic options (TOWS) file, when the project has one
    pdf_variant: str = PDF_VARIANTS[0]

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
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(
            Position(),
            "config-unreadable",
            f"cannot read the dossier settings: {getattr(exc, 'strerror', None) or exc}",
            f"Every project has a `{CONFIG_NAME}` at its root (title, publisher, period...).",
        )
        raise ConfigError(problems.items) from None
    root = load_yaml(text, problems)
    if root is None or _has_errors(problems):
        raise ConfigError(problems.items or [_fallback(shown)])
    config = _ConfigReader(root, problems, project.resolve()).read(shown)
    if config is None or _has_errors(problems):
        raise ConfigError(sorted(problems.items, key=Problem.sort_key))
    return config


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
                f"`poles` names `{ref.id}`, which no monograph has as its id",
                did_you_mean(ref.id, sorted(known)) or f"Ids in the corpus: {', '.join(sorted(known))}.",
            )
    if problems.items:
        raise ConfigError(problems.items)
    listed = [ref.id for ref in config.poles]
    return listed + sorted(known - set(listed))


def _has_errors(problems: ProblemList) -> bool:
    return any(p.severity == Severity.ERROR for p in problems.items)


def _fallback(path: str) -> Problem:
    message = "the dossier settings are invalid"
    return Problem(path, Position(), Severity.ERROR, "config-invalid", message)


def _display(path: Path) -> str:
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _ConfigReader:
    def __init__(self, root: Mapping, problems: ProblemList, project: Path) -> None:
        self.root = root
        self.problems = problems
        self.project = project

    def read(self, shown: str) -> DossierConfig | None:
        for key, entry in self.root.entries.items():
            if key not in KEYS:
                self.problems.error(
                    entry.key_position,
                    "unknown-key",
                    f"unknown key `{key}` in the dossier settings",
                    did_you_mean(key, list(KEYS)) or f"Keys: {', '.join(KEYS)}.",
                )
        title = self.text("title", required=True)
        publisher = self.text("publisher", required=True)
        period = self.period()
        footer = self.text("footer") or f"{publisher} | Dossier PTCE | {period}"
        language = self.choice("language", LANGUAGES, "fr")
        drafts = self.choice("drafts", DRAFT_CHOICES, "exclude")
        return DossierConfig(
            path=shown,
            project=self.project,
            title=title,
            subtitle=self.text("subtitle"),
            publisher=publisher,
            period=period,
            editors=tuple(self.texts("editors")),
            footer=footer,
            language=language,
            poles=self.poles(),
            editorial=self.editorial(),
            include_drafts=drafts == "include",
            options=self.options_file(),
            pdf_variant=self.pdf_variant(),
            warnings=tuple(p for p in self.problems.items if p.severity < Severity.ERROR),
        )

    def pdf_variant(self) -> str:
        value = self.root.get("pdf")
        if value is None or (isinstance(value, Scalar) and value.is_null):
            return PDF_VARIANTS[0]
        if not isinstance(value, Mapping):
            self.problems.error(
                value.position, "wrong-type", "`pdf` must be a mapping, e.g. `{variant: pdf/ua-1}`"
            )
            return PDF_VARIANTS[0]
        for key, entry in value.entries.items():
            if key != "variant":
                self.problems.error(
                    entry.key_position, "unknown-key", f"unknown key `pdf.{key}`", "Keys: variant."
                )
        return _ConfigReader(value, self.problems, self.project).choice(
            "variant", PDF_VARIANTS, PDF_VARIANTS[0]
        )

    def position(self, key: str) -> Position:
        value = self.root.get(key)
        return value.position if value is not None else self.root.position

    def scalar(self, key: str, what: str) -> Scalar | None:
        value = self.root.get(key)
        if value is None or (isinstance(value, Scalar) and value.is_null):
            return None
        if isinstance(value, Scalar):
            return value
        self.problems.error(value.position, "wrong-type", f"`{key}` must be {what}")
        return None

    def text(self, key: str, required: bool = False) -> str:
        scalar = self.scalar(key, "a text")
        text = scalar.text.strip() if scalar is not None else ""
        if required and not text:
            self.problems.error(self.position(key), "missing-key", f"the dossier settings need `{key}`")
        return text

    def texts(self, key: str) -> list[str]:
        value = self.root.get(key)
        if value is None or (isinstance(value, Scalar) and value.is_null):
            return []
        if isinstance(value, Scalar):  # one editor written without brackets
            return [value.text.strip()] if value.text.strip() else []
        if isinstance(value, Mapping):
            self.problems.error(value.position, "wrong-type", f"`{key}` must be a list of names")
            return []
        result = []
        for item in value.items:
            if isinstance(item, Scalar) and item.text.strip():
                result.append(item.text.strip())
            else:
                message = f"each item of `{key}` must be a text"
                self.problems.error(item.position, "wrong-type", message)
        return result

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        scalar = self.scalar(key, "a text")
        if scalar is None:
            return default
        text = scalar.text.strip()
        if text not in allowed:
            best = did_you_mean(text, list(allowed))
            self.problems.error(
                scalar.position,
                "bad-value",
                f"`{key}`: `{text}` is not an allowed value",
                f"{best + ' ' if best else ''}Allowed: {', '.join(allowed)}.",
            )
            return default
        return text

    def period(self) -> str:
        text = self.text("period", required=True)
        if not text:
            return "2013"
        match = _PERIOD.match(text)
        if not match or (match.group(2) and int(match.group(2)) < int(match.group(1))):
            self.problems.error(
                self.position("period"),
                "bad-period",
                f"`period` must be a year or a range of years such as 2013-2014, found `{text}`",
            )
            return "2013"
        return f"{match.group(1)}-{match.group(2)}" if match.group(2) else match.group(1)

    def poles(self) -> tuple[PoleRef, ...]:
        value = self.root.get("poles")
        if value is None or (isinstance(value, Scalar) and value.is_null):
            return ()
        if not isinstance(value, Sequence):
            self.problems.error(
                value.position,
                "wrong-type",
                "`poles` must be a list of pole ids",
                "Write one `- pole-id` per line, in the order of the dossier.",
            )
            return ()
        refs: list[PoleRef] = []
        seen: dict[str, Position] = {}
        for item in value.items:
            text = item.text.strip() if isinstance(item, Scalar) else ""
            if not _SLUG.match(text):
                self.problems.error(
                    item.position,
                    "bad-id",
                    "each item of `poles` must be a pole id such as `pole-sud-aquitain`",
                )
            elif text in seen:
                self.problems.error(
                    item.position,
                    "duplicate-pole",
                    f"`{text}` is listed twice in `poles` (first on line {seen[text].line})",
                )
            else:
                seen[text] = item.position
                refs.append(PoleRef(text, item.position))
        return tuple(refs)

    def editorial(self) -> dict[str, Path]:
        value = self.root.get("editorial")
        named: dict[str, tuple[str, Position]] = {}
        if isinstance(value, Mapping):
            for key, entry in value.entries.items():
                if key not in EDITORIAL_DEFAULTS:
                    self.problems.error(
                        entry.key_position,
                        "unknown-key",
                        f"unknown part `{key}` in `editorial`",
                        did_you_mean(key, list(EDITORIAL_DEFAULTS))
                        or f"Parts: {', '.join(EDITORIAL_DEFAULTS)}.",
                    )
                elif isinstance(entry.value, Scalar) and entry.value.text.strip():
                    named[key] = (entry.value.text.strip(), entry.value.position)
                else:
                    self.problems.error(
                        entry.value.position, "wrong-type", f"`editorial.{key}` must be a file path"
                    )
        elif value is not None and not (isinstance(value, Scalar) and value.is_null):
            self.problems.error(value.position, "wrong-type", "`editorial` must map parts to Markdown files")
        files: dict[str, Path] = {}
        for part, default in EDITORIAL_DEFAULTS.items():
            if part in named:
                found = self.editorial_file(part, *named[part])
                if found is not None:
                    files[part] = found
            elif (self.project / default).is_file():
                # Not named: the conventional file is used when the project has it.
                files[part] = self.project / default
        return files

    def options_file(self) -> Path | None:
        value = self.root.get("options")
        if value is None:
            default = self.project / OPTIONS_DEFAULT
            return default if default.is_file() else None
        if not isinstance(value, Scalar) or not value.text.strip():
            self.problems.error(value.position, "wrong-type", "`options` must be a file path")
            return None
        path = (self.project / value.text.strip()).resolve()
        if not path.is_relative_to(self.project):
            self.problems.error(
                value.position, "path-outside", f"`options` points outside the project: `{value.text}`"
            )
            return None
        if not path.is_file():
            self.problems.error(value.position, "no-such-file", f"`options`: no such file `{value.text}`")
            return None
        return path

    def editorial_file(self, part: str, raw: str, position: Position) -> Path | None:
        path = (self.project / raw).resolve()
        if not path.is_relative_to(self.project):
            self.problems.error(
                position,
                "path-outside",
                f"`editorial.{part}` points outside the project: `{raw}`",
                "Editorial texts live in the project, e.g. editorial/methodologie.md.",
            )
            return None
        if not path.is_file():
            self.problems.error(
                position,
                "no-such-file",
                f"`editorial.{part}`: no such file `{raw}`",
                "Create it, or remove the line to leave this part without editorial text.",
            )
            return None
        if path.suffix.lower() != ".md":
            message = f"`editorial.{part}` must be a Markdown (.md) file"
            self.problems.error(position, "bad-value", message)
            return None
        return path


__all__ = ["CONFIG_NAME", "DossierConfig", "PoleRef", "YValue", "load_config", "order_poles"]
