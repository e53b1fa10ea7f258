"""The preflight: after typesetting, the PDF the tool made is read back and what a proof-reader
would mark is reported, page by page, with its source file and line where the PDF's anchors tell.

It reads the PDF and never changes it. `preflight(pdf, css)` is the stage's entry point: `build`
runs it on the PDF it has just written, `check --pdf` on any PDF of the dossier.
"""

from __future__ import annotations

from pathlib import Path

from ptce_mono.proof.checks import CHECKS
from ptce_mono.proof.findings import Finding, Locator, SourceOf
from ptce_mono.proof.geometry import page_geometry
from ptce_mono.proof.reading import read_proof


def preflight(pdf: Path, css: str, source_of: SourceOf | None = None) -> list[Finding]:
    """What a proof-reader would mark in `pdf`, typeset with the stylesheet `css`, in page order.

    `source_of` turns an anchor of the document into the file:line it comes from. Raises OSError
    or ValueError when the PDF cannot be read."""
    proof = read_proof(pdf)
    geometry = page_geometry(css)
    where = Locator(proof.anchors, source_of)
    findings = [finding for check in CHECKS for finding in check(proof, geometry, where)]
    return sorted(findings, key=lambda f: f.page)


__all__ = ["Finding", "preflight"]
