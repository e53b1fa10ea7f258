"""The live preview, served on 127.0.0.1 and rebuilt when a monograph is saved."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

from ptce_mono.commands.preview_server import make_server
from ptce_mono.commands.serve import Preview

from monograph_factory import monograph_text, write_project
from pdf_reading import pdf_text


def fetch(port: int, path: str) -> bytes:
    return answer(port, path)[1]


def answer(port: int, path: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
        return response.status, bytes(response.read())


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
    said: list[str] = []
    preview = Preview(project, project / "build" / "preview", say=said.append)
    preview.rebuild()
    # One line per rebuild: when, how long, the poles, the problems.
    assert len(said) == 1 and said[0].endswith(" s: 1 pole, no problem"), said
    assert " · preview rebuilt in " in said[0]
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
        # The terminal says it too, with the problem itself.
        failed = said.index(next(line for line in said if " · the dossier cannot be built (" in line))
        assert said[failed].endswith("2 problems (2 errors)")  # `carier` unknown, `carrier` missing
        assert "monographs/pole-test.md:" in said[failed + 1] and "[unknown-field]" in said[failed + 1]
        assert "hint: Did you mean `carrier`?" in said[failed + 1]
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_the_pdf_is_built_in_the_background_and_its_steps_are_followed(tmp_path):
    """/dossier.pdf answers at once with a page that follows the build (/__pdf), then is the PDF;
    the terminal says each step and the pages; once asked for, the PDF follows every save."""
    project = write_project(tmp_path, {
        "dossier.yaml": "title: Aperçu\npublisher: Essai\nperiod: 2013-2014\n",
        "monographs/pole-test.md": monograph_text("pole-test"),
    })
    said: list[str] = []
    preview = Preview(project, project / "build" / "preview", say=said.append)
    preview.rebuild()
    server = make_server(preview, port=0)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop = threading.Event()
    threading.Thread(target=preview.watch, args=(stop, 0.1), daemon=True).start()
    try:
        assert json.loads(fetch(port, "/__pdf"))["state"] == "none"
        status, page = answer(port, "/dossier.pdf")
        assert status == 202 and preview.pdf.state == "building"  # answered before the PDF was built
        assert "Production du PDF" in page.decode("utf-8") and 'fetch("/__pdf"' in page.decode("utf-8")
        steps = set()
        while not (pdf := json.loads(fetch(port, "/__pdf")))["current"]:
            assert pdf["state"] == "building", pdf
            steps.add(pdf["step"])
            time.sleep(0.05)
        assert pdf["state"] == "ready" and pdf["pages"] >= 5 and not pdf["error"]
        assert steps - {"", "starting"}, "the page saw the build's steps"
        status, data = answer(port, "/dossier.pdf")
        assert status == 200 and data.startswith(b"%PDF-")
        assert any(line.endswith("PDF: Checking the monographs…") for line in said), said
        assert any(f"PDF ready: {pdf['pages']} pages in " in line for line in said), said
        # A save rebuilds the preview, then the PDF, which is current again.
        source = project / "monographs" / "pole-test.md"
        builds = preview.builds
        source.write_text(source.read_text(encoding="utf-8").replace("Le pôle rassemble", "Le pôle réunit"),
                          encoding="utf-8")
        wait_for(lambda: preview.builds > builds and preview.pdf_is_current(), seconds=300)
        assert "Le pôle réunit" in pdf_text(preview.pdf.path)
        assert sum("PDF ready:" in line for line in said) == 2
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_a_pdf_that_cannot_be_built_says_why_on_the_page_and_the_terminal(tmp_path):
    project = write_project(tmp_path, {
        "dossier.yaml": "title: Aperçu\npublisher: Essai\nperiod: 2013-2014\n",
        "monographs/pole-test.md": monograph_text("pole-test").replace("carrier:", "carier:"),
    })
    said: list[str] = []
    preview = Preview(project, project / "build" / "preview", say=said.append)
    preview.rebuild()
    preview.request_pdf()
    wait_for(lambda: preview.pdf.state == "failed")
    status = json.loads(preview.pdf_json())
    assert "unknown field `carier`" in status["error"] and not status["current"]
    assert any(line.endswith(" · PDF not built: 2 errors in the monographs") for line in said), said
