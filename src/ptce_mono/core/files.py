"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

# `.<name>.<pid>.<random>.tmp`: the process id says whether the writer may still be at work.
_TEMPORARY = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")


def current_umask() -> int:
    """The process's umask, read without changing it when the system says it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def readable_mode() -> int:
    """The mode a new file gets from `open()`: 0o666 less the umask (0o644 typically)."""
    return 0o666 & ~current_umask()


def temporary_beside(path: Path) -> tuple[int, str]:
    """A new private temporary file next to `path`, named so that `sweep_temporaries` knows it."""
    return tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed writer left in `folder` (its process is gone)."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = _TEMPORARY.match(name)
        if match and not _alive(int(match.group(1))):
            try:
                (folder / name).unlink()
                removed.append(folder / name)
            except OSError:
                pass
    return removed


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` beside `path`, then rename it over `path`, with the mode the umask gives.

    No fsync: everything ptce-mono writes is made again from the sources, and the build's stamp
    records its outputs' hashes, so a file torn by a power cut is noticed and rebuilt. An fsync
    would flush every file the build wrote before it (its cache included): 0.1 to 0.2 s of each
    build on a common disk, for no data that could be lost.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            # mkstemp makes the file private; the outputs are for reading, by a web server too.
            os.fchmod(handle.fileno(), readable_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
