"""The live preview, served on 127.0.0.1 and rebuilt when a monograph is saved."""

from __future__ import annotations

import threading
import time
import urllib.request

from ptce_mono.commands.serve import Preview, make_server

from monograph_factory import monograph_text, write_project


def fetch(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
        return bytes(response.read())


def wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_preview_rebuilds_on_save_and_shows_problems(tmp_path):
    project = write_project(tmp_path, {
        "dossier.yaml": "title: Aperçu\npublisher: Essai\nperiod: 2013-2014\n",
        "monographs/pole-test.md": monograph_text("pole-test", status="draft"),
    })
    preview = Preview(project, project / "build" / "preview")
    preview.rebuild()
    server = make_server(preview, port=0)
    port = server.server_address[1]
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=preview.watch, args=(stop, 0.1), daemon=True).start()
    try:
        page = fetch(port, "/").decode("utf-8")
        assert "Pôle pole-test" in page and "rouillon" in page  # drafts are shown in the preview
        # The page knows its build and asks for the current one: a newer one reloads it.
        assert f'var shown = "{preview.builds}"' in page and 'fetch("/__build"' in page
        assert fetch(port, "/__build") == str(preview.builds).encode()
        source = project / "monographs" / "pole-test.md"
        builds = preview.builds
        time.sleep(0.05)
        source.write_text(source.read_text(encoding="utf-8").replace("Le pôle rassemble", "Le pôle réunit"),
                          encoding="utf-8")
        wait_for(lambda: preview.builds > builds)
        assert fetch(port, "/__build") == str(builds + 1).encode()  # what makes the open page reload
        assert "Le pôle réunit" in fetch(port, "/").decode("utf-8")
        builds = preview.builds
        source.write_text(source.read_text(encoding="utf-8").replace("carrier:", "carier:"), encoding="utf-8")
        wait_for(lambda: preview.builds > builds)
        page = fetch(port, "/").decode("utf-8")
        assert "Le dossier ne peut pas être construit" in page
        assert 'fetch("/__build"' in page  # fixing the problem reloads the page too
        assert "monographs/pole-test.md:" in page and "unknown-field" in page
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_pdf_on_demand(tmp_path):
    project = write_project(tmp_path, {
        "dossier.yaml": "title: Aperçu\npublisher: Essai\nperiod: 2013-2014\n",
        "monographs/pole-test.md": monograph_text("pole-test"),
    })
    preview = Preview(project, project / "build" / "preview")
    preview.rebuild()
    server = make_server(preview, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert fetch(server.server_address[1], "/dossier.pdf").startswith(b"%PDF-")
    finally:
        server.shutdown()
        server.server_close()
