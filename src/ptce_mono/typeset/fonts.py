"""The typefaces the dossier is set in, from their pip packages, never the machine's.

Source Serif Pro and Source Sans Pro are declared with @font-face and served by the sandbox, so
the PDF never depends on the fonts installed where it is built.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

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

