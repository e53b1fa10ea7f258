"""The preflight of a typeset dossier: `build` runs it on the PDF it has just written, and
`check --pdf` on any PDF of the dossier, for CI. It reads the PDF and never changes it.

The stylesheet gives the text block (the project's `templates/dossier.css`, else the packaged
one); the monographs give each finding's file and line, through the anchors of the PDF: every
paragraph of a case study carries the id `<pole>--<section>--L<n>`, its section `<pole>--<section>`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from ptce_mono.commands.check import CheckOutcome
from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _
from ptce_mono.core.project_files import read_text
from ptce_mono.proof.findings import Finding, SourceOf, summary_line
from ptce_mono.proof.preflight import preflight
from ptce_mono.sources.monograph import Monograph
from ptce_mono.sources.resources import template_folders
from ptce_mono.typeset.stylesheet import find_stylesheet

_PARAGRAPH = re.compile(r"^(.+?)--([a-z_]+)--L(\d+)$")
_SECTION = re.compile(r"^(.+?)--([a-z_]+)$")


def source_of(monographs: Iterable[Monograph]) -> SourceOf:
    """An anchor of the dossier -> the monograph's file and line it was made from."""
    by_id = {m.id: m for m in monographs}

    def where(anchor: str) -> str | None:
        paragraph = _PARAGRAPH.match(anchor)
        section_anchor = paragraph or _SECTION.match(anchor)
        pole_id = anchor[len("pole-") :] if anchor.startswith("pole-") else ""
        if section_anchor:
            pole_id = section_anchor.group(1)
        monograph = by_id.get(pole_id)
        if monograph is None:
            return None
        section = monograph.section(section_anchor.group(2)) if section_anchor else None
        if section is None:
            return f"{monograph.path}:1"
        if paragraph and section.body_line:
            return f"{monograph.path}:{section.body_line + int(paragraph.group(3)) - 1}"
        return f"{monograph.path}:{section.position.line}"

    return where


def project_stylesheet(project: Path) -> str:
    """The stylesheet the project's dossier is typeset with."""
    stylesheet = find_stylesheet(template_folders(project)).absolute()
    return read_text(stylesheet, stylesheet.parent)


def preflight_pdf(project: Path, pdf: Path, monographs: Iterable[Monograph] = ()) -> list[Finding]:
    """What a proof-reader would mark in `pdf`, the dossier of `project`.

    Raises OSError or ValueError when the PDF cannot be read, RenderError without a stylesheet."""
    return preflight(pdf, project_stylesheet(project), source_of(monographs))


def project_monographs(project: Path) -> list[Monograph]:
    """The project's monographs, parsed (not checked): what tells a finding's file and line."""
    from ptce_mono.sources.grid import load_grid
    from ptce_mono.sources.monograph import parse_monograph
    from ptce_mono.sources.resources import files_under, project_resource

    grid = load_grid(project_resource(project, "grid") / "grid.yaml")
    paths = [p for p in files_under(project / "monographs") if p.suffix == ".md"]
    return [parse_monograph(path, grid, _shown(path), keep_text=False, root=project) for path in paths]


def _shown(path: Path) -> str:
    """A path as `check` prints it: from the folder the command runs in, when it is beneath."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check_pdf(project: Path, pdf: Path, fmt: str = "text") -> CheckOutcome:
    """`check --pdf`: the findings in `fmt`, the one-line summary; failed when there are any.

    Raises RenderError when the PDF cannot be read."""
    try:
        findings = preflight_pdf(project, pdf, project_monographs(project))
    except (OSError, ValueError) as exc:
        raise RenderError(_("{pdf}: cannot be read as a PDF: {reason}").format(pdf=pdf, reason=exc)) from None
    return CheckOutcome(formatted(findings, fmt), summary_line(findings), bool(findings))


def formatted(findings: list[Finding], fmt: str) -> str:
    """The findings as `check --pdf` prints them: text, JSON, or GitHub annotations."""
    if fmt == "json":
        return json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        lines = []
        for f in findings:
            where = ""
            if f.source:
                path, _sep, line = f.source.rpartition(":")
                where = f" file={path},line={line}"
            message = _("page {page}: {message}").format(page=f.page, message=f.message)
            lines.append(f"::warning{where} title={f.code}::{message} « {f.excerpt} »")
        return "".join(line + "\n" for line in lines)
    return "".join(f.line() + "\n" for f in findings)


__all__ = ["check_pdf", "formatted", "preflight_pdf", "project_monographs", "source_of"]
