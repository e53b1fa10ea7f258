"""The typefaces the dossier is set in, from their pip packages, never the machine's.

Source Serif Pro and Source Sans Pro are declared with @font-face and served by the sandbox, so
the PDF never depends on the fonts installed where it is built. A project may add fonts in its
`fonts/` folder; they are read as every project file is (`core.project_files`): the folder must
be the project's own (not a link out of it), and only its regular font files inside the project,
within the size limit, are used. fontconfig is given copies of those, never the folder itself:
it would follow a link in it, or wait for ever on a pipe.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import font_source_sans_pro
import font_source_serif_pro

from ptce_mono.core.files import write_bytes_atomic
from ptce_mono.core.project_files import (
    MAX_ASSET_BYTES,
    Refused,
    is_inside,
    output_folder,
    read_bytes,
    resolved_inside,
)

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
    """Every folder the dossier's fonts may come from: the packaged ones, the project's own when
    it is a folder of the project (not a link out of it)."""
    own = project / PROJECT_FONTS
    inside = own.is_dir() and is_inside(own.absolute(), project.absolute())
    return [*FONT_FOLDERS.values(), *([own.resolve()] if inside else [])]


def project_fonts(project: Path) -> tuple[dict[Path, bytes], list[tuple[Path, str]]]:
    """The project's usable font files and their bytes, and those refused with the reason (a link
    out of the project, not a regular file, too large). Nothing else is opened."""
    own = project / PROJECT_FONTS
    if not own.is_dir():
        return {}, []
    try:
        resolved_inside(own.absolute(), project.absolute())
    except Refused as outside:
        return {}, [(own, outside.message)]
    usable: dict[Path, bytes] = {}
    refused: list[tuple[Path, str]] = []
    for path in sorted(own.iterdir()):
        if path.suffix.lower() not in _FONT_FILES:
            continue
        try:
            usable[path] = read_bytes(path.absolute(), project.absolute(), MAX_ASSET_BYTES, "file")
        except OSError as exc:
            refused.append((path, str(exc) if isinstance(exc, Refused) else exc.strerror or str(exc)))
    return usable, refused


@contextmanager
def hermetic_fontconfig(project: Path) -> Iterator[None]:
    """Fontconfig, for a font configuration made meanwhile, sees only `font_folders(project)`:
    never the machine's fonts, whose presence would otherwise change the PDF (a character the
    dossier's fonts lack would silently come from any of them). Its configuration file and cache
    are made in a temporary folder, removed afterwards: fontconfig reads them once, when the
    configuration is made."""
    with tempfile.TemporaryDirectory(prefix="ptce-mono-fontconfig-") as folder:
        copies = Path(folder) / "project-fonts"
        copies.mkdir()
        for index, (path, data) in enumerate(project_fonts(project)[0].items()):
            (copies / f"{index:04d}{path.suffix.lower()}").write_bytes(data)
        dirs = "".join(f"  <dir>{escape(str(path))}</dir>\n" for path in [*FONT_FOLDERS.values(), copies])
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


def _characters_in(data: bytes) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # a file that is not a font has no characters to offer
        return frozenset()


@cache
def _packaged_characters(path: Path) -> frozenset[int]:
    return _characters_in(path.read_bytes())


def _character_sets(project: Path) -> Iterator[frozenset[int]]:
    """The characters of each font of the dossier, packaged first, read one after the other."""
    for folder in FONT_FOLDERS.values():
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in _FONT_FILES):
            yield _packaged_characters(path)
    for data in project_fonts(project)[0].values():
        yield _characters_in(data)


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
    for characters in _character_sets(project):
        if not wanted:
            return []
        wanted -= characters
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
    """The packaged fonts and their licences beside a page for a browser, in `out_dir/fonts/`
    (a real folder of `out_dir`; each file written beside, then renamed: never through a link)."""
    folder = output_folder(out_dir / "fonts", out_dir)
    for _family, _weight, _style, package, name in FONT_FACES:
        source = FONT_FOLDERS[package] / name
        target = folder / name
        if target.is_symlink() or not target.is_file() or target.stat().st_size != source.stat().st_size:
            write_bytes_atomic(target, source.read_bytes())
    for package, source_folder in FONT_FOLDERS.items():
        licence = source_folder / "LICENSE.txt"
        if licence.is_file():
            write_bytes_atomic(folder / f"LICENSE-{package}.txt", licence.read_bytes())


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
