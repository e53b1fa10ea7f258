"""pandoc, the one way the tool starts it: sandboxed, with a memory and a time limit.

Every call (a bibliography converted, the citations formatted, an export written) goes through
`run_pandoc`:

- `--sandbox`: pandoc reads only the files named on its command line and fetches nothing; the
  tool hands it what it has read and checked itself;
- its own data folder, empty: no template or filter of the user's pandoc setup is used;
- memory: the Haskell heap is capped with pandoc's own runtime option (`+RTS -M…`, as pandoc's
  manual advises for untrusted input) and the address space by `setrlimit` in the child; time: a
  CPU limit in the child and a wall-clock timeout here. Past either, pandoc is stopped and the
  failure is a `PandocFailed` naming the file it was working on.
"""

from __future__ import annotations

import resource
import subprocess
import tempfile
from pathlib import Path

from ptce_mono.core.errors import RenderError
from ptce_mono.core.i18n import _

HEAP_MIB = 1536  # pandoc's heap; a 2,000-entry BibTeX chunk needs about 150 MiB
ADDRESS_SPACE = 4 << 30  # what the whole process may map, heap and runtime included
SECONDS = 300  # a dossier's citations take seconds; this stops a runaway, not a large job
_HEAP_EXHAUSTED = 251  # the exit status of a Haskell program out of its heap


class PandocFailed(RenderError):
    """pandoc stopped, failed or went past a limit. `detail` is what pandoc said."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def _limits(seconds: int, address_space: int) -> None:
    """In the child, before pandoc starts: its address space and CPU time."""
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))


def run_bounded(
    command: list[str], data: bytes, *, seconds: int, address_space: int, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """`command` fed `data`, limited to `seconds` (CPU and wall clock) and `address_space` bytes.

    Raises subprocess.TimeoutExpired (the process is killed) or OSError."""
    return subprocess.run(
        command,
        input=data,
        capture_output=True,
        timeout=seconds,
        preexec_fn=lambda: _limits(seconds, address_space),
        cwd=cwd,
        check=False,
    )


def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def run_pandoc(
    arguments: list[str],
    text: str,
    *,
    what: str,
    seconds: int = SECONDS,
    heap_mib: int = HEAP_MIB,
    cwd: Path | None = None,
) -> str:
    """pandoc's standard output for `text` (UTF-8 both ways), `arguments` after `--sandbox`.

    `what` names the file pandoc works on, for messages. Raises PandocFailed."""
    with tempfile.TemporaryDirectory(prefix="ptce-mono-pandoc-data-") as data_dir:
        command = [
            pandoc_path(),
            "+RTS",
            f"-M{heap_mib}m",
            "-RTS",
            "--sandbox",
            f"--data-dir={data_dir}",
            *arguments,
        ]
        try:
            done = run_bounded(
                command, text.encode("utf-8"), seconds=seconds, address_space=ADDRESS_SPACE, cwd=cwd
            )
        except subprocess.TimeoutExpired:
            raise PandocFailed(
                _("{what}: pandoc was stopped after {seconds} s").format(what=what, seconds=seconds)
            ) from None
        except OSError as exc:
            raise PandocFailed(
                _("{what}: pandoc could not be started: {reason}").format(
                    what=what, reason=exc.strerror or exc
                )
            ) from None
    said = done.stderr.decode("utf-8", errors="replace").strip()
    if done.returncode == _HEAP_EXHAUSTED or "Heap exhausted" in said or "out of memory" in said:
        raise PandocFailed(
            _("{what}: pandoc was stopped: it needed more than {limit} MiB of memory").format(
                what=what, limit=heap_mib
            ),
            said,
        )
    if done.returncode < 0:
        raise PandocFailed(
            _("{what}: pandoc was stopped at its limits ({seconds} s of processor time, {limit} MiB)").format(
                what=what, seconds=seconds, limit=heap_mib
            ),
            said,
        )
    if done.returncode != 0:
        raise PandocFailed(_("{what}: pandoc failed: {reason}").format(what=what, reason=said), said)
    return done.stdout.decode("utf-8", errors="replace")


__all__ = ["PandocFailed", "pandoc_path", "run_bounded", "run_pandoc"]
