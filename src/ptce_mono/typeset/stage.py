"""Typeset stage: the dossier's HTML -> PDF with WeasyPrint, sandboxed and reproducible.

- WeasyPrint itself runs in engine.py, behind a sandbox; in pieces (pieces/builder.py) unless
  `single_pass` or the in-pieces builder declines. This module does not import it, so that the
  main process of a build in pieces need not either.
- Tagged: PDF/UA-1 by default (`pdf: {variant: ...}` in dossier.yaml), in either builder.
- Fonts: Source Serif Pro and Source Sans Pro come from their pip packages, declared here with
  @font-face and served by the sandbox, so the PDF never depends on the fonts of the machine.
- Reproducible: the PDF's dates come from the HTML (set by the render stage from
  SOURCE_DATE_EPOCH or the sources), its identifier from a hash of the HTML, and the embedded
  font subsets carry the same date, so two builds of the same sources are byte-identical.
- Atomic: files are written to a temporary name then renamed; a failed build leaves the
  previous PDF as it was.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ptce_mono.core.files import readable_mode, temporary_beside, write_bytes_atomic
from ptce_mono.core.i18n import _
from ptce_mono.core.machine import available_cores
from ptce_mono.typeset.fonts import copy_fonts
from ptce_mono.typeset.stylesheet import DEFAULT_VARIANT, browser_html, find_stylesheet

LOGGER = logging.getLogger("ptce_mono.typeset.stage")

if TYPE_CHECKING:
    from ptce_mono.typeset.pieces.workers import Workers


@dataclass
class TypesetResult:
    pdf: Path
    html: Path
    pages: int
    # Each piece's extent (page count, pages of its anchors) by its identity, for the build
    # record: the next build takes them as guesses (pieces/builder.py). Empty for a single pass.
    pieces: dict[str, dict[str, object]] = field(default_factory=dict)


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
    variant: str | None = DEFAULT_VARIANT,
    known_pieces: dict[str, object] | None = None,
) -> TypesetResult:
    """Write `out_dir/<name>.pdf` and `out_dir/<name>.html`; nothing is replaced on failure.

    Two builders give the same pages. By default the dossier is typeset in pieces by `jobs`
    processes (the number of cores), cached in `out_dir/cache/` (pieces/builder.py), on
    `workers` when given; the in-pieces builder declines when its pieces could not equal the
    single pass, saying why (logged), and the single pass runs; so does it on a machine of one
    core, unless `jobs` says otherwise. `single_pass` lays the whole document out at once.
    `variant` is the PDF variant (tagged; None for an untagged PDF).
    """
    pdf_path, html_path = out_dir / f"{name}.pdf", out_dir / f"{name}.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    result = None
    if not single_pass and jobs is None and available_cores() < 2:
        # In pieces, one process would lay each piece out, then typeset it, one after the
        # other: more work than the single pass, and nothing to share it with.
        reason = _("this machine gives the build one core")
        LOGGER.info(_("typeset in one pass: {reason}").format(reason=reason))
        single_pass = True
    if not single_pass:
        result = _in_pieces(html, templates, project, pdf_path, epoch, jobs, workers, variant, known_pieces)
    if result is None:
        from ptce_mono.typeset.engine import fewer_collections, render_pdf

        with fewer_collections():
            pdf, layout = render_pdf(html, templates, project, epoch, variant=variant)
        write_bytes_atomic(pdf_path, pdf)
        result = TypesetResult(pdf_path, html_path, layout.pages)
    copy_fonts(out_dir)
    write_bytes_atomic(html_path, browser_html(html, find_stylesheet(templates)).encode("utf-8"))
    os.chmod(pdf_path, readable_mode())  # the temporary file was private; the dossier is for reading
    return result


def _in_pieces(
    html: str,
    templates: list[Path],
    project: Path,
    pdf_path: Path,
    epoch: int,
    jobs: int | None,
    workers: Workers | None,
    variant: str | None,
    known_pieces: dict[str, object] | None,
) -> TypesetResult | None:
    """The dossier typeset in pieces into `pdf_path` (its cache beside it); None when the
    in-pieces builder declines."""
    from ptce_mono.typeset.pieces.builder import Declined, Extent, typeset_in_pieces
    from ptce_mono.typeset.pieces.workers import CACHE_FOLDER, Workers

    out_dir = pdf_path.parent
    fd, name = temporary_beside(pdf_path)
    os.close(fd)
    temporary = Path(name)
    own = workers is None
    pool = workers or Workers(jobs or available_cores(), templates, project)
    recorded = ((name, Extent.from_json(data)) for name, data in (known_pieces or {}).items())
    known = {name: extent for name, extent in recorded if extent is not None}
    try:
        result = typeset_in_pieces(
            html,
            templates,
            project,
            temporary,
            epoch,
            cache_folder=out_dir / CACHE_FOLDER / "pieces",
            workers=pool,
            variant=variant,
            known=known,
        )
        if isinstance(result, Declined):
            LOGGER.info(_("typeset in one pass: {reason}").format(reason=result.reason))
            return None
        os.replace(temporary, pdf_path)
        pieces = {name: extent.to_json() for name, extent in result.extents.items()}
        return TypesetResult(pdf_path, pdf_path.with_suffix(".html"), result.pages, pieces)
    finally:
        temporary.unlink(missing_ok=True)
        if own:
            pool.close()


__all__ = ["TypesetResult", "typeset"]
