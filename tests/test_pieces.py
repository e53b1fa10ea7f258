"""The two builders give the same pages: the in-pieces builder (parallel, cached) against the
single pass, on the real PDFs, or it declines and the single pass runs.

Compared: the text of every page (running heads, "page X/Y", the Sommaire's numbers), read with
pypdfium2; the outline with its pages; every internal link landing on the same page. Both are
tagged (PDF/UA-1), the pieces' structure trees merged.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import font_source_sans_pro
import pikepdf
import pypdfium2
import pytest
from pypdf import PdfReader

from ptce_mono.commands.build import build_dossier
from ptce_mono.typeset.pieces.cutting import FOREIGN_SCHEME, split_document

from monograph_factory import monograph_text, pdf_outline, write_project
from test_accessible import assert_running_heads

FILES: dict[str, str | bytes] = {
    "dossier.yaml": "title: Dossier d’essai\nperiod: 2013-2014\npublisher: Comité d’essai\n"
    "footer: Comité d’essai | Dossier\ndrafts: include\n",
    "monographs/pole-alpha.md": monograph_text("pole-alpha"),
    "monographs/pole-beta.md": monograph_text("pole-beta"),
    "monographs/pole-gamma.md": monograph_text("pole-gamma", status="draft"),
}
CSS = Path(__file__).resolve().parents[1] / "templates" / "dossier.css"


def page_texts(pdf: Path) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        # The fonts draw a space and a narrow no-break space with one glyph, which reads back as
        # the first character it stood for in the document: the merge keeps that in pieces too.
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


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


def assert_same_pages(one_pass: Path, in_pieces: Path) -> None:
    expected, got = page_texts(one_pass), page_texts(in_pieces)
    assert len(got) == len(expected)
    for number, (want, have) in enumerate(zip(expected, got, strict=True), 1):
        assert have == want, f"page {number} differs"
    readers = PdfReader(one_pass), PdfReader(in_pieces)
    assert pdf_outline(readers[1]) == pdf_outline(readers[0])
    assert link_targets(readers[1]) == link_targets(readers[0])


def build_both(project: Path, out: Path, caplog: pytest.LogCaptureFixture) -> tuple[Path, Path, str]:
    """Both builders' PDFs, and what the in-pieces build logged about declining."""
    one_pass = build_dossier(project, out / "one-pass", single_pass=True, force=True).pdf
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ptce_mono.typeset"):
        in_pieces = build_dossier(project, out / "pieces", jobs=2, force=True).pdf
    declined = " ".join(r.getMessage() for r in caplog.records if "one pass" in r.getMessage())
    return one_pass, in_pieces, declined


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
    assert len(page_texts(one_pass)) >= 10
    assert_same_pages(one_pass, in_pieces)
    links = link_targets(PdfReader(in_pieces))
    # The Sommaire's and the analysis's links cross pieces: they must have survived the merge.
    assert any(source <= 3 and target > 3 for source, target in links)
    assert any(source > target > 3 for source, target in links)
    assert (
        page_texts(in_pieces)[-1]
        .rstrip()
        .endswith(f"page\u00a0{len(page_texts(in_pieces))}/{len(page_texts(in_pieces))}")
    )


def elements_of(root: pikepdf.Object) -> list[pikepdf.Object]:
    found = [root]
    kids = root.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.extend(elements_of(kid))
    return found


def test_the_merged_structure_tree_is_whole(one_pass: Path, in_pieces: Path) -> None:
    def shape(path: Path) -> tuple[list[str], int]:
        with pikepdf.open(path) as pdf:
            pages = {page.objgen for page in pdf.pages}
            tree = pdf.Root.StructTreeRoot
            kinds: list[str] = []

            def walk(element: pikepdf.Object) -> None:
                kinds.append(str(element.S))
                if "/Pg" in element:
                    assert element.Pg.objgen in pages  # a page of this document, not a copy
                for kid in element.get("/K", []) if isinstance(element.get("/K"), pikepdf.Array) else []:
                    if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                        walk(kid)

            walk(tree.K[0])
            ids = [str(e.ID) for e in elements_of(tree.K[0]) if "/ID" in e]
            assert len(ids) == len(set(ids))  # the table cells' headers name one cell each
            headers = {str(h) for e in elements_of(tree.K[0]) for h in e.get("/A", {}).get("/Headers", [])}
            assert headers <= set(ids)
            keys = [int(k) for k in list(tree.ParentTree.Nums)[::2]]
            assert keys == list(range(len(keys)))
            for page in pdf.pages:
                assert int(page.obj.StructParents) in keys
                assert page.obj.Tabs == "/S"
            return kinds, len(keys)

    assert shape(in_pieces) == shape(one_pass)


def test_merged_fonts_are_shared(one_pass: Path, in_pieces: Path) -> None:
    # Each face embedded once per piece would make the file several times larger.
    assert in_pieces.stat().st_size < 1.6 * one_pass.stat().st_size


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
    assert len(kept) >= 3  # the pieces whose text and place did not change
    assert len(after) == len(before)  # the cache holds one dossier: old pieces are dropped

    fresh = build_dossier(work, tmp_path / "fresh", single_pass=True)
    assert page_texts(out / "dossier-brouillon.pdf") == page_texts(fresh.pdf)  # drafts: include


def test_the_cache_is_safe_to_delete(project: Path, in_pieces: Path, tmp_path: Path) -> None:
    work = tmp_path / "project"
    shutil.copytree(project, work, ignore=shutil.ignore_patterns("one-pass"))
    shutil.rmtree(work / "pieces" / "cache")
    again = build_dossier(work, work / "pieces", jobs=1, force=True)
    assert again.pdf.read_bytes() == in_pieces.read_bytes()


def test_the_round_that_lays_the_pieces_out_says_nothing_of_links_to_other_pieces(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    work = tmp_path / "project"
    shutil.copytree(project, work, ignore=shutil.ignore_patterns("one-pass", "pieces"))
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        build_dossier(work, work / "out", jobs=1)  # in this process, where caplog hears it
    assert [r for r in caplog.records if r.name.startswith("weasyprint")] == []
    assert (work / "out" / "cache" / "pieces").is_dir()  # it was the in-pieces builder


def test_a_one_pass_build_does_not_count_as_up_to_date_for_pieces(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert not build_dossier(project, out, single_pass=True).up_to_date
    assert not build_dossier(project, out, jobs=1).up_to_date
    assert build_dossier(project, out, jobs=1).up_to_date


# -- larger corpora: the shipped review edition (14 poles) and 36 generated poles ------------------

REPOSITORY = Path(__file__).resolve().parents[1]


def test_the_review_edition_of_the_shipped_corpus(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    one_pass = build_dossier(REPOSITORY, tmp_path / "one-pass", drafts=True, single_pass=True).pdf
    with caplog.at_level(logging.INFO, logger="ptce_mono.typeset"):
        in_pieces = build_dossier(REPOSITORY, tmp_path / "pieces", drafts=True, jobs=2).pdf
    assert not [r for r in caplog.records if "one pass" in r.getMessage()]
    assert len(page_texts(one_pass)) >= 40
    assert_same_pages(one_pass, in_pieces)
    assert_running_heads(in_pieces)


def test_thirty_six_poles(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    files = {
        "dossier.yaml": FILES["dossier.yaml"],
        **{f"monographs/pole-{n:02d}.md": monograph_text(f"pole-{n:02d}") for n in range(36)},
    }
    one_pass, in_pieces, declined = build_both(write_project(tmp_path, files), tmp_path, caplog)
    assert declined == ""
    assert len(page_texts(one_pass)) >= 100
    assert_same_pages(one_pass, in_pieces)


# -- stylesheet variants: the builders agree, or the in-pieces builder declines and says why -----

LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
    b'<rect width="40" height="20" fill="#0b6e4f"/></svg>'
)
LIGHT = Path(font_source_sans_pro.font_directory) / "SourceSansPro-Light.otf"
# (CSS added to the stylesheet, files added to the project, what the in-pieces build declines for)
VARIANTS: dict[str, tuple[str, dict[str, str | bytes], str]] = {
    "page number moved": (
        "@page { @bottom-right { content: none; } "
        '@bottom-center { content: counter(page) " sur " counter(pages); } }',
        {},
        "",
    ),
    "A5 pages": ("@page { size: A5; margin: 15mm; }", {}, ""),
    "a larger font": ("body { font-size: 12.5pt; }", {}, ""),
    "colours and margins": (
        ":root { --accent: #0b6e4f; --ink: #222; } @page { margin: 30mm 20mm 28mm 20mm; }",
        {},
        "",
    ),
    "a logo on the cover": (
        '.cover-foot { background: url("../assets/logo.svg") no-repeat right bottom / 30mm auto; '
        "min-height: 20mm; }",
        {"assets/logo.svg": LOGO},
        "",
    ),
    "the lab's own font": (
        '@font-face { font-family: "Labo Sans"; src: url("../fonts/LaboSans.otf"); } '
        ':root { --sans: "Labo Sans", "Source Sans Pro", sans-serif; }',
        {"fonts/LaboSans.otf": LIGHT.read_bytes()},
        "",
    ),
    "mirrored margins": (
        "@page :left { margin-left: 30mm; margin-right: 20mm; } "
        "@page :right { margin-left: 20mm; margin-right: 30mm; }",
        {},
        "`:left`",
    ),
    "a document-wide counter": (
        "main { counter-reset: figure; } h3 { counter-increment: figure; } "
        'h3::before { content: counter(figure) ". "; }',
        {},
        "CSS counter",
    ),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_stylesheet_variants_keep_the_builders_equal(
    variant: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    extra, files, declines = VARIANTS[variant]
    stylesheet = CSS.read_text(encoding="utf-8") + "\n" + extra + "\n"
    project = write_project(tmp_path, {**FILES, **files, "templates/dossier.css": stylesheet})
    one_pass, in_pieces, declined = build_both(project, tmp_path, caplog)
    assert_same_pages(one_pass, in_pieces)
    if declines:
        assert declines in declined
    else:
        assert declined == ""
    if variant == "the lab's own font":
        with pikepdf.open(in_pieces) as pdf:
            fonts = {str(f.BaseFont) for page in pdf.pages for _k, f in page.Resources.Font.items()}
        assert any("Light" in name for name in fonts), fonts


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


def test_stopped_builds_leave_no_process_nor_temporary_fonts(project: Path, tmp_path: Path) -> None:
    """A build that is up to date, or stops on an error, stops its workers, and their cleanup
    still runs."""
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


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _dies(job: object, *_arguments: object) -> None:
    os._exit(9)  # as the kernel's out-of-memory killer would end a typesetting process


def test_a_worker_that_dies_fails_the_build_with_a_message(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptce_mono.core.errors import RenderError
    from ptce_mono.typeset.pieces import workers as workers_module
    from ptce_mono.typeset.pieces.workers import Job, build_workers

    monkeypatch.setattr(workers_module, "typeset_job", _dies)  # inherited by the forked processes
    with build_workers(project, jobs=2) as workers, pytest.raises(RenderError, match="typesetting process was stopped"):
        workers.map([Job("a", "<p>Texte</p>"), Job("b", "<p>Texte</p>")], 0, tmp_path)


def test_a_failing_piece_fails_the_build_and_cleans_up(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One piece fails while another is being typeset: the build raises the failure, and the
    fonts' temporary copies are deleted all the same."""
    import tempfile

    from ptce_mono.core.errors import SandboxViolation
    from ptce_mono.typeset.pieces.workers import Job, build_workers

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # the workers inherit it
    long_piece = (
        "<main>" + "<p>Un paragraphe de texte assez long pour remplir des pages.</p>" * 400 + "</main>"
    )
    failing = '<img src="https://example.org/logo.png">'
    with build_workers(project, jobs=2) as workers, pytest.raises(SandboxViolation):
        workers.map([Job("long", long_piece), Job("failing", failing)], 0, tmp_path)
    assert not (tmp_path / "failing.pdf").exists()
    assert sorted(p.name for p in temporary.iterdir()) == []


# -- merging: a piece is closed once copied, unless its streams cannot be given their bytes ------


def test_a_piece_whose_stream_filters_are_malformed_stays_open_until_written() -> None:
    from ptce_mono.typeset.pieces.merge import _ready_to_copy

    pdf = pikepdf.new()
    pdf.make_indirect(pikepdf.Stream(pdf, b"x", Filter=pikepdf.Name.FlateDecode))
    pdf.make_indirect(pikepdf.Stream(pdf, b"y"))
    assert _ready_to_copy(pdf, "p1-")
    odd = pikepdf.new()
    odd.make_indirect(pikepdf.Stream(odd, b"x", Filter=3))
    assert not _ready_to_copy(odd, "p1-")

