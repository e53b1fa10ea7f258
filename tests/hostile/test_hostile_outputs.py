"""Hostile content and conditions for what the tool writes: spreadsheets, exports, the preview,
interrupted builds, long words, file modes. Each test names the probe it answers (issue 21)."""

from __future__ import annotations

import csv
import http.client
import http.server
import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import ClassVar

import pypdfium2 as pdfium
import pytest

from monograph_factory import WORDS, invoke, monograph_text, write_project
from pdf_reading import page_words

DOSSIER = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n"
PTCE = str(Path(sys.executable).parent / "ptce-mono")
# "@ SUM": `@SUM` with no space would be read as a citation key, and refused by the check.
FORMULAS = ["=HYPERLINK(\"http://x\";\"y\")", "+1+1", "-2+3", "@ SUM(A1:A2)", "\tTAB", "\rCR"]


def project_at(root: Path, text: str | None = None, extra: dict[str, str | bytes] | None = None) -> Path:
    return write_project(root, {"dossier.yaml": DOSSIER, "monographs/pole-test.md": text or monograph_text("pole-test"),
                                **(extra or {})})


def test_cells_that_would_start_a_formula_are_written_as_text(tmp_path):
    """Probe 3: a pole name and SWOT items starting with = + - @ (and tab, CR)."""
    swot = "".join(f"    - text: {item!r}\n      theme: culture-cooperation\n" for item in FORMULAS[1:])
    text = monograph_text("pole-test").replace("name: Pôle pole-test", "name: '=1+1'")
    text = text.replace("  strengths:\n", "  strengths:\n" + swot.replace("'", '"'), 1)
    project = project_at(tmp_path, text)
    result = invoke(["matrix"], project)
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    workbook = load_workbook(project / "build" / "tables" / "analyse-transversale.xlsx")
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    assert "=1+1" in values and "+1+1" in values and "@ SUM(A1:A2)" in values  # kept as typed, as text
    for name in ("matrice", "afom"):
        raw = (project / "build" / "tables" / f"{name}.csv").read_bytes().decode("utf-8-sig")
        for row in csv.reader(io.StringIO(raw, newline="")):
            for field in row:
                assert not field.startswith(("=", "+", "-", "@", "\t", "\r")), (name, field)
    assert "'=1+1" in (project / "build" / "tables" / "matrice.csv").read_text(encoding="utf-8-sig")


DEEP_LIST = "".join("  " * i + f"- niveau {i}\n" for i in range(12)) + "\nCANARY-APRES la liste.\n"
DEEPER_LIST = "".join("  " * i + f"- niveau {i}\n" for i in range(30)) + "\nCANARY-APRES la liste.\n"
EMPHASIS_RUN = "*" * 600 + "x" + "*" * 600


def test_deep_structure_is_printed_whole_or_reported_never_dropped(tmp_path):
    """Probes 8 and 9: a 12-level list is printed whole; deeper lists and runs of 600 `*` are errors."""
    from ptce_mono.commands.prepare import prepare_dossier

    project = project_at(tmp_path / "a", monograph_text("pole-test", body={"Genèse": WORDS + "\n\n" + DEEP_LIST}))
    assert invoke(["check"], project).exit_code == 0
    html = prepare_dossier(project).rendered.html
    assert "niveau 11" in html and "CANARY-APRES" in html
    for name, payload in (("deeper", DEEPER_LIST), ("emphasis", EMPHASIS_RUN)):
        text = monograph_text("pole-test", body={"Genèse": WORDS + "\n\n" + payload})
        project = project_at(tmp_path / name, text)
        result = invoke(["check", "--format", "json"], project)
        assert result.exit_code == 1, (name, result.output[:500])
        import json

        found = [p for p in json.loads(result.output) if p["code"] == "too-deep"]
        start = text.split("\n").index(payload.split("\n")[0]) + 1
        assert found and start <= found[0]["line"] <= start + 30, (name, found)
        built = invoke(["build", "--jobs", "1"], project)
        assert built.exit_code == 1 and "[too-deep]" in built.output and "RecursionError" not in built.output


def test_editorial_text_too_deep_stops_the_build_with_its_file(tmp_path):
    """Probe 8, editorial side: the same limit for texts `check` does not see."""
    project = project_at(tmp_path, extra={"editorial/analyse.md": DEEPER_LIST})
    result = invoke(["build", "--jobs", "1"], project)
    assert result.exit_code == 1
    assert "editorial/analyse.md" in result.output and "nests" in result.output


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_export_reads_and_fetches_nothing_a_project_template_points_to(tmp_path):
    """Probe 7: `<img>` in a project template, to a local file and to an http address."""
    from ptce_mono.sources.resources import default_resource

    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                      '<text y="9">CANARY-EXPORT</text></svg>', encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    chapter = (default_resource("templates") / "partials" / "chapter.html").read_text(encoding="utf-8")
    images = (f'<p><img src="{secret}" alt="local"> <img src="file://{secret}" alt="url"> '
              f'<img src="http://127.0.0.1:{port}/x.png" alt="web"></p>\n'
              f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
              f'<video poster="http://127.0.0.1:{port}/p.png"></video>\n')
    project = project_at(tmp_path / "project", extra={"templates/partials/chapter.html": images + chapter})
    try:
        for fmt in ("docx", "odt", "epub"):
            result = invoke(["export", "--to", fmt], project)
            assert result.exit_code == 0, result.output
            with zipfile.ZipFile(project / "build" / f"dossier.{fmt}") as archive:
                for name in archive.namelist():
                    assert b"CANARY-EXPORT" not in archive.read(name), (fmt, name)
    finally:
        server.shutdown()
        server.server_close()
    assert _Counter.hits == []


def _request(port: int, path: str, host: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_preview_checks_the_host_and_serves_only_its_own_regular_files(tmp_path):
    """Probe 13: DNS rebinding (any Host answered) and links inside build/preview."""
    from ptce_mono.commands.preview_server import make_server
    from ptce_mono.commands.serve import Preview

    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-SERVE", encoding="utf-8")
    project = project_at(tmp_path / "project")
    preview = Preview(project, project / "build" / "preview")
    preview.rebuild()
    (preview.out_dir / "leak.txt").symlink_to(secret)
    (preview.out_dir / "etc").symlink_to("/etc", target_is_directory=True)
    server = make_server(preview, port=0)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert _request(port, "/", f"127.0.0.1:{port}")[0] == 200
        assert _request(port, "/", f"localhost:{port}")[0] == 200
        assert _request(port, "/", "attacker.example")[0] in (400, 403, 421)
        assert _request(port, "/", f"attacker.example:{port}")[0] in (400, 403, 421)
        status, body = _request(port, "/leak.txt", f"127.0.0.1:{port}")
        assert status == 404 and b"CANARY-SERVE" not in body
        status, body = _request(port, "/etc/", f"127.0.0.1:{port}")
        assert status == 404 and b"passwd" not in body
    finally:
        server.shutdown()
        server.server_close()


def test_the_watcher_survives_rename_saves_vanished_files_and_template_errors(tmp_path):
    """Probe 6: editor-style saves and a template syntax error must not stop the preview."""
    from ptce_mono.commands.serve import Preview

    project = project_at(tmp_path, extra={"templates/partials/annexes.html": ""})
    preview = Preview(project, project / "build" / "preview")
    preview.rebuild()
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop, 0.001), daemon=True)
    watcher.start()
    source = project / "monographs" / "pole-test.md"
    try:
        text = source.read_text(encoding="utf-8")
        for number in range(300):  # write a temporary file, rename it over the monograph
            temporary = source.with_name(f".pole-test.md.{number}.swp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, source)
        assert watcher.is_alive()
        (project / "templates" / "partials" / "annexes.html").write_text("{% if %}", encoding="utf-8")
        deadline = time.monotonic() + 60
        while "Le dossier ne peut pas être construit" not in (preview.out_dir / "index.html").read_text(encoding="utf-8"):
            assert watcher.is_alive() and time.monotonic() < deadline
            time.sleep(0.05)
        assert "annexes.html" in (preview.out_dir / "index.html").read_text(encoding="utf-8")
        (project / "templates" / "partials" / "annexes.html").write_text("", encoding="utf-8")
        source.write_text(text.replace("Le pôle rassemble", "Le pôle réunit"), encoding="utf-8")
        while "Le pôle réunit" not in (preview.out_dir / "index.html").read_text(encoding="utf-8"):
            assert watcher.is_alive() and time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        stop.set()


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_temporary_files_of_a_killed_build_are_removed(tmp_path):
    """Probe 14: SIGTERM removes the temporary PDF; those of a `kill -9` go at the next build."""
    project = project_at(tmp_path, monograph_text("pole-test", body={"Genèse": "\n\n".join([WORDS] * 60)}))
    build = project / "build"
    build.mkdir()
    stale = [build / f".dossier.pdf.ptce-mono.{_dead_pid()}.abc12345.tmp",
             build / f".dossier.html.ptce-mono.{_dead_pid()}.def_6789.tmp"]
    for path in stale:
        path.write_bytes(b"%PDF- half")
    process = subprocess.Popen([PTCE, "build"], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not [p for p in build.glob(".dossier.pdf.*.tmp") if p not in stale] and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before it could be stopped"
    assert not any(p.exists() for p in stale)  # swept by this build
    process.terminate()
    _out, err = process.communicate(timeout=60)
    assert list(build.glob(".*.tmp")) == []
    assert b"Traceback" not in err


@pytest.mark.parametrize("command", [["matrix"], ["export", "--to", "odt"], ["build", "--jobs", "1"]])
def test_an_unwritable_output_folder_is_one_line_and_exit_2(tmp_path, command):
    """Probe 16: `build/` cannot be written (here a file stands where the folder should be)."""
    project = project_at(tmp_path, extra={"build": "not a folder"})
    result = invoke(command, project)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("ptce-mono: ") and "build" in lines[0], result.output


LONG_WORD = "Xq" + "wrtzpkd" * 30
DIGITS = "0123456789" * 20  # no syllable to hyphenate at
LONG_URL = "https://exemple.org/" + "chemin-tres-long/" * 14 + "fin"


def test_long_words_and_urls_stay_on_the_page_and_outputs_follow_the_umask(tmp_path):
    """Probes 17 and 18: words of 200 characters and long URLs; files readable by others."""
    body = f"{WORDS}\n\nUn nombre : {DIGITS}. Une adresse : <{LONG_URL}>.\n\n| a | b |\n|---|---|\n| {DIGITS} | x |\n"
    text = monograph_text("pole-test", body={"Genèse": body})
    text = text.replace("title: Document de référence", f"title: Voir {LONG_URL}")
    text = text.replace("carrier: Association porteuse", f"carrier: {LONG_WORD}")
    project = project_at(tmp_path, text)
    old = os.umask(0o022)
    try:
        assert invoke(["build", "--html", "--jobs", "1"], project).exit_code == 0
        assert invoke(["matrix"], project).exit_code == 0
        assert invoke(["export", "--to", "odt"], project).exit_code == 0
    finally:
        os.umask(old)
    build = project / "build"
    outputs = [build / "dossier.pdf", build / "dossier.html", build / "dossier.odt", *build.glob("site/**/*.html"),
               build / "site" / "dossier.css", *build.glob("tables/*")]
    for path in outputs:
        assert path.stat().st_mode & 0o777 == 0o644, path
    document = pdfium.PdfDocument(str(build / "dossier.pdf"))
    try:
        widths = [page.get_width() for page in document]
    finally:
        document.close()
    pages = page_words(build / "dossier.pdf")
    for width, words in zip(widths, pages, strict=True):
        for word in words:
            assert word.left >= 0 and word.right <= width, word.text
    printed = " ".join(word.text for words in pages for word in words)
    assert "Xqwrtzpkd" in printed and "0123456789" in printed


def test_a_cache_deleted_during_the_build_is_rebuilt(tmp_path):
    """Probe 15: the README says `build/cache` may be deleted at any time; during a build too."""
    import shutil

    project = project_at(tmp_path, monograph_text("pole-test", body={"Genèse": "\n\n".join([WORDS] * 40)}))
    cache = project / "build" / "cache"
    process = subprocess.Popen([PTCE, "build"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    deleted = 0
    while process.poll() is None:
        assert time.monotonic() < deadline
        if deleted < 2 and cache.exists() and any(cache.rglob("*.pdf")):
            shutil.rmtree(cache, ignore_errors=True)  # as soon as a piece is in it, and once more
            deleted += 1
        time.sleep(0.01)
    _out, err = process.communicate()
    assert deleted, "the build ended before its cache could be deleted"
    assert process.returncode == 0, err.decode()
    from pypdf import PdfReader

    assert len(PdfReader(project / "build" / "dossier.pdf").pages) >= 5
