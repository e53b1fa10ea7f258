"""No English in what a French session prints: every command's help, click's own words, the
check's reports (text, summary, GitHub), what the commands say when they are done and their errors.

Each output is stripped of what is not prose (problem codes, paths, option names, values the user
types, quoted code) and its words are compared with the English words click and the tool use.
The list leaves out the words French writes the same way (« options », « section », « message »,
« version », « date », « page »...).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ptce_mono.cli import main

from monograph_factory import monograph_text, write_project

# Metavars and click's usage words, written in capitals: compared as they are.
CAPITALS = {"TEXT", "PATH", "PATHS", "INTEGER", "FILE", "DIRECTORY", "FOLDER", "NAME", "COMMAND", "ARGS",
            "RANGE", "CHOICE", "BOOLEAN"}
# Other words, compared without case.
ENGLISH = {
    # click
    "usage", "commands", "default", "required", "error", "errors", "show", "exit", "try", "missing",
    "invalid", "such", "no", "got", "unexpected", "extra", "aborted", "positional", "choose", "from",
    "does", "exist", "directory", "folder", "integer", "valid", "range", "did", "mean", "one",
    # the tool
    "hint", "wrote", "written", "file", "files", "empty", "warning", "warnings", "checked", "built",
    "building", "draft", "drafts", "published", "pole", "poles", "gap", "gaps", "status", "unknown",
    "field", "fields", "monograph", "monographs", "completeness", "paragraphs", "thin", "nothing",
    "changed", "preview", "problem", "problems", "typesetting", "up", "printed", "left", "out",
    "found", "cite", "cites", "citing", "silent", "words", "expects", "least", "twice",
    # grammar words
    "the", "is", "are", "of", "and", "to", "for", "not", "with", "this", "that", "it", "its", "was",
    "were", "has", "have", "be", "been", "by", "or", "see", "run", "use", "should", "must", "cannot",
    "could", "would", "which", "into", "only", "also", "than", "then", "when", "where", "what",
    "there", "here", "your", "you", "all", "any", "each", "every", "first", "after", "before",
}

_NOT_PROSE = [
    r"^::\w+(?: [^:]*)?::",  # a GitHub workflow command, before its message
    r"`[^`]{1,80}`",  # code the user types (a help text may wrap it)
    r"«\u202f?[^»\n]*»",  # quoted command lines and values
    r"(?<=\S) \[[a-z0-9-]+\](?= —|$)",  # a problem's code, after its message
    r"\[[a-z0-9-]+(?:\|[a-z0-9-]+)+\]",  # a choice's values
    r"'[^'\n]*'",  # a value click quotes
    r"(?<![\w-])--?[a-z][a-z-]*(?: (?:error|warning|info|text|docx|odt|epub|json|github|junit|sarif)\b)?",
    r"\S*[/\\]\S*",  # paths, URLs
    r"\b[\w-]+\.(?:md|yaml|yml|bib|json|pdf|html|csv|xlsx|docx|odt|epub|css|po|png|svg)\b",
    r"\b\w+_\w+\b",  # front-matter fields (`legal_form`)
    r"par[ \u00a0]défaut\u00a0: [^\]\)\n]*",  # a default value
    r"^\s*Exemple\u00a0: .*$",  # example command lines
    r"\bptce-mono(?: [a-z]+)?",  # the program and its commands
    r"\b[a-z]+(?:-[a-z]+)+\b",  # ids of poles and of grid terms (`pole-test`, `gap-in-published`)
]


def english_words(output: str) -> list[str]:
    prose = output
    for pattern in _NOT_PROSE:
        prose = re.sub(pattern, " ", prose, flags=re.MULTILINE)
    words = re.findall(r"[A-Za-zÀ-ÿ]+", prose)
    return sorted({w for w in words if w in CAPITALS or w.lower() in ENGLISH})


def test_the_filter_catches_english_and_lets_french_pass():
    assert english_words("Usage: ptce-mono check [OPTIONS] [PATHS]...") == ["PATHS", "Usage"]
    assert english_words("Error: Missing argument 'NAME'. Try 'ptce-mono new --help' for help.") == [
        "Error", "Missing", "Try", "for"]
    assert english_words("      hint: Did you mean `carrier`?") == ["Did", "hint", "mean", "you"]
    assert english_words("  --to [docx|odt|epub]    [required]") == ["required"]
    french = ("Utilisation\u00a0: ptce-mono check [OPTIONS] [CHEMINS]...\n"
              "Erreur\u00a0: Argument manquant 'NOM'.\n"
              "monographs/x.md:3:1: erreur: champ inconnu `carier` dans l’en-tête YAML [unknown-field]\n"
              "      conseil\u00a0: Vouliez-vous dire `carrier`\u202f?\n"
              "  --format [text|json|github|junit|sarif]  [par\u00a0défaut\u00a0: text]\n"
              "Options\u00a0: une section, ce message, la version, les pages, la date.\n")
    assert english_words(french) == []


# -- what a French session prints ----------------------------------------------------------------

BAD = (
    monograph_text("pole-mal-ecrit")
    .replace("carrier:", "carier:")
    .replace("## Gouvernance", "## Gouvernanse")
    .replace("## Genèse\n\n", "## Genèse\n\n\n## Genèse bis\n\n")
)


def _run(arguments: list[str], cwd: Path) -> str:
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["--lang", "fr", *arguments], prog_name="ptce-mono")
    finally:
        os.chdir(old)
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture(scope="module")
def french_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What each command prints in French, by a label: helps, reports, results and errors."""
    root = tmp_path_factory.mktemp("french")
    good = write_project(root / "good", {
        "dossier.yaml": "title: Dossier d’essai\npublisher: Comité d’essai\nperiod: 2013-2014\n",
        "monographs/pole-test.md": monograph_text("pole-test"),
        "monographs/pole-brouillon.md": monograph_text(
            "pole-brouillon", status="draft",
            body={"Gouvernance": "::: lacune\nLes sources ne décrivent pas les instances.\n:::",
                  "Genèse": ""}),
    })
    bad = write_project(root / "bad", {
        "dossier.yaml": "title: Dossier d’essai\npublisher: Comité d’essai\nperiod: 2013-2014\n",
        "monographs/pole-mal-ecrit.md": BAD,
        "monographs/autre-nom.md": monograph_text("pole-vide", body={"Gouvernance": ""}),
    })
    empty = root / "empty"
    empty.mkdir()
    outputs = {"help": _run(["--help"], root)}
    for name in main.commands:  # type: ignore[attr-defined]
        outputs[f"{name} --help"] = _run([name, "--help"], root)
    outputs["check"] = _run(["check"], bad)
    outputs["check --summary"] = _run(["check", "--summary"], good) + _run(["check", "--summary"], bad)
    outputs["check --format github"] = _run(["check", "--format", "github"], bad)
    outputs["check, no project"] = _run(["check"], empty)
    outputs["build"] = _run(["build", "--jobs", "1"], good)
    outputs["build, up to date"] = _run(["build", "--jobs", "1"], good)
    outputs["build, errors"] = _run(["build"], bad)
    outputs["build, no project"] = _run(["build"], empty)
    outputs["matrix"] = _run(["matrix"], good)
    outputs["new"] = _run(["new", "Pôle des Deux Rives"], empty) + _run(["new", "Pôle des Deux Rives"], empty)
    outputs["schema"] = _run(["schema", "--out", "schema.json"], empty)
    outputs["init"] = _run(["init", "projet"], root) + _run(["init", "projet"], root)
    for label, arguments in {
        "unknown option": ["check", "--bogus"],
        "unknown command": ["chek"],
        "missing argument": ["new"],
        "missing option": ["export"],
        "wrong choice": ["export", "--to", "rtf"],
        "not a number": ["build", "--jobs", "x"],
        "out of range": ["build", "--jobs", "0"],
        "no such folder": ["build", "--project", "nulle-part"],
        "extra argument": ["new", "a", "b"],
    }.items():
        outputs[f"error: {label}"] = _run(arguments, empty)
    shutil.rmtree(root / "good" / "build" / "cache", ignore_errors=True)
    return outputs


LABELS = ["help", *(f"{name} --help" for name in sorted(main.commands)),  # type: ignore[attr-defined]
          "check", "check --summary", "check --format github", "check, no project", "build",
          "build, up to date", "build, errors", "build, no project", "matrix", "new", "schema", "init",
          *(f"error: {label}" for label in ("unknown option", "unknown command", "missing argument",
                                            "missing option", "wrong choice", "not a number",
                                            "out of range", "no such folder", "extra argument"))]


@pytest.mark.parametrize("label", LABELS)
def test_no_english_in_french_output(french_outputs: dict[str, str], label: str) -> None:
    output = french_outputs[label]
    assert output.strip(), label
    assert english_words(output) == [], output



def test_english_on_request(tmp_path: Path) -> None:
    """`--lang en` keeps every output above in English, click's words included."""
    import os

    project = write_project(tmp_path, {"monographs/pole-mal-ecrit.md": BAD})
    old = os.getcwd()
    os.chdir(project)
    try:
        said = {arguments[0] + " " + arguments[-1]: CliRunner().invoke(main, ["--lang", "en", *arguments], prog_name="ptce-mono").output
                for arguments in (["export", "--help"], ["check", "--summary"], ["new"], ["export", "--to", "rtf"])}
    finally:
        os.chdir(old)
    assert "Usage: ptce-mono export [OPTIONS]" in said["export --help"]
    assert "[default: .]" in said["export --help"] and "[required]" in said["export --help"]
    assert "--project FOLDER" in said["export --help"] and "--out FILE" in said["export --help"]
    assert "hint: Did you mean `carrier`?" in said["check --summary"]
    assert "Completeness (✔ written" in said["check --summary"] and "published" in said["check --summary"]
    assert "Error: Missing argument 'NAME'." in said["new new"]
    assert "Try 'ptce-mono new --help' for help." in said["new new"]
    assert "Error: Invalid value for '--to': 'rtf' is not one of 'docx', 'odt', 'epub'." in said["export rtf"]
