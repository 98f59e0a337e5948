"""Plots draw Chinese with the installed CJK font: a missing glyph is an error here."""

from __future__ import annotations

import io
import warnings

import pytest

pytest.importorskip("matplotlib", reason="matplotlib 未安装（pip install 'dudao[sim]'）")

from dudao.io.fonts import has_cjk_font
from dudao.simulate import plots

pytestmark = pytest.mark.filterwarnings("error:Glyph")

TEXT = "督学缺口（名）：青秀区、广西—东盟经济技术开发区"


def _draw(rc: dict) -> None:
    plt = plots._pyplot()
    with plt.rc_context(rc):
        fig, ax = plt.subplots()
        ax.set_title(TEXT)
        ax.set_xticks([0, 1], ["青秀区", "兴宁区"])
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)


def test_chinese_draws_without_missing_glyphs() -> None:
    if not has_cjk_font():
        pytest.skip("没有中文字体（apt-get install fonts-noto-cjk）")
    style = plots.use_cjk_font()
    assert style["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert plots.label("单位", "Jurisdiction") == "单位 / Jurisdiction"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would raise
        _draw(style)


def test_without_the_font_glyphs_would_be_missing() -> None:
    """The check above can fail: with only DejaVu, matplotlib warns of missing glyphs."""
    with pytest.raises(UserWarning, match="Glyph"):
        _draw({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]})


def test_unit_labels_are_names_with_codes_where_names_repeat() -> None:
    assert plots.unit_labels(["450103", "450102"], ["青秀区", "兴宁区"]) == ["青秀区", "兴宁区"]
    assert plots.unit_labels(["110105", "220104"], ["朝阳区", "朝阳区"]) == [
        "朝阳区（110105）",
        "朝阳区（220104）",
    ]
    assert plots.unit_labels(["450199"], [None]) == ["450199"]


@pytest.mark.regional
def test_comparison_plot_names_units_on_its_axis(tmp_path) -> None:
    """Baseline vs 1:4 on the Nanning example: the x axis reads 青秀区 …, not 450103."""
    if not has_cjk_font():
        pytest.skip("没有中文字体（apt-get install fonts-noto-cjk）")
    import re

    from dudao.examples import example_path
    from dudao.plugins.manager import load_plugins
    from dudao.simulate.compare import compare
    from dudao.simulate.reform import Reform
    from dudao.simulate.scenario import Scenario

    scenario = Scenario.load(example_path("nanning"), load_plugins(blocked=("yueyang", "weinan")))
    four = Reform("four", "督学配比 1:4").set_parameter(
        "inspector.schools_per_inspector", 4, scope="450000"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        written = plots.plot_comparison(compare(scenario, [four]), tmp_path)
    svg = (tmp_path / "staffing.svg").read_text(encoding="utf-8")
    texts = re.findall(r"<!-- (.*?) -->", svg)  # matplotlib writes each text beside its paths
    assert {"青秀区", "兴宁区", "横州市", "广西—东盟经济技术开发区"} <= set(texts)
    assert not {"450103", "450102"} & set(texts)
    assert "督学缺口（名） / Inspector shortfall" in texts and "单位 / Jurisdiction" in texts
    assert any("示例参数" in t for t in texts)  # sample parameters said on the figure
    assert {p.name for p in written} >= {"staffing.png", "findings.svg"}
