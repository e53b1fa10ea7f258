"""The one way ptce-mono opens a file it reads: inside its root, a regular file, within a size.

Every source the tool reads (monographs, editorial texts, the settings, the options, the grid,
templates, assets) comes through here, so that one rule holds for all of them:

- the path is resolved (links followed) and must stay under `root`, the project folder or the
  packaged folder it was looked up in, whatever the working folder is;
- only a regular file is opened: a FIFO would block the reader, a device (`/dev/zero`) never
  ends, a socket has nothing to read;
- the size is checked on the opened file before a byte is read, and the read stops at the limit
  anyway (a file may grow between the two).

A refused file is never read, not even in part: `Refused` says why, as an `OSError`, so readers
that already report unreadable files report it the same way.

Writing follows the same notion of inside: `output_folder` makes the folders the tool writes into
(`build/` and its subfolders, `init`'s and `new`'s targets) and refuses one reached through a
link, so that a write never leaves the project by a link; `core.files` never writes through a
link either (a file is written beside its target, then renamed over it).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from ptce_mono.core.i18n import N_, _

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a monograph, an editorial text, a template, a settings file
MAX_ASSET_BYTES = 32 * 1024 * 1024  # an image or a font the dossier prints


class Refused(OSError):
    """A file ptce-mono will not read. `code` is the problem code reported for it."""

    def __init__(self, code: str, message: str, path: Path) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


def resolved_inside(path: Path, root: Path) -> Path:
    """`path` with its links resolved, when that stays under `root`; raise Refused otherwise.

    A relative `path` is taken from `root`, never from the working folder.
    """
    base = Path(os.path.realpath(root))
    full = Path(os.path.realpath(path if path.is_absolute() else root / path))
    if not full.is_relative_to(base):
        raise Refused(
            "link-outside",
            _("the file is a link to a place outside the project; it is not read"),
            path,
        )
    return full


def is_inside(path: Path, root: Path) -> bool:
    try:
        resolved_inside(path, root)
    except Refused:
        return False
    return True


def _open_regular(path: Path, root: Path) -> tuple[int, int]:
    """A descriptor on the regular file `path` under `root`, and its size."""
    full = resolved_inside(path, root)
    # O_NONBLOCK: opening a FIFO would otherwise wait for a writer; O_NOFOLLOW: a link swapped
    # in after the path was resolved is not followed.
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(full, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(
                "not-a-file",
                _("this is not a regular file (a pipe, a device or a socket); it is not read"),
                path,
            )
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# The kinds of file a size limit names, for the catalog.
FILE_KINDS = (N_("file"), N_("template"), N_("bibliography"), N_("style"))


def too_large_message(size: int, limit: int, what: str = "file") -> str:
    return _("the {what} is {size} MiB; it may be at most {limit} MiB").format(
        what=_(what), size=f"{size / 1_048_576:.1f}", limit=f"{limit / 1_048_576:g}"
    )


def read_bytes(path: Path, root: Path, limit: int = MAX_SOURCE_BYTES, what: str = "file") -> bytes:
    """The whole content of the regular file `path` under `root`, at most `limit` bytes.

    Raises Refused (link outside, not a regular file, too large) or another OSError.
    """
    fd, size = _open_regular(path, root)
    try:
        if size > limit:
            raise Refused("file-too-large", too_large_message(size, limit, what), path)
        data = _read_at_most(fd, limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Refused("file-too-large", too_large_message(len(data), limit, what), path)
    return data


def read_text(path: Path, root: Path, limit: int = MAX_SOURCE_BYTES, what: str = "file") -> str:
    """`read_bytes` decoded as UTF-8 (UnicodeDecodeError when it is not)."""
    return read_bytes(path, root, limit, what).decode("utf-8")


def read_head(path: Path, root: Path, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """At most the first `limit` bytes of the regular file `path` under `root`, whatever its size.

    For code frames: a report shows a line or two, and must not read a huge file to do so.
    """
    fd, _size = _open_regular(path, root)
    try:
        return _read_at_most(fd, limit)
    finally:
        os.close(fd)


def lexically_inside(path: Path, root: Path) -> bool:
    """True when `path`, made absolute without following links, lies under `root`."""
    return Path(os.path.abspath(path)).is_relative_to(Path(os.path.abspath(root)))


def output_folder(folder: Path, root: Path) -> Path:
    """`folder`, created if needed, as a folder the tool may write into; returned as given.

    When `folder` lies under `root` (the project, or an output folder), every folder from `root`
    down to it must be a real folder: a link there, even to a place inside, would take the writes
    where the link leads. A folder named outside `root` (`--out` elsewhere) is the user's choice
    and is only created. Raises Refused, or OSError when a folder cannot be made."""
    if not lexically_inside(folder, root):
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    current = Path(os.path.abspath(root))
    current.mkdir(parents=True, exist_ok=True)  # the root is the caller's to name
    for part in Path(os.path.abspath(folder)).relative_to(current).parts:
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):  # made meanwhile by another build
                os.mkdir(current)
            info = os.lstat(current)
        if stat.S_ISLNK(info.st_mode):
            raise Refused(
                "output-link",
                _("{path} is a link: the tool writes only into the project's own folders").format(
                    path=current
                ),
                current,
            )
        if not stat.S_ISDIR(info.st_mode):
            raise Refused("not-a-folder", _("{path} is not a folder").format(path=current), current)
    return folder


def is_regular_file_inside(path: Path, root: Path) -> bool:
    """True for a regular file under `root` (links resolved); nothing is opened."""
    try:
        full = resolved_inside(path, root)
        return stat.S_ISREG(os.stat(full).st_mode)
    except OSError:
        return False


__all__ = [
    "MAX_ASSET_BYTES",
    "MAX_SOURCE_BYTES",
    "Refused",
    "is_inside",
    "is_regular_file_inside",
    "lexically_inside",
    "output_folder",
    "read_bytes",
    "read_head",
    "read_text",
    "resolved_inside",
]
