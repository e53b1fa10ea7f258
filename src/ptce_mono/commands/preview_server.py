"""The preview's HTTP server: this machine only, the preview folder only, never a traceback.

It serves the pages `serve.Preview` writes, the PDF it builds in the background (a waiting page
until it is ready) and two small answers the pages poll: the build's number and the PDF's status.
"""

from __future__ import annotations

import errno
import http.server
import logging
import os
import sys
from pathlib import Path
from typing import Protocol, cast

from ptce_mono.commands.preview_pages import BUILD_PATH, PDF_STATUS_PATH, waiting_page
from ptce_mono.core.errors import PtceError
from ptce_mono.core.i18n import _, os_reason

LOCAL_NAMES = ("127.0.0.1", "localhost")
LOGGER = logging.getLogger("ptce_mono.commands.serve")


class Previewed(Protocol):
    """What the server asks of the preview (`serve.Preview`)."""

    out_dir: Path
    builds: int

    def current_pdf(self) -> Path | None: ...

    def request_pdf(self) -> None: ...

    def pdf_json(self) -> bytes: ...


def describe_failure(exc: BaseException) -> str:
    """A failure in one line: where (file:line when known), its kind and its message."""
    where = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    place = f"{where}:{line}: " if where and line else f"{where}: " if where else ""
    return f"{place}{type(exc).__name__}: {exc}"


def _host_allowed(host: str | None, port: int) -> bool:
    """Only this machine's names: a page elsewhere cannot reach the preview by DNS rebinding."""
    return host in {f"{name}:{port}" for name in LOCAL_NAMES} | (set(LOCAL_NAMES) if port == 80 else set())


def make_server(preview: Previewed, port: int = 8000) -> http.server.ThreadingHTTPServer:
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

        def _answer(self, status: int, kind: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

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
                self._answer(200, "text/plain; charset=ascii", str(preview.builds).encode("ascii"))
                return
            if self.path.split("?")[0] == PDF_STATUS_PATH:
                self._answer(200, "application/json; charset=utf-8", preview.pdf_json())
                return
            if self.path.split("?")[0] == "/dossier.pdf":
                path = preview.current_pdf()
                if path is None:
                    preview.request_pdf()
                    self._answer(202, "text/html; charset=utf-8", waiting_page().encode("utf-8"))
                    return
                self._answer(200, "application/pdf", path.read_bytes())
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
        reason = describe_failure(error)
        LOGGER.error(_("the preview could not answer a request: {reason}").format(reason=reason))


class ServeError(PtceError):
    exit_code = 2


def listening(preview: Previewed, port: int) -> http.server.ThreadingHTTPServer:
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
            _("cannot listen on port {port}: {reason}").format(port=port, reason=os_reason(exc))
        ) from None
