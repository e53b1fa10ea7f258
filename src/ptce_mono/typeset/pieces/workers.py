"""The processes that typeset the dossier's pieces, ready before the HTML is.

`Workers.start` forks one process as the build begins. It imports WeasyPrint, parses the
stylesheet and loads the fonts (about 0.6 s) while the main process checks the monographs and
makes the HTML, then forks the other workers from itself: they start ready, WeasyPrint is
imported once instead of once per worker, and fewer processes compete for the cores meanwhile.
The main process never imports WeasyPrint.

Each worker takes one job at a time over its own pipe and answers with the piece's `Layout`
(the PDF goes to the cache folder) or the exception it raised. A build that stops early (its
outputs are up to date, a monograph has an error, a piece fails) stops the workers at once:
SIGTERM becomes SystemExit in the first worker, which kills the others (they own nothing) and
deletes WeasyPrint's temporary copies of the fonts, which they all shared.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from ptce_mono.core.errors import RenderError
from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.core.machine import available_cores
from ptce_mono.sources.resources import template_folders
from ptce_mono.typeset.layout import Layout
from ptce_mono.typeset.pieces.margins import PIECE_CSS

LOGGER = logging.getLogger("ptce_mono.typeset.pieces.workers")
_STOP_WAIT = 5.0  # seconds a stopping worker is given before it is killed
_SIGNAL_AGAIN = 0.25  # seconds between two stops sent to it


def typeset_job(
    key: str,
    html: str,
    extra_css: str,
    templates: list[Path],
    project: Path,
    epoch: int,
    folder: Path,
) -> Layout:
    """Typeset one piece into the cache folder (`key`.pdf and `key`.json); its layout."""
    from ptce_mono.typeset.engine import render_pdf

    pdf, layout = render_pdf(html, templates, project, epoch, extra_css=extra_css)
    write_bytes_atomic(folder / f"{key}.pdf", pdf)
    write_bytes_atomic(folder / f"{key}.json", json.dumps(layout.to_json()).encode("utf-8"))
    return layout


_cleaning_up = False  # the first worker is stopping: further SIGTERMs are let pass


def _stop(_signal: int, _frame: Any) -> None:
    """SIGTERM in the first worker. Python ignores an exception raised while it runs a __del__
    method (garbage collection runs them anywhere), so one stop can be lost: the build repeats
    the signal until the worker is gone (Workers.close), and the worker lets the repeats pass
    once it has begun to clean up."""
    if not _cleaning_up:
        raise SystemExit(0)


def _serve(connection: Connection) -> None:
    """Typeset the jobs that come over `connection` until it says stop (None) or closes."""
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            layout = typeset_job(*job)
        except Exception as exc:  # every failure goes back to the build, which raises it
            # Sent from here, so that the exception and its frames are let go of afterwards.
            if not _reply(connection, False, exc):
                return
        else:
            if not _reply(connection, True, layout):
                return


def _reply(connection: Connection, done: bool, value: Any) -> bool:
    """Send a job's outcome; False when the build is gone."""
    try:
        connection.send((done, value))
    except (BrokenPipeError, EOFError, OSError):
        return False
    except Exception as exc:  # an exception that cannot be pickled
        connection.send((False, RenderError(f"typesetting failed: {value!r} ({exc})")))
    return True


def _first_worker(
    connections: list[Connection], main_ends: list[Connection], warm_up: tuple[list[Path], Path, str]
) -> None:
    # Ctrl-C is the main process's to handle: it stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    for connection in main_ends:  # else a pipe would not close when the main process ends
        connection.close()
    children: list[int] = []
    try:
        _get_ready(warm_up)
        for connection in connections[1:]:
            pid = os.fork()
            if pid == 0:
                try:
                    # Killed outright: these workers own nothing to clean up.
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    for other in connections:
                        if other is not connection:
                            other.close()
                    _serve(connection)
                finally:
                    # Without the exit handlers: the fonts' temporary files belong to the first
                    # worker, which deletes them once every worker is done.
                    os._exit(0)
            children.append(pid)
            connection.close()
        _serve(connections[0])
    finally:
        global _cleaning_up
        _cleaning_up = True
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)  # done, or stopped: no job of theirs is wanted
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _get_ready(warm_up: tuple[list[Path], Path, str]) -> None:
    started = time.perf_counter()
    LOGGER.debug("getting ready")
    from ptce_mono.typeset.engine import start_afresh
    from ptce_mono.typeset.engine import warm_up as get_ready

    start_afresh()  # the other workers, forked from this one, share what it loads now
    try:
        get_ready(*warm_up)
    except Exception as exc:  # the first job meets the same error and sends it to the build
        LOGGER.debug("not ready: %s", exc)
    LOGGER.debug("ready in %.2f s", time.perf_counter() - started)


def _stopped() -> RenderError:
    return RenderError(
        "a typesetting process stopped unexpectedly (out of memory?); build again, or with --single-pass"
    )


class Workers:
    """`jobs` typesetting processes; none when `jobs` is below 2 or where processes cannot be
    forked (Windows): the jobs then run in this process."""

    def __init__(self, jobs: int, templates: list[Path], project: Path, extra_css: str = "") -> None:
        self.jobs = jobs
        self.warm_up_args = (templates, project, extra_css)
        self.first: multiprocessing.process.BaseProcess | None = None
        self.connections: list[Connection] = []
        self.closed = False
        self.ready = False  # a job came back: the workers are past getting ready
        self.in_flight = 0

    def start(self) -> None:
        """Fork the first worker, once; it forks the others when it is ready."""
        if self.first is not None or self.jobs < 2 or self.closed:
            return
        if "fork" not in multiprocessing.get_all_start_methods():  # Windows: the jobs run here
            return
        context = multiprocessing.get_context("fork")
        pipes = [context.Pipe() for _ in range(self.jobs)]
        ours = [end for end, _ in pipes]
        self.first = context.Process(
            target=_first_worker,
            args=([end for _, end in pipes], ours, self.warm_up_args),
            name="ptce-mono typesetter",
            daemon=True,
        )
        self.first.start()
        for _, theirs in pipes:
            theirs.close()
        self.connections = ours

    def map(self, jobs: list[tuple[Any, ...]], meanwhile: Callable[[], None] | None = None) -> list[Layout]:
        """`typeset_job(*job)` for each job, on the workers when there are any: the first jobs
        first, each on the first worker free. The layouts in the order of `jobs`; raises what a
        job raised. `meanwhile` is called in this process once the first jobs are sent."""
        if self.closed:
            raise RenderError("the typesetting processes are stopped")
        self.start()
        if self.first is None:
            layouts = [typeset_job(*job) for job in jobs]
            if meanwhile is not None:
                meanwhile()
            return layouts
        results: dict[int, Layout] = {}
        pending = deque(range(len(jobs)))
        idle = list(self.connections)
        busy: dict[Connection, int] = {}
        try:
            while pending or busy:
                while pending and idle:
                    connection = idle.pop(0)
                    index = pending.popleft()
                    busy[connection] = index
                    try:
                        connection.send(jobs[index])
                    except OSError:
                        raise _stopped() from None
                if meanwhile is not None:
                    work: Callable[[], None] = meanwhile
                    meanwhile = None
                    work()
                    continue
                for ready in wait(list(busy)):
                    assert isinstance(ready, Connection)
                    index = busy.pop(ready)
                    try:
                        done, value = ready.recv()
                    except (EOFError, OSError):
                        raise _stopped() from None
                    if not done:
                        raise value
                    self.ready = True
                    results[index] = value
                    idle.append(ready)
        finally:
            self.in_flight = len(busy)
        if meanwhile is not None:  # no job to send
            meanwhile()
        return [results[index] for index in range(len(jobs))]

    def close(self) -> None:
        """Stop the workers: as soon as they have read their stop when they are idle, at once
        when some are busy or may still be getting ready."""
        self.closed = True
        first, self.first = self.first, None
        if first is None:
            return
        if self.ready and not self.in_flight:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.send(None)
            first.join(_STOP_WAIT)
        # SIGTERM, before the pipes close (which would start a normal exit that the signal could
        # then cut short): SystemExit in the first worker, which stops the others and deletes
        # the fonts' temporary files. Repeated until it is gone, in case one is lost (_stop).
        deadline = time.monotonic() + _STOP_WAIT
        while first.is_alive() and time.monotonic() < deadline:
            first.terminate()
            first.join(_SIGNAL_AGAIN)
        if first.is_alive():
            first.kill()
            first.join()
        for connection in self.connections:
            connection.close()
        self.connections = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def build_workers(project: Path, jobs: int | None = None, single_pass: bool = False) -> Workers:
    """The typesetting processes of a build of `project`, not started: `jobs` of them (default:
    the number of cores this process may use), none for a single pass."""
    count = 0 if single_pass else jobs or available_cores()
    return Workers(count, template_folders(project), project, PIECE_CSS)


__all__ = ["Workers", "build_workers", "typeset_job"]
