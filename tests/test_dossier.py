"""The dossier, built for real and read back: pypdf for structure, pypdfium2 (tests/pdf_reading.py) for what is
printed.

Three builds are shared by the whole session: the shipped project, a small fixture project built
from dicts (with drafts), and that fixture again to check that builds are byte-identical.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from editions import Built, build_edition
from ptce_mono import load_grid
from ptce_mono.check.report import format_text
from ptce_mono.check.validate import check_paths
from ptce_mono.cli import main
from ptce_mono.commands.build import build_dossier
from ptce_mono.core.errors import SandboxViolation
from ptce_mono.render.typography import french_text
from ptce_mono.typeset.engine import SandboxFetcher

from monograph_factory import WORDS, monograph_text, pdf_outline, write_project

ROOT = Path(__file__).resolve().parents[1]

FIXTURE_CONFIG = """\
title: Dossier d'essai
subtitle: Trois pôles pour éprouver la chaîne de publication
publisher: Équipe d'essai
period: 2013-2014
editors: [Équipe d'essai]
footer: Équipe d'essai | Dossier de test | 2013-2014
edition: 2014-03
poles:
  - pole-beta
"""
HOSTILE = """Le pôle publie <script>alert(1)</script> sur son site, voir [le site](https://example.org/pole)
et [ceci](javascript:alert(2)). Son plan ![plan des locaux](/etc/passwd) et
![logo](file:///etc/hostname) ne sont pas imprimés."""
GAP = "Les sources consultées ne chiffrent pas les emplois du pôle."
FIXTURE_FILES = {
    "dossier.yaml": FIXTURE_CONFIG,
    "editorial/methodologie.md": "## Entretiens\n\nLes études reposent sur des entretiens semi-directifs.\n",
    "monographs/pole-alpha.md": monograph_text(
        "pole-alpha",
        front_extra='motto:\n  text: "Coopérer pour durer"\n  attribution: Charte du pôle\n',
        body={
            "Résumé": WORDS + "\n\n" + HOSTILE,
            "Impacts sur l'emploi et le territoire": f"{WORDS}\n\n::: lacune\n{GAP}\n:::",
        },
    ),
    "monographs/pole-beta.md": monograph_text("pole-beta"),
    "monographs/pole-gamma.md": monograph_text("pole-gamma", status="draft"),
}


@pytest.fixture(scope="session")
def fixture_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("fixture"), FIXTURE_FILES)


@pytest.fixture(scope="session")
def fixture_build(fixture_project: Path) -> Built:
    return build_edition(fixture_project, fixture_project / "build", drafts=True)


def plain(text: str) -> str:
    """Spaces of any kind collapsed, as the text extraction and the typography may differ on them."""
    return " ".join(re.sub("[\u00a0\u202f]", " ", text).split())


# -- the Sommaire and the outline ---------------------------------------------------------------

TOC_LINE = re.compile(r"^\s*((?:\d+\.)+|[A-Z]\.)?\s*(.*?)\s*\.{4,}\s*(\d+)\s*$")


@dataclass(frozen=True)
class Entry:
    number: str
    title: str
    page: int
    draft: bool

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def is_case_study(self) -> bool:
        return re.fullmatch(r"2\.\d+\.", self.number) is not None


def sommaire(built: Built) -> list[Entry]:
    page = next(p for p in built.pages if "Sommaire" in p)
    entries = []
    for line in page.splitlines():
        match = TOC_LINE.match(line)
        if match:
            title = match.group(2)
            draft = title.endswith("BROUILLON")
            entries.append(
                Entry(
                    match.group(1) or "", title.removesuffix("BROUILLON").strip(), int(match.group(3)), draft
                )
            )
    return entries


def heading_page(built: Built, entry: Entry) -> int:
    """The first page where the heading starts a line (a running head starts with the part's
    name in capitals: it never matches; an opening page has none)."""
    gap = r"\s+" if entry.number else r""
    start = re.compile(rf"^\s*{re.escape(entry.number)}{gap}{re.escape(entry.title[:25])}")
    for number, page in enumerate(built.pages, 1):
        lines = [line for line in page.splitlines() if line.strip()]
        if number > 2 and any(start.match(line) for line in lines):
            return number
    raise AssertionError(f"heading {entry.label!r} not found")


def outline(built: Built) -> list[tuple[int, str, int]]:
    return pdf_outline(built.reader)


@pytest.mark.parametrize("which", ["fixture_build", "shipped_build"])
def test_sommaire_page_numbers_are_where_the_headings_are(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    entries = sommaire(built)
    assert [e.label for e in entries][:5] == [
        "1. Fiche d’introduction",
        "1.1. Les PTCE étudiés et les personnes interviewées",
        "1.2. Méthodologie",
        "1.3. Typologie des PTCE",
        "2. Études de cas",
    ]
    # the shipped project names a bibliography: the works it cites make a second annex; no
    # monograph is scored, so the référentiel has no annex
    bibliography = ["B. Bibliographie"] if which == "shipped_build" else []
    assert [e.label for e in entries][-6 - len(bibliography):] == [
        "3. Analyse globale des études de cas",
        "3.1. Atouts, faiblesses, opportunités et menaces",
        "3.2. Options stratégiques",
        "3.3. Éclairage sur la gouvernance et la coopération",
        "Annexes",
        "A. Matrice pôles × sections de la grille",
        *bibliography,
    ]
    for entry in entries:
        assert entry.page == heading_page(built, entry), entry


@pytest.mark.parametrize("which", ["fixture_build", "shipped_build"])
def test_bookmarks_mirror_the_sommaire(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)

    def level(e: Entry) -> int:
        part = not e.number or (e.number[0].isdigit() and e.number.count(".") == 1)
        return 1 if part else 2

    expected = [(level(e), e.label, e.page) for e in sommaire(built)]
    assert outline(built) == expected


def test_fixture_order_drafts_and_page_count(fixture_build: Built) -> None:
    assert fixture_build.report.poles == ["pole-beta", "pole-alpha", "pole-gamma"]
    assert fixture_build.report.drafts_included == ["pole-gamma"]
    assert fixture_build.report.pages == len(fixture_build.reader.pages) >= 8
    chapters = [(e.label, e.draft) for e in sommaire(fixture_build) if e.is_case_study]
    assert chapters == [
        ("2.1. Pôle pole-beta (Aquitaine)", False),
        ("2.2. Pôle pole-alpha (Aquitaine)", False),
        ("2.3. Pôle pole-gamma (Aquitaine)", True),
    ]
    gamma = heading_page(fixture_build, next(e for e in sommaire(fixture_build) if e.number == "2.3."))
    # Its opening page carries no running head; the page after it, the draft's.
    assert fixture_build.pages[gamma - 1].splitlines()[0].startswith("2.3. Pôle pole-gamma")
    assert "Brouillon · 2.3. Pôle pole-gamma" in fixture_build.pages[gamma].splitlines()[0]


# -- what every page and the file carry ---------------------------------------------------------


def test_running_footer_and_header(fixture_build: Built) -> None:
    total = fixture_build.report.pages
    for number, page in enumerate(fixture_build.pages, 1):
        if number == 1:
            assert "page 1/" not in page  # the cover has no header or footer
            continue
        assert "Équipe d’essai | Dossier de test | 2013–2014 — édition de travail : un brouillon" in plain(page)
        assert re.search(rf"page {number}/{total}\s*$", page.rstrip()), number
    # Part 1's opening page carries no running head (its title is on it); the page after it does.
    assert fixture_build.pages[2].splitlines()[0].startswith("1. Fiche d’introduction")
    assert "1. FICHE D’INTRODUCTION" in fixture_build.pages[3].splitlines()[0]


@pytest.mark.parametrize("which", ["fixture_build", "shipped_build"])
def test_fonts_are_source_serif_and_sans(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    names = set()
    for page in built.reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert {"Source-Serif-Pro", "Source-Sans-Pro"} <= names
    assert all(name.startswith(("Source-Serif-Pro", "Source-Sans-Pro")) for name in names), names
    assert not built.weasyprint_warnings


def test_metadata(fixture_build: Built) -> None:
    meta = fixture_build.reader.metadata
    assert meta is not None
    assert meta.title == "Dossier d'essai — édition de travail, avec brouillons"  # it prints a draft
    assert meta.author == "Équipe d'essai"
    assert meta.subject == "Trois pôles pour éprouver la chaîne de publication"
    assert fixture_build.reader.trailer["/Root"]["/Lang"] == "fr"
    # The dates are the edition's (dossier.yaml), not the clock's nor a monograph's (2026-11).
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20140301000000Z"


def test_two_builds_are_byte_identical(fixture_build: Built, fixture_project: Path, tmp_path: Path) -> None:
    again = build_dossier(fixture_project, tmp_path, drafts=True)
    assert again.pdf.read_bytes() == fixture_build.report.pdf.read_bytes()
    assert again.html.read_bytes() == fixture_build.report.html.read_bytes()


def test_browser_html_carries_its_style_and_fonts(fixture_build: Built) -> None:
    html = fixture_build.report.html.read_text(encoding="utf-8")
    assert html.count("<style>") == 2 and "@font-face" in html and "leader(dotted)" in html
    fonts = fixture_build.report.html.parent / "fonts"
    assert (fonts / "SourceSerifPro-Regular.otf").is_file()
    assert 'src: url("fonts/SourceSerifPro-Regular.otf")' in html


# -- the chapters ------------------------------------------------------------------------------


def test_chapter_content(fixture_build: Built) -> None:
    text = plain(fixture_build.text())
    assert "« Coopérer pour durer » — Charte du pôle" in text
    # the reason names the sources itself: no label saying it before it
    assert plain(french_text(GAP)) in text
    assert f"Les sources ne documentent pas ce point : {plain(french_text(GAP))}" not in text
    html = fixture_build.report.html.read_text(encoding="utf-8")
    # The facts box: a value declared unknown is printed as such, its reason kept as a tooltip.
    assert (
        '<span class="fact-label">Emplois</span><span class="fact-value undocumented" '
        'title="Les sources ne donnent pas d&#39;effectif.">non documenté</span>'
    ) in html
    assert "Date de rédaction : novembre 2026 ; rédaction : Comité éditorial." in text
    assert "Document de référence, 2013–2014. Document. Éditeur. Consultée, non citée dans le texte." in text


@pytest.mark.parametrize("which", ["fixture_build", "shipped_build"])
def test_each_pole_has_its_sections_and_sources(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    grid = load_grid(ROOT / "grid" / "grid.yaml")
    monographs = {m.id: m for m in check_paths([built.project / "monographs"], grid).monographs}
    entries = [e for e in sommaire(built) if e.is_case_study]
    assert len(entries) == len(built.report.poles)
    pages = [heading_page(built, e) for e in entries] + [len(built.pages) + 1]
    for index, pole in enumerate(built.report.poles):
        monograph = monographs[pole]
        chapter = plain("\n".join(built.pages[pages[index] - 1 : pages[index + 1] - 1]))
        assert plain(french_text(monograph.name)) in chapter
        for section in monograph.sections:
            assert section.id and plain(french_text(grid.section(section.id).title)) in chapter
        for source in monograph.meta["sources"]:
            title = plain(french_text(source["title"]))
            # A source whose title begins with a bibliography entry's is that entry, printed under
            # the entry's title with the rest of its own as the part consulted (render/references.py).
            _entry, _comma, part = title.partition(", ")
            assert title in chapter or (part and part[0].upper() + part[1:] in chapter), source["title"]


# -- hostile content ---------------------------------------------------------------------------


def test_raw_html_is_printed_as_text(fixture_build: Built) -> None:
    assert "<script>alert(1)</script>" in fixture_build.text()
    html = fixture_build.report.html.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_images_are_not_loaded_and_links_are_filtered(fixture_build: Built) -> None:
    text = plain(fixture_build.text())
    assert "Son plan [plan des locaux] et [logo] ne sont pas imprimés." in text
    assert "root:" not in text
    uris = [
        str(annotation.get_object()["/A"].get("/URI"))
        for page in fixture_build.reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    ]
    assert "https://example.org/pole" in uris
    assert not [uri for uri in uris if "javascript" in uri or uri.startswith("file:")]
    html = fixture_build.report.html.read_text(encoding="utf-8")
    assert "/etc/passwd" not in html
    # The only image is the generated map, inlined as data: nothing is fetched.
    assert re.findall(r'<img[^>]*src="([a-z]+):', html) == ["data"]


def test_sandbox_serves_allowed_files_only(tmp_path: Path) -> None:
    allowed, packaged = tmp_path / "allowed", tmp_path / "packaged"
    write_project(
        tmp_path, {"allowed/a.css": "p {}", "packaged/assets/mark.svg": "<svg/>", "secret.txt": "secret"}
    )
    fetcher = SandboxFetcher([allowed, packaged], layers=[allowed, packaged])
    assert fetcher.fetch((allowed / "a.css").as_uri()).read() == b"p {}"
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    # Missing from the project's templates: taken from the next layer, as templates are.
    assert fetcher.fetch((allowed / "assets" / "mark.svg").as_uri()).read() == b"<svg/>"
    with pytest.raises(FileNotFoundError):
        fetcher.fetch((allowed / "absent.css").as_uri())
    for url in [
        (tmp_path / "secret.txt").as_uri(),
        (tmp_path / "allowed" / ".." / "secret.txt").as_uri(),
        "https://example.org/x.png",
        "http://127.0.0.1/",
        "ftp://example.org/x",
    ]:
        with pytest.raises(SandboxViolation):
            fetcher.fetch(url)
    assert len(fetcher.violations) == 5


# -- failures leave the previous dossier in place ------------------------------------------------


@pytest.fixture
def project_with_previous_pdf(tmp_path: Path, fixture_build: Built) -> Iterator[Path]:
    project = write_project(tmp_path / "project", FIXTURE_FILES)
    (project / "build").mkdir()
    shutil.copy(fixture_build.report.pdf, project / "build" / "dossier.pdf")
    yield project


def test_corpus_errors_exit_1_with_the_check_messages(project_with_previous_pdf: Path) -> None:
    project = project_with_previous_pdf
    write_project(
        project, {"monographs/pole-bad.md": monograph_text("pole-bad", front_extra="colour: red\n")}
    )
    before = (project / "build" / "dossier.pdf").read_bytes()
    result = CliRunner().invoke(main, ["build", "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 1
    checked = check_paths([project / "monographs"], load_grid(ROOT / "grid" / "grid.yaml"), root=project)
    assert format_text(checked.problems) in result.stderr
    assert "monographs/pole-bad.md" in result.stderr and "unknown field `colour`" in result.stderr
    assert "Traceback" not in result.output
    assert (project / "build" / "dossier.pdf").read_bytes() == before
    assert not (project / "build" / "dossier.html").exists()


@pytest.mark.parametrize(
    "css",
    [
        '.cover { background: url("https://example.org/logo.png"); }',
        '@import url("file:///etc/passwd");',
    ],
)
def test_a_template_reaching_outside_fails_the_build(project_with_previous_pdf: Path, css: str) -> None:
    project = project_with_previous_pdf
    stylesheet = (ROOT / "templates" / "dossier.css").read_text(encoding="utf-8")
    # The project overrides the stylesheet only; the other templates still come from the package.
    parts = [css, stylesheet] if css.startswith("@import") else [stylesheet, css]
    write_project(project, {"templates/dossier.css": "\n".join(parts)})
    before = (project / "build" / "dossier.pdf").read_bytes()
    result = CliRunner().invoke(main, ["build", "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "outside the folders it may read" in result.stderr
    assert "Traceback" not in result.output
    assert (project / "build" / "dossier.pdf").read_bytes() == before


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", "--project", str(tmp_path / "nowhere")], catch_exceptions=False
    )
    assert result.exit_code == 2


def test_cli_reports_what_it_built_drafts_left_out(fixture_project: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", "--project", str(fixture_project), "--out", str(tmp_path)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"Built .*dossier\.pdf \(\d+ pages\) and .*dossier\.html in [\d.]+ s\.", result.stdout)
    assert "Poles printed: 2.\n" in result.stdout and "pole-beta" not in result.stdout  # names with -v
    assert "Drafts left out: 1; --drafts prints it." in result.stdout
    verbose = CliRunner().invoke(
        main, ["build", "--project", str(fixture_project), "--out", str(tmp_path), "-v", "--force"]
    )
    assert "Poles printed: 2.\n  pole-beta, pole-alpha\n" in verbose.stdout
    assert "Drafts left out: 1; --drafts prints it.\n  pole-gamma\n" in verbose.stdout
    drafts = CliRunner().invoke(
        main, ["build", "--project", str(fixture_project), "--out", str(tmp_path), "--drafts"]
    )
    assert "Poles printed: 3, 1 of them a draft.\n" in drafts.stdout


# -- part 3 and the annexes, generated from the published monographs ----------------------------


def part_text(built: Built, start: str, end: str) -> str:
    """The text between two headings, hyphenation at line ends undone, spaces collapsed."""
    # Running headers repeat headings at the top of every page: leave them out.
    # The heading's page comes from the outline, so the Sommaire's entry is never taken for it.
    first = next(page - 1 for _, title, page in pdf_outline(built.reader) if title.startswith(start))
    text = "\n".join(
        "\n".join([line for line in page.splitlines() if line.strip()][1:]) for page in built.pages[first:]
    )
    text = text[text.index(start) :]
    text = text[: text.index(end)] if end in text else text
    text = re.sub(r"(?<=[a-zà-ÿ])-\n\s*(?=[a-zà-ÿ])", "", text)
    return plain(text)


def printed(text: str) -> str:
    """A statement as the dossier prints it: French typography, spaces collapsed."""
    from ptce_mono.render.typography import french_text

    return plain(french_text(text))


def cited(text: str) -> str:
    """A pattern for a statement as printed: its words, then the citation the style made of
    `[@key, p. 7]`, in parentheses, wherever the statement cites."""
    from ptce_mono.sources.citekeys import strip_citations

    # part_text joins a word hyphenated at a line end; a compound broken at its own hyphen
    # (« café-/lecture ») is joined too, so its hyphen may be missing.
    words = re.escape(printed(strip_citations(text))).replace(r"\-", "-?")
    # A citation may hold one level of parentheses of its own (« De Fil en Réseaux (IT) 2012 »).
    citation = r"(?: \((?:[^()]|\([^()]*\))*\))?"
    return words + citation if strip_citations(text) != text else words


def test_part_3_prints_every_swot_statement_once_with_its_poles(shipped_build: Built) -> None:
    from ptce_mono import check_paths, load_grid
    from ptce_mono.analysis.crosscase import analyse

    grid = load_grid(ROOT / "grid" / "grid.yaml")
    published = [
        m for m in check_paths([shipped_build.project / "monographs"], grid).monographs if m.is_published
    ]
    swot = analyse(published, grid).swot
    part3 = part_text(shipped_build, "3.1. Atouts, faiblesses", "3.2. Options stratégiques")
    statements = [(item, s) for items in swot.items.values() for item in items for s in item.statements]
    assert len(statements) >= 10
    for _, statement in statements:
        assert len(re.findall(cited(statement.text), part3)) == 1, statement.text
    for items in swot.items.values():
        for item in items:
            assert f"{item.id} {printed(item.label)}" in part3
            assert f"{printed(item.label)} {item.share}" in part3, item.id
    # each statement is followed by the name of the pole it comes from
    names = {m.id: str(m.meta.get("short_name") or m.name) for m in published}
    for _, statement in statements:
        assert re.search(cited(statement.text) + f" — {re.escape(names[statement.pole])}", part3), statement.text


def test_options_governance_map_and_annexes_are_printed(shipped_build: Built) -> None:
    options = part_text(shipped_build, "3.2. Options stratégiques", "3.3. Éclairage")
    assert "Adosser des outils de finance solidaire à la culture de coopération" in options
    assert "(S2, O5)" in options
    governance = part_text(shipped_build, "3.3. Éclairage sur la gouvernance", "Annexes")
    # narrow columns hyphenate: check the cells that fit on one line
    assert "SA UES" in governance and "Seignanx" in governance
    annexes = part_text(shipped_build, "A. Matrice pôles", "zzz-end")
    assert annexes.count("Pôle Sud Aquitain") >= 11  # one row per grid section
    assert "Référentiel PTCE" not in annexes  # no pole is scored: the annex is left out
    # the map is a vector figure on the page of part 1.1
    page = next(i for i, p in enumerate(shipped_build.pages) if "1.1. Les PTCE étudiés" in p and i > 1)
    xobjects = shipped_build.reader.pages[page]["/Resources"].get("/XObject") or {}
    assert any(x.get_object().get("/Subtype") == "/Form" for x in xobjects.values())


def test_every_internal_link_of_the_dossier_resolves(shipped_build: Built) -> None:
    html = shipped_build.report.html.read_text(encoding="utf-8")
    targets = set(re.findall(r'href="#([^"]+)"', html))
    ids = set(re.findall(r' id="([^"]+)"', html))
    assert len(targets) > 30
    assert targets <= ids, sorted(targets - ids)
    # matrix cells summarised from a first sentence point at that paragraph
    assert re.search(r'href="#(initiatives-et-cite|pole-sud-aquitain)--[a-z_]+--L\d+"', html)


def test_no_citation_is_printed_as_written(shipped_build: Built) -> None:
    """Monographs, editorial texts, SWOT items and strategic options all cite: every citation
    goes through the style, none reaches the page as `[@key, p. N]`."""
    from ptce_mono.sources.citekeys import citation_spans

    options = (shipped_build.project / "editorial" / "options.yaml").read_text(encoding="utf-8")
    assert any(citation_spans(options)), "the shipped options cite no source any more"
    for number, page in enumerate(shipped_build.pages, 1):
        assert "[@" not in page and not re.search(r"(?<![\w.])@[a-z]+\d{4}", page), number
