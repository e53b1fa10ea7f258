"""How often the in-pieces builder typesets its pieces: once when the last build recorded each
piece's extent (its page count, the pages of its anchors), and a wrong record costs a round,
never a wrong page."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from ptce_mono.commands.build import build_dossier
from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.sources.resources import template_folders
from ptce_mono.typeset.engine import layout_of_html
from ptce_mono.typeset.pieces.builder import Extent
from ptce_mono.typeset.pieces.cutting import split_document
from ptce_mono.typeset.stylesheet import WITHOUT_MARGIN_BOXES
from test_pieces import CSS, FILES, assert_same_pages

from monograph_factory import write_project

RECORD = ".ptce-build-dossier-brouillon.json"  # FILES prints the drafts


def _rounds(caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    """(layout rounds, numbered rounds) the builder logged."""
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("ptce_mono.typeset")]
    return (
        sum("laid out in" in m for m in messages),
        sum("typeset with their page numbers" in m for m in messages),
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "project", {**FILES, "templates/dossier.css": CSS.read_text(encoding="utf-8")}
    )


def _recolour(project: Path, colour: str) -> None:
    stylesheet = project / "templates" / "dossier.css"
    text = stylesheet.read_text(encoding="utf-8")
    stylesheet.write_text(text.replace("--accent: #8c2f39;", f"--accent: {colour};"), encoding="utf-8")


def test_a_build_that_knows_the_extents_typesets_each_piece_once(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = project / "build"
    with caplog.at_level(logging.INFO, logger="ptce_mono.typeset"):
        build_dossier(project, out, jobs=2)
    assert _rounds(caplog)[0] == 1  # nothing recorded yet: every piece laid out first
    record = json.loads((out / RECORD).read_text(encoding="utf-8"))
    chunks = split_document(prepare_dossier(project, None).rendered.html)
    assert len(record["pieces"]) == len(chunks)

    _recolour(project, "#2f5a8c")  # every piece's PDF changes, none of their lengths
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ptce_mono.typeset"):
        again = build_dossier(project, out, jobs=2)
    assert _rounds(caplog) == (0, 1)
    one_pass = build_dossier(project, tmp_path / "one-pass", single_pass=True).pdf
    assert_same_pages(one_pass, again.pdf)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ptce_mono.typeset"):
        two_rounds = build_dossier(project, tmp_path / "no-record", jobs=2).pdf  # no record there
    assert _rounds(caplog) == (1, 1)
    assert two_rounds.read_bytes() == again.pdf.read_bytes()  # the same file, byte for byte


def test_a_wrong_record_costs_a_round_not_a_wrong_page(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = project / "build"
    build_dossier(project, out, jobs=2)
    path = out / RECORD
    record = json.loads(path.read_text(encoding="utf-8"))
    pieces = list(record["pieces"].values())
    pieces[1]["pages"] += 1  # every number after it would be one too high
    linked_to = next(piece for piece in pieces[2:] if piece["anchors"])
    linked_to["pages"] += 1
    for anchor in linked_to["anchors"]:
        linked_to["anchors"][anchor] = linked_to["pages"] - 1  # and its anchors on its last page
    path.write_text(json.dumps(record), encoding="utf-8")

    _recolour(project, "#2f5a8c")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ptce_mono.typeset"):
        again = build_dossier(project, out, jobs=2)
    assert _rounds(caplog) == (0, 2)
    one_pass = build_dossier(project, tmp_path / "one-pass", single_pass=True).pdf
    assert_same_pages(one_pass, again.pdf)
    two_rounds = build_dossier(project, tmp_path / "no-record", jobs=2).pdf
    assert two_rounds.read_bytes() == again.pdf.read_bytes()


def test_laying_out_without_margin_boxes_finds_the_same_extents(project: Path) -> None:
    chunks = split_document(prepare_dossier(project, None).rendered.html)
    linked = set().union(*(chunk.links for chunk in chunks))
    folders = template_folders(project)
    for chunk in chunks:
        full = layout_of_html(chunk.html, folders, project)
        bare = layout_of_html(chunk.html, folders, project, extra_css=WITHOUT_MARGIN_BOXES)
        assert Extent.of(bare, linked) == Extent.of(full, linked), chunk.label
        assert bare.anchors == full.anchors and bare.bookmarks == full.bookmarks, chunk.label


def test_on_one_core_the_dossier_is_typeset_in_one_pass(project: Path) -> None:
    import os
    import subprocess
    import sys

    one_core = {next(iter(os.sched_getaffinity(0)))}
    done = subprocess.run(
        [sys.executable, "-m", "ptce_mono", "build", "-v", "--project", str(project)],
        preexec_fn=lambda: os.sched_setaffinity(0, one_core),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "typeset in one pass: this machine gives the build one core" in done.stderr
    assert not (project / "build" / "cache" / "pieces").exists()
