"""Typeset stage: the dossier's HTML -> PDF with WeasyPrint, sandboxed and reproducible.

- WeasyPrint itself runs in engine.py, behind a sandbox; in pieces (pieces.py) unless
  `single_pass`. This module does not import it, so that the main process of a build in
  pieces need not either.
- Fonts: Source Serif Pro and Source Sans Pro come from their pip packages, declared here with
  @font-face and served by the sandbox, so the PDF never depends on the fonts of the machine.
- Reproducible: the PDF's dates come from the HTML (set by the render stage from
  SOURCE_DATE_EPOCH or the sources), its identifier from a hash of the HTML, and the embedded
  font subsets carry the same date, so two builds of the same sources are byte-identical.
- Atomic: files are written to a temporary name then renamed; a failed build leaves the
  previous PDF as it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ptce_mono.core.files import readable_mode, temporary_beside, write_bytes_atomic
from ptce_mono.core.machine import available_cores
from ptce_mono.typeset.fonts import copy_fonts
from ptce_mono.typeset.stylesheet import browser_html, find_stylesheet

if TYPE_CHECKING:
    from ptce_mono.typeset.pieces.workers import Workers


@dataclass
class TypesetResult:
    pdf: Path
    html: Path
    pages: int


def typeset(
    html: str,
    templates: list[Path],
    project: Path,
    out_dir: Path,
    epoch: int,
    *,
    jobs: int | None = None,
    single_pass: bool = False,
    workers: Workers | None = None,
    name: str = "dossier",
) -> TypesetResult:
    """Write `out_dir/<name>.pdf` and `out_dir/<name>.html`; nothing is replaced on failure.

    By default the dossier is typeset in pieces by `jobs` processes (the number of cores),
    cached in `out_dir/cache/` (pieces.py), on `workers` when given; `single_pass` lays the
    whole document out at once.
    """
    pdf_path, html_path = out_dir / f"{name}.pdf", out_dir / f"{name}.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    if single_pass:
        from ptce_mono.typeset.engine import render_pdf

        pdf, layout = render_pdf(html, templates, project, epoch)
        write_bytes_atomic(pdf_path, pdf)
        pages = layout.pages
    else:
        from ptce_mono.typeset.pieces.builder import CACHE_FOLDER, typeset_in_pieces

        fd, temporary_name = temporary_beside(pdf_path)
        os.close(fd)
        temporary = Path(temporary_name)
        try:
            result = typeset_in_pieces(
                html,
                templates,
                project,
                temporary,
                epoch,
                jobs=jobs or available_cores(),
                cache_folder=out_dir / CACHE_FOLDER / "pieces",
                workers=workers,
            )
            os.replace(temporary, pdf_path)
        finally:
            temporary.unlink(missing_ok=True)
        pages = result.pages
    copy_fonts(out_dir)
    write_bytes_atomic(html_path, browser_html(html, find_stylesheet(templates)).encode("utf-8"))
    os.chmod(pdf_path, readable_mode())  # the temporary file was private; the dossier is for reading
    return TypesetResult(pdf_path, html_path, pages)


__all__ = ["TypesetResult", "typeset"]
