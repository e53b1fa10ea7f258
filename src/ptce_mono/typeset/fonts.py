"""The typefaces the dossier is set in, from their pip packages, never the machine's.

Source Serif Pro and Source Sans Pro are declared with @font-face and served by the sandbox, so
the PDF never depends on the fonts installed where it is built.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import font_source_sans_pro
import font_source_serif_pro

FONT_FOLDERS = {
    "serif": Path(font_source_serif_pro.font_directory).resolve(),
    "sans": Path(font_source_sans_pro.font_directory).resolve(),
}
# (family, weight, style, package, file): the faces the stylesheet uses.
FONT_FACES = [
    ("Source Serif Pro", 400, "normal", "serif", "SourceSerifPro-Regular.otf"),
    ("Source Serif Pro", 400, "italic", "serif", "SourceSerifPro-It.otf"),
    ("Source Serif Pro", 600, "normal", "serif", "SourceSerifPro-Semibold.otf"),
    ("Source Serif Pro", 600, "italic", "serif", "SourceSerifPro-SemiboldIt.otf"),
    ("Source Serif Pro", 700, "normal", "serif", "SourceSerifPro-Bold.otf"),
    ("Source Serif Pro", 700, "italic", "serif", "SourceSerifPro-BoldIt.otf"),
    ("Source Sans Pro", 400, "normal", "sans", "SourceSansPro-Regular.otf"),
    ("Source Sans Pro", 400, "italic", "sans", "SourceSansPro-It.otf"),
    ("Source Sans Pro", 600, "normal", "sans", "SourceSansPro-Semibold.otf"),
    ("Source Sans Pro", 600, "italic", "sans", "SourceSansPro-SemiboldIt.otf"),
    ("Source Sans Pro", 700, "normal", "sans", "SourceSansPro-Bold.otf"),
    ("Source Sans Pro", 700, "italic", "sans", "SourceSansPro-BoldIt.otf"),
]


PROJECT_FONTS = "fonts"  # a project's own font files, for its own stylesheet
_INVISIBLE = "\u200b\u200c\u200d\ufeff\u00ad"  # nothing to draw
_FONT_FILES = (".otf", ".ttf", ".woff", ".woff2")


def font_folders(project: Path) -> list[Path]:
    """Every folder the dossier's fonts may come from: the packaged ones, the project's own."""
    own = project / PROJECT_FONTS
    return [*FONT_FOLDERS.values(), *([own.resolve()] if own.is_dir() else [])]


@contextmanager
def hermetic_fontconfig(project: Path) -> Iterator[None]:
    """Fontconfig, for a font configuration made meanwhile, sees only `font_folders(project)`:
    never the machine's fonts, whose presence would otherwise change the PDF (a character the
    dossier's fonts lack would silently come from any of them). Its configuration file and cache
    are made in a temporary folder, removed afterwards: fontconfig reads them once, when the
    configuration is made."""
    with tempfile.TemporaryDirectory(prefix="ptce-mono-fontconfig-") as folder:
        dirs = "".join(f"  <dir>{escape(str(path))}</dir>\n" for path in font_folders(project))
        conf = Path(folder) / "fonts.conf"
        conf.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            f"<fontconfig>\n{dirs}  <cachedir>{escape(folder)}/cache</cachedir>\n</fontconfig>\n",
            encoding="utf-8",
        )
        before = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = before


@cache
def _characters_of(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # a file that is not a font has no characters to offer
        return frozenset()


def _font_files(folders: list[Path]) -> list[Path]:
    return [
        path
        for folder in folders
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in _FONT_FILES)
    ]


def characters_without_font(text: str, project: Path) -> list[tuple[int, int, str]]:
    """(line, column, character) of the first occurrence of each character of `text` that no
    font of the dossier has; line breaks and other controls are not printed.

    Fonts are read one after the other until every character of the text is covered: a text
    the first face covers costs one character map, not one per face."""
    wanted = {
        ord(character)
        for character in set(text)
        if ord(character) >= 32 and character not in _INVISIBLE
    }
    for path in _font_files(font_folders(project)):
        if not wanted:
            return []
        wanted -= _characters_of(path)
    found: list[tuple[int, int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        for column, character in enumerate(line, 1):
            if ord(character) in wanted:
                wanted.discard(ord(character))
                found.append((number, column, character))
    return found


def font_face_css(url_for: Callable[[str, str], str]) -> str:
    """@font-face rules; `url_for(package, file)` says where each file is read from."""
    return "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{url_for(package, name)}"); }}\n'
        for family, weight, style, package, name in FONT_FACES
    )


def copy_fonts(out_dir: Path) -> None:
    folder = out_dir / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    for _family, _weight, _style, package, name in FONT_FACES:
        source = FONT_FOLDERS[package] / name
        target = folder / name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)
    for package, source_folder in FONT_FOLDERS.items():
        licence = source_folder / "LICENSE.txt"
        if licence.is_file():
            shutil.copyfile(licence, folder / f"LICENSE-{package}.txt")


@contextmanager
def source_date(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH for the time of the call, unless the caller already set it.

    fontTools stamps every font subset it writes with the current time, unless this variable
    says otherwise: without it the embedded fonts, hence the PDF, would differ at each build.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
