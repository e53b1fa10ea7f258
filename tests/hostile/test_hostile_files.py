"""Hostile files: links out of the project, special files, huge files, and what a report may read.

Each test names the probe of the reliability review it answers (issue 21, items 1 to 18).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monograph_factory import invoke, monograph_text, write_project

DOSSIER = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n"
CANARY = "CANARY-OUTSIDE-7f3a"
PTCE = str(Path(sys.executable).parent / "ptce-mono")


def project_at(root: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    return write_project(root, {"dossier.yaml": DOSSIER, "monographs/pole-test.md": monograph_text("pole-test"),
                                **(extra or {})})


def outside_monograph(tmp_path: Path) -> Path:
    """A valid monograph outside the project, its first line and its text marked."""
    path = tmp_path / "elsewhere" / "secret.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = monograph_text("secret", body={"Genèse": f"{CANARY} raconte sa genèse."})
    path.write_text(text, encoding="utf-8")
    return path


def run_limited(args: list[str], cwd: Path, memory: int = 1 << 30, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The command line in a process with `memory` bytes of address space, killed after `timeout`."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([PTCE, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limit, check=False)


def test_a_link_out_of_the_project_is_refused_whatever_the_working_folder(tmp_path):
    """Probe 1: `build --project DIR` from a folder above both the project and the linked file."""
    project = project_at(tmp_path / "project")
    (project / "monographs" / "secret.md").symlink_to(outside_monograph(tmp_path))
    result = invoke(["build", "--project", str(project)], tmp_path)
    assert result.exit_code == 1, result.output
    assert "monographs/secret.md:1:1: error: the file is a link to a place outside the project" in result.output
    assert CANARY not in result.output
    assert not (project / "build" / "dossier.pdf").exists()


@pytest.mark.parametrize("name", ["editorial/analyse.md", "editorial/options.yaml", "dossier.yaml"])
def test_conventional_files_linked_out_of_the_project_are_not_read(tmp_path, name):
    """Probe 2: an editorial text or the options at their conventional path, linked outside."""
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{CANARY}: premier paragraphe\n\nsuite\n", encoding="utf-8")
    project = project_at(tmp_path / "project")
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    (project / name).unlink(missing_ok=True)
    (project / name).symlink_to(secret)
    from ptce_mono.commands.prepare import prepare_dossier
    from ptce_mono.core.errors import PtceError

    with pytest.raises(PtceError) as raised:
        prepare_dossier(project)
    problems = getattr(raised.value, "problems", None) or []
    message = str(raised.value) + "".join(p.message for p in problems)
    assert "outside the project" in message
    result = invoke(["build"], project)
    assert result.exit_code == 1
    assert CANARY not in result.output
    assert not (project / "build" / "dossier.pdf").exists()


@pytest.mark.parametrize("linked", ["file", "folder"])
def test_a_project_template_linked_out_of_the_project_is_not_read(tmp_path, linked):
    """Templates are read through the same rule (what-to-build: templates, assets)."""
    from ptce_mono.sources.resources import default_resource

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(default_resource("templates"), elsewhere)
    (elsewhere / "partials" / "cover.html").write_text(f"<p>{CANARY}</p>", encoding="utf-8")
    project = project_at(tmp_path / "project")
    if linked == "file":
        (project / "templates" / "partials").mkdir(parents=True)
        (project / "templates" / "partials" / "cover.html").symlink_to(elsewhere / "partials" / "cover.html")
    else:
        (project / "templates").symlink_to(elsewhere, target_is_directory=True)
    from ptce_mono.commands.prepare import prepare_dossier
    from ptce_mono.core.errors import PtceError

    with pytest.raises(PtceError) as raised:
        prepare_dossier(project)
    problems = getattr(raised.value, "problems", None) or []
    assert "outside the project" in str(raised.value) + "".join(p.message for p in problems)
    assert CANARY not in str(raised.value)


def test_a_monographs_folder_linked_out_of_the_project_is_not_read(tmp_path):
    """Probe 11: `monographs/` itself is a link to a folder elsewhere."""
    outside_monograph(tmp_path)
    project = write_project(tmp_path / "project", {"dossier.yaml": DOSSIER})
    (project / "monographs").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    result = invoke(["check"], project)
    assert result.exit_code == 1
    assert "monographs:1:1: error: the folder is a link to a place outside the project" in result.output
    assert CANARY not in result.output and "secret" not in result.output


def test_a_refused_file_is_not_read_even_for_the_code_frame(tmp_path):
    """Probe 12: the first line of a linked file must not appear in the error's frame."""
    secret = tmp_path / "passwd"
    secret.write_text(f"{CANARY}:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    project = project_at(tmp_path / "project")
    (project / "monographs" / "x.md").symlink_to(secret)
    for fmt in ("text", "github", "json"):
        result = invoke(["check", "--format", fmt], project)
        assert result.exit_code == 1
        assert "link-outside" in result.output
        assert CANARY not in result.output, fmt


def test_a_link_to_dev_zero_is_refused_without_reading_it(tmp_path):
    """Probe 4: `x.md -> /dev/zero` must not make `check` read until memory runs out."""
    project = project_at(tmp_path / "project")
    (project / "monographs" / "x.md").symlink_to("/dev/zero")
    done = run_limited(["check"], project)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "monographs/x.md:1:1: error: the file is a link to a place outside the project" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_fifo_is_refused_without_blocking(tmp_path):
    """Probe 5: a FIFO named `x.md` in the project hangs nothing."""
    project = project_at(tmp_path / "project")
    os.mkfifo(project / "monographs" / "x.md")
    done = run_limited(["check"], project, timeout=60)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "monographs/x.md:1:1: error: this is not a regular file" in done.stdout
    built = run_limited(["build", "--jobs", "1"], project, memory=4 << 30, timeout=120)
    assert built.returncode == 1, built.stderr[-2000:]
    assert "[not-a-file]" in built.stderr and "Traceback" not in built.stderr


def test_a_huge_sparse_file_is_refused_and_its_frame_reads_a_bounded_window(tmp_path):
    """Probe 10: a 1 GiB sparse monograph, with 512 MiB of address space for the whole check."""
    project = project_at(tmp_path / "project")
    with (project / "monographs" / "huge.md").open("wb") as handle:
        handle.truncate(1 << 30)
    done = run_limited(["check"], project, memory=512 << 20)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "monographs/huge.md:1:1: error: the file is 1024.0 MiB; a monograph may be at most 2 MiB" in done.stdout
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr


AUDIT = r"""
import os, sys
from pathlib import Path
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.path.realpath(os.fsdecode(args[0])))
sys.addaudithook(hook)
from ptce_mono.commands.build import build_dossier
from ptce_mono.core.errors import PtceError
project = Path(sys.argv[1])
try:
    build_dossier(project, project / "build", jobs=1)
except PtceError as exc:
    print("refused:", exc)
outside = [p for p in opened if "canary" in p]
print("OPENED", outside)
sys.exit(1 if outside else 0)
"""


def test_no_file_a_link_leads_to_is_opened_not_even_to_fingerprint_it(tmp_path):
    """Probes 1, 2 and 12 at the system level: the linked files are never opened."""
    canary = tmp_path / "canary"
    canary.mkdir()
    (canary / "secret.md").write_text(monograph_text("secret"), encoding="utf-8")
    (canary / "options.yaml").write_text("options: []\n", encoding="utf-8")
    project = project_at(tmp_path / "project")
    (project / "monographs" / "secret.md").symlink_to(canary / "secret.md")
    (project / "editorial").mkdir()
    (project / "editorial" / "options.yaml").symlink_to(canary / "options.yaml")
    done = subprocess.run([sys.executable, "-c", AUDIT, str(project)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "refused:" in done.stdout
