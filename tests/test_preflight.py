"""The preflight reads the PDF the tool made and reports what a proof-reader would mark.

A PDF is typeset from HTML with one defect per page, with the dossier's own stylesheet: the
preflight must find each defect on its page, and nothing else; the same pages without the
defects give nothing. The command line prints one line, lists with -v, fails with --strict, and
`check --pdf` runs it alone, never changing the PDF.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ptce_mono.commands.preflight import formatted, source_of
from ptce_mono.proof.findings import Finding, summary_line
from ptce_mono.proof.preflight import preflight
from ptce_mono.typeset.engine import render_pdf

from monograph_factory import invoke, monograph_text, write_project
from pdf_reading import page_texts

ROOT = Path(__file__).resolve().parents[1]
CSS = (ROOT / "templates" / "dossier.css").read_text(encoding="utf-8")
TEXT = (
    "Le pôle rassemble des associations, des entreprises et des collectivités du territoire autour "
    "de projets communs d’emploi, de formation et de services, dans une démarche coopérative."
)
# One defect per page, in this order; `None` pages are clean.
DEFECTS: list[tuple[str | None, str]] = [
    ("ink-outside", f'<div style="width: 190mm"><p>{TEXT} {TEXT}</p></div>'),
    ("raw-citation", f"<p>{TEXT} [@labo2014citego, p. 8].</p>"),
    ("straight-quote", "<p>La coopération s'ancre dans l'économie du territoire, dit le \"pôle\".</p>"),
    ("count-above-total", f"<table><tr><td>Financeur</td><td>2/1</td></tr></table><p>{TEXT}</p>"),
    ("parted-locator", f"<p>{TEXT} Voir le dossier, p.<br>8, et les pages 2013–<br>2014 du plan. {TEXT}</p>"),
    ("loose-line", f'<p style="text-align: justify; word-spacing: 30pt">{TEXT} {TEXT}</p>'),
    ("loose-line", f"<p>Un<br>nouveau bâtiment {TEXT}</p>"),
    (
        "heading-at-foot",
        f'<div style="height: 228mm"></div><h3 style="break-after: auto">Genèse</h3><p>{TEXT}</p>',
    ),
    (None, f"<p>{TEXT}</p><p>{TEXT}</p>"),
    (
        # The issue's own case: a row taller than a page, kept whole, pushes the table's start
        # to a page of its own, without the header row.
        "table-without-header",
        "<table><thead><tr><th>Pôle</th><th>Résumé</th></tr></thead><tbody><tr><td>A</td>"
        '<td><div style="height: 290mm">Énoncés</div></td></tr><tr><td>B</td><td>Fin</td></tr></tbody></table>',
    ),
    (None, f"<p>{TEXT}</p>"),
    ("short-page", "<p>Une seule ligne.</p>"),
]


def document(pages: list[str], head: str = "") -> str:
    """Each of `pages` opens a part; all but a one-line page get a paragraph more, lest they be
    pages of two lines."""
    body = "".join(
        f'<section class="part"><h1 class="part-title">Partie {n}</h1>{page}'
        f"{'' if 'Une seule ligne' in page or 'height: 2' in page else f'<p>{TEXT}</p>'}</section>"
        for n, page in enumerate(pages, 1)
    )
    return f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>t</title>{head}</head><body>{body}</body></html>'


def typeset(html: str, folder: Path, name: str) -> Path:
    pdf, _layout = render_pdf(html, [ROOT / "templates"], folder, 0)
    path = folder / name
    path.write_bytes(pdf)
    return path


@pytest.fixture(scope="module")
def defects(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("preflight")
    return typeset(document([html for _code, html in DEFECTS]), folder, "defects.pdf")


def found(findings: list[Finding]) -> set[tuple[str, int]]:
    return {(f.code, f.page) for f in findings}


def test_each_defect_is_found_on_its_page_and_nothing_else(defects: Path) -> None:
    starts = {}
    for number, text in enumerate(page_texts(defects), 1):
        for line in text.splitlines():
            if line.startswith("Partie "):
                starts[int(line.split()[1])] = number
    # The table starts on the page after its part's title, left alone (a heading at the foot),
    # without its header row.
    expected = {(code, starts[n]) for n, (code, _html) in enumerate(DEFECTS, 1) if code}
    table = next(n for n, (code, _html) in enumerate(DEFECTS, 1) if code == "table-without-header")
    heading = next(n for n, (code, _html) in enumerate(DEFECTS, 1) if code == "heading-at-foot")
    expected.add(("short-page", starts[heading]))  # its title and the heading: two lines
    expected = (expected - {("table-without-header", starts[table])}) | {
        ("heading-at-foot", starts[table]),
        ("short-page", starts[table]),
        ("table-without-header", starts[table] + 1),
        ("short-page", starts[table] + 1),
    }
    got = found(preflight(defects, CSS))
    assert expected <= got, sorted(expected - got)
    assert got <= expected, sorted(got - expected)


def test_the_same_pages_without_defects_give_nothing(tmp_path: Path) -> None:
    clean = [f"<p>{TEXT}</p><p>{TEXT}</p><p>{TEXT}</p>" for _ in range(3)]
    assert preflight(typeset(document(clean), tmp_path, "clean.pdf"), CSS) == []


def test_a_running_head_wider_than_its_line(tmp_path: Path) -> None:
    long_head = '<style>@page { @top-right { content: "' + "Pôle de coopération " * 8 + '"; } }</style>'
    pages = [f"<p>{TEXT}</p><p>{TEXT}</p><p>{TEXT}</p>", f"<p>{TEXT}</p><p>{TEXT}</p><p>{TEXT}</p>"]
    findings = preflight(typeset(document(pages, long_head), tmp_path, "head.pdf"), CSS)
    assert {f.code for f in findings} == {"wide-running-head"}


def test_the_text_block_is_the_stylesheet_s(defects: Path) -> None:
    """A stylesheet with wider margins makes text that fitted stick out of its block."""
    narrow = CSS.replace("margin: 24mm 25mm 24mm 25mm;", "margin: 24mm 45mm 24mm 25mm;")
    assert narrow != CSS
    outside = [f for f in preflight(defects, narrow) if f.code == "ink-outside"]
    assert len(outside) > len([f for f in preflight(defects, CSS) if f.code == "ink-outside"])


def test_a_finding_names_the_source_line_of_its_paragraph() -> None:
    from ptce_mono.sources.monograph import parse_text

    grid_path = ROOT / "grid" / "grid.yaml"
    from ptce_mono import load_grid

    monograph = parse_text(monograph_text("pole-a"), load_grid(grid_path), "monographs/pole-a.md")
    where = source_of([monograph])
    genesis = monograph.section("genesis")
    assert genesis is not None
    assert where("pole-a--genesis--L1") == f"monographs/pole-a.md:{genesis.body_line}"
    assert where("pole-a--genesis") == f"monographs/pole-a.md:{genesis.position.line}"
    assert where("pole-a") is None and where("pole-b--genesis") is None


def test_summary_and_formats(defects: Path) -> None:
    findings = preflight(defects, CSS)
    assert summary_line(findings) == f"Proof: {len(findings)} points to review."
    assert summary_line([]) == "Proof: nothing to review."
    assert formatted(findings, "text").count("\n") == len(findings)
    assert formatted(findings[:1], "github").startswith("::warning")
    assert '"code"' in formatted(findings, "json")


def test_check_pdf_runs_it_alone_and_never_changes_the_pdf(defects: Path, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"dossier.yaml": "title: Essai\n", "monographs/.keep": ""})
    before = hashlib.sha256(defects.read_bytes()).hexdigest()
    result = invoke(["check", "--pdf", str(defects)], project)
    assert result.exit_code == 1
    assert "[raw-citation]" in result.output and "points to review" in result.output
    assert hashlib.sha256(defects.read_bytes()).hexdigest() == before
    clean = typeset(document([f"<p>{TEXT}</p>" * 3]), tmp_path, "clean.pdf")
    assert invoke(["check", "--pdf", str(clean)], project).exit_code == 0
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    assert invoke(["check", "--pdf", str(tmp_path / "broken.pdf")], project).exit_code == 1


def test_build_says_it_in_one_line_lists_with_v_and_fails_with_strict(tmp_path: Path) -> None:
    """A stylesheet whose running head prints a straight apostrophe: the proof says so."""
    css = CSS.replace("content: string(case, first-except) string(section, start);", 'content: "l\'essai";')
    assert css != CSS
    project = write_project(
        tmp_path,
        {
            "dossier.yaml": "title: Essai\nperiod: 2013-2014\npublisher: Comité\nfooter: Comité\n",
            "monographs/pole-a.md": monograph_text("pole-a"),
            "templates/dossier.css": css,
        },
    )
    quiet = invoke(["build"], project)
    assert quiet.exit_code == 0, quiet.output
    summary = [line for line in quiet.output.splitlines() if line.startswith("Proof:")]
    assert summary and "points to review" in summary[0]
    assert "[straight-quote]" not in quiet.output
    verbose = invoke(["build", "-v", "--strict"], project)  # up to date: the recorded proof
    assert "[straight-quote]" in verbose.output
    assert verbose.exit_code == 1
