"""ptce-mono: validate PTCE case-study monographs against a shared grid and publish them as a dossier.

The names below are imported when first used (PEP 562), so that a command which has nothing to do
(an up-to-date build, `--version`) does not pay for the whole pipeline's imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ptce_mono.core.version import VERSION as __version__

if TYPE_CHECKING:
    from ptce_mono.check.validate import CheckResult, check_paths, validate
    from ptce_mono.core.errors import (
        ConfigError,
        CorpusError,
        GridError,
        PtceError,
        RenderError,
        SandboxViolation,
    )
    from ptce_mono.core.problems import Position, Problem, Severity
    from ptce_mono.sources.grid import Grid, load_grid
    from ptce_mono.sources.monograph import Monograph, parse_monograph

_HOMES = {
    "ptce_mono.check.validate": ("CheckResult", "check_paths", "validate"),
    "ptce_mono.core.errors": (
        "ConfigError",
        "CorpusError",
        "GridError",
        "PtceError",
        "RenderError",
        "SandboxViolation",
    ),
    "ptce_mono.core.problems": ("Position", "Problem", "Severity"),
    "ptce_mono.sources.grid": ("Grid", "load_grid"),
    "ptce_mono.sources.monograph": ("Monograph", "parse_monograph"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> object:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'ptce_mono' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CheckResult",
    "ConfigError",
    "CorpusError",
    "Grid",
    "GridError",
    "Monograph",
    "Position",
    "Problem",
    "PtceError",
    "RenderError",
    "SandboxViolation",
    "Severity",
    "__version__",
    "check_paths",
    "load_grid",
    "parse_monograph",
    "validate",
]
