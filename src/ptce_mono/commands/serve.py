"""`ptce-mono serve`: an HTML preview on localhost, rebuilt when a source is saved.

The preview is the dossier's own HTML (drafts included, as an editor wants to see them), written
to `build/preview/`. When the sources have errors, the page lists them with file:line instead.
`/dossier.pdf` builds the PDF on demand. The server listens on 127.0.0.1 only.

The open page reloads itself after each rebuild: it carries the number of its build and asks
`/__build` for the current one every second (plain polling: nothing stays open on the server).
"""

from __future__ import annotations

import html
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ptce_mono.check.report import format_text
from ptce_mono.commands.build import build_dossier
from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.core.errors import PtceError
from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.sources.resources import PROJECT_SOURCES, files_under, template_folders
from ptce_mono.typeset.fonts import copy_fonts
from ptce_mono.typeset.stylesheet import browser_html, find_stylesheet


def snapshot(project: Path) -> dict[str, float]:
    """Modification times of every source of the dossier."""
    files = [file for name in PROJECT_SOURCES for file in files_under(project / name)]
    return {str(file): file.stat().st_mtime for file in files}


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
            build = self.builds + 1
            write_bytes_atomic(self.out_dir / "index.html", reloading(page, build).encode("utf-8"))
            self.builds = build

    def build_pdf(self) -> Path:
        with self.lock:
            return build_dossier(self.project, self.out_dir / "pdf", drafts=True).pdf

    def watch(self, stop: threading.Event, interval: float = 0.5) -> None:
        seen = snapshot(self.project)
        while not stop.wait(interval):
            now = snapshot(self.project)
            if now != seen:
                seen = now
                self.rebuild()


def make_server(preview: Preview, port: int = 8000) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(preview.out_dir), **kwargs)  # type: ignore[arg-type]

        def do_GET(self) -> None:
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
                    self.send_error(500, f"the PDF could not be built: {exc}")
                    return
                data = pdf.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:  # quiet by default
            pass

    return http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)


def serve(project: Path, port: int = 8000) -> None:  # pragma: no cover - runs until interrupted
    preview = Preview(project.resolve(), project.resolve() / "build" / "preview")
    preview.out_dir.mkdir(parents=True, exist_ok=True)
    preview.rebuild()
    stop = threading.Event()
    threading.Thread(target=preview.watch, args=(stop,), daemon=True).start()
    server = make_server(preview, port)
    print(f"Preview on http://127.0.0.1:{server.server_address[1]}/ (PDF: /dossier.pdf); Ctrl-C stops.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
