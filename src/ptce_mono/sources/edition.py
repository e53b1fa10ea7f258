"""The date an edition of the dossier carries.

Kept apart from the rest of the pipeline: an up-to-date build reads it before anything else is
imported.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

from ptce_mono.sources.config import DossierConfig

# A project's files never configure git here: no bare repository found inside the project is
# used, no monitor program run.
_NO_PROJECT_CONFIG = ("-c", "safe.bareRepository=explicit", "-c", "core.fsmonitor=false")


def _last_commit(project: Path) -> int | None:
    """When the project's files were last committed (seconds), if it is a git work tree."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(
            [git, *_NO_PROJECT_CONFIG, "log", "-1", "--format=%ct", "--", "."],
            cwd=project,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = done.stdout.strip()
    return int(stamp) if done.returncode == 0 and stamp.isdigit() else None


def edition_datetime(config: DossierConfig) -> dt.datetime:
    """The date the dossier carries: `edition:` of dossier.yaml, else SOURCE_DATE_EPOCH, else the
    date of the project's last commit, else the first day of the period.

    Never the clock, nor a monograph's date of writing: the same sources give the same PDF, byte
    for byte, and a monograph being written does not date the edition.
    """
    if config.edition:
        year, month, *day = (int(part) for part in config.edition.split("-"))
        return dt.datetime(year, month, day[0] if day else 1, tzinfo=dt.timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    committed = _last_commit(config.project)
    if committed is not None:
        return dt.datetime.fromtimestamp(committed, tz=dt.timezone.utc)
    return dt.datetime(config.reference_year, 1, 1, tzinfo=dt.timezone.utc)


__all__ = ["edition_datetime"]
