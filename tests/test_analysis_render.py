"""Part 3 and the annexes rendered from the three-pole fixture corpus (HTML level)."""

from __future__ import annotations

import re

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ptce_mono.analysis.crosscase import analyse
from ptce_mono.analysis.options import load_options
from ptce_mono.render.analysis import render_analysis

from test_analyse import corpus


def render(tmp_path, grid, root, options_yaml=""):
    model = analyse(corpus(tmp_path, grid), grid)
    path = tmp_path / "options.yaml"
    path.write_text(options_yaml, encoding="utf-8")
    options, problems = load_options(path, model.swot)
    assert problems == []
    env = Environment(loader=FileSystemLoader(root / "templates"), autoescape=True, undefined=StrictUndefined)
    return render_analysis(env, model, options, grid, {"swot": "<p>Texte éditorial.</p>"})


def test_every_swot_statement_appears_once_with_its_poles(tmp_path, grid, root):
    part, _ = render(tmp_path, grid, root)
    for statement in ["Une coopération ancienne", "Un lieu partagé", "Une coordination bénévole",
                      "Une confiance entre membres", "Des subventions incertaines"]:
        assert part.count(statement) == 1, statement
    row = re.search(r'<tr id="swot-S2">(.*?)</tr>', part, re.S).group(1)
    assert "2/3" in row and 'href="#a--genesis"' in row and 'href="#b--governance"' in row
    assert "Sans élément AFOM renseigné" in part and 'href="#pole-c"' in part
    assert "<p>Texte éditorial.</p>" in part
    assert "Aucune option stratégique" in part


def test_tows_options_link_to_their_items(tmp_path, grid, root):
    part, _ = render(tmp_path, grid, root,
                     "options:\n  - {quadrant: SO, title: Essaimer, text: Diffuser les pratiques., combines: [S2, S1]}\n")
    assert 'Essaimer</strong>' in part and '<a href="#swot-S2">S2</a>' in part


def test_annexes_hold_the_full_matrix_and_say_when_no_scores(tmp_path, grid, root):
    _, annexes = render(tmp_path, grid, root)
    assert annexes.count('class="matrix"') == len(grid.sections)
    assert 'class="state-gap"' in annexes and "Rien sur ce point." in annexes
    # no pole scored: the référentiel's annex is left out (and with it its Sommaire entry)
    assert 'id="annexe-referentiel"' not in annexes


def test_an_options_references_stay_on_one_line(tmp_path, grid, root):
    part, _ = render(tmp_path, grid, root,
                     "options:\n  - {quadrant: SO, title: Essaimer, text: Diffuser les pratiques., combines: [S2, S1]}\n")
    # A no-break space after the comma (for word processors too) and `white-space: nowrap` in print.
    assert '<span class="cites">(<a href="#swot-S2">S2</a>,&nbsp;<a href="#swot-S1">S1</a>)</span>' in part
    css = (root / "templates" / "dossier.css").read_text(encoding="utf-8")
    assert re.search(r"\.cites \{[^}]*white-space: nowrap", css)
