"""The pages the preview shows besides the dossier: its problems, and the PDF being built.

The dossier's page and the problems page reload themselves after each rebuild: they carry the
number of their build and ask `/__build` for the current one every second (plain polling:
nothing stays open on the server). The page `/dossier.pdf` answers while the PDF is built asks
`/__pdf` where the build is, shows its steps, and reloads itself, as the PDF, once it is ready.
"""

from __future__ import annotations

import html

BUILD_PATH = "/__build"
PDF_STATUS_PATH = "/__pdf"
_STYLE = (
    "<style>body{font:15px/1.5 sans-serif;margin:2em;color:#1f2a36}pre{white-space:pre-wrap;"
    "background:#f6f3ec;padding:1em;border-left:4px solid #8c2f39}</style>"
)


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
        f"{_STYLE}</head><body>"
        "<h1>Le dossier ne peut pas être construit</h1><p>Corrigez ces problèmes\u202f; la page se met à "
        f"jour à l’enregistrement.</p><pre>{html.escape(message)}</pre></body></html>"
    )


def waiting_page() -> str:
    """What `/dossier.pdf` answers while the PDF is built: the build's steps, then the PDF."""
    script = (
        "<script>(function () { var step = document.getElementById('step');"
        " var error = document.getElementById('error'); setInterval(function () {"
        ' fetch("' + PDF_STATUS_PATH + '", {cache: "no-store"}).then(function (r) { return r.json(); })'
        " .then(function (s) { if (s.state === 'ready' && s.current) { location.reload(); return; }"
        " step.textContent = s.state === 'failed' ? '' : (s.step || '') + '…';"
        " error.textContent = s.state === 'failed' ? s.error : ''; error.hidden = s.state !== 'failed'; })"
        " .catch(function () {}); }, 1000); })();</script>"
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>PDF en cours</title>'
        f"{_STYLE}</head><body>"
        "<h1>Production du PDF</h1><p>Le PDF du dossier est en cours de production\u202f; il s’affichera ici "
        'dès qu’il sera prêt.</p><p id="step">…</p><pre id="error" hidden></pre>'
        f"{script}</body></html>"
    )


__all__ = ["BUILD_PATH", "PDF_STATUS_PATH", "problems_page", "reloading", "waiting_page"]
