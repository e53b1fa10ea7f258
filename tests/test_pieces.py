"""The dossier typeset in pieces (parallel, cached) has the same pages as the one-pass dossier.

Compared on the real PDFs: the text of every page (running headers, page X/Y, the Sommaire's
numbers), the outline with its pages, every internal link landing on the page the one-pass
dossier sends it to.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from ptce_mono.commands.build import build_dossier
from ptce_mono.typeset.pieces.cutting import FOREIGN_SCHEME, split_document

from monograph_factory import monograph_text, pdf_outline, write_project
from pdf_reading import page_texts, page_words

FILES: dict[str, str | bytes] = {
    "dossier.yaml": "title: Dossier d’essai\nperiod: 2013-2014\npublisher: Comité d’essai\n"
    "footer: Comité d’essai | Dossier\ndrafts: include\n",
    "monographs/pole-alpha.md": monograph_text("pole-alpha"),
    "monographs/pole-beta.md": monograph_text("pole-beta"),
    "monographs/pole-gamma.md": monograph_text("pole-gamma", status="draft"),
    "monographs/pole-delta.md": monograph_text("pole-delta"),
}


def link_targets(reader: PdfReader) -> list[tuple[int, int]]:
    """(page of the link, page it lands on) for every internal link, in page order."""
    dests = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    found = []
    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                target = str(annotation["/Dest"])
                assert target in dests, f"page {number}: a link to #{target}, which no page holds"
                found.append((number, dests[target] + 1))
            elif "/A" in annotation:
                uri = str(annotation["/A"].get("/URI", ""))
                assert not uri.startswith(FOREIGN_SCHEME), f"page {number}: link left unresolved ({uri})"
    return found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("pieces"), FILES)


@pytest.fixture(scope="module")
def one_pass(project: Path) -> Path:
    return build_dossier(project, project / "one-pass", single_pass=True).pdf


@pytest.fixture(scope="module")
def in_pieces(project: Path) -> Path:
    return build_dossier(project, project / "pieces", jobs=2).pdf


def test_pieces_give_the_pages_of_the_one_pass_dossier(one_pass: Path, in_pieces: Path) -> None:
    expected, got = page_texts(one_pass), page_texts(in_pieces)
    assert len(got) == len(expected) >= 10
    for number, (want, have) in enumerate(zip(expected, got, strict=True), 1):
        assert have == want, f"page {number} differs"
    assert f"page {len(expected)}/{len(expected)}" in got[-1]


def test_pieces_give_the_outline_and_the_links_of_the_one_pass_dossier(
    one_pass: Path, in_pieces: Path
) -> None:
    expected, got = PdfReader(one_pass), PdfReader(in_pieces)
    assert pdf_outline(got) == pdf_outline(expected)
    assert len(pdf_outline(got)) >= 10
    links = link_targets(got)
    assert links == link_targets(expected)
    # The Sommaire's and the analysis's links cross pieces: they must have survived the merge.
    assert any(source <= 3 and target > 3 for source, target in links)
    assert any(source > target > 3 for source, target in links)


def test_merged_fonts_are_shared(one_pass: Path, in_pieces: Path) -> None:
    # Each face embedded once per piece would make the file several times larger.
    assert in_pieces.stat().st_size < 1.6 * one_pass.stat().st_size
    fonts = subprocess.run(["pdffonts", str(in_pieces)], check=True, capture_output=True, text=True).stdout
    assert all(" yes yes yes " in line for line in fonts.splitlines()[2:])  # embedded, subset, unicode


def test_a_rebuild_typesets_only_what_changed(project: Path, in_pieces: Path, tmp_path: Path) -> None:
    work = tmp_path / "project"
    shutil.copytree(project, work, ignore=shutil.ignore_patterns("one-pass"))
    out = work / "pieces"
    cache = out / "cache" / "pieces"
    first = build_dossier(work, out, jobs=2, force=True)
    assert first.pdf.read_bytes() == in_pieces.read_bytes()  # from the cache, same bytes
    before = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.pdf")}

    beta = work / "monographs" / "pole-beta.md"
    beta.write_text(beta.read_text(encoding="utf-8").replace("Le pôle", "Ce pôle", 1), encoding="utf-8")
    build_dossier(work, out, jobs=2)
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.pdf")}
    kept = [name for name in after if before.get(name) == after[name]]
    assert len(kept) >= 3  # the other case studies and part 1 did not move
    assert len(after) == len(before)  # the cache holds one dossier: old pieces are dropped

    fresh = build_dossier(work, tmp_path / "fresh", single_pass=True)
    assert page_texts(out / "dossier-brouillon.pdf") == page_texts(fresh.pdf)  # drafts: include


def test_a_one_pass_build_does_not_count_as_up_to_date_for_pieces(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert not build_dossier(project, out, single_pass=True).up_to_date
    assert not build_dossier(project, out, jobs=1).up_to_date
    assert build_dossier(project, out, jobs=1).up_to_date


def test_the_cache_is_safe_to_delete(project: Path, in_pieces: Path, tmp_path: Path) -> None:
    work = tmp_path / "project"
    shutil.copytree(project, work, ignore=shutil.ignore_patterns("one-pass"))
    shutil.rmtree(work / "pieces" / "cache")
    again = build_dossier(work, work / "pieces", jobs=1, force=True)
    assert again.pdf.read_bytes() == in_pieces.read_bytes()


# -- cutting the HTML ----------------------------------------------------------------------------

DOCUMENT = """<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body>
<section class="cover">Couverture</section><nav class="toc"><a href="#b">B</a></nav>
<main>
<!--ptce-mono:page-->
<section class="part" id="p1"><h1 id="a">A</h1><a href="#a">ici</a></section>
<!--ptce-mono:page-->
<section class="part" id="p2"><h1 id="h2">B</h1>
<article id="b">un <a href="#a">lien</a></article>
<!--ptce-mono:page part="2. Études &quot;de&quot; cas"-->
<article id="c">deux</article>
</section>
</main>
</body></html>"""


def test_the_document_is_cut_at_its_marks() -> None:
    front, first, second, third = split_document(DOCUMENT)
    assert front.front and not first.front
    assert "Couverture" in front.html and "<main" not in front.html
    assert front.links == {"b"} and f'href="{FOREIGN_SCHEME}b"' in front.html
    assert first.ids == {"p1", "a"} and not first.links and 'href="#a"' in first.html
    assert second.links == {"a"} and f'href="{FOREIGN_SCHEME}a"' in second.html
    # The third piece reopens <main> and the part without their ids, with the running string.
    assert third.ids == {"c"}
    assert (
        '<section class="part" style="string-set: part &quot;2. Études \\&quot;de\\&quot; cas&quot;">'
        in third.html
    )
    assert third.html.count("</section>") == 1 and third.html.count("</main>") == 1
    for piece in (front, first, second, third):
        assert piece.html.startswith("<!DOCTYPE html>") and piece.html.rstrip().endswith("</html>")


def test_a_document_without_marks_is_one_piece() -> None:
    pieces = split_document(DOCUMENT.replace("<!--ptce-mono:page", "<!--other"))
    assert len(pieces) == 1 and pieces[0].html == DOCUMENT.replace("<!--ptce-mono:page", "<!--other")


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores to run two workers")
def test_jobs_option_on_the_command_line(project: Path, in_pieces: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ptce_mono.cli import main

    result = CliRunner().invoke(
        main, ["build", "--project", str(project), "--out", str(tmp_path / "cli"), "--jobs", "2", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli" / "dossier-brouillon.pdf").read_bytes() == in_pieces.read_bytes()
    refused = CliRunner().invoke(main, ["build", "--project", str(project), "--jobs", "0"])
    assert refused.exit_code == 2 and "--jobs" in refused.output


def test_the_sommaire_numbers_are_filled_in_without_typesetting_the_front_again(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Equal to the one-pass dossier: test_pieces_give_the_pages_of_the_one_pass_dossier.
    with caplog.at_level(logging.INFO, logger="ptce_mono"):
        build_dossier(project, tmp_path / "out", jobs=2)
    assert "the Sommaire's page numbers filled in" in caplog.text
    assert "typeset again" not in caplog.text


def sommaire_words(pdf: Path) -> list[tuple[str, float, float, float]]:
    """(word, left, right, bottom) of the Sommaire's page, in points."""
    return [(w.text, w.left, w.right, w.bottom) for w in page_words(pdf)[1]]


def test_the_filled_in_numbers_stand_where_the_one_pass_dossier_prints_them(
    one_pass: Path, in_pieces: Path
) -> None:
    expected, got = sommaire_words(one_pass), sommaire_words(in_pieces)
    assert [w for w, *_ in got] == [w for w, *_ in expected]
    numbers = [(e, g) for e, g in zip(expected, got, strict=True) if e[0].isdigit()]
    assert len(numbers) >= 8
    for want, have in numbers:
        assert have[1:] == pytest.approx(want[1:], abs=0.05), want[0]


def css_with(extra: str) -> str:
    css = (Path(__file__).resolve().parents[1] / "templates" / "dossier.css").read_text(encoding="utf-8")
    return css + "\n" + extra


def test_a_sommaire_whose_length_depends_on_its_numbers_is_typeset_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Each entry prints its number many times, inline: the numbers' widths decide how many lines
    # the Sommaire takes, so the front typeset with placeholders cannot be kept.
    counters, attributes = (
        ' " " '.join([item] * 150) for item in ("target-counter(attr(href url), page)", "attr(data-page)")
    )
    grown = css_with(
        f'.toc a::after {{ display: inline; content: " " {counters}; }}\n'
        f'.toc a[data-page]::after {{ content: " " {attributes}; }}\n'
        ".toc a, .toc a::after { white-space: normal; }\n"
    )
    project = write_project(tmp_path, {**FILES, "templates/dossier.css": grown})
    one_pass = build_dossier(project, project / "one-pass", single_pass=True).pdf
    with caplog.at_level(logging.INFO, logger="ptce_mono"):
        in_pieces = build_dossier(project, project / "pieces", jobs=2).pdf
    assert "not alone in a box of fixed width" in caplog.text
    assert "the Sommaire's length changed with its numbers: typeset again" in caplog.text
    expected, got = page_texts(one_pass), page_texts(in_pieces)
    assert expected[1].startswith("SOMMAIRE") and expected[2].startswith("SOMMAIRE")  # two pages
    assert got == expected


def test_numbers_too_wide_for_their_box_have_the_front_typeset_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = write_project(tmp_path, {**FILES, "templates/dossier.css": css_with(".toc a::after { width: 2mm; }")})
    one_pass = build_dossier(project, project / "one-pass", single_pass=True).pdf
    with caplog.at_level(logging.INFO, logger="ptce_mono"):
        in_pieces = build_dossier(project, project / "pieces", jobs=2).pdf
    assert "the Sommaire is typeset again with its numbers" in caplog.text
    assert "filled in" not in caplog.text
    assert page_texts(in_pieces) == page_texts(one_pass)


def test_an_edit_in_one_section_leaves_the_other_sections_links_alone(tmp_path: Path) -> None:
    # Paragraph ids, and the annex links that point at them, are numbered within their section:
    # lines added to the Genèse do not rename the paragraphs of the sections after it, so the
    # annex tables of those sections stay in the cache.
    from ptce_mono.commands.prepare import prepare_dossier

    project = write_project(tmp_path, FILES)
    before = prepare_dossier(project).rendered.html
    alpha = project / "monographs" / "pole-alpha.md"
    alpha.write_text(
        alpha.read_text(encoding="utf-8").replace(
            "## Genèse\n\n", "## Genèse\n\nUne phrase.\n\nUne autre.\n\n", 1
        ),
        encoding="utf-8",
    )
    after = prepare_dossier(project).rendered.html

    def ids(html: str, section: str) -> list[str]:
        return re.findall(rf'id="(pole-alpha--{section}--L\d+)"', html)

    assert ids(after, "genesis") != ids(before, "genesis")  # the edited section's paragraphs moved
    for section in ("purposes", "governance", "impacts"):
        assert ids(after, section) == ids(before, section) != [], section
    links = set(re.findall(r'href="#(pole-alpha--[a-z_]+--L\d+)"', after))
    assert links and links <= set(re.findall(r'id="([^"]+)"', after))


def test_a_build_leaves_no_temporary_fonts_behind(project: Path, tmp_path: Path) -> None:
    """WeasyPrint copies the dossier's fonts into a temporary folder per font configuration and
    deletes it only when the configuration is collected: the workers must let it go at exit."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary)}
    for extra in ([], ["--single-pass"]):
        out = tmp_path / f"out{len(extra)}"
        command = [sys.executable, "-m", "ptce_mono", "build", "--project", str(project), "--jobs", "2"]
        subprocess.run(
            [*command, "--out", str(out), *extra], check=True, capture_output=True, env=environment
        )
        assert (out / "dossier-brouillon.pdf").is_file()
        assert sorted(p.name for p in temporary.iterdir()) == []


def test_stopped_builds_leave_no_process_nor_temporary_fonts(project: Path, tmp_path: Path) -> None:
    """The workers start before the build knows it has work: a build that is up to date, or
    stops on an error, stops them at once, and their cleanup still runs."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary)}
    copy = tmp_path / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build"))
    command = [sys.executable, "-m", "ptce_mono", "build", "--project", str(copy), "--jobs", "2"]
    subprocess.run(command, check=True, capture_output=True, env=environment)
    again = subprocess.run(command, check=True, capture_output=True, env=environment, text=True)
    assert again.stdout.startswith("Up to date")
    bad = copy / "monographs" / "pole-alpha.md"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("status:", "colour: red\nstatus:", 1), encoding="utf-8"
    )
    failed = subprocess.run(command, capture_output=True, env=environment, text=True)
    assert failed.returncode == 1 and "unknown field `colour`" in failed.stderr
    assert sorted(p.name for p in temporary.iterdir()) == []
    # Every process of those builds has ended (the workers are forks: they bear its command line).
    assert [p for p in Path("/proc").glob("[0-9]*/cmdline") if str(copy).encode() in _read(p)] == []


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_a_worker_that_dies_fails_the_build_with_a_message(project: Path, tmp_path: Path) -> None:
    from ptce_mono.core.errors import RenderError
    from ptce_mono.sources.resources import template_folders
    from ptce_mono.typeset.pieces.workers import build_workers

    with build_workers(project, jobs=2) as workers:
        workers.start()
        assert workers.first is not None and workers.first.pid is not None
        os.kill(workers.first.pid, signal.SIGKILL)
        workers.first.join()
        job = ("key", "<p>Texte</p>", "", None, template_folders(project), project, 0, tmp_path)
        with pytest.raises(RenderError, match="stopped unexpectedly"):
            workers.map([job, job])


def test_a_failing_piece_stops_the_busy_workers_and_cleans_up(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One piece fails while another is being typeset: the build raises the failure at once,
    the busy worker is stopped (the first one, which holds the fonts, is given the long piece),
    and the fonts' temporary copies are deleted all the same."""
    import tempfile

    from ptce_mono.core.errors import SandboxViolation
    from ptce_mono.sources.resources import template_folders
    from ptce_mono.typeset.pieces.workers import build_workers

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # the workers inherit it
    folders = template_folders(project)
    long_piece = (
        "<main>" + "<p>Un paragraphe de texte assez long pour remplir des pages.</p>" * 4000 + "</main>"
    )
    failing = '<img src="https://example.org/logo.png">'
    jobs = [
        (name, html, "", folders, project, 0, tmp_path)
        for name, html in (("long", long_piece), ("failing", failing))
    ]
    with build_workers(project, jobs=2) as workers:
        with pytest.raises(SandboxViolation):
            workers.map(jobs)
        assert workers.in_flight == 1
        first = workers.first
    assert first is not None and not first.is_alive()
    assert not (tmp_path / "long.pdf").exists()
    assert sorted(p.name for p in temporary.iterdir()) == []


def test_a_worker_that_loses_its_first_stop_is_stopped_all_the_same(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python ignores an exception raised while it runs a __del__ method: a stop signal handled
    there is lost. The build repeats it, and the worker still cleans up."""
    import contextlib
    import tempfile
    import time

    from ptce_mono.core.errors import RenderError
    from ptce_mono.typeset.pieces import workers as workers_module
    from ptce_mono.typeset.pieces.workers import build_workers

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # the workers inherit it

    def stubborn(key: str, *_job: object) -> None:
        if key == "failing":
            raise RenderError("this piece fails")
        with contextlib.suppress(SystemExit):  # as when the signal lands in a __del__
            time.sleep(60)
        time.sleep(60)

    monkeypatch.setattr(workers_module, "typeset_job", stubborn)  # inherited by the fork
    with build_workers(project, jobs=2) as workers:
        with pytest.raises(RenderError, match="this piece fails"):
            workers.map([("stubborn",), ("failing",)])
        first = workers.first
        started = time.monotonic()
    assert first is not None and not first.is_alive()
    assert time.monotonic() - started < 3  # stopped, not killed after the 5 s it is given
    assert first.exitcode == 0
    assert sorted(p.name for p in temporary.iterdir()) == []
