"""The tool speaks French unless asked for English; the French catalog is complete and compiled."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from ptce_mono.commands.export import export_dossier
from ptce_mono.core.errors import ConfigError, RenderError
from ptce_mono.core.i18n import decimal, language_from_environment, set_language
from ptce_mono.sources.config import load_config
from ptce_mono.sources.monograph import parse_text

from monograph_factory import SECTIONS, invoke, monograph_text, write_project

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({}, "fr"),
        ({"LANG": "C"}, "fr"),
        ({"LANG": "C.UTF-8"}, "fr"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "fr:en"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "fr"),
    ],
)
def test_the_language_comes_from_the_locale(monkeypatch, environment, language):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert language_from_environment() == language


# -- the French catalog ---------------------------------------------------------------------------

PACKAGE = ROOT / "src" / "ptce_mono"
CATALOG = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "ptce_mono.po"
COMPILED = CATALOG.with_suffix(".mo")
NBSP, NNBSP = "\u00a0", "\u202f"


def _message_key(message: str | tuple[str, ...]) -> str:
    return message if isinstance(message, str) else message[0]


def _french() -> Catalog:
    with CATALOG.open("rb") as po:
        return read_po(po, locale="fr")


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in Formatter().parse(text) if name}
    except ValueError:  # a lone brace: a message id that is shown, never formatted
        return set()


def _forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_message_of_the_source_has_a_french_translation():
    # The keywords of `make catalogs`: Babel's defaults (_, N_, ngettext...).
    extracted = {
        _message_key(found[2]) for found in extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")])
    }
    catalog = _french()
    assert extracted, "no message found in the source"
    untranslated = sorted(
        key for key in extracted if not (catalog.get(key) and all(_forms(catalog.get(key))))
    )
    fuzzy = sorted(key for key in extracted if catalog.get(key) and catalog.get(key).fuzzy)
    assert untranslated == [], "run `make catalogs` and translate these in " + str(CATALOG)
    assert fuzzy == []
    assert not catalog.fuzzy


def test_the_compiled_catalog_is_the_french_one():
    with COMPILED.open("rb") as mo:
        compiled = {_hashable(m.id): _hashable(m.string) for m in read_mo(mo) if m.id}
    assert compiled == {_hashable(m.id): _hashable(m.string) for m in _french() if m.id}


def _hashable(text: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    return text if isinstance(text, str) else tuple(text)


def test_translations_keep_the_placeholders_of_their_message():
    for message in _french():
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        expected = set().union(*(_placeholders(i) for i in ids))
        for form in _forms(message):
            assert _placeholders(form) == expected, (message.id, form)
            if _formats(ids[0], expected):  # a message formatted by the code: so is its translation
                assert _formats(form, expected), form


def _formats(text: str, names: set[str]) -> bool:
    try:
        text.format(**dict.fromkeys(names, 1))
    except (ValueError, KeyError, IndexError):
        return False  # a message id shown as it is, such as "a number or `{value: ..., unit: ...}`"
    return True


def test_translations_follow_french_typography():
    for message in _french():
        for form in _forms(message) if message.id else ():
            prose = re.sub(r"`[^`]*`|://", "", form)  # code the user types keeps its spacing
            assert not re.search(f"[^{NBSP}]:", prose), form
            assert not re.search(f"[^{NNBSP}][;?!]", prose), form
            assert not re.search(f"«[^{NNBSP}]|[^{NNBSP}]»", prose), form
            assert "'" not in prose, form  # the typographic apostrophe


# -- the language a command speaks ----------------------------------------------------------------


def _misspelled_project(tmp_path: Path) -> Path:
    sections = ["Gouvernace" if title == "Gouvernance" else title for title in SECTIONS]
    text = monograph_text(sections=sections, front_extra="lieu: ancienne scierie\n")
    return write_project(tmp_path, {"monographs/pole-test.md": text})


def _check(project: Path, language: str | None, *options: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    if language is not None:
        environment["LANG"] = language
    done = subprocess.run(
        [sys.executable, "-m", "ptce_mono", *options, "check"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout + done.stderr


FRENCH = [
    "erreur: `## Gouvernace` n’est pas une section de la grille [unknown-heading]",
    f"Vouliez-vous dire `Gouvernance`{NNBSP}?",
    "champ inconnu `lieu` dans l’en-tête YAML [unknown-field]",
    f"1 monographie vérifiée (0 brouillon){NBSP}: ",
]
ENGLISH = [
    "error: `## Gouvernace` is not a section of the grid [unknown-heading]",
    "Did you mean `Gouvernance`?",
    "unknown field `lieu` in the front matter [unknown-field]",
    "Checked 1 monograph (0 drafts): ",
]


@pytest.mark.parametrize("language", [None, "C.UTF-8", "fr_FR.UTF-8"])
def test_check_answers_in_french_unless_asked_otherwise(tmp_path, language):
    output = _check(_misspelled_project(tmp_path), language)
    for line in FRENCH:
        assert line in output
    assert "Did you mean" not in output


def test_check_answers_in_english_in_an_english_locale(tmp_path):
    output = _check(_misspelled_project(tmp_path), "en_US.UTF-8")
    for line in ENGLISH:
        assert line in output
    assert "Vouliez-vous" not in output


def test_lang_option_overrides_the_locale(tmp_path):
    project = _misspelled_project(tmp_path)
    english = _check(project, "fr_FR.UTF-8", "--lang", "en")
    french = _check(project, "en_US.UTF-8", "--lang", "fr")
    assert all(line in english for line in ENGLISH)
    assert all(line in french for line in FRENCH)


def test_a_dossier_settings_problem_in_french(tmp_path):
    write_project(tmp_path, {"dossier.yaml": "titre: Les PTCE\npublisher: Comité\nperiod: 2014-2013\n"})
    set_language("fr")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    said = [(p.message, p.hint) for p in caught.value.problems]
    assert said == [
        ("le champ obligatoire `title` manque dans les réglages du dossier", ""),
        ("champ inconnu `titre` dans les réglages du dossier", f"Vouliez-vous dire `title`{NNBSP}?"),
        ("`period` doit être une année ou une période comme 2013-2014, et non `2014-2013`", ""),
    ]


def test_a_grid_problem_in_french(tmp_path):
    grid = (ROOT / "grid" / "grid.yaml").read_text(encoding="utf-8")
    assert "    type: slug" in grid
    (tmp_path / "grid.yaml").write_text(grid.replace("    type: slug", "    type: slogan", 1), encoding="utf-8")
    result = invoke(["--lang", "fr", "check", "--grid", str(tmp_path / "grid.yaml")], tmp_path)
    assert result.exit_code == 2
    assert "le champ `id` a un type inconnu, `slogan`" in result.output
    assert "has unknown type" not in result.output


def test_the_language_can_change_after_the_specs_are_built(grid):
    # The front-matter spec is built once per grid: its hints must follow the language spoken.
    text = monograph_text().replace("carrier: Association porteuse\n", "").replace("authors:", "authors: x\nx:")
    said = {}
    for language in ("en", "fr", "en"):
        set_language(language)
        problems = parse_text(text, grid, "pole-test.md").problems
        said.setdefault(language, []).append(sorted((p.code, p.message, p.hint) for p in problems))
    assert said["en"][0] == said["en"][1]
    english, french = dict((c, (m, h)) for c, m, h in said["en"][0]), dict((c, (m, h)) for c, m, h in said["fr"][0])
    assert english["missing-field"][0] == "required field `carrier` is missing from the front matter"
    assert french["missing-field"][0] == "le champ obligatoire `carrier` manque dans l’en-tête YAML"
    assert "Si les sources ne le donnent pas, écrivez `carrier: {inconnu: \"raison\"}`." in french["missing-field"][1]
    assert french["wrong-type"][0] == "`authors` doit être une liste, et non un texte"


def test_a_yaml_slip_in_the_dossier_settings_is_explained_in_french(tmp_path):
    # French spacing before a colon inside a value: PyYAML's reason is given in French too.
    write_project(tmp_path, {"dossier.yaml": "title: Les PTCE : un dossier\npublisher: C\nperiod: 2013\n"})
    set_language("fr")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.code) == (1, "yaml-syntax")
    assert problem.message == f"erreur de syntaxe YAML{NBSP}: un deux-points suivi d’une espace n’est pas permis ici"
    # The hint shows the line with its value quoted, as it would parse.
    assert problem.hint == f'Une valeur qui contient `: ` doit être entre guillemets{NBSP}: title: "Les PTCE : un dossier"'


@pytest.mark.parametrize(("language", "written"), [("fr", "6,1"), ("en", "6.1")])
def test_decimals_are_written_as_the_language_writes_them(language, written):
    set_language(language)
    try:
        assert decimal(6.14) == written
        assert decimal(0.25, 2) == written.replace("6", "0").replace("1", "25")
    finally:
        set_language("en")


def test_an_unknown_export_format_is_refused_in_french(tmp_path):
    set_language("fr")
    try:
        with pytest.raises(RenderError) as caught:
            export_dossier(tmp_path, "rtf", tmp_path / "dossier.rtf")
    finally:
        set_language("en")
    assert "format d’export `rtf` inconnu" in str(caught.value)
    assert "formats possibles\u00a0: docx, odt, epub" in str(caught.value)


# -- the command line's help ------------------------------------------------------------------------


def _help(*arguments: str) -> str:
    from click.testing import CliRunner

    from ptce_mono.cli import main

    result = CliRunner().invoke(main, list(arguments), prog_name="ptce-mono")
    assert result.exit_code == 0, result.output
    return result.output


def test_the_help_speaks_french_unless_asked_otherwise():
    french = _help("--lang", "fr", "--help")
    assert french.startswith(f"Utilisation{NBSP}: ptce-mono")
    assert f"Commandes{NBSP}:" in french and "Afficher ce message et sortir." in french
    assert "Produire le dossier" in french and "Build the dossier" not in french
    build = _help("--lang", "fr", "build", "--help")
    assert f"Exemple{NBSP}: ptce-mono build --drafts" in build
    assert "Refaire même si rien n’a changé" in build
    english = _help("--lang", "en", "--help")
    assert english.startswith("Usage: ptce-mono") and "Build the dossier" in english


def test_every_help_text_of_the_command_line_is_in_the_french_catalog():
    from ptce_mono.cli_help import extract_help

    with (PACKAGE / "cli.py").open("rb") as source:
        found = {message for _line, _function, message, _comments in extract_help(source, {}, [], {})}
    docstrings = {m for m in found if isinstance(m, str) and "\n\nExample" in m}
    assert len(docstrings) >= 6, "the commands' docstrings are extracted"
    catalog = _french()
    untranslated = sorted(m for m in found if isinstance(m, str) and not (catalog.get(m) and catalog.get(m).string))
    assert untranslated == [], "run `make catalogs` and translate these in " + str(CATALOG)


# -- click's own words ------------------------------------------------------------------------------

CLICK_CATALOG = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "click.po"


def _click_french() -> Catalog:
    with CLICK_CATALOG.open("rb") as po:
        return read_po(po, locale="fr")


def test_every_message_of_the_installed_click_has_a_french_translation():
    """click marks its words with gettext: a click that says something new fails here, until
    `make catalogs` extracts it and it is translated in click.po."""
    import click

    extracted = {
        _message_key(found[2])
        for found in extract_from_dir(str(Path(click.__file__).parent), method_map=[("**.py", "python")])
    }
    catalog = _click_french()
    assert len(extracted) > 50
    untranslated = sorted(key for key in extracted if not (catalog.get(key) and all(_forms(catalog.get(key)))))
    assert untranslated == [], "run `make catalogs` and translate these in " + str(CLICK_CATALOG)
    with CLICK_CATALOG.with_suffix(".mo").open("rb") as mo:
        compiled = {_hashable(m.id): _hashable(m.string) for m in read_mo(mo) if m.id}
    assert compiled == {_hashable(m.id): _hashable(m.string) for m in catalog if m.id}


def test_click_translations_keep_their_placeholders_and_french_typography():
    for message in _click_french():
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        expected = set().union(*(_placeholders(i) for i in ids))
        for form in _forms(message):
            # A translation may leave out a placeholder that would print English (`integer`).
            assert _placeholders(form) <= expected, (message.id, form)
            prose = re.sub(r"`[^`]*`|://|\{[^}]*\}|%\([a-z]+\)s", "", form)
            assert not re.search(f"[^{NBSP}]:", prose), form
            assert not re.search(f"[^{NNBSP}][;?!]", prose), form
            assert "'" not in prose, form


def test_click_speaks_the_language_chosen_whatever_the_locale(tmp_path, monkeypatch):
    """In a C locale the tool speaks French, click's errors included; `--lang en` is English."""
    from click.testing import CliRunner

    from ptce_mono.cli import main

    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    french = CliRunner().invoke(main, ["new"], prog_name="ptce-mono")
    assert french.exit_code == 2
    assert f"Erreur{NBSP}: Argument manquant 'NOM'." in french.output
    assert f"Voir «{NNBSP}ptce-mono new --help{NNBSP}» pour l’aide." in french.output
    english = CliRunner().invoke(main, ["--lang", "en", "new"], prog_name="ptce-mono")
    assert "Error: Missing argument 'NAME'." in english.output
