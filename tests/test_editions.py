"""Editions: the one with drafts has its own files; the edition's date comes from the project."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from ptce_mono.commands.build import build_dossier
from ptce_mono.core.errors import ConfigError
from ptce_mono.sources.config import load_config
from ptce_mono.sources.edition import edition_datetime

from monograph_factory import invoke, monograph_text, write_project
from pdf_reading import page_texts

DOSSIER = "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n"
UTC = dt.timezone.utc


def project(tmp_path: Path, settings: str = DOSSIER) -> Path:
    # The monographs are dated November 2026: no edition date may be taken from them.
    return write_project(
        tmp_path / "projet",
        {
            "dossier.yaml": settings,
            "monographs/pole-alpha.md": monograph_text("pole-alpha"),
            "monographs/pole-beta.md": monograph_text("pole-beta", status="draft"),
        },
    )


@pytest.fixture
def no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_the_edition_of_dossier_yaml_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    config = load_config(project(tmp_path, DOSSIER + "edition: 2014-03\n"))
    assert edition_datetime(config) == dt.datetime(2014, 3, 1, tzinfo=UTC)


def test_then_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert edition_datetime(load_config(project(tmp_path))) == dt.datetime.fromtimestamp(1700000000, UTC)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_then_the_last_commit_of_the_project(tmp_path: Path, no_epoch: None) -> None:
    folder = project(tmp_path)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Comité",
        "GIT_AUTHOR_EMAIL": "comite@example.org",
        "GIT_COMMITTER_NAME": "Comité",
        "GIT_COMMITTER_EMAIL": "comite@example.org",
        "GIT_COMMITTER_DATE": "2014-06-12T10:00:00+00:00",
        "GIT_AUTHOR_DATE": "2014-06-12T10:00:00+00:00",
    }
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "Dossier"]):
        subprocess.run(["git", *command], cwd=folder, env=env, check=True, capture_output=True)
    assert edition_datetime(load_config(folder)) == dt.datetime(2014, 6, 12, 10, tzinfo=UTC)


def test_else_the_start_of_the_period_never_a_monograph(tmp_path: Path, no_epoch: None) -> None:
    assert edition_datetime(load_config(project(tmp_path))) == dt.datetime(2013, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("written", ["2014", "mars 2014", "2014-13", "2014-03-32"])
def test_an_edition_that_is_not_a_month_is_refused_with_its_line(tmp_path: Path, written: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(project(tmp_path, DOSSIER + f"edition: {written}\n"))
    [problem] = raised.value.problems
    assert problem.code == "bad-edition" and problem.position.line == 4


def test_drafts_go_to_their_own_files_and_leave_the_published_dossier_alone(tmp_path: Path) -> None:
    folder = project(tmp_path, DOSSIER + "edition: 2014-03\n")
    out = folder / "build"
    published = build_dossier(folder, out, jobs=1)
    assert published.pdf == out / "dossier.pdf" and published.drafts_left_out == ["pole-beta"]
    before = published.pdf.read_bytes(), (out / "dossier.html").read_bytes(), published.pdf.stat().st_mtime_ns

    result = invoke(["build", "--drafts"], folder)
    assert result.exit_code == 0, result.output
    assert "dossier-brouillon.pdf" in result.output
    assert (
        published.pdf.read_bytes(),
        (out / "dossier.html").read_bytes(),
        published.pdf.stat().st_mtime_ns,
    ) == before
    draft = out / "dossier-brouillon.pdf"
    assert (out / "dossier-brouillon.html").is_file()
    assert "BROUILLON" in "\n".join(page_texts(draft)) and "BROUILLON" not in "\n".join(
        page_texts(published.pdf)
    )
    # The edition's date, not November 2026 of the monographs: on the cover and in the metadata.
    assert "mars 2014" in page_texts(draft)[0]
    assert PdfReader(draft).metadata["/CreationDate"] == "D:20140301000000Z"

    # Each edition keeps its own record: neither rebuild undoes the other.
    assert build_dossier(folder, out, jobs=1).up_to_date
    assert build_dossier(folder, out, drafts=True, jobs=1).up_to_date
