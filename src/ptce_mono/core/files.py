"""Writes that never destroy: atomic, never through a link, temporary files named as ours.

A file is written beside its target under a name only ptce-mono uses (`.<name>.ptce-mono.<pid>.
<random>.tmp`), then renamed over it: a reader sees the old file or the new one, never half of
one, and a link at the target is replaced, not followed. `sweep_temporaries` removes only such
names whose writer is gone, regular files of this user: never another program's file.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path

TEMPORARY_MARK = "ptce-mono"
# `.<name>.ptce-mono.<pid>.<random>.tmp`: the process id says whether the writer may still be at
# work; `mkstemp`'s random part is 8 of [a-z0-9_].
_TEMPORARY = re.compile(rf"^\..+\.{TEMPORARY_MARK}\.(\d+)\.[a-z0-9_]{{8}}\.tmp$")


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
    return tempfile.mkstemp(
        prefix=f".{path.name}.{TEMPORARY_MARK}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )


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
        if not match or _alive(int(match.group(1))):
            continue
        try:
            info = os.lstat(folder / name)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid():
                (folder / name).unlink()
                removed.append(folder / name)
        except OSError:
            pass
    return removed



def write_new_file(path: Path, data: bytes) -> None:
    """Create `path` with `data`; never over a file or a link that is there (FileExistsError)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o666)  # the umask applies, as for `open()`
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def digest_of_output(path: Path) -> str:
    """The SHA-256 of the regular file `path` itself ("" when it is missing, a link or anything
    else): an output's record is checked without following a link or opening a pipe."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return ""
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return ""
        digest = hashlib.sha256()
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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
