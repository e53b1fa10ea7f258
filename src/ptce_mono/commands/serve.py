"""`ptce-mono serve`: an HTML preview on localhost, rebuilt when a source is saved.

The preview is the dossier's own HTML (drafts included, as an editor wants to see them), written
to `build/preview/`. When the sources have errors, the page lists them with file:line instead.
`/dossier.pdf` builds the PDF on demand. The server listens on 127.0.0.1 only.

The open page reloads itself after each rebuild: it carries the number of its build and asks
`/__build` for the current one every second (plain polling: nothing stays open on the server).
"""

from __future__ import annotations

import errno
import html
import http.server
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from ptce_mono.check.report import format_text
from ptce_mono.commands.build import build_dossier
from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.core.errors import PtceError
from ptce_mono.core.files import why, write_bytes_atomic
from ptce_mono.core.i18n import _
from ptce_mono.core.project_files import Refused, output_folder
from ptce_mono.sources.resources import PROJECT_SOURCES, files_under, template_folders
from ptce_mono.typeset.fonts import copy_fonts
from ptce_mono.typeset.stylesheet import browser_html, find_stylesheet

LOCAL_NAMES = ("127.0.0.1", "localhost")
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


BUILD_PATH = "/__build"


def reloading(page: str, build: int) -> str:
    """`page` with the script that reloads it once a build newer than `build` is served."""
    script = (
        f'<script>(function () {{ var shown = "{build}"; setInterval(function () {{'
        f' fetch("{BUILD_PATH}", {{cache: "no-store"}}).then(function (r) {{ return r.text(); }})'
        " .then(function (now) { if (now !== shown) { location.reload(); } })"
        " .catch(function () {}); }, 1000); })();</script>"
    )
    end = page.rfind("</body>")
    return page[:end] + script + page[end:] if end >= 0 else page + script


def problems_page(message: str) -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Problèmes</title>'
        "<style>body{font:15px/1.5 sans-serif;margin:2em;color:#1f2a36}pre{white-space:pre-wrap;"
        "background:#f6f3ec;padding:1em;border-left:4px solid #8c2f39}</style></head><body>"
        "<h1>Le dossier ne peut pas être construit</h1><p>Corrigez ces problèmes ; la page se met à "
        f"jour à l'enregistrement.</p><pre>{html.escape(message)}</pre></body></html>"
    )


@dataclass
class Preview:
    project: Path
    out_dir: Path
    builds: int = 0
    last_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rebuild(self) -> None:
        with self.lock:
            try:
                prepared = prepare_dossier(self.project, drafts=True)
                stylesheet = find_stylesheet(template_folders(self.project))
                page = browser_html(prepared.rendered.html, stylesheet)
                copy_fonts(self.out_dir)
                self.last_error = ""
            except PtceError as exc:
                problems = getattr(exc, "problems", None)
                self.last_error = format_text(problems, frames=False) if problems else str(exc)
                page = problems_page(self.last_error)
            except Exception as exc:  # a template error, a file gone: shown, and the preview goes on
                self.last_error = _describe(exc)
                page = problems_page(self.last_error)
            build = self.builds + 1
            write_bytes_atomic(self.out_dir / "index.html", reloading(page, build).encode("utf-8"))
            self.builds = build

    def build_pdf(self) -> Path:
        with self.lock:
            return build_dossier(self.project, self.out_dir / "pdf", drafts=True).pdf

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
                        _("the preview could not be rebuilt: {reason}").format(reason=_describe(exc))
                    )


def _describe(exc: BaseException) -> str:
    where = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    place = f"{where}:{line}: " if where and line else f"{where}: " if where else ""
    return f"{place}{type(exc).__name__}: {exc}"


def _host_allowed(host: str | None, port: int) -> bool:
    """Only this machine's names: a page elsewhere cannot reach the preview by DNS rebinding."""
    return host in {f"{name}:{port}" for name in LOCAL_NAMES} | (set(LOCAL_NAMES) if port == 80 else set())


def make_server(preview: Preview, port: int = 8000) -> http.server.ThreadingHTTPServer:
    root = Path(os.path.realpath(preview.out_dir))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(preview.out_dir), **kwargs)  # type: ignore[arg-type]

        def _servable(self) -> bool:
            """Only a regular file under the preview folder, links resolved; no folder listing.
            A path no file can have (`%00`) is simply not found."""
            try:
                path = Path(self.translate_path(self.path))
                if path.is_dir():
                    path = path / "index.html"
                resolved = Path(os.path.realpath(path))
                return resolved.is_relative_to(root) and resolved.is_file()
            except (ValueError, OSError):
                return False

        def list_directory(self, path: str | os.PathLike[str]) -> None:
            self.send_error(404)

        def _refused(self) -> bool:
            port = cast(http.server.HTTPServer, self.server).server_port
            if not _host_allowed(self.headers.get("Host"), port):
                self.send_error(421, "the preview answers only to 127.0.0.1 and localhost")
                return True
            return False

        def do_HEAD(self) -> None:
            if self._refused():
                return
            if not self._servable():
                self.send_error(404)
                return
            super().do_HEAD()

        def do_GET(self) -> None:
            if self._refused():
                return
            if self.path.split("?")[0] == BUILD_PATH:
                number = str(preview.builds).encode("ascii")
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=ascii")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(number)))
                self.end_headers()
                self.wfile.write(number)
                return
            if self.path.split("?")[0] == "/dossier.pdf":
                try:
                    pdf = preview.build_pdf()
                except PtceError as exc:
                    # The reason goes in the body: the status line takes Latin-1 only.
                    self.send_error(500, "the PDF could not be built", str(exc))
                    return
                except Exception as exc:  # a template error, a file gone: the server goes on
                    self.send_error(500, "the PDF could not be built", _describe(exc))
                    return
                data = pdf.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            if not self._servable():
                self.send_error(404)
                return
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:  # quiet by default
            pass

    return _QuietServer(("127.0.0.1", port), Handler)


class _QuietServer(http.server.ThreadingHTTPServer):
    """A browser closing a connection early (a reload, a tab closed) is no error: nothing is
    printed; anything else is one line, never a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if error is None or isinstance(error, ConnectionError | TimeoutError):
            return
        LOGGER.error(_("the preview could not answer a request: {reason}").format(reason=_describe(error)))


class ServeError(PtceError):
    exit_code = 2


def listening(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    """The preview's server on 127.0.0.1:`port` (0: any free port). Raises ServeError, in
    French, for a port out of range or already in use."""
    if not 0 <= port <= 65535:
        raise ServeError(_("port {port}: a port is a number from 1 to 65535").format(port=port))
    try:
        return make_server(preview, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                _("port {port} is already in use: choose another with --port").format(port=port)
            ) from None
        raise ServeError(
            _("cannot listen on port {port}: {reason}").format(port=port, reason=why(exc))
        ) from None


def serve(project: Path, port: int = 8000) -> None:  # pragma: no cover - runs until interrupted
    """Raises ServeError: a port out of range or in use, `build/preview` reached through a link."""
    base = project.resolve()
    # A real folder of the project: a link there would have the preview written and served elsewhere.
    try:
        preview = Preview(base, output_folder(base / "build" / "preview", base))
    except Refused as refused:
        raise ServeError(str(refused)) from None
    except OSError as exc:
        raise ServeError(f"{exc.filename}: {why(exc)}") from None
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
