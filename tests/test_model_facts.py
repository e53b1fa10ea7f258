"""Every fact a researcher writes is printed, dated, in the pole's own case study.

tests/fixtures/model/vallee-du-lys.md is a fictitious pole written from the author's guide alone,
every field filled (the dated ones included). It passes `check --strict`; built for real, its
case study — the pages from its key facts to the end of its references — is read back from the
PDF and each of its front matter's facts is looked for there, as a reader would write it down.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ptce_mono.commands.build import build_dossier
from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.render.typography import french_text

from monograph_factory import invoke, write_project

FIXTURE = Path(__file__).parent / "fixtures" / "model"
SETTINGS = "title: Dossier d'essai\npublisher: Équipe d'essai\nperiod: 2013-2014\nbibliography: [references.bib]\n"

CASE_STUDY = "case study"
# Each fact of the front matter (id and status aside: an identifier, and the absence of the
# BROUILLON mark) as the dossier prints it, and where.
FACTS: list[tuple[str, str, str]] = [
    ("name", "Pôle coopératif de la Vallée du Lys", CASE_STUDY),
    ("short_name", "Vallée du Lys", "the tables of parts 1.3 and 3, and annex A"),
    ("motto.text", "Travailler ensemble là où l'on vit", CASE_STUDY),
    ("motto.attribution", "charte du pôle, 2011", CASE_STUDY),
    ("location.commune", "Aire-sur-la-Lys", CASE_STUDY),
    ("location.departement", "Pas-de-Calais (62)", CASE_STUDY),
    ("location.region_study", "Nord-Pas-de-Calais", CASE_STUDY),
    ("location.region_today", "aujourd'hui Hauts-de-France", CASE_STUDY),
    ("location.coordinates", "50.64, 2.40", "the map of part 1.1 (a position, not a text)"),
    ("territory_types[1]", "rural", CASE_STUDY),
    ("territory_types[2]", "désindustrialisé", CASE_STUDY),
    ("year_cooperation_began", "Début de la coopération 2004", CASE_STUDY),
    ("year_pole_formed", "Constitution en pôle 2011", CASE_STUDY),
    ("carrier", "Association Lys Coopérations", CASE_STUDY),
    ("legal_form", "Forme juridique association", CASE_STUDY),
    ("member_count", "15 (2012) (Lys Coopérations 2013, p. 4)", CASE_STUDY),
    ("members[1]", "Lys Coopérations (association, adhésion en 2011), structure porteuse (2012) (Lys Coopérations 2013, p. 5)", CASE_STUDY),
    ("members[2]", "Atelier du Marais (structure d'insertion, adhésion en 2004), membre fondateur (2012)", CASE_STUDY),
    ("members[3]", "Coop'Lin (SCIC, adhésion en 2008), membre (2012)", CASE_STUDY),
    ("members[4]", "Communauté de communes Lys Romane (collectivité territoriale, adhésion en 2011), partenaire associé (2012)", CASE_STUDY),
    ("jobs[1]", "64 postes, structures membres (2013) (Lys Coopérations 2013, p. 9)", CASE_STUDY),
    ("jobs[2]", "38 ETP, structures membres (2013)", CASE_STUDY),
    ("jobs[3]", "21 emplois en insertion, Atelier du Marais (2013)", CASE_STUDY),
    ("activity_types[1]", "production", CASE_STUDY),
    ("activity_types[2]", "services", CASE_STUDY),
    ("sectors[1]", "filière lin", CASE_STUDY),
    ("sectors[2]", "maraîchage", CASE_STUDY),
    ("cooperation_logics[1]", "mutualisation", CASE_STUDY),
    ("cooperation_logics[2]", "groupement d'employeurs", CASE_STUDY),
    ("cooperation_logics[3]", "offre commune", CASE_STUDY),
    ("shared_place", "ancienne filature du Marais, rénovée en 2010", CASE_STUDY),
    ("local_authority_roles[1]", "impulseur (Communauté de communes Lys Romane, 2011) (Lys Coopérations 2013, p. 3)", CASE_STUDY),
    ("local_authority_roles[2]", "financeur (Conseil régional Nord-Pas-de-Calais, 2013)", CASE_STUDY),
    ("governance_bodies[1]", "assemblée générale", CASE_STUDY),
    ("governance_bodies[2]", "comité de pilotage", CASE_STUDY),
    ("governance_bodies[3]", "commission emploi", CASE_STUDY),
    ("funding.shares[1]", "48 % ventes et prestations (307 200 €)", CASE_STUDY),
    ("funding.shares[2]", "30 % financements publics", CASE_STUDY),
    ("funding.shares[3]", "12 % fondations et mécénat", CASE_STUDY),
    ("funding.shares[4]", "10 % cotisations des membres (2012) (Lys Coopérations 2013, p. 12)", CASE_STUDY),
    ("funding.budget", "Budget 640 000 € (2013) (Lys Coopérations 2014, p. 2)", CASE_STUDY),
    ("funding.note", "hors chiffre d'affaires des structures membres", CASE_STUDY),
    ("interviewees[1]", "Hélène Marquis, coordinatrice (2013)", CASE_STUDY),
    ("interviewees[2]", "Paul Verdier, président de l'association porteuse (2013)", CASE_STUDY),
    ("authors[1]", "Claire Dumont", CASE_STUDY),
    ("authors[2]", "Yves Leroy", CASE_STUDY),
    ("date_written", "Date de rédaction : février 2014", CASE_STUDY),
    ("sources[1]", "Rapport d'activité 2012 du pôle de la Vallée du Lys. Aire-sur-la-Lys : Lys Coopérations. 48 p.", CASE_STUDY),
    ("sources[2]", "Bilan financier 2013. Lys Coopérations. 16 p.", CASE_STUDY),
    ("sources[3]", "Entretien avec la coordinatrice du pôle, équipe de recherche du dossier, novembre 2013 (entretien)", CASE_STUDY),
    ("summaries.genesis", "Trois structures d'insertion mettent en commun un atelier en 2004", "annex A, the matrix"),
    ("summaries.governance", "L'assemblée générale des quinze membres décide", "annex A, the matrix"),
    ("swot.strengths[1]", "S2 Une coopération de près de dix ans entre structures d'insertion (Lys Coopérations 2013, p. 3)", CASE_STUDY),
    ("swot.strengths[2]", "S1 Un lieu commun, la filature rénovée, qui réunit les ateliers (Lys Coopérations 2013, p. 6)", CASE_STUDY),
    ("swot.strengths[3]", "S5 Près de la moitié des ressources vient des ventes et prestations (Lys Coopérations 2013, p. 12)", CASE_STUDY),
    ("swot.weaknesses[1]", "W4 Une coordination portée par une seule salariée (Lys Coopérations 2013, p. 7)", CASE_STUDY),
    ("swot.weaknesses[2]", "W5 Un tiers des ressources dépend de financements publics annuels (Lys Coopérations 2013, p. 12)", CASE_STUDY),
    ("swot.weaknesses[3]", "W10 Une notoriété limitée hors du canton (Lys Coopérations 2014, p. 3)", CASE_STUDY),
    ("swot.opportunities[1]", "O9 La relance de la filière lin dans la région (Lys Coopérations 2014, p. 4)", CASE_STUDY),
    ("swot.opportunities[2]", "O6 Le soutien régional aux groupements d'employeurs (Lys Coopérations 2013, p. 14)", CASE_STUDY),
    ("swot.opportunities[3]", "O11 Des partenariats possibles avec les lycées agricoles voisins (Lys Coopérations 2014, p. 4)", CASE_STUDY),
    ("swot.threats[1]", "T7 La fin annoncée des aides au poste d'insertion (Lys Coopérations 2014, p. 5)", CASE_STUDY),
    ("swot.threats[2]", "T12 La vente possible d'une partie de la filature (Lys Coopérations 2014, p. 5)", CASE_STUDY),
    ("swot.threats[3]", "T3 Des règles de décision encore informelles entre membres (Lys Coopérations 2013, p. 8)", CASE_STUDY),
    ("referentiel.a1", "Disposer d'un lieu identifié et accessible", "annex B, the référentiel"),
    ("referentiel.i1", "Stabiliser le modèle économique et développer ses impacts en emplois", "annex B, the référentiel"),
]


def squashed(text: str) -> str:
    """Without spaces of any kind, hyphens and line ends, in lower case: a value typeset across
    lines, in columns, hyphenated at a line end or in small capitals still matches."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011\u2013]+", "", text).casefold()


@dataclass(frozen=True)
class Built:
    project: Path
    pdf: Path
    case_study: str  # the text of the case study's pages, as drawn
    rest: str  # the text of the other pages


def _project(root: Path, monograph: str, settings: str = SETTINGS) -> Path:
    project = write_project(root, {"dossier.yaml": settings, "monographs/vallee-du-lys.md": monograph})
    shutil.copy(FIXTURE / "references.bib", project / "references.bib")
    return project


def _pages(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = _project(tmp_path_factory.mktemp("lys"), (FIXTURE / "vallee-du-lys.md").read_text(encoding="utf-8"))
    report = build_dossier(project, project / "build", jobs=1)
    pages = _pages(report.pdf)
    start = next(i for i, text in enumerate(pages) if "REPÈRES" in text.upper() and "Sommaire" not in text)
    end = next(i for i, text in enumerate(pages) if i > start and "3. Analyse globale des études de cas" in text)
    return Built(project, report.pdf, "\n".join(pages[start:end]), "\n".join(pages[:start] + pages[end:]))


def test_the_pole_written_from_the_guide_passes_strict(tmp_path: Path) -> None:
    project = _project(tmp_path, (FIXTURE / "vallee-du-lys.md").read_text(encoding="utf-8"))
    result = invoke(["check", "--strict"], project)
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_its_facts_are_counted_as_written() -> None:
    """66 facts: the fixture's front matter, walked by hand (id and status aside)."""
    assert len(FACTS) == 66
    assert len({name for name, _form, _where in FACTS}) == 66


def _parts(name: str, form: str) -> list[str]:
    """What must be printed of a fact: a SWOT item's id stands in its own column beside its
    statement; a source written out in full is printed in the citation style, its parts
    (title, date, genre, author) in the style's order."""
    if name.startswith("swot."):
        return form.split(" ", 1)
    if name.startswith("sources["):
        # an author-date style gives a work its year (« novembre 2013 » is printed « 2013 »)
        parts = [p.strip() for p in re.split(r",|\(|\)", form) if p.strip()]
        return [re.sub(r"^(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) ", "", p) for p in parts]
    return [form]


def test_every_fact_of_the_case_study_is_printed_in_it(built: Built) -> None:
    printed = squashed(built.case_study)
    missing = [
        f"{name}: {form}"
        for name, form, where in FACTS
        if where == CASE_STUDY and not all(squashed(french_text(part)) in printed for part in _parts(name, form))
    ]
    assert missing == [], "\n".join(missing)
    in_case_study = sum(1 for _name, _form, where in FACTS if where == CASE_STUDY)
    assert in_case_study >= 60  # of 66; the others are where the next test finds them


def test_the_other_facts_are_printed_where_said(built: Built) -> None:
    elsewhere = squashed(built.rest)
    for name, form, where in FACTS:
        if where.startswith("annex") or where.startswith("the tables"):
            assert squashed(french_text(form)) in elsewhere, name


def test_the_case_study_ends_with_the_poles_own_swot(built: Built) -> None:
    text = squashed(built.case_study)
    heading = squashed("Atouts, faiblesses, opportunités, menaces")
    swot_at = text.index(heading)
    assert swot_at < text.index(squashed("Date de rédaction : février 2014"))
    titles = ("Atouts", "Faiblesses", "Opportunités", "Menaces")  # letter-spaced capitals on the page
    quadrants = [text.index(squashed(title), swot_at + len(heading)) for title in titles]
    assert quadrants == sorted(quadrants)
    # the same ids as the cross-case SWOT of part 3.1
    part3 = built.rest[built.rest.index("3.1. Atouts, faiblesses") :]
    for item_id in ("S1", "S2", "S5", "W4", "W5", "W10", "O6", "O9", "O11", "T3", "T7", "T12"):
        assert re.search(rf"\b{item_id}\b", built.case_study) and re.search(rf"\b{item_id}\b", part3), item_id


def test_the_case_study_swot_can_be_left_out(tmp_path: Path) -> None:
    monograph = (FIXTURE / "vallee-du-lys.md").read_text(encoding="utf-8")
    shown = prepare_dossier(_project(tmp_path / "on", monograph)).rendered.html
    assert 'class="pole-swot"' in shown
    hidden = prepare_dossier(_project(tmp_path / "off", monograph, SETTINGS + "case_study_swot: false\n"))
    assert 'class="pole-swot"' not in hidden.rendered.html
    assert 'id="swot-S5"' in hidden.rendered.html  # part 3.1 is still there


def test_a_report_prints_its_page_count(built: Built) -> None:
    """`pagetotal = {48}` of a report is printed « 48 p. », in the case study and the annex."""
    assert squashed("Aire-sur-la-Lys : Lys Coopérations. 48 p.") in squashed(french_text(built.case_study))
    assert squashed("16 p.") in squashed(built.rest[built.rest.index("C. Bibliographie") :])


# -- a pole with every optional field left out ----------------------------------------------------

OPTIONAL = ("short_name", "motto", "members", "sectors", "governance_bodies", "funding", "summaries", "swot",
            "referentiel", "bibliography")


def bare_monograph() -> str:
    """The fixture with every optional field left out, no interview, and no `source:` anywhere."""
    front, body = (FIXTURE / "vallee-du-lys.md").read_text(encoding="utf-8").split("\n---\n", 1)
    kept, skipping = [], False
    for line in front.split("\n"):
        key = line.split(":", 1)[0]
        if line and not line.startswith((" ", "#")):
            skipping = key in OPTIONAL or key == "interviewees"
            if key == "interviewees":
                kept.append("interviewees: []")
        if not skipping:
            kept.append(re.sub(r', source: "[^"]*"', "", line))
    return "\n".join(kept) + "\n---\n" + body


def test_a_pole_with_every_optional_field_empty_checks_and_builds(tmp_path: Path, grid) -> None:
    text = bare_monograph()
    assert all(f"\n{name}:" not in text for name in OPTIONAL)
    project = _project(tmp_path, text)
    result = invoke(["check", "--strict"], project)
    assert result.exit_code == 0, result.output
    html = prepare_dossier(project).rendered.html
    box = html[html.index('<aside class="facts">') : html.index("</aside>")]
    labels = re.findall(r'<span class="fact-label">([^<]*)</span>', box)
    assert "Financement" not in labels and "Membres nommés" not in labels and "Budget" not in labels
    assert "Secteurs" not in labels and "Instances de gouvernance" not in labels
    assert "aucun entretien" in box
    assert "None" not in box and "[]" not in box and "{}" not in box
    assert 'class="pole-swot"' not in html  # no SWOT items: no SWOT closes the case study


def test_the_dated_facts_are_in_the_matrix_csv_and_xlsx(tmp_path: Path) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    from ptce_mono.commands.tables import write_tables

    project = _project(tmp_path, (FIXTURE / "vallee-du-lys.md").read_text(encoding="utf-8"))
    written = write_tables(project, tmp_path / "out")
    assert {"chiffres.csv", "financements.csv", "membres.csv"} <= {p.name for p in written}

    def rows(name: str) -> list[dict[str, str]]:
        text = (tmp_path / "out" / name).read_text(encoding="utf-8-sig")
        return list(csv.DictReader(io.StringIO(text), delimiter=";"))

    figures = {(r["champ"], r["valeur"], r["unité"], r["année"]) for r in rows("chiffres.csv")}
    assert figures == {
        ("member_count", "15", "", "2012"),
        ("jobs", "64", "postes", "2013"),
        ("jobs", "38", "ETP", "2013"),
        ("jobs", "21", "emplois en insertion", "2013"),
        ("funding.budget", "640000", "€", "2013"),
    }
    funding = [(r["catégorie"], r["part (%)"], r["montant (€)"], r["année"]) for r in rows("financements.csv")]
    assert funding[0] == ("ventes et prestations", "48", "307200", "2012")
    assert sum(int(r[1]) for r in funding) == 100
    members = rows("membres.csv")
    assert [(m["structure"], m["type"], m["adhésion"]) for m in members][1] == ("Atelier du Marais", "structure d'insertion", "2004")
    assert members[0]["source"] == "[@lys2013rapport, p. 5]"
    book = load_workbook(tmp_path / "out" / "analyse-transversale.xlsx")
    assert book.sheetnames[-3:] == ["chiffres", "financements", "membres"]
    assert book["chiffres"]["E2"].value == 15  # a number, not a text
