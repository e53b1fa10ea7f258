"""Citations end to end: real bibliography files (BibTeX, CSL-JSON), real pandoc, real PDFs read back."""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from ptce_mono.commands.build import BuildReport, build_dossier
from ptce_mono.commands.export import export_dossier
from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.commands.tables import matrix_table
from ptce_mono.sources.bibliography import load_bibliography, packaged_style
from ptce_mono.sources.citekeys import citation_spans, first_claim, strip_citations

from monograph_factory import WORDS, invoke, monograph_text, write_project
from pdf_reading import page_texts

FIXTURES = Path(__file__).parent / "fixtures" / "citations"

CONFIG = """\
title: Dossier cité
publisher: Équipe d'essai
period: 2013-2014
bibliography: [biblio/references.bib, biblio/references.json]
"""
GENESIS = (
    "La coopération est ancienne et reconnue [@labo2014citego, p. 17]. Selon @garnier2013 [p. 14], "
    "elle tient au territoire.\n\n"
    "Ses membres partagent des moyens [voir @durand2012, chap. 2 ; @rtes2016seminaire, annexe 1]."
)
SOURCES_BY_KEY = "  - key: petit2015\n    note: cadrage général\n"
SWOT_CITED = "Une coopération ancienne [@labo2014citego, p. 5]"


def _project(root: Path, config: str = CONFIG) -> Path:
    text = monograph_text("pole-cite", body={"Genèse": GENESIS}).replace(
        "sources:\n", "sources:\n" + SOURCES_BY_KEY, 1
    )
    text = text.replace("    - text: Une coopération ancienne\n", f"    - text: {SWOT_CITED}\n", 1)
    write_project(
        root,
        {
            "dossier.yaml": config,
            "monographs/pole-cite.md": text,
            "monographs/pole-autre.md": monograph_text("pole-autre"),
            "editorial/analyse.md": "Le cadre d'analyse suit le dossier CITEGO [@labo2014citego, sect. 2.1].\n",
        },
    )
    (root / "biblio").mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "references.bib", root / "biblio")
    shutil.copy(FIXTURES / "references.json", root / "biblio")
    return root


@dataclass
class Built:
    report: BuildReport
    pages: list[str]
    reader: PdfReader

    def text(self) -> str:
        return " ".join(" ".join(self.pages).split())

    def page_of(self, destination: str) -> int:
        return int(self.reader.get_destination_page_number(self.reader.named_destinations[destination]))

    def links(self, page: int) -> list[str]:
        found = []
        for annotation in self.reader.pages[page].get("/Annots") or []:
            annotation = annotation.get_object()
            target = annotation.get("/Dest") or (annotation.get("/A") or {}).get("/D")
            if target is not None:
                found.append(str(target))
        return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = _project(tmp_path_factory.mktemp("cite"))
    report = build_dossier(project, project / "build")
    return Built(report, page_texts(report.pdf), PdfReader(report.pdf))


# -- reading the syntax ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("[@key]", [("key",)]),
        ("[@key, p. 12]", [("key",)]),
        ("[voir @a, p. 3 ; @b]", [("a", "b")]),
        ("Selon @dupont2012, oui.", [("dupont2012",)]),
        ("[-@key]", [("key",)]),
        ("@key [p. 33] dit", [("key",)]),
        ("écrire à jeanne@example.org", []),
        ("[le site](https://example.org/@compte)", []),
        ("son compte \\@LaboESS", []),
    ],
)
def test_citation_syntax(text: str, keys: list[tuple[str, ...]]) -> None:
    assert [span.keys for span in citation_spans(text)] == keys


def test_summaries_lose_their_citations() -> None:
    assert strip_citations("Créé en 2010 [@labo2014citego, p. 3]. Selon @garnier2013, oui.") == (
        "Créé en 2010. Selon garnier2013, oui."
    )


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Le pôle compte 140 entreprises.", "140"),
        ("Le pôle est porté par le CBE du Seignanx.", "CBE"),
        ("Le pôle coopère. Les membres partagent des moyens.", None),
        ("- Premier point\n- Second point", None),
        ("Trois communes : Tarnos, Ondres et Boucau.", "Tarnos"),
    ],
)
def test_claims(text: str, claim: str | None) -> None:
    found = first_claim(text)
    assert (found[1] if found else None) == claim


# -- reading the bibliography files ---------------------------------------------------------------


def test_bibtex_accents_and_corporate_author() -> None:
    bib = load_bibliography([FIXTURES / "references.bib"], ["references.bib"])
    assert bib.problems == []
    entry = bib.entries["labo2014citego"]
    assert entry.csl["author"] == [{"literal": "Le Labo de l’ESS"}]
    assert entry.csl["title"] == "Dossier CITEGO sur les pôles territoriaux de coopération économique"
    assert bib.entries["durand2012"].csl["author"][0] == {"family": "Durand", "given": "Françoise"}
    assert entry.position.line == 2


def test_titles_keep_the_capitals_they_are_written_with(tmp_path: Path) -> None:
    """pandoc takes an entry without a language for English and lowers every capital of its
    title after the first; the dossier's entries are printed as written, names included."""
    (tmp_path / "refs.bib").write_text(
        "@misc{entretien,\n  title = {Entretien avec Marco Felez, directeur des Articulteurs},\n}\n"
        "@misc{english, langid = {english},\n  title = {The Rise of Territorial Clusters},\n}\n"
        "@misc{ecrit, language = {french}, title = {Un Titre Écrit Ainsi}}\n",
        encoding="utf-8",
    )
    bib = load_bibliography([tmp_path / "refs.bib"], ["refs.bib"])
    assert bib.problems == []
    assert bib.entries["entretien"].csl["title"] == "Entretien avec Marco Felez, directeur des Articulteurs"
    assert bib.entries["english"].csl["title"] == "The rise of territorial clusters"
    assert bib.entries["ecrit"].csl["title"] == "Un Titre Écrit Ainsi"
    assert [bib.entries[k].position.line for k in ("entretien", "english", "ecrit")] == [1, 4, 7]


def test_page_ranges_print_with_an_en_dash_the_fonts_have() -> None:
    from ptce_mono.render.citations import render_citations

    bib = load_bibliography([FIXTURES / "references.bib"], ["references.bib"])
    rendered = render_citations(bib, packaged_style("iso690-author-date-fr"), ["[@labo2014citego, p. 5-8]"])
    html = rendered.html("[@labo2014citego, p. 5-8]")
    assert '<span class="range">5\u20138</span>' in html
    assert "\u2011" not in html


def test_bibtex_unclosed_entry_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = (FIXTURES / "references.bib").read_text(encoding="utf-8")
    broken = text.replace("  year = {2015},\n}", "  year = {2015},\n")
    (tmp_path / "refs.bib").write_text(broken, encoding="utf-8")
    bib = load_bibliography([tmp_path / "refs.bib"], ["refs.bib"])
    [problem] = bib.problems
    assert (problem.code, problem.line) == ("bib-syntax", broken[: broken.index("@article")].count("\n") + 1)
    assert "petit2015" in bib.unreadable


def test_bibtex_missing_comma_is_an_error_at_pandocs_line(tmp_path: Path) -> None:
    text = (FIXTURES / "references.bib").read_text(encoding="utf-8")
    broken = text.replace("  publisher = {{\\'E}ditions du Sud},", "  publisher = {{\\'E}ditions du Sud}", 1)
    assert broken != text
    (tmp_path / "refs.bib").write_text(broken, encoding="utf-8")
    bib = load_bibliography([tmp_path / "refs.bib"], ["refs.bib"])
    [problem] = bib.problems
    assert (problem.code, problem.line, problem.column) == ("bib-syntax", 14, 3)  # the field after
    assert "labo2014citego" in bib.unreadable and bib.entries == {}


def test_csl_json_syntax_error_at_line_and_column(tmp_path: Path) -> None:
    text = (FIXTURES / "references.json").read_text(encoding="utf-8")
    (tmp_path / "refs.json").write_text(text.replace('"RTES",', '"RTES"', 1), encoding="utf-8")
    bib = load_bibliography([tmp_path / "refs.json"], ["refs.json"])
    [problem] = bib.problems
    assert (problem.code, problem.line, problem.column) == ("bib-syntax", 8, 5)  # where a comma is due
    assert bib.unreadable == {"rtes2016seminaire": "refs.json", "garnier2013": "refs.json"}


# -- checking ------------------------------------------------------------------------------------


def test_unknown_key_fails_check_with_the_near_key(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = project / "monographs" / "pole-cite.md"
    text = path.read_text(encoding="utf-8").replace("@labo2014citego, p. 17", "@labo2014citgo, p. 17")
    path.write_text(text, encoding="utf-8")
    result = invoke(["check"], project)
    assert result.exit_code == 1, result.output
    line = next(i for i, row in enumerate(text.split("\n"), 1) if "@labo2014citgo" in row)
    column = text.split("\n")[line - 1].index("@labo2014citgo") + 1
    assert f"monographs/pole-cite.md:{line}:{column}: error: `@labo2014citgo` is not in the bibliography" in (
        result.output
    )
    assert "Did you mean `labo2014citego`?" in result.output


def test_key_only_in_an_unreadable_file_says_so(tmp_path: Path) -> None:
    project = _project(tmp_path)
    json_file = project / "biblio" / "references.json"
    json_file.write_text(json_file.read_text(encoding="utf-8").replace("]\n", "", 1)[:-3], encoding="utf-8")
    result = invoke(["check"], project)
    assert result.exit_code == 1
    assert "biblio/references.json:" in result.output and "[bib-syntax]" in result.output
    assert "`@garnier2013` is defined only in biblio/references.json, which cannot be read" in result.output


def test_uncited_figure_in_a_published_monograph(tmp_path: Path) -> None:
    claim = "Le pôle compte 140 entreprises adhérentes."
    body = {"Gouvernance": f"{WORDS}\n\n{claim}"}
    project = _project(tmp_path)
    write_project(
        project,
        {
            "monographs/pole-autre.md": monograph_text("pole-autre", body=body),
            "monographs/pole-brouillon.md": monograph_text("pole-brouillon", status="draft", body=body),
        },
    )
    text = (project / "monographs" / "pole-autre.md").read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.split("\n"), 1) if row == claim)
    result = invoke(["check"], project)
    assert result.exit_code == 0, result.output
    assert f"monographs/pole-autre.md:{line}:16: warning: this paragraph states `140`" in result.output
    assert "pole-brouillon.md" not in "".join(r for r in result.output.splitlines() if "uncited-claim" in r)
    assert invoke(["check", "--strict"], project).exit_code == 1


def test_every_paragraph_is_checked_even_after_a_citing_opening(tmp_path: Path) -> None:
    """A citation in a section's first paragraph does not vouch for the figures of the next ones:
    `--strict` enforces « every paragraph that states a figure, a date or a name cites »."""
    body = {"Gouvernance": "Le pôle est gouverné par ses membres [@labo2014citego, p. 9].\n\nIls sont 140."}
    project = _project(tmp_path)
    write_project(project, {"monographs/pole-autre.md": monograph_text("pole-autre", body=body)})
    result = invoke(["check", "--strict"], project)
    assert result.exit_code == 1
    assert [row for row in result.output.splitlines() if "[uncited-claim]" in row] == [
        next(row for row in result.output.splitlines() if "this paragraph states `140`" in row)
    ]
    cited = {"Gouvernance": "Le pôle est gouverné par ses membres [@labo2014citego, p. 9].\n\nIls sont 140 [@labo2014citego, p. 10]."}
    write_project(project, {"monographs/pole-autre.md": monograph_text("pole-autre", body=cited)})
    assert "uncited-claim" not in invoke(["check", "--strict"], project).output


def test_summary_share_and_unused_entries(tmp_path: Path) -> None:
    result = invoke(["check", "--summary"], _project(tmp_path))
    assert re.search(r"pole-cite\s+25 %\s+\(2/8\)", result.output), result.output
    assert re.search(r"pole-autre\s+0 %\s+\(0/7\)", result.output)
    assert "unused-bib-entry" not in result.output  # petit2015 is listed in `sources`: used
    path = tmp_path / "monographs" / "pole-cite.md"
    path.write_text(path.read_text(encoding="utf-8").replace("@durand2012, chap. 2 ; ", ""), encoding="utf-8")
    result = invoke(["check"], tmp_path)
    assert "biblio/references.bib:10:1: info: `durand2012` is cited by no monograph [unused-bib-entry]" in (
        result.output
    )


# -- the dossier ---------------------------------------------------------------------------------


def test_citation_prints_as_the_style_says(built: Built) -> None:
    text = built.text()
    assert "(Le Labo de l’ESS 2014, p. 17)" in text
    assert "Selon Garnier (2013, p. 14)" in text  # from the CSL-JSON file
    assert "(voir Durand et al. 2012, chap. 2 ; Réseau des collectivités" in text
    assert "Économie Solidaire 2016, annexe 1)" in text


def test_citation_links_to_its_entry(built: Built) -> None:
    source_page = next(i for i, page in enumerate(built.pages) if "ESS 2014, p. 17" in " ".join(page.split()))
    assert "pole-cite--ref-labo2014citego" in built.links(source_page)
    entry_page = built.page_of("pole-cite--ref-labo2014citego")
    entry = " ".join(built.pages[entry_page].split())
    assert "LE LABO DE L’ESS, 2014. Dossier CITEGO sur les pôles territoriaux de coopération économique." in entry


def test_case_study_lists_its_sources_once_cited_then_consulted(built: Built) -> None:
    """One list in the citation style: the works cited, then those consulted, marked; the
    entries' notes wait for the final bibliography."""
    text = built.text()
    start = text.rindex("Date de rédaction", 0, text.index("cadrage général"))
    sources = text[start : text.index("3. Analyse globale", start)]
    assert sources.index("DURAND, Françoise, LÉVY, Étienne") < sources.index("LE LABO DE L’ESS, 2014")
    assert sources.index("LE LABO DE L’ESS, 2014") < sources.index("PETIT, Hélène, 2015")
    assert "PETIT, Hélène, 2015" in sources and "Consultée, non citée dans le texte : cadrage général." in sources
    assert sources.index("PETIT, Hélène") < sources.index("Document de référence")
    assert "RÉFÉRENCES" not in sources and "AUTRES SOURCES" not in sources


def test_annex_holds_the_works_cited_then_those_consulted(built: Built) -> None:
    page = built.page_of("annexe-bibliographie")
    annex = " ".join(" ".join(built.pages[page:]).split())
    annex = annex[annex.index("B. Bibliographie") :]
    assert annex.index("TRAVAUX CITÉS") < annex.index("AUTRES SOURCES CONSULTÉES")
    assert annex.index("AUTRES SOURCES CONSULTÉES") < annex.index("PETIT, Hélène")
    for start in ("DURAND, Françoise", "GARNIER, Émile", "LE LABO DE L’ESS", "PETIT, Hélène", "RÉSEAU DES"):
        assert start in annex
    editorial_page = next(i for i, p in enumerate(built.pages) if "ESS 2014, sect. 2.1" in " ".join(p.split()))
    assert "ref-labo2014citego" in built.links(editorial_page)


def test_chain_of_evidence_in_two_clicks(built: Built) -> None:
    """A SWOT statement of part 3 links to its section; that section's citation links to a page of
    a source. (The case study's own SWOT prints it first, under its id, linked to part 3.)"""
    pages = [i for i, p in enumerate(built.pages) if "Une coopération ancienne (Le Labo" in " ".join(p.split())]
    assert "swot-S2" in built.links(pages[0])
    swot_page = pages[-1]
    assert "pole-cite--genesis" in built.links(swot_page)
    section_page = built.page_of("pole-cite--genesis")
    citation_links = [d for d in built.links(section_page) if d.startswith("pole-cite--ref-")]
    assert "pole-cite--ref-labo2014citego" in citation_links
    assert "p. 17" in " ".join(built.pages[section_page].split())
    assert "LE LABO DE L’ESS, 2014." in " ".join(built.pages[built.page_of(citation_links[0])].split())
    # The framework matrix's cell points at the paragraph itself, which carries the citation.
    matrix_page = next(i for i in range(len(built.pages)) if "pole-cite--genesis--L1" in built.links(i))
    assert matrix_page > swot_page
    assert built.page_of("pole-cite--genesis--L1") == section_page


def test_a_second_style_changes_the_output(tmp_path: Path) -> None:
    assert packaged_style("chicago-author-date-fr") is not None
    default = prepare_dossier(_project(tmp_path / "a")).rendered.html
    other = prepare_dossier(_project(tmp_path / "b", CONFIG + "csl: chicago-author-date-fr\n")).rendered.html
    assert "Le Labo de l’ESS 2014, p.\u00a017" in default
    assert "Le Labo de l’ESS 2014, p.\u00a017" not in other
    assert "Le Labo de l’ESS 2014, 17" in other


def test_unknown_style_is_reported_at_its_line(tmp_path: Path) -> None:
    project = _project(tmp_path, CONFIG + "csl: iso690-author-date-french\n")
    result = invoke(["check"], project)
    assert result.exit_code == 1
    assert "dossier.yaml:5:6: error: `csl`: `iso690-author-date-french` is not a packaged citation style" in (
        result.output
    )


def test_docx_export_and_matrix_keep_the_citations(tmp_path: Path) -> None:
    project = _project(tmp_path)
    docx = export_dossier(project, "docx", tmp_path / "dossier.docx")
    with zipfile.ZipFile(docx) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    words = " ".join(re.sub(r"<[^>]+>", "", document).split())
    assert "Le Labo de l’ESS 2014, p.\u00a017" in words or "Le Labo de l’ESS 2014, p. 17" in words
    assert "B. Bibliographie" in words
    from ptce_mono.analysis.crosscase import analyse

    prepared = prepare_dossier(project)
    header, rows = matrix_table(analyse(prepared.printed, *_grid_and_year(project)))
    genesis = next(r for r in rows if r[0] == "pole-cite" and r[2] == "genesis")
    assert genesis[header.index("clés citées")] == "labo2014citego ; garnier2013 ; durand2012 ; rtes2016seminaire"
    assert "@" not in str(genesis[header.index("résumé")])


def _grid_and_year(project: Path) -> tuple[object, int]:
    from ptce_mono.sources.grid import load_grid
    from ptce_mono.sources.resources import project_resource

    return load_grid(project_resource(project, "grid") / "grid.yaml"), 2013


def test_a_monograph_names_its_own_bibliography(tmp_path: Path) -> None:
    project = _project(tmp_path)
    own = '[{"id": "bernard2011", "type": "book", "title": "Le bassin de l’Adour", '
    own += '"author": [{"family": "Bernard", "given": "Luc"}], "issued": {"date-parts": [[2011]]}}]'
    body = {"Gouvernance": "Le pôle est gouverné par ses membres [@bernard2011, p. 8]."}
    write_project(
        project,
        {
            "biblio/autre.json": own,
            "monographs/pole-autre.md": monograph_text(
                "pole-autre", front_extra="bibliography: [biblio/autre.json]\n", body=body
            ),
        },
    )
    assert invoke(["check"], project).exit_code == 0
    html = prepare_dossier(project).rendered.html
    assert "Bernard 2011, p.\u00a08" in html and 'id="pole-autre--ref-bernard2011"' in html
    write_project(project, {"monographs/pole-cite.md": monograph_text("pole-cite", body=body)})
    result = invoke(["check"], project)  # another monograph cannot cite it
    assert result.exit_code == 1 and "`@bernard2011` is not in the bibliography" in result.output


def test_the_site_links_citations_to_references(tmp_path: Path) -> None:
    from ptce_mono.commands.site import build_site

    project = _project(tmp_path)
    build_site(project, tmp_path / "out")
    pole = (tmp_path / "out" / "site" / "poles" / "pole-cite.html").read_text(encoding="utf-8")
    assert 'href="#pole-cite--ref-labo2014citego"' in pole and 'id="pole-cite--ref-labo2014citego"' in pole
    analysis = (tmp_path / "out" / "site" / "analyse.html").read_text(encoding="utf-8")
    assert 'href="poles/pole-cite.html#pole-cite--genesis"' in analysis
    assert 'id="ref-labo2014citego"' in analysis


def test_unknown_key_in_an_editorial_text_stops_the_build(tmp_path: Path) -> None:
    from ptce_mono.core.errors import CorpusError

    project = _project(tmp_path)
    write_project(project, {"editorial/analyse.md": "Titre\n\nLe cadre suit [@labo2014citeg, p. 2].\n"})
    with pytest.raises(CorpusError) as raised:
        prepare_dossier(project)
    [problem] = [p for p in raised.value.problems if p.code == "unknown-cite-key"]
    assert (problem.path.endswith("editorial/analyse.md"), problem.line, problem.column) == (True, 3, 16)


def test_nothing_in_a_citation_reaches_the_html_raw(tmp_path: Path) -> None:
    bib = load_bibliography([FIXTURES / "references.bib"], ["references.bib"])
    from ptce_mono.render.citations import render_citations

    hostile = "[<script>alert(1)</script> voir <file:///etc/passwd> @durand2012, p. 3 `x`{=html}]"
    html = render_citations(bib, packaged_style("iso690-author-date-fr"), [hostile]).citations[hostile]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "href=\"file:" not in html and "voir file:///etc/passwd" in html  # printed, not linked
    assert 'href="#ref-durand2012"' in html


def test_a_project_style_file(tmp_path: Path) -> None:
    project = _project(tmp_path, CONFIG + "csl: styles/maison.csl\n")
    style = packaged_style("iso690-numeric-fr")
    assert style is not None
    (project / "styles").mkdir()
    shutil.copy(style, project / "styles" / "maison.csl")
    html = prepare_dossier(project).rendered.html
    assert "Le Labo de l’ESS 2014, p.\u00a017" not in html
    assert re.search(r'<a href="#pole-cite--ref-labo2014citego"[^>]*>\d+, p.\u00a017</a>', html)  # numeric


def test_unknown_key_in_a_swot_item_points_at_the_item(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = project / "monographs" / "pole-cite.md"
    text = path.read_text(encoding="utf-8")
    assert "  strengths:\n" in text
    text = text.replace("  strengths:\n", "  strengths:\n    - text: Un atout [@inconnu2014, p. 2]\n"
                        "      theme: culture-cooperation\n", 1)
    path.write_text(text, encoding="utf-8")
    result = invoke(["check"], project)
    assert result.exit_code == 1, result.output
    line = next(i for i, row in enumerate(text.split("\n"), 1) if "@inconnu2014" in row)
    column = text.split("\n")[line - 1].index("Un atout") + 1
    assert f"monographs/pole-cite.md:{line}:{column}: error: `@inconnu2014` is not in the bibliography" in (
        result.output
    )


def test_a_citation_across_lines_leaves_no_space_before_the_punctuation() -> None:
    from ptce_mono.render.markdown import render_markdown

    def cite(text: str) -> str:
        return "(" + " ".join(text.split()) + ")"

    html = render_markdown(
        "## Projets\n\nDes partenariats en Europe [@a ;\n@b, p. 4].\nSuite [@c ;\n@d ;\n@e] - encore.\n\n"
        "Autre paragraphe.\n",
        anchor="pole",
        first_line=10,
        cite=cite,
    )
    assert "Europe ([@a ; @b, p. 4])." in html
    assert "([@c ; @d ; @e]) - encore." in html  # a line after a break starts no list
    assert 'id="pole--L12"' in html and 'id="pole--L18"' in html  # the blocks keep their lines
