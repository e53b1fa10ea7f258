"""What the dossier and the commands say is said once and is true: a gap's reason, a partly
documented section, a report's page count, what `build --html` did."""

from __future__ import annotations

import re
from pathlib import Path

from ptce_mono.check.report import format_summary
from ptce_mono.check.validate import PARTIAL, check_paths, section_state
from ptce_mono.commands.build import BuildReport, report_lines
from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.render.extent import with_extent
from ptce_mono.render.gaps import GAP_LABEL

from monograph_factory import WORDS, monograph_text, write_project

SETTINGS = "title: Dossier d'essai\npublisher: Équipe d'essai\nperiod: 2013-2014\n"
SILENT = "Les sources consultées ne décrivent pas les instances de décision du pôle."
OTHER = "Le compte rendu de 2013 s'arrête avant la partie consacrée aux instances."


def _project(tmp_path: Path) -> Path:
    body = {
        "Gouvernance": f"{WORDS}\n\n::: lacune\n{SILENT}\n:::",
        "Fonctionnement économique": f"{WORDS}\n\n::: lacune\n{OTHER}\n:::",
    }
    return write_project(tmp_path, {"dossier.yaml": SETTINGS, "monographs/pole-test.md": monograph_text(body=body)})


def test_a_gap_says_once_that_the_sources_are_silent(tmp_path: Path) -> None:
    html = prepare_dossier(_project(tmp_path)).rendered.html
    text = re.sub(r"<[^>]+>", "", html).replace("\u202f", " ").replace("\u00a0", " ")
    # a reason that says it itself is printed alone
    assert "Les sources ne documentent pas ce point : Les sources consultées" not in text
    assert "Les sources consultées ne décrivent pas les instances de décision du pôle." in text
    # a reason that does not is introduced by the label
    assert "Les sources ne documentent pas ce point : Le compte rendu de 2013" in text.replace("’", "'")
    assert html.count('<p class="gap">') == 2


def test_the_label_is_left_out_only_when_the_reason_names_the_sources() -> None:
    from ptce_mono.render.gaps import GapNote

    for reason in (SILENT, "Aucune source ne retrace la genèse.", "Les documents disponibles s'arrêtent en 2012."):
        assert GapNote.of(reason).label == "", reason
    for reason in (OTHER, "Rien n'est dit des projets.", "Les sourciers du village..."):
        assert GapNote.of(reason).label == GAP_LABEL, reason


def test_a_partly_documented_section_is_partial_in_the_summary_and_the_annex(tmp_path: Path, grid) -> None:
    project = _project(tmp_path)
    [monograph] = check_paths([project / "monographs"], grid, root=project).monographs
    assert section_state(monograph, "governance", grid) == PARTIAL
    assert section_state(monograph, "summary", grid) == "written"
    summary = format_summary([monograph], grid)
    row = next(line for line in summary.splitlines() if line.startswith("pole-test"))
    # summary, genesis, purposes, structuring, stakeholders, governance, economic model, cooperation...
    assert row.split()[2:13] == ["✔", "✔", "✔", "·", "✔", "◐", "◐", "·", "✔", "·", "·"]
    html = prepare_dossier(project).rendered.html
    annex = html[html.index('id="annexe-matrice"') :]
    assert "partielle 1/1" in annex
    governance = annex[annex.index("Gouvernance") :]
    assert "(section partielle)" in governance[: governance.index("</table>")]


def test_a_reports_page_count_is_placed_after_its_publisher() -> None:
    report = {"type": "report", "number-of-pages": "48", "URL": "https://example.org/r"}
    html = 'LE LABO, 2014. <em>Titre</em>. Paris : Le Labo. Disponible à l’adresse : <a href="https://example.org/r">https://example.org/r</a>.'
    assert with_extent(html, report).startswith(
        "LE LABO, 2014. <em>Titre</em>. Paris : Le Labo. 48\u00a0p. Disponible à l’adresse"
    )
    assert with_extent("DUPONT, 2014. <em>Livre</em>. Seuil.", {"number-of-pages": "200"}).endswith("Seuil. 200\u00a0p.")
    assert with_extent("DUPONT, 2014. <em>Livre</em>. Seuil.", {}) == "DUPONT, 2014. <em>Livre</em>. Seuil."
    printed = "X, 2014. <em>Livre</em>. Seuil. 200\u00a0p."
    assert with_extent(printed, {"number-of-pages": "200"}) == printed  # a style that prints it


def test_build_html_says_the_site_was_written_when_the_pdf_was_up_to_date(tmp_path: Path) -> None:
    pages = [tmp_path / "site" / "index.html", tmp_path / "site" / "poles" / "a.html"]
    report = BuildReport(["a"], [], [], 12, 0.1, tmp_path / "dossier.pdf", tmp_path / "dossier.html",
                         up_to_date=True, site_pages=pages)
    lines = report_lines(report)
    assert not any(line.startswith("Up to date: nothing has changed") for line in lines)
    assert f"{tmp_path / 'dossier.pdf'} is up to date (12 pages)" in lines[0]
    assert lines[1] == f"Wrote the site: 2 pages in {tmp_path / 'site'}."
    # without --html, the message stays as it was
    report.site_pages = []
    assert report_lines(report)[0].startswith("Up to date: nothing has changed since")
