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
from importlib import metadata
from pathlib import Path
from typing import Any

from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.core.project_files import MAX_ASSET_BYTES, Refused, read_bytes
from ptce_mono.sources.resources import default_resource

STAMP = ".ptce-build.json"
SOURCES = ("dossier.yaml", "monographs", "editorial", "grid", "templates", "assets")


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return []


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def fingerprint(project: Path, drafts: bool | None, extra: list[Path], variant: str = "") -> str:
    digest = hashlib.sha256()
    roots = [(project / name, project) for name in SOURCES]
    roots += [(folder, folder) for folder in (default_resource("grid"), default_resource("templates"))]
    roots += [(Path(__file__).parents[1], Path(__file__).parents[1])]
    roots += [(path, path.parent) for path in extra]
    for root, inside in roots:
        for file in _files(root):
            if file.suffix == ".pyc":
                continue
            try:
                content = read_bytes(file, inside, MAX_ASSET_BYTES)
            except Refused as refused:
                # Not read: the check that follows reports it; the refusal is what changed.
                content = f"refused:{refused.code}".encode()
            digest.update(str(file).encode() + b"\0" + content + b"\0")
    for package in (
        "weasyprint",
        "fonttools",
        "pydyf",
        "pikepdf",  # merges the pieces
        "uharfbuzz",  # subsets the merged fonts, shapes the page numbers
        "font-source-serif-pro",
        "font-source-sans-pro",
    ):
        digest.update(f"{package}={_version(package)}\0".encode())
    digest.update(f"drafts={drafts}\0epoch={os.environ.get('SOURCE_DATE_EPOCH', '')}\0{variant}".encode())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def read_stamp(out_dir: Path, key: str) -> dict[str, Any] | None:
    """The recorded build when its fingerprint is `key` and its outputs are unchanged."""
    try:
        stamp = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("fingerprint") != key:
        return None
    outputs = stamp.get("outputs", {})
    if not outputs or any(file_hash(out_dir / name) != digest for name, digest in outputs.items()):
        return None
    return stamp


def write_stamp(out_dir: Path, key: str, outputs: list[Path], report: dict[str, Any]) -> None:
    stamp = {"fingerprint": key, "outputs": {p.name: file_hash(p) for p in outputs}, "report": report}
    write_bytes_atomic(out_dir / STAMP, json.dumps(stamp, indent=1).encode("utf-8"))
