"""Finding a CJK font: fontconfig's answer, the known paths, a clear error otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from dudao.errors import DudaoError
from dudao.io import fonts


@pytest.fixture(autouse=True)
def _fresh_cache():
    fonts.cjk_font.cache_clear()
    yield
    fonts.cjk_font.cache_clear()


def test_the_installed_font_is_a_file_with_chinese_glyphs() -> None:
    if not fonts.has_cjk_font():
        pytest.skip("没有中文字体（apt-get install fonts-noto-cjk）")
    from fontTools.ttLib import TTCollection, TTFont

    for style in ("sans", "serif"):
        font = fonts.cjk_font(style)
        assert font.path.is_file()
        if font.path.suffix.lower() == ".ttc":
            face = TTCollection(str(font.path), lazy=True).fonts[font.index]
        else:
            face = TTFont(str(font.path), lazy=True)
        cmap = face.getBestCmap()
        assert all(ord(c) in cmap for c in "督导报告青秀区〔〕（）：。"), (style, font)


def test_fontconfig_preferred_family_wins(monkeypatch, tmp_path: Path) -> None:
    wqy = tmp_path / "wqy-zenhei.ttc"
    noto = tmp_path / "NotoSansCJK-Regular.ttc"
    bold = tmp_path / "NotoSansCJK-Bold.ttc"
    for f in (wqy, noto, bold):
        f.write_bytes(b"")
    listed = [
        (str(wqy), 0, ("WenQuanYi Zen Hei",)),
        (str(bold), 2, ("Noto Sans CJK SC",)),
        (str(noto), 2, ("Noto Sans CJK SC", "Noto Sans CJK SC Regular")),
    ]
    monkeypatch.setattr(fonts, "_fc_list", lambda: listed)
    assert fonts.cjk_font("sans") == fonts.FontFile(
        noto, "Noto Sans CJK SC", 2
    )  # regular, not bold
    # no serif face: a sans one still draws every character
    assert fonts.cjk_font("serif").family == "Noto Sans CJK SC"


def test_no_font_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(fonts, "_fc_list", lambda: [])
    monkeypatch.setattr(
        fonts, "KNOWN_PATHS", {"sans": (("/nonexistent/x.ttc", 0, "X"),), "serif": ()}
    )
    with pytest.raises(DudaoError) as err:
        fonts.cjk_font("sans")
    (problem,) = err.value.problems
    assert problem.code == "no-cjk-font"
    assert "fonts-noto-cjk" in (problem.hint or "")
    assert not fonts.has_cjk_font("sans")


def test_fc_list_output_is_parsed(monkeypatch) -> None:
    class Done:
        stdout = (
            "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc: Noto Serif CJK SC,"
            "Noto Serif CJK SC Regular:index=2\n/x/wqy.ttc: 文泉驿正黑,WenQuanYi Zen Hei\n"
        )

    monkeypatch.setattr(fonts.shutil, "which", lambda _: "/usr/bin/fc-list")
    monkeypatch.setattr(fonts.subprocess, "run", lambda *a, **k: Done())
    assert fonts._fc_list() == [
        ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2,
         ("Noto Serif CJK SC", "Noto Serif CJK SC Regular")),
        ("/x/wqy.ttc", 0, ("文泉驿正黑", "WenQuanYi Zen Hei")),
    ]  # fmt: skip
