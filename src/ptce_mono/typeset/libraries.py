"""The libraries a typeset PDF depends on, with their installed versions: a new version of any
of them must typeset again, so both the build's fingerprint and the pieces' cache keys hash
these."""

from __future__ import annotations

from importlib import metadata

TYPESETTING_LIBRARIES = (
    "weasyprint",
    "pydyf",
    "fonttools",
    "pikepdf",  # merges the pieces
    "uharfbuzz",  # subsets the merged fonts, draws the map's digits
    "font-source-serif-pro",
    "font-source-sans-pro",
    "ptce-mono",
)


def library_versions(packages: tuple[str, ...] = TYPESETTING_LIBRARIES) -> str:
    """`name=version` of each package, one after the other; `-` for one that is not installed."""
    parts = []
    for package in packages:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        parts.append(f"{package}={version}\0")
    return "".join(parts)
