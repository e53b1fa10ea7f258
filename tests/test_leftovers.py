"""`check` warns of text left from the files `ptce-mono init` writes, with file:line."""

from __future__ import annotations

from pathlib import Path

from ptce_mono.commands.init import PROJECT_FILES
from ptce_mono.core.problems import ProblemList
from ptce_mono.sources.leftovers import PLACEHOLDERS, scan_leftovers

from monograph_factory import WORDS, invoke, monograph_text, write_project

INIT = Path(__file__).resolve().parents[1] / "src" / "ptce_mono" / "data" / "init"


def test_every_placeholder_is_one_init_writes() -> None:
    written = "\n".join((INIT / name).read_text(encoding="utf-8") for name in PROJECT_FILES).replace("’", "'")
    assert [phrase for phrase in PLACEHOLDERS if phrase.lower() not in written.lower()] == []


def test_every_text_init_writes_to_adapt_is_pointed_at() -> None:
    for name in (
        "editorial/analyse.md",
        "editorial/methodologie.md",
        "editorial/typologie.md",
        "dossier.yaml",
        "monographs/exemple-pole-fictif.md",
    ):
        problems = ProblemList(name)
        scan_leftovers((INIT / name).read_text(encoding="utf-8"), problems)
        assert [p.code for p in problems.items] == ["init-leftover"], name


def test_a_leftover_in_a_monograph_is_a_warning_at_its_line(tmp_path: Path) -> None:
    body = {"Gouvernance": f"{WORDS}\n\n*Texte à adapter.* Décrivez ici les instances."}
    text = monograph_text(body=body)
    write_project(tmp_path, {"monographs/pole-test.md": text})
    line = next(i for i, row in enumerate(text.split("\n"), 1) if row.startswith("*Texte à adapter"))
    result = invoke(["check"], tmp_path)
    assert result.exit_code == 0
    assert (
        f"monographs/pole-test.md:{line}:2: warning: text left from the files of `ptce-mono init`: "
        "« Texte à adapter »"
    ) in result.output
    assert invoke(["check", "--strict"], tmp_path).exit_code == 1


def test_editorial_texts_and_settings_are_read_for_leftovers(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "dossier.yaml": "title: Mon dossier\npublisher: Nom de votre structure\nperiod: 2024\n",
            "editorial/methodologie.md": "## Les enquêtes\n\nNous avons rencontré six pôles.\n\n*Texte à adapter.* Expliquez comment.\n",
            "monographs/pole-test.md": monograph_text(),
        },
    )
    output = invoke(["check"], tmp_path).output
    assert (
        "dossier.yaml:2:12: warning: text left from the files of `ptce-mono init`: « Nom de votre structure »"
        in output
    )
    assert (
        "editorial/methodologie.md:5:2: warning: text left from the files of `ptce-mono init`: « Texte à adapter »"
        in output
    )
    # once adapted, nothing is said
    write_project(
        tmp_path,
        {
            "editorial/methodologie.md": "## Les enquêtes\n\nNous avons rencontré six pôles.\n",
            "dossier.yaml": "title: Mon dossier\npublisher: Labo\nperiod: 2024\n",
        },
    )
    assert "init-leftover" not in invoke(["check"], tmp_path).output


def test_the_same_words_in_an_authors_own_sentence_are_not_taken_for_a_placeholder() -> None:
    problems = ProblemList("m.md")
    scan_leftovers("Le pôle adapte ses textes ; un exemple, fictif ou non, serait utile.", problems)
    assert problems.items == []
