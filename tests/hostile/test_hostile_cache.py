"""Nothing stale, nothing fatal: the cache keys cover every input, `--force` really rebuilds, and a
damaged cache entry or build record is discarded with a warning and made again."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from monograph_factory import WORDS, monograph_text, write_project
from pdf_reading import pdf_text

DOSSIER = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n"
ROOT = Path(__file__).resolve().parents[2]
PTCE = str(Path(sys.executable).parent / "ptce-mono")


def png(size: int, colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, "PNG")
    return buffer.getvalue()


def two_poles(root: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    """Two poles: a change to one leaves the other's pieces in the cache."""
    return write_project(root, {
        "dossier.yaml": DOSSIER,
        "monographs/pole-a.md": monograph_text("pole-a"),
        "monographs/pole-b.md": monograph_text("pole-b"),
        **(extra or {}),
    })


def image_sizes(pdf: Path) -> set[tuple[int, int]]:
    with pikepdf.open(pdf) as document:
        return {(int(image.Width), int(image.Height)) for page in document.pages
                for image in page.get_images().values()}


def build(project: Path, *args: str) -> str:
    """`ptce-mono build` in its own process (its warnings are logged), what it said."""
    done = subprocess.run([PTCE, "build", "--jobs", "2", *args], cwd=project, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    return done.stdout + done.stderr


def test_a_replaced_logo_is_printed(tmp_path):
    """Class 5: `assets/` is in the pieces' keys; a logo replaced is printed, with or without --force."""
    css = (ROOT / "templates" / "dossier.css").read_text(encoding="utf-8")
    project = two_poles(tmp_path / "project", {
        "templates/dossier.css": css,
        "templates/partials/cover.html": (ROOT / "templates" / "partials" / "cover.html").read_text(encoding="utf-8")
        .replace('<div class="cover-rule"></div>', '<img class="logo" src="../assets/logo.png" alt="Logo">'),
        "assets/logo.png": png(10, "red"),
    })
    build(project)
    assert (10, 10) in image_sizes(project / "build" / "dossier.pdf")
    (project / "assets" / "logo.png").write_bytes(png(24, "blue"))
    build(project)
    sizes = image_sizes(project / "build" / "dossier.pdf")
    assert (24, 24) in sizes and (10, 10) not in sizes
    (project / "assets" / "logo.png").write_bytes(png(12, "green"))
    build(project, "--force")
    assert (12, 12) in image_sizes(project / "build" / "dossier.pdf")


def test_a_font_added_to_fonts_is_not_up_to_date(tmp_path):
    """Class 5: `fonts/` is an input: a font added for a character makes the build run again."""
    project = two_poles(tmp_path / "project")
    build(project)
    assert "Up to date" in build(project)
    from ptce_mono.typeset.fonts import FONT_FOLDERS

    (project / "fonts").mkdir()
    shutil.copy(FONT_FOLDERS["sans"] / "SourceSansPro-Regular.otf", project / "fonts" / "Ajout.otf")
    assert "Up to date" not in build(project)


def test_a_monographs_own_bibliography_is_an_input(tmp_path):
    """Class 5: a `bibliography:` file named by a monograph, anywhere in the project, is an input."""
    bib = "@book{dupont2014,\n  author = {Dupont, Jean},\n  title = {Premier titre},\n  date = {2014},\n}\n"
    text = monograph_text("pole-a", front_extra="bibliography: [biblio/pole-a.bib]\n",
                          body={"Genèse": WORDS + " Ancien [@dupont2014, p. 3]."})
    project = two_poles(tmp_path / "project", {"monographs/pole-a.md": text, "biblio/pole-a.bib": bib})
    build(project)
    assert "Premier titre" in pdf_text(project / "build" / "dossier.pdf")
    (project / "biblio" / "pole-a.bib").write_text(bib.replace("Premier", "Second"), encoding="utf-8")
    assert "Up to date" not in build(project)
    text = pdf_text(project / "build" / "dossier.pdf")
    assert "Second titre" in text and "Premier titre" not in text


def test_force_typesets_every_piece_again(tmp_path):
    """Class 5: `--force` ignores the pieces' cache too."""
    project = two_poles(tmp_path / "project")
    build(project)
    pieces = project / "build" / "cache" / "pieces"
    before = {path.name: path.stat().st_ino for path in pieces.glob("*.pdf")}
    assert before
    build(project, "--force")
    after = {path.name: path.stat().st_ino for path in pieces.glob("*.pdf")}
    assert set(after) == set(before)
    assert all(after[name] != before[name] for name in before)  # each written anew


def change_one_pole(project: Path) -> None:
    path = project / "monographs" / "pole-b.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Le pôle rassemble", "Le pôle réunit", 1),
                    encoding="utf-8")


@pytest.mark.parametrize("damage", ["truncated", "emptied", "fifo", "layout edited", "layout garbage"])
def test_a_damaged_piece_is_typeset_again_with_a_warning(tmp_path, damage):
    """Class 6: a damaged entry of `build/cache/` is discarded and made again; the build succeeds."""
    project = two_poles(tmp_path / "project")
    build(project)
    pieces = project / "build" / "cache" / "pieces"
    for pdf in pieces.glob("*.pdf"):
        record = pdf.with_suffix(".json")
        if damage == "truncated":
            pdf.write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 2])
        elif damage == "emptied":
            pdf.write_bytes(b"")
        elif damage == "fifo":
            pdf.unlink()
            os.mkfifo(pdf)
        elif damage == "layout edited":
            data = json.loads(record.read_text(encoding="utf-8"))
            data["pages"] = data["pages"] + 3
            record.write_text(json.dumps(data), encoding="utf-8")
        else:
            record.write_text('{"pages": [1, 2', encoding="utf-8")
    change_one_pole(project)
    output = build(project)
    assert "a damaged piece of the cache was discarded; it is typeset again" in output
    from pypdf import PdfReader

    reader = PdfReader(project / "build" / "dossier.pdf")
    assert "réunit" in pdf_text(project / "build" / "dossier.pdf")
    assert len(reader.pages) >= 8
    assert "damaged" not in build(project, "--force")


RECORDS = {
    "not json": "{",
    "a list": "[]",
    "outputs as a list": None,
    "report without poles": None,
    "an output outside": None,
    "pages as text": None,
}


@pytest.mark.parametrize("edit", list(RECORDS))
def test_a_hand_edited_build_record_is_set_aside_with_a_warning(tmp_path, edit):
    """Class 6: `build/.ptce-build.json` edited by hand: a warning, a new build, no internal error."""
    project = two_poles(tmp_path / "project")
    build(project)
    path = project / "build" / ".ptce-build.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    if edit == "outputs as a list":
        record["outputs"] = list(record["outputs"])
    elif edit == "report without poles":
        del record["report"]["poles"]
    elif edit == "an output outside":
        record["outputs"] = {"../../../../../../etc/hostname": "0" * 64}
    elif edit == "pages as text":
        record["report"]["pages"] = "douze"
    text = RECORDS[edit] or json.dumps(record)
    path.write_text(text, encoding="utf-8")
    output = build(project)
    assert "the build record is damaged; it is ignored and the dossier built again" in output
    assert "Up to date" not in output and "internal error" not in output
    assert "Up to date" in build(project)


def test_a_build_record_that_is_a_fifo_does_not_block(tmp_path):
    project = two_poles(tmp_path / "project")
    (project / "build").mkdir()
    os.mkfifo(project / "build" / ".ptce-build.json")
    output = build(project)
    assert "the build record is damaged" in output
