"""ptce-mono: validate PTCE case-study monographs against a shared grid and publish them as a dossier."""

from __future__ import annotations

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
from ptce_mono.core.version import VERSION as __version__
from ptce_mono.sources.grid import Grid, load_grid
from ptce_mono.sources.monograph import Monograph, parse_monograph

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
