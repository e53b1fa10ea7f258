"""Bounded work: large bibliographies are read in time linear in their size, pandoc and the
typesetting processes run under a memory and a time limit, and a limit reached is a message
naming the file. Speeds are measured in `make bench`; these tests only bound what used to hang."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monograph_factory import monograph_text, write_project

PTCE = str(Path(sys.executable).parent / "ptce-mono")
DOSSIER = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n"


def bibtex_entries(count: int, start: int = 0) -> str:
    return "".join(
        f"@book{{cle{i},\n  author = {{Dupont, Jean and L{{\\'e}}vy, {{\\'E}}tienne}},\n"
        f"  title = {{Un livre num{{\\'e}}ro {i} sur l'{{\\'e}}conomie sociale}},\n"
        f"  publisher = maison,\n  location = {{Paris}},\n  date = {{20{i % 90 + 10}}},\n}}\n\n"
        for i in range(start, start + count)
    )


def csl_entries(count: int) -> str:
    return json.dumps([{"id": f"cle{i}", "type": "book", "title": f"Un livre {i}",
                        "author": [{"family": "Dupont", "given": "Jean"}], "issued": {"date-parts": [[2014]]}}
                       for i in range(count)], ensure_ascii=False, indent=1)


def check_bounded(project: Path, seconds: float = 120, memory: int = 1 << 30) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([PTCE, "check"], cwd=project, capture_output=True, text=True, timeout=seconds,
                          preexec_fn=limit, check=False)


@pytest.mark.parametrize("kind", ["bib", "json", "field"])
def test_a_large_bibliography_is_read_without_pandoc_in_bounded_time_and_memory(tmp_path, kind):
    """Class 4: 50,000 BibTeX or CSL-JSON entries, or one 5 MB field, inside the 16 MiB limit.

    Reading used to take minutes (pandoc converting at check time, a search of the whole file per
    entry). The bound here is 20 times the measured time (docs/performance.md); `check` reads,
    it starts no pandoc."""
    content = {
        "bib": "@string{maison = {{\\'E}ditions du Sud}}\n" + bibtex_entries(50_000),
        "json": csl_entries(50_000),
        "field": "@book{cle12,\n  title = {Long},\n  abstract = {" + "mot " * 1_250_000 + "},\n  date = {2014},\n}\n",
    }[kind]
    name = "refs.json" if kind == "json" else "refs.bib"
    text = monograph_text("pole-test", body={"Genèse": "Le pôle est ancien [@cle12, p. 3]. " * 12})
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER + f"bibliography: [{name}]\n",
                                                   name: content, "monographs/pole-test.md": text})
    started = time.monotonic()
    done = check_bounded(project)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 100


def test_reading_a_bibtex_file_starts_no_pandoc(tmp_path, monkeypatch):
    from ptce_mono.core import pandoc
    from ptce_mono.sources.bibliography import load_bibliography

    started: list[list[str]] = []
    monkeypatch.setattr(pandoc, "run_bounded", lambda command, *a, **k: started.append(command))
    (tmp_path / "refs.bib").write_text("@string{maison = {Sud}}\n" + bibtex_entries(30), encoding="utf-8")
    bibliography = load_bibliography([tmp_path / "refs.bib"], ["refs.bib"])
    assert bibliography.problems == [] and len(bibliography.entries) == 30
    assert started == []


def test_converting_in_chunks_gives_what_one_call_gives(tmp_path):
    """The conversion's fast path (chunks of entries, each with the file's `@string`s) is the
    one call's result, entry for entry; with `crossref` it declines and makes one call."""
    from ptce_mono.sources import bibtex

    text = "% bibliographie\n@string{maison = {{\\'E}ditions du Sud}}\n" + bibtex_entries(45)
    text += "@comment{rien}\n" + bibtex_entries(8, start=100)
    assert len(bibtex.chunks(text, size=10)) == 6
    assert bibtex.convert(text, "refs.bib", size=10) == bibtex.convert(text, "refs.bib", size=10_000)
    linked = text + "@book{enfant,\n  crossref = {cle1},\n  title = {Un chapitre},\n}\n"
    assert len(bibtex.chunks(linked, size=10)) == 1


def test_a_line_of_a_chunk_is_traced_back_to_the_files_line():
    """A pandoc error in a chunk is reported at the file's line: every line of every chunk maps
    back to the same text in the file."""
    from ptce_mono.sources import bibtex

    text = "@string{maison = {Sud}}\n\n" + bibtex_entries(25)
    file_lines = text.split("\n")
    pieces = bibtex.chunks(text, size=10)
    assert len(pieces) == 3
    for piece in pieces:
        for number, line in enumerate(piece.text.split("\n")[:-1], 1):
            assert file_lines[piece.file_line(number) - 1] == line


def test_pandoc_past_its_memory_limit_is_stopped_with_a_message_naming_the_file():
    """Class 4: pandoc's heap is capped; past it, the message names the file, in French."""
    from ptce_mono.core.i18n import set_language
    from ptce_mono.core.pandoc import PandocFailed, run_pandoc

    set_language("fr")
    try:
        with pytest.raises(PandocFailed) as failed:
            run_pandoc(["--from=biblatex", "--to=csljson"], bibtex_entries(3000), what="biblio/refs.bib", heap_mib=8)
    finally:
        set_language("en")
    assert str(failed.value).startswith("biblio/refs.bib\u00a0: pandoc a été arrêté"), str(failed.value)


def test_pandoc_past_its_time_limit_is_stopped_with_a_message_naming_the_file():
    from ptce_mono.core.pandoc import PandocFailed, run_pandoc

    started = time.monotonic()
    with pytest.raises(PandocFailed) as failed:
        run_pandoc(["--from=biblatex", "--to=csljson"], bibtex_entries(20_000), what="refs.bib", seconds=1)
    assert time.monotonic() - started < 30
    assert str(failed.value).startswith("refs.bib: pandoc was stopped"), str(failed.value)


def test_typesetting_processes_run_under_a_memory_and_time_limit(tmp_path):
    """Class 4: each typesetting process has its address space and processor time capped."""
    from ptce_mono.typeset.engine import TYPESETTING_ADDRESS_SPACE, TYPESETTING_SECONDS
    from ptce_mono.typeset.pieces.workers import Workers

    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER})
    from ptce_mono.sources.resources import template_folders

    with Workers(2, template_folders(project), project) as workers:
        workers.start()
        assert workers.pool is not None
        limits = workers.pool.submit(resource.getrlimit, resource.RLIMIT_AS).result()
        cpu = workers.pool.submit(resource.getrlimit, resource.RLIMIT_CPU).result()
    assert limits[0] == TYPESETTING_ADDRESS_SPACE
    assert cpu[0] == TYPESETTING_SECONDS
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != TYPESETTING_ADDRESS_SPACE  # the build's own process


def test_a_fifo_in_fonts_does_not_block_the_build(tmp_path):
    """Class 4 (and 3): a FIFO in `fonts/` is refused before it is opened, by the tool and by
    fontconfig; the build goes on with a warning naming it."""
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER,
                                                   "monographs/pole-test.md": monograph_text("pole-test")})
    (project / "fonts").mkdir()
    os.mkfifo(project / "fonts" / "Piege.otf")
    done = subprocess.run([PTCE, "build", "--jobs", "2"], cwd=project, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "fonts/Piege.otf" in done.stderr and "not a regular file" in done.stderr
    assert (project / "build" / "dossier.pdf").is_file()
