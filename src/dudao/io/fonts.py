"""Finding an installed CJK (Chinese) font for plots and PDF documents.

Charts (matplotlib) and PDFs (WeasyPrint) draw Chinese only with a font that has the
glyphs; without one they draw empty boxes ("tofu"). :func:`cjk_font` asks fontconfig
(``fc-list``) for a Simplified Chinese font, preferring Noto CJK (Debian package
``fonts-noto-cjk``), and falls back to the paths Debian, Fedora, Arch and macOS
install fonts at. No font: a :class:`~dudao.errors.DudaoError` saying what to install.

>>> font = cjk_font("sans")            # doctest: +SKIP
>>> font.family, font.path.name        # doctest: +SKIP
('Noto Sans CJK SC', 'NotoSansCJK-Regular.ttc')
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Literal

import attrs

from dudao.errors import DudaoError, Problem

Style = Literal["sans", "serif"]

#: The Debian package that provides the preferred fonts (also in ``.ci/run``).
DEBIAN_PACKAGE = "fonts-noto-cjk"

#: Families tried in order, for each style: the first installed one is used.
PREFERRED: dict[Style, tuple[str, ...]] = {
    "sans": (
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "Noto Sans SC",
        "WenQuanYi Zen Hei",
        "WenQuanYi Micro Hei",
        "SimHei",
        "Microsoft YaHei",
        "PingFang SC",
    ),
    "serif": (
        "Noto Serif CJK SC",
        "Source Han Serif SC",
        "Noto Serif SC",
        "AR PL UMing CN",
        "FangSong",
        "SimSun",
        "Songti SC",
        # no serif face installed: a sans one still draws every character
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "WenQuanYi Zen Hei",
    ),
}

#: Where the preferred fonts live when fontconfig is not there to ask: (path, face
#: index of the Simplified Chinese face in the collection, family).
KNOWN_PATHS: dict[Style, tuple[tuple[str, int, str], ...]] = {
    "sans": (
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC"),
        ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC"),
        ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC"),
        ("/System/Library/Fonts/PingFang.ttc", 0, "PingFang SC"),
        ("C:/Windows/Fonts/simhei.ttf", 0, "SimHei"),
    ),
    "serif": (
        ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, "Noto Serif CJK SC"),
        ("/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc", 2, "Noto Serif CJK SC"),
        ("/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc", 2, "Noto Serif CJK SC"),
        ("C:/Windows/Fonts/simsun.ttc", 0, "SimSun"),
    ),
}


@attrs.frozen
class FontFile:
    """An installed font: its file, the face within a collection (.ttc) and family."""

    path: Path
    family: str
    index: int = 0


def _fc_list() -> list[tuple[str, int, tuple[str, ...]]]:
    """``(file, index, families)`` of every font fontconfig says covers zh-cn."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, ":lang=zh-cn", "file", "index", "family"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for line in out.splitlines():
        # "/path/NotoSansCJK-Regular.ttc: Noto Sans CJK SC,Noto Sans CJK SC Regular:index=2"
        path, _, rest = line.partition(": ")
        families, _, index = rest.rpartition(":index=")
        if not families:
            families, index = rest, "0"
        try:
            face = int(index)
        except ValueError:
            face = 0
        fonts.append((path, face, tuple(f.strip() for f in families.split(","))))
    return fonts


@cache
def cjk_font(style: Style = "sans") -> FontFile:
    """The installed Simplified Chinese font to use for ``style`` (the first of
    :data:`PREFERRED` found; else any font fontconfig lists for zh-cn; else one of
    :data:`KNOWN_PATHS`). Regular weight preferred over bold or light faces.

    Raises :class:`~dudao.errors.DudaoError` (code ``no-cjk-font``) when there is none.
    """
    listed = _fc_list()

    def weight_rank(item: tuple[str, int, tuple[str, ...]]) -> int:
        name = Path(item[0]).name.lower()
        return 0 if "regular" in name else 1 if "bold" not in name else 2

    for family in PREFERRED[style]:
        matches = sorted((f for f in listed if family in f[2]), key=weight_rank)
        if matches and Path(matches[0][0]).is_file():
            path, index, _ = matches[0]
            return FontFile(Path(path), family, index)
    for path_text, index, family in KNOWN_PATHS[style]:
        if Path(path_text).is_file():
            return FontFile(Path(path_text), family, index)
    for path_text, index, families in sorted(listed, key=weight_rank):
        if Path(path_text).is_file():
            return FontFile(Path(path_text), families[0], index)
    raise DudaoError(
        Problem(
            "没有找到可显示中文的字体，图表和 PDF 中的中文会显示为方框",
            code="no-cjk-font",
            hint=f"安装中文字体：Debian/Ubuntu 执行 apt-get install {DEBIAN_PACKAGE}"
            "（Fedora：google-noto-sans-cjk-fonts；其他系统安装 Noto Sans/Serif CJK SC），"
            "然后重新运行",
        )
    )


def has_cjk_font(style: Style = "sans") -> bool:
    """Whether :func:`cjk_font` finds a font (for callers that can do without one)."""
    try:
        cjk_font(style)
    except DudaoError:
        return False
    return True
