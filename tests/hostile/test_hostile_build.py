"""Hostile input and hostile conditions for `build`: sandbox, atomicity, concurrency, reproducibility."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monograph_factory import WORDS, invoke, monograph_text, write_project
from pdf_reading import pdf_text

DOSSIER = """title: Dossier d'essai
publisher: Comité d'essai
period: 2013-2014
"""


def project_with(tmp_path: Path, genesis: str = WORDS, front_extra: str = "") -> Path:
    text = monograph_text("pole-test", front_extra=front_extra, body={"Genèse": genesis})
    return write_project(tmp_path / "project", {"dossier.yaml": DOSSIER, "monographs/pole-test.md": text})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


HOSTILE_BODY = "\n\n".join([
    WORDS,
    "<script>alert('x')</script>",
    '<iframe src="http://127.0.0.1:9/"></iframe>',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="file:///etc/passwd">',
    "![secret](/etc/passwd) ![up](../../secret.txt) ![net](http://127.0.0.1:9/x.png)",
    "[lien](javascript:alert(1)) et [fichier](file:///etc/passwd)",
    "Calcul : {{ 7*7 }} et {% if true %}bloc{% endif %}",
])


def test_hostile_markup_is_printed_as_text_and_nothing_is_fetched(tmp_path):
    (tmp_path / "secret.txt").write_text("CANARY-SECRET", encoding="utf-8")
    project = project_with(tmp_path, HOSTILE_BODY, front_extra='motto: {text: "x</style><script>y", attribution: "url(file:///etc/passwd)"}\n')
    result = invoke(["build"], project)
    assert result.exit_code == 0, result.output
    html = (project / "build" / "dossier.html").read_text(encoding="utf-8")
    for raw in ("<script", "<iframe", "<link rel=\"attachment\"", "javascript:", "file:///etc/passwd\""):
        assert raw not in html
    assert "{{ 7*7 }}" in html and "{% if true %}bloc{% endif %}" in html  # printed as typed
    text = pdf_text(project / "build" / "dossier.pdf")
    assert "CANARY-SECRET" not in text and "root:x:" not in text
    assert "{{ 7*7 }}" in text


AUDIT_SCRIPT = r"""
import sys, os
from pathlib import Path
project = Path(sys.argv[1]).resolve()
allowed = [project, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path("/usr"), Path("/etc/fonts"),
           Path("/proc"), Path("/dev"), Path(os.environ.get("TMPDIR", "/tmp")).resolve() / "ptce-nothing"]
outside, sockets = [], []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path = Path(os.fsdecode(args[0]))
        if path.is_absolute():
            resolved = path.resolve()
            if not any(resolved.is_relative_to(a) for a in allowed):
                outside.append(str(resolved))
    elif event == "socket.connect":
        sockets.append(repr(args[1]))
sys.addaudithook(hook)
from ptce_mono.commands.build import build_dossier
build_dossier(project, project / "build")
canary = [p for p in outside if "canary" in p]
print("OUTSIDE", sorted(set(outside)))
print("SOCKETS", sockets)
sys.exit(1 if canary or sockets else 0)
"""


def test_a_build_opens_no_file_outside_the_project_and_no_socket(tmp_path):
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY", encoding="utf-8")
    body = HOSTILE_BODY + f"\n\n![c]({canary}) ![c2](file://{canary})"
    project = project_with(tmp_path, body)
    done = subprocess.run([sys.executable, "-c", AUDIT_SCRIPT, str(project)], capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SOCKETS []" in done.stdout


def test_a_killed_build_leaves_the_previous_pdf_untouched(tmp_path):
    project = project_with(tmp_path, "\n\n".join([WORDS] * 80))
    assert invoke(["build"], project).exit_code == 0
    pdf = project / "build" / "dossier.pdf"
    before = digest(pdf)
    # Make the new build different, then kill it while it typesets.
    text = (project / "monographs" / "pole-test.md").read_text(encoding="utf-8")
    (project / "monographs" / "pole-test.md").write_text(text.replace("Le pôle rassemble", "Le pôle réunit"), encoding="utf-8")
    shutil.rmtree(project / "build" / "cache")  # every piece to typeset: a wide window for the kill
    # In a session of its own: every process of the build can be found afterwards.
    process = subprocess.Popen([str(Path(sys.executable).parent / "ptce-mono"), "build"], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    # Killed once the new PDF is being written (its temporary file exists), whatever the speed.
    deadline = time.monotonic() + 120
    while not list(pdf.parent.glob(".dossier.pdf.*.tmp")) and process.poll() is None:
        assert time.monotonic() < deadline, "the build never started typesetting"
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    # Its typesetting processes see it gone and end too: none is left typesetting for nobody.
    deadline = time.monotonic() + 30
    while (left := _in_session(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == []
    assert digest(pdf) == before
    leftovers = [p.name for p in pdf.parent.iterdir() if p.name not in ("dossier.pdf", "dossier.html", "fonts", "cache")]
    assert all(name.startswith(".") for name in leftovers)  # at most hidden temporary files


def _in_session(session: int) -> list[str]:
    """The live processes of `session`, with their command lines (a zombie has none)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[3]) == session:
                command = (stat.parent / "cmdline").read_bytes()
                if command:
                    found.append(command.replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_two_builds_at_once_do_not_corrupt_each_other(tmp_path):
    from pypdf import PdfReader

    project = project_with(tmp_path)
    command = [str(Path(sys.executable).parent / "ptce-mono"), "build"]
    first = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    second = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    reader = PdfReader(project / "build" / "dossier.pdf")
    assert len(reader.pages) >= 5


@pytest.mark.parametrize("tz", ["UTC", "Pacific/Auckland"])
def test_builds_are_byte_identical_across_working_directories_and_time_zones(tmp_path, tz):
    project = project_with(tmp_path)
    ptce = str(Path(sys.executable).parent / "ptce-mono")
    env = {**os.environ, "TZ": tz}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([ptce, "build", "--out", str(tmp_path / "a")], cwd=project, env=env, check=True,
                   capture_output=True)
    subprocess.run([ptce, "build", "--project", str(project), "--out", str(tmp_path / "b")], cwd=tmp_path,
                   env={**env, "TZ": "America/Bogota"}, check=True, capture_output=True)
    assert digest(tmp_path / "a" / "dossier.pdf") == digest(tmp_path / "b" / "dossier.pdf")
