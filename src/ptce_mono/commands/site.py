"""`ptce-mono build --html`: the dossier as a small static site in `build/site/`.

An index of the poles (one card per pole from its front matter, the "fiches descriptives" of the
2013 plan) with the map, the introduction, one page per monograph, and the cross-case analysis.
The pages are rendered from the same partial templates as the PDF; every in-document link is
rewritten to the page that now holds its target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from ptce_mono.commands.prepare import prepare_dossier
from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.render.dossier import make_environment
from ptce_mono.render.markdown import ELEMENT_ID
from ptce_mono.render.typography import french_html
from ptce_mono.sources.resources import template_folders
from ptce_mono.typeset.fonts import copy_fonts
from ptce_mono.typeset.stylesheet import browser_css, find_stylesheet

_LOCAL_HREF = re.compile(r'href="#([^"]+)"')


@dataclass
class Page:
    name: str  # file name, e.g. "poles/pole-sud-aquitain.html"
    title: str
    body: str


def _shell(page: Page, css_href: str, nav: list[tuple[str, str]], lang: str) -> str:
    depth = page.name.count("/")
    up = "../" * depth
    links = " · ".join(f'<a href="{up}{href}">{escape(label)}</a>' for href, label in nav)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(page.title)}</title>\n"
        f'<link rel="stylesheet" href="{up}{css_href}">\n</head>\n<body class="site">\n'
        f'<nav class="site-nav">{links}</nav>\n'
        f'<main class="site-main">\n{page.body}\n</main>\n</body>\n</html>\n'
    )


def _relink(pages: list[Page]) -> None:
    """Point every `#id` link at the page that holds the id."""
    owner = {anchor: page.name for page in pages for anchor in ELEMENT_ID.findall(page.body)}
    for page in pages:
        up = "../" * page.name.count("/")

        def target(match: re.Match[str], here: str = page.name, up: str = up) -> str:
            anchor = match.group(1)
            where = owner.get(anchor)
            if where is None or where == here:
                return match.group(0)
            return f'href="{up}{where}#{anchor}"'

        page.body = _LOCAL_HREF.sub(target, page.body)


def build_site(project: Path, out_dir: Path, drafts: bool | None = None) -> list[Path]:
    """Write the site; return the pages written. Nothing is written when the sources have errors."""
    prepared = prepare_dossier(project, drafts)
    model = prepared.rendered.model
    config = model.config
    env = make_environment(project)
    context = {"model": model, "config": config, "chapters": model.chapters, "edition": prepared.edition}
    cards = env.get_template("partials/site-index.html").render(context)
    pages = [
        Page("index.html", config.title, cards),
        Page(
            "introduction.html",
            "Fiche d'introduction",
            env.get_template("partials/introduction.html").render(context),
        ),
    ]
    for chapter in model.chapters:
        body = env.get_template("partials/chapter.html").render(context, chapter=chapter)
        pages.append(Page(f"poles/{chapter.pole}.html", chapter.name, body))
    analysis = Markup(model.analysis_html or "") + Markup(model.annexes_html or "")
    pages.append(Page("analyse.html", "Analyse globale", str(analysis)))
    _relink(pages)
    nav = [
        ("index.html", "Les pôles"),
        ("introduction.html", "Introduction"),
        ("analyse.html", "Analyse globale"),
    ]
    site = out_dir / "site"
    written = []
    for page in pages:
        path = site / page.name
        write_bytes_atomic(
            path, french_html(_shell(page, "dossier.css", nav, config.language)).encode("utf-8")
        )
        written.append(path)
    css = browser_css(find_stylesheet(template_folders(project)))
    write_bytes_atomic(site / "dossier.css", css.encode("utf-8"))
    copy_fonts(site)
    return written
