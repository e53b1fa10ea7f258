"""A monograph file as text: read only when it is a regular file of bounded size, checked as UTF-8."""

from __future__ import annotations

import os
from pathlib import Path

from ptce_mono.core.i18n import N_, _, os_reason
from ptce_mono.core.problems import Position, ProblemList
from ptce_mono.core.project_files import Refused, read_bytes

MAX_FILE_BYTES = 2 * 1024 * 1024
_HINTS = {
    "link-outside": N_("Copy the monograph into the project instead of linking to it."),
    "not-a-file": N_("A monograph is a Markdown text file."),
}


def read_source(path: Path, problems: ProblemList, root: Path | None = None) -> str | None:
    """The file's text, or None with a problem saying why it cannot be read as UTF-8 text.

    Only a regular file under `root` (default: anywhere; the caller has bounded the path) is
    opened, and its size is checked before a byte is read.
    """
    try:
        full = Path(os.path.abspath(path))
        data = read_bytes(full, root or Path(full.anchor), MAX_FILE_BYTES)
    except Refused as refused:
        if refused.code == "file-too-large":
            size = os.stat(path).st_size
            problems.error(
                Position(),
                "file-too-large",
                _("the file is {size} MiB; a monograph may be at most {limit} MiB").format(
                    size=f"{size / 1_048_576:.1f}", limit=MAX_FILE_BYTES // 1_048_576
                ),
                _("Is this really a monograph? Split it or remove pasted material."),
            )
        else:
            hint = _HINTS.get(refused.code)
            problems.error(Position(), refused.code, refused.message, _(hint) if hint else "")
        return None
    except OSError as exc:
        reason = os_reason(exc)
        problems.error(Position(), "unreadable", _("cannot read the file: {reason}").format(reason=reason))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.error(
            Position(), "not-utf8", _("the file is UTF-16 encoded"), _("Save it as UTF-8 (without BOM).")
        )
        return None
    if b"\x00" in data:
        offset = data.index(b"\x00")
        problems.error(
            _byte_position(data, offset),
            "binary-file",
            _("the file contains binary data (NUL byte at offset {offset})").format(offset=offset),
            _("A monograph is a Markdown text file."),
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        problems.warning(
            Position(), "bom", _("the file starts with a byte-order mark"), _("Save it as UTF-8 without BOM.")
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.error(
            _byte_position(data, exc.start),
            "not-utf8",
            _("the file is not valid UTF-8 (byte {byte} at offset {offset})").format(
                byte=f"0x{data[exc.start]:02x}", offset=exc.start
            ),
            _("Save it as UTF-8; it looks like Latin-1 or Windows-1252."),
        )
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _byte_position(data: bytes, offset: int) -> Position:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return Position(line, offset - start + 1)


__all__ = ["MAX_FILE_BYTES", "read_source"]
