"""The low items of the third round: wrong CSL-JSON types caught by `check`, `init` that fails
cleanly, `serve` that says why in French, an undecodable image named, the commonest `check`
errors in French, and no more typesetting processes than pieces and cores."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monograph_factory import WORDS, invoke, monograph_text, write_project

DOSSIER = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n"
PTCE = str(Path(sys.executable).parent / "ptce-mono")
FRENCH = {**{k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}, "LANG": "fr_FR.UTF-8"}


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600):
    return subprocess.run([PTCE, *args], cwd=cwd, capture_output=True, text=True, env=env or FRENCH,
                          timeout=timeout, check=False)


WRONG_TYPES = [
    ('"title": ["Un", "livre"]', "`title` must be a text or a whole number, not a list"),
    ('"author": "Dupont"', "`author` must be a list of names, not a text"),
    ('"author": [{"family": 12}]', "`author`: `family` must be a text, not a number"),
    ('"issued": 2014', "`issued` must be a date"),
    ('"issued": {"date-parts": [["deux mille"]]}', "`issued`: `deux mille` in `date-parts` is not a whole number"),
    ('"note": null', "`note` must be a text or a whole number, not null"),
    ('"page": 12.5', "`page` must be a text or a whole number, not a decimal number"),
]


@pytest.mark.parametrize(("field", "message"), WRONG_TYPES, ids=[w[0] for w in WRONG_TYPES])
def test_csl_json_with_wrong_field_types_fails_check_at_its_entry(tmp_path, field, message):
    """Class 9: it passed `check`, then pandoc failed in English naming a temporary file."""
    entries = ('[\n  {"id": "bon", "type": "book", "title": "Bon"},\n'
               f'  {{"id": "mauvais", "type": "book", {field}}}\n]\n')
    text = monograph_text("pole-test", body={"Genèse": WORDS + " [@bon, p. 2] [@mauvais, p. 3]."})
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER + "bibliography: [refs.json]\n",
                                                   "refs.json": entries, "monographs/pole-test.md": text})
    result = invoke(["check"], project)
    assert result.exit_code == 1, result.output
    assert f"refs.json:3:4: error: entry `mauvais`: {message}" in result.output, result.output
    assert "[bib-field-type]" in result.output


def test_init_where_editorial_is_a_file_writes_nothing(tmp_path):
    """Class 9: a traceback and a half-written project before; a French message and nothing now."""
    target = tmp_path / "nouveau"
    target.mkdir()
    (target / "editorial").write_text("un fichier", encoding="utf-8")
    done = run(["init", str(target)], tmp_path)
    assert done.returncode == 1, done.stderr
    assert "editorial n’est pas un dossier\u00a0: rien n’a été écrit." in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in target.iterdir()) == ["editorial"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_init_into_an_unwritable_folder_writes_nothing(tmp_path):
    target = tmp_path / "nouveau"
    target.mkdir()
    target.chmod(0o555)
    try:
        done = run(["init", str(target)], tmp_path)
    finally:
        target.chmod(0o755)
    assert done.returncode == 1 and "permission refusée" in done.stderr and "Traceback" not in done.stderr
    assert list(target.iterdir()) == []


def test_init_where_nothing_can_be_written_says_so_in_french(tmp_path):
    """Class 9: a folder no one may write into (`/proc`, even for root): one French line."""
    done = run(["init", "/proc/ptce-mono-essai"], tmp_path)
    assert done.returncode == 1, done.stderr
    assert "impossible d’écrire" in done.stderr and "rien n’a été écrit" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_init_that_fails_half_way_leaves_nothing(tmp_path, monkeypatch):
    """Nothing half-written: the files written before a failure are removed, the folders made too."""
    from ptce_mono.commands import init
    from ptce_mono.core import files

    calls = []
    real = files.write_new_file

    def fail_on_the_fourth(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 4:
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(init, "write_new_file", fail_on_the_fourth)
    target = tmp_path / "nouveau"
    with pytest.raises(init.CannotInit):
        init.init_project(target)
    assert not target.exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_on_a_busy_or_impossible_port_says_why_in_french(tmp_path):
    """Class 9: a busy port and port 70000: a French message, exit 2, no traceback."""
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER,
                                                   "monographs/pole-test.md": monograph_text("pole-test")})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = run(["serve", "--port", str(port)], project, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"le port {port} est déjà utilisé" in done.stderr and "Traceback" not in done.stderr
    done = run(["serve", "--port", "70000"], project, timeout=120)
    assert done.returncode == 2 and "port 70000" in done.stderr and "Traceback" not in done.stderr


def test_serve_answers_a_nul_byte_and_early_closes_without_a_traceback(tmp_path):
    """Class 9: `%00` in a path is a 404; a browser closing early prints nothing."""
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER,
                                                   "monographs/pole-test.md": monograph_text("pole-test")})
    port = free_port()
    server = subprocess.Popen([PTCE, "serve", "--port", str(port)], cwd=project, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=FRENCH)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the preview never started"
                time.sleep(0.2)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/index.html%00.txt", headers={"Host": f"127.0.0.1:{port}"})
        assert connection.getresponse().status == 404
        connection.close()
        for _attempt in range(5):  # asked for the page, gone before the answer
            with socket.create_connection(("127.0.0.1", port)) as early:
                early.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                early.sendall(f"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=60)
    assert "Traceback" not in err and "Error" not in err, err[-3000:]


def test_an_undecodable_image_is_an_error_naming_it(tmp_path):
    """Class 9: a logo that cannot be decoded was dropped with exit 0 and an English warning."""
    root = Path(__file__).resolve().parents[2]
    cover = (root / "templates" / "partials" / "cover.html").read_text(encoding="utf-8")
    project = write_project(tmp_path / "project", {
        "dossier.yaml": DOSSIER,
        "monographs/pole-test.md": monograph_text("pole-test"),
        "templates/dossier.css": (root / "templates" / "dossier.css").read_text(encoding="utf-8"),
        "templates/partials/cover.html": cover.replace('<div class="cover-rule"></div>',
                                                       '<img src="../assets/logo.png" alt="Logo">'),
        "assets/logo.png": b"\x89PNG\r\n\x1a\n" + b"pas une image" * 40,
    })
    for args in (["build", "--jobs", "1"], ["build", "--single-pass", "--force"]):
        done = run(args, project)
        assert done.returncode == 1, done.stderr[-2000:]
        assert "assets/logo.png\u00a0: cette image ne peut pas être décodée" in done.stderr, done.stderr[-2000:]
        assert "Failed to load image" not in done.stderr


def test_the_commonest_check_problems_are_in_french(tmp_path):
    """Class 9: missing, empty and thin sections, and the file name, were printed in English."""
    text = monograph_text("pole-test", sections=["Résumé", "Genèse", "Gouvernance"],
                          body={"Genèse": "", "Gouvernance": "Trop court."})
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER, "monographs/autre-nom.md": text})
    done = run(["check"], project)
    said = done.stdout
    assert "la section obligatoire `Objectifs et activités` manque" in said, said
    assert "la section `Genèse` est vide" in said
    assert "la section `Gouvernance` a 2 mots\u202f; la grille en attend au moins" in said
    assert "le nom du fichier, `autre-nom`, diffère de l’identifiant `pole-test`" in said
    for english in ("is missing", "is empty", "words; the grid", "differs from the id"):
        assert english not in said


def test_jobs_24_starts_no_more_processes_than_pieces_and_cores(tmp_path):
    """Class 9: `--jobs 24` for a dossier of a few pieces started 24 typesetting processes."""
    from ptce_mono.core.machine import available_cores
    from ptce_mono.typeset.pieces.workers import build_workers

    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER,
                                                   "monographs/pole-test.md": monograph_text("pole-test")})

    def children() -> set[str]:
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if stat.read_text().rsplit(")", 1)[1].split()[1] == str(os.getpid()):
                    found.add(stat.parent.name)
            except OSError:
                continue
        return found

    before = children()  # what an earlier test of this process may still be ending
    with build_workers(project, 24) as workers:
        workers.start()
        time.sleep(0.5)
        started = children() - before
        assert workers.jobs <= min(available_cores(), 5)
        assert len(started) <= min(available_cores(), 5)
