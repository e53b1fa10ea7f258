"""`ptce-mono serve`: an HTML preview on localhost, rebuilt when a source is saved.

The preview is the dossier's own HTML (drafts included, as an editor wants to see them), written
to `build/preview/`. When the sources have errors, the page lists them with file:line instead.
The server listens on 127.0.0.1 only.

The open page reloads itself after each rebuild (preview_pages.py says how).

Each rebuild says one line on the terminal (when, how long, the poles, the problems), then the
errors and warnings themselves. `/dossier.pdf` is built in the background, in a thread of its
own: the request answers at once with a page that follows the build's steps (`/__pdf`, polled)
and shows the PDF when it is ready; the terminal follows the steps too, and says the PDF's
pages. Once the PDF has been asked for, every rebuild builds it again, so that it stays current
(its pieces cached, only what changed is typeset again).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ptce_mono.check.report import format_text
from ptce_mono.commands.build import build_dossier
from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.commands.preview_pages import (
    problems_page,
    reloading,
)
from ptce_mono.commands.preview_server import ServeError, describe_failure, listening
from ptce_mono.core.errors import PtceError
from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.core.i18n import _, decimal, ngettext, os_reason
from ptce_mono.core.problems import Problem, Severity
from ptce_mono.core.project_files import Refused, output_folder
from ptce_mono.sources.resources import PROJECT_SOURCES, files_under, template_folders
from ptce_mono.typeset.fonts import copy_fonts
from ptce_mono.typeset.stylesheet import browser_html, find_stylesheet

LOGGER = logging.getLogger("ptce_mono.commands.serve")


def snapshot(project: Path) -> dict[str, float]:
    """Modification times of every source of the dossier.

    Files come and go while an editor saves (a temporary file written, then renamed over the
    source): one that vanishes between the listing and its `stat` is simply not counted.
    """
    times: dict[str, float] = {}
    for file in (file for name in PROJECT_SOURCES for file in files_under(project / name)):
        try:
            times[str(file)] = file.stat().st_mtime
        except OSError:
            continue
    return times


def _now() -> str:
    return time.strftime("%H:%M:%S")


def _say(line: str) -> None:
    print(line, flush=True)


def problems_tally(problems: list[Problem]) -> str:
    """« 3 problèmes (1 erreur, 2 notes) », « aucun problème »."""
    counts = {s: sum(1 for p in problems if p.severity == s) for s in Severity}
    if not problems:
        return _("no problem")
    words = {
        Severity.ERROR: ngettext("{count} error", "{count} errors", counts[Severity.ERROR]),
        Severity.WARNING: ngettext("{count} warning", "{count} warnings", counts[Severity.WARNING]),
        Severity.INFO: ngettext("{count} info", "{count} infos", counts[Severity.INFO]),
    }
    detail = ", ".join(words[s].format(count=counts[s]) for s in sorted(Severity, reverse=True) if counts[s])
    return ngettext("{count} problem ({detail})", "{count} problems ({detail})", len(problems)).format(
        count=len(problems), detail=detail
    )


@dataclass
class PdfStatus:
    """Where the PDF's build is, as `/__pdf` tells the waiting page."""

    state: str = "none"  # none, building, ready, failed
    step: str = ""  # the build's last step, as it said it
    pages: int = 0
    seconds: float = 0.0
    error: str = ""
    basis: int = -1  # the preview build whose sources it was made from
    path: Path | None = None


@dataclass
class Preview:
    project: Path
    out_dir: Path
    builds: int = 0
    last_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    say: Callable[[str], None] = _say  # the terminal
    pdf: PdfStatus = field(default_factory=PdfStatus)
    pdf_wanted: bool = False  # asked for once: rebuilt with the preview from then on
    pdf_again: bool = False  # the sources changed while it was being built
    pdf_lock: threading.Lock = field(default_factory=threading.Lock)

    def rebuild(self) -> None:
        with self.lock:
            started = time.perf_counter()
            problems: list[Problem] = []
            try:
                prepared = prepare_dossier(self.project, drafts=True)
                stylesheet = find_stylesheet(template_folders(self.project))
                page = browser_html(prepared.rendered.html, stylesheet)
                copy_fonts(self.out_dir)
                self.last_error = ""
                problems = prepared.problems
                poles = len(prepared.printed)
            except PtceError as exc:
                problems = list(getattr(exc, "problems", None) or [])
                self.last_error = format_text(problems, frames=False) if problems else str(exc)
                page = problems_page(self.last_error)
            except Exception as exc:  # a template error, a file gone: shown, and the preview goes on
                self.last_error = describe_failure(exc)
                page = problems_page(self.last_error)
            build = self.builds + 1
            write_bytes_atomic(self.out_dir / "index.html", reloading(page, build).encode("utf-8"))
            self.builds = build
            seconds = decimal(time.perf_counter() - started)
            if self.last_error:
                line = _("{time} · the dossier cannot be built ({seconds} s): {problems}")
                self.say(line.format(time=_now(), seconds=seconds, problems=problems_tally(problems)))
                self.say((format_text(problems, frames=False) if problems else self.last_error).rstrip())
                return
            self.say(
                _("{time} · preview rebuilt in {seconds} s: {poles}, {problems}").format(
                    time=_now(),
                    seconds=seconds,
                    poles=ngettext("{count} pole", "{count} poles", poles).format(count=poles),
                    problems=problems_tally(problems),
                )
            )
            shown = [p for p in problems if p.severity >= Severity.WARNING]
            if shown:
                self.say(format_text(shown, frames=False).rstrip())
        if self.pdf_wanted:
            self.request_pdf()

    # -- the PDF, built in the background ----------------------------------------------------------

    def pdf_is_current(self) -> bool:
        return self.pdf.state == "ready" and self.pdf.basis == self.builds and self.pdf.path is not None

    def current_pdf(self) -> Path | None:
        """The PDF of the sources as they are now, or None while there is none."""
        return self.pdf.path if self.pdf_is_current() else None

    def request_pdf(self) -> None:
        """Build the PDF in the background, unless it is being built (then once more after)."""
        with self.pdf_lock:
            self.pdf_wanted = True
            if self.pdf.state == "building":
                self.pdf_again = True
                return
            self.pdf = PdfStatus(state="building", step=_("starting"), pages=self.pdf.pages)
        threading.Thread(target=self._build_pdf, name="ptce-mono-pdf", daemon=True).start()

    def _build_pdf(self) -> None:
        while True:
            basis, started = self.builds, time.perf_counter()
            self.say(_("{time} · PDF: building it").format(time=_now()))
            steps = _Steps(threading.get_ident(), self._step)
            reason = ""
            try:
                with steps:
                    report = build_dossier(self.project, self.out_dir / "pdf", drafts=True)
                seconds = time.perf_counter() - started
                status = PdfStatus("ready", "", report.pages, seconds, "", basis, report.pdf)
            except PtceError as exc:
                # The page shows the problems; the terminal has just listed them with the preview's.
                problems = getattr(exc, "problems", None)
                reason = str(exc)
                error = (format_text(problems, frames=False) if problems else "") + reason
                status = PdfStatus("failed", "", 0, time.perf_counter() - started, error, basis)
            except Exception as exc:  # a template error, a file gone: said, and the preview goes on
                reason = describe_failure(exc)
                status = PdfStatus("failed", "", 0, time.perf_counter() - started, reason, basis)
            if status.state == "ready":
                line = _("{time} · PDF ready: {pages} pages in {seconds} s.").format(
                    time=_now(), pages=status.pages, seconds=decimal(status.seconds)
                )
            else:
                line = _("{time} · PDF not built: {reason}").format(time=_now(), reason=reason)
            self.say(line)
            with self.pdf_lock:
                if not self.pdf_again:
                    self.pdf = status
                    return
                self.pdf_again = False
                self.pdf = PdfStatus(state="building", step=_("starting"), pages=status.pages)

    def _step(self, message: str) -> None:
        with self.pdf_lock:
            self.pdf.step = message
        self.say(_("{time} · PDF: {step}…").format(time=_now(), step=message))

    def pdf_json(self) -> bytes:
        with self.pdf_lock:
            status = {
                "state": self.pdf.state,
                "step": self.pdf.step,
                "pages": self.pdf.pages,
                "seconds": round(self.pdf.seconds, 1),
                "error": self.pdf.error,
                "current": self.pdf_is_current(),
            }
        return json.dumps(status, ensure_ascii=False).encode("utf-8")

    def watch(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Rebuild whenever a source changes, until `stop`; nothing that happens ends it."""
        seen = snapshot(self.project)
        while not stop.wait(interval):
            now = snapshot(self.project)
            if now != seen:
                seen = now
                try:
                    self.rebuild()
                except Exception as exc:  # the page could not even be written: try at the next save
                    LOGGER.error(
                        _("the preview could not be rebuilt: {reason}").format(reason=describe_failure(exc))
                    )


class _Steps(logging.Handler):
    """The steps the build logs (« Vérification des monographies »...) in the thread that builds
    the PDF, while it runs; the package's loggers say their steps for that time."""

    def __init__(self, thread: int, report: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.thread, self.report = thread, report
        self.logger = logging.getLogger("ptce_mono")
        self.level_before = self.logger.level

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.report(record.getMessage())

    def __enter__(self) -> _Steps:
        self.logger.addHandler(self)
        if not self.logger.isEnabledFor(logging.INFO):
            self.logger.setLevel(logging.INFO)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.logger.removeHandler(self)
        self.logger.setLevel(self.level_before)


def serve(project: Path, port: int = 8000) -> None:  # pragma: no cover - runs until interrupted
    """Raises ServeError: a port out of range or in use, `build/preview` reached through a link."""
    base = project.resolve()
    # A real folder of the project: a link there would have the preview written and served elsewhere.
    try:
        preview = Preview(base, output_folder(base / "build" / "preview", base))
    except Refused as refused:
        raise ServeError(str(refused)) from None
    except OSError as exc:
        raise ServeError(f"{exc.filename}: {os_reason(exc)}") from None
    server = listening(preview, port)
    preview.rebuild()
    stop = threading.Event()
    threading.Thread(target=preview.watch, args=(stop,), daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}/"
    print(_("Preview on {address} (the PDF: {address}dossier.pdf); Ctrl-C stops it.").format(address=address))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
