"""The static site, checked as files and in a real headless browser (Debian's chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ptce_mono.commands.site import build_site

from monograph_factory import monograph_text, write_project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    project = write_project(root / "project", {
        "dossier.yaml": "title: Dossier d'essai\npublisher: Comité d'essai\nperiod: 2013-2014\n",
        "monographs/pole-a.md": monograph_text("pole-a"),
        "monographs/pole-b.md": monograph_text("pole-b", status="draft"),
    })
    build_site(project, project / "build", drafts=True)
    return project / "build" / "site"


def test_site_pages_and_links(site):
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))
    assert pages == ["analyse.html", "index.html", "introduction.html", "poles/pole-a.html", "poles/pole-b.html"]
    site = site.resolve()
    ids = {p: set(re.findall(r' id="([^"]+)"', p.read_text(encoding="utf-8"))) for p in site.rglob("*.html")}
    checked = 0
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"#:]*)(?:#([^"]*))?"', page.read_text(encoding="utf-8")):
            target_file, anchor = href
            target = (page.parent / target_file).resolve() if target_file else page
            assert target.is_file(), (page, href)
            if anchor:
                assert anchor in ids[target], (page, href)
            checked += 1
    assert checked > 20
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "poles/pole-a.html" in index and "brouillon" in index


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_pages_load_in_a_browser_without_console_errors(site, tmp_path):
    for name in ["index.html", "poles/pole-a.html", "analyse.html"]:
        shot = tmp_path / (name.replace("/", "-") + ".png")
        done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                               "--window-size=1200,1600", f"--screenshot={shot}", (site / name).as_uri()],
                              capture_output=True, text=True, timeout=120, check=False)
        assert shot.is_file() and shot.stat().st_size > 20_000, done.stderr[-2000:]
        console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
        assert console == [], console
        dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                              (site / name).as_uri()], capture_output=True, text=True, timeout=120, check=False).stdout
        assert "Dossier d" in dom or "Pôle pole-a" in dom or "Atouts" in dom
        assert "site-nav" in dom
