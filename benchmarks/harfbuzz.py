"""The two font-subsetting configurations `make bench` measures side by side.

WeasyPrint subsets fonts with HarfBuzz's subsetting library (`libharfbuzz-subset0`) when it can
open it, else with fontTools. A machine has it or not; the bench measures both on one machine by
a library path: `LD_LIBRARY_PATH` pointing at a private copy of the library, unpacked from the
distribution's package without installing it (`apt-get download`, `dpkg -x`, no root needed),
into `build/bench/harfbuzz-subset/` (kept for the next run). The package's version is the one of
the installed `libharfbuzz0b`, which it must match.

Where the copy cannot be made (no apt, no network, another distribution), the configuration with
the library is left out and the bench says why. Where the library is installed system-wide, the
configuration without it is made by a library path too: it points at a folder holding an empty
file of the library's name, which the dynamic loader finds first and refuses ("file too short")
without looking further, so WeasyPrint finds no subsetter and falls back to fontTools, as on a
machine without the package.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "libharfbuzz-subset0"
LIBRARY = "libharfbuzz-subset.so.0"
# Asks WeasyPrint itself, in the environment given, whether it found the library.
PROBE = "from weasyprint.text.ffi import harfbuzz_subset; print(harfbuzz_subset is not None)"


@dataclass
class Configuration:
    name: str
    env: dict[str, str] = field(default_factory=dict)  # added to the environment of each run


def _weasyprint_finds_it(env: dict[str, str]) -> bool | None:
    probe = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    answer = probe.stdout.strip()
    return {"True": True, "False": False}.get(answer)


def _private_copy(folder: Path) -> tuple[Path | None, str]:
    """The folder holding the library unpacked from its package, or None and why not."""
    found = list(folder.glob(f"root/**/{LIBRARY}"))
    if found:
        return found[0].parent.resolve(), ""
    try:
        version = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "libharfbuzz0b"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["apt-get", "download", f"{PACKAGE}={version}"],
            cwd=folder, capture_output=True, text=True, check=True,
        )  # fmt: skip
        package = next(folder.glob(f"{PACKAGE}_*.deb"))
        subprocess.run(["dpkg", "-x", str(package), str(folder / "root")], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError, StopIteration) as exc:
        return None, f"{PACKAGE} could not be fetched and unpacked here ({exc})"
    found = list(folder.glob(f"root/**/{LIBRARY}"))
    return (found[0].parent.resolve(), "") if found else (None, f"{PACKAGE} holds no {LIBRARY}")


def _hidden(folder: Path) -> dict[str, str]:
    """The environment in which the installed library is not found (an empty decoy before it)."""
    decoy = folder / "hidden"
    decoy.mkdir(parents=True, exist_ok=True)
    (decoy / LIBRARY).write_bytes(b"")
    path = ":".join(p for p in (str(decoy.resolve()), os.environ.get("LD_LIBRARY_PATH", "")) if p)
    return {"LD_LIBRARY_PATH": path}


def configurations(folder: Path) -> tuple[list[Configuration], list[str]]:
    """The configurations this machine can measure, and a line for each it cannot."""
    if _weasyprint_finds_it({}):
        with_it = Configuration(f"with {PACKAGE} (installed)")
        hidden = _hidden(folder)
        if _weasyprint_finds_it(hidden) is False:
            return [Configuration(f"without {PACKAGE} (installed, hidden)", hidden), with_it], []
        return [with_it], [f"without {PACKAGE}: left out, the installed library could not be hidden"]
    found = [Configuration(f"without {PACKAGE}")]
    copy, why = _private_copy(folder)
    if copy is None:
        return found, [f"with {PACKAGE}: left out, {why}"]
    path = ":".join(p for p in (str(copy), os.environ.get("LD_LIBRARY_PATH", "")) if p)
    with_it = {"LD_LIBRARY_PATH": path}
    if not _weasyprint_finds_it(with_it):
        return found, [f"with {PACKAGE}: left out, WeasyPrint does not open the copy in {copy}"]
    return [*found, Configuration(f"with {PACKAGE}", with_it)], []
