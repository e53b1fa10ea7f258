"""The dossiers the test session builds once and shares: the shipped project, published and as a
review edition, and the stress corpus of tests/stress_corpora.py (tests/conftest.py). A build is
read back the way every test reads it: pypdf for the structure, pypdfium2 for what is printed."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from ptce_mono.check.report import format_text
from ptce_mono.commands.build import BuildReport, build_dossier
from ptce_mono.core.errors import CorpusError

from pdf_reading import page_texts

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Built:
    project: Path
    report: BuildReport
    pages: list[str]  # one string per page, one line per printed line
    reader: PdfReader
    weasyprint_warnings: list[str]

    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def html(self) -> str:
        return self.report.html.read_text(encoding="utf-8")


def build_edition(project: Path, out: Path, drafts: bool | None = None) -> Built:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        report = build_dossier(project, out, drafts=drafts)
    except CorpusError as exc:
        pytest.fail(f"the corpus of {project} does not build:\n{format_text(exc.problems)}")
    finally:
        logger.removeHandler(handler)
    warnings = [
        r.getMessage() for r in records if r.levelno >= logging.WARNING and "HarfBuzz" not in r.getMessage()
    ]
    return Built(project, report, page_texts(report.pdf), PdfReader(report.pdf), warnings)


def shipped_project(folder: Path) -> Path:
    """A copy of the shipped project: settings, bibliography, editorial texts, monographs."""
    for name in ("dossier.yaml", "references.bib"):
        shutil.copy(ROOT / name, folder)
    for name in ("editorial", "monographs"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name)
    return folder


def with_drafts(project: Path, count: int) -> Path:
    """`project` with its last `count` monographs (by file name) set back to drafts."""
    for path in sorted((project / "monographs").glob("*.md"))[-count:]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nstatus: published\n", "\nstatus: draft\n", 1), encoding="utf-8")
    return project
