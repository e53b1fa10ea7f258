"""The two line breaks WeasyPrint 70 makes next to an inline citation (docs/weasyprint-trailing-
space.md): the markup as the renderer writes it does not give them.

Both cases are the dossier's own, typeset at the width where WeasyPrint fails on the markup as
written: a SWOT statement set « Un » alone on its line, a paragraph ended a line after
« 2012). » with a gap of hundreds of points. Each is typeset raw (the defect must still show, or
the test proves nothing) and as `spaces_open_runs` writes it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ptce_mono.render.linebreaks import spaces_open_runs
from ptce_mono.typeset.engine import render_pdf

from pdf_reading import page_texts

CSS = """@page { size: A4; margin: 20mm }
html { font: 10.5pt/1.45 "Source Serif Pro", "Source Sans Pro"; hyphens: auto;
       hyphenate-limit-chars: 6 2 3; hyphenate-limit-zone: 8%; }
p, li { text-align: justify; margin: 0 0 4mm }
ul { list-style: none; padding: 0; font: 8.8pt/1.35 "Source Sans Pro" }
"""
CITATION = (
    '<span class="citation">(<a href="#x"><em>Matinée PTCE\u00a0: présentation de 4 initiatives</em>'
    " 2012</a>)</span>"
)
PARAGRAPH = (
    '<div style="width: 160mm"><p>La dynamique collective essaime ensuite\u00a0: un cinéma est repris'
    " sous la forme d’une société coopérative d’intérêt collectif (SCIC), une fédération de"
    " producteurs indépendants se crée pour distribuer les œuvres de façon équitable, un"
    " café-lecture associatif ouvert aux expressions populaires voit le jour et un groupement"
    f" d’employeurs est formé {CITATION}. De cet\nesprit d’entreprise collective naît en 2010 la"
    f" grappe Culture &amp; Coopération {CITATION}.</p></div>"
)
STATEMENT = (
    '<ul style="width: 129mm"><li>Un nouveau bâtiment de 6\u202f500\u202fm² aux normes écologiques et'
    ' environnementales, relié au site actuel <span class="citation">(<a href="#x">Le Labo de'
    ' l’ESS 2013–2014, p.\u00a08</a>)</span> — <a href="#x">Pôle Sud Aquitain</a></li></ul>'
)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("linebreaks")
    (folder / "dossier.css").write_text(CSS, encoding="utf-8")
    return folder


def lines(body: str, templates: Path) -> list[str]:
    html = f'<html lang="fr"><body>{body}<a id="x"></a></body></html>'
    pdf, _layout = render_pdf(html, [templates], templates, 0, variant=None)
    return page_texts(pdf)[0].splitlines()


def cut_after_citation(text: list[str]) -> bool:
    return any(a.endswith("2012).") and b.startswith("De cet") for a, b in itertools.pairwise(text))


def test_a_line_is_not_cut_after_a_citation(templates: Path) -> None:
    assert cut_after_citation(lines(PARAGRAPH, templates)), "WeasyPrint no longer cuts: see the docs"
    fixed = lines(spaces_open_runs(PARAGRAPH), templates)
    assert not cut_after_citation(fixed), fixed
    assert any("2012). De cet esprit" in line for line in fixed)


def test_a_statement_does_not_leave_its_first_word_alone(templates: Path) -> None:
    assert lines(STATEMENT, templates)[0] == "Un", "WeasyPrint no longer cuts: see the docs"
    fixed = lines(spaces_open_runs(STATEMENT), templates)
    assert fixed[0].startswith("Un nouveau bâtiment"), fixed


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>bâtiment <span>(ESS)</span></p>", "<p>bâtiment<span> (ESS)</span></p>"),
        ("<p><em>bâtiment </em>(ESS)</p>", "<p><em>bâtiment</em> (ESS)</p>"),
        ("<li>texte <em>a</em>\n  </li>", "<li>texte<em> a</em>\n  </li>"),
        ("<p>p.\u00a0<span>8–9</span></p>", "<p>p.<span>\u00a08–9</span></p>"),
        (
            '<p>p.\u00a0<span class="range">8–9</span></p>',
            '<p>p.<span>\u00a0</span><span class="range">8–9</span></p>',
        ),
        (
            '<td>aujourd’hui <span class="nom nom-lie">Hauts-de-France</span></td>',
            '<td>aujourd’hui<span> </span><span class="nom nom-lie">Hauts-de-France</span></td>',
        ),
        (
            '<p>Titre <span class="draft-tag">brouillon</span></p>',
            '<p>Titre<span> </span><span class="draft-tag">brouillon</span></p>',
        ),
        ("<pre>a <b>b</b></pre>", "<pre>a <b>b</b></pre>"),
        ("<td>x </td>", "<td>x</td>"),
    ],
)
def test_no_run_ends_with_a_space_before_a_tag(markup: str, expected: str) -> None:
    assert spaces_open_runs(markup) == expected
    assert spaces_open_runs(expected) == expected
