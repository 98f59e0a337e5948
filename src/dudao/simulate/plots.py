"""Plots of a comparison and of a sweep, written as PNG and SVG (matplotlib, Agg).

Labels are Chinese with English, jurisdictions are shown by name. The CJK font is the
one :func:`dudao.io.fonts.cjk_font` finds (Noto Sans CJK SC from Debian's
``fonts-noto-cjk``, Source Han, WenQuanYi, SimHei …), registered with matplotlib from
its file: matplotlib's own font cache may predate the font's installation and not list
it. Without any CJK font matplotlib would draw empty boxes, so the labels fall back to
English and jurisdictions to their codes.

* :func:`plot_comparison`: baseline vs each reform by jurisdiction (inspector
  shortfall, findings);
* :func:`plot_dynamic`: each metric's mean by year with its 95% interval, per scenario
  (``dynamic``), and the distribution across runs in the last year (``distribution``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dudao.lazyimports import np, pd
from dudao.simulate.dynamic import LABELS, summarize, totals

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from dudao.simulate.compare import Comparison

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
NOTE = ("示例参数，非官方数据", "sample parameters, not official figures")


def _pyplot() -> Any:
    """``matplotlib.pyplot`` on the Agg backend (matplotlib is untyped here: ``Any``)."""
    import matplotlib

    matplotlib.use("Agg", force=True)  # files only: no display, no GUI toolkit
    import matplotlib.pyplot as plt

    return plt


@cache
def cjk_fonts() -> tuple[str, ...]:
    """The names matplotlib knows the installed CJK font by, best first (empty when
    there is none). The font file is registered with matplotlib here; a collection
    (.ttc) is registered face by face on matplotlib 3.11, only its first face before
    (matplotlib#3135), so the first face's name (Noto Sans CJK **JP**, which has the
    Simplified Chinese glyphs too) follows the Simplified Chinese family's."""
    from matplotlib import font_manager

    from dudao.errors import DudaoError
    from dudao.io.fonts import cjk_font as installed

    names = {f.name for f in font_manager.fontManager.ttflist}
    known = tuple(f for f in CJK_FONTS if f in names)
    try:
        font = installed("sans")
    except DudaoError:
        return known
    font_manager.fontManager.addfont(str(font.path))
    face0 = font_manager.FontProperties(fname=str(font.path)).get_name()
    names = {f.name for f in font_manager.fontManager.ttflist}
    found = [f for f in (font.family, face0) if f in names]
    return tuple(dict.fromkeys([*found, *known]))


def cjk_font() -> str | None:
    """The first CJK font matplotlib can use, or None."""
    fonts = cjk_fonts()
    return fonts[0] if fonts else None


def use_cjk_font(rc: Any = None) -> dict[str, Any]:
    """matplotlib settings that draw Chinese with the installed CJK font (empty
    without one); applied to ``rc`` (e.g. ``matplotlib.rcParams``) when given.

    >>> style = use_cjk_font()
    >>> not style or style["font.sans-serif"][-1] == "DejaVu Sans"
    True
    """
    fonts = cjk_fonts()
    if not fonts:
        return {}
    style: dict[str, Any] = {
        "font.family": "sans-serif",
        "font.sans-serif": [*fonts, "DejaVu Sans"],
        "axes.unicode_minus": False,  # U+2212 is in DejaVu, not in every CJK font
    }
    if rc is not None:
        rc.update(style)
    return style


def unit_labels(codes: Sequence[str], names: Sequence[Any]) -> list[str]:
    """Tick labels for units: the name, with the code after names that repeat
    (朝阳区 is in Beijing and in Changchun); the code where there is no name.

    >>> unit_labels(["110105", "220104", "450103"], ["朝阳区", "朝阳区", "青秀区"])
    ['朝阳区（110105）', '朝阳区（220104）', '青秀区']
    """
    shown = [
        str(n) if isinstance(n, str) and n.strip() else str(c)
        for c, n in zip(codes, names, strict=True)
    ]
    counts: dict[str, int] = {}
    for text in shown:
        counts[text] = counts.get(text, 0) + 1
    return [
        f"{t}（{c}）" if counts[t] > 1 and t != str(c) else t
        for t, c in zip(shown, codes, strict=True)
    ]


def label(zh: str, en: str) -> str:
    """``中文 / English`` where Chinese can be drawn, else English."""
    return f"{zh} / {en}" if cjk_font() else en


def literal(text: object) -> str:
    r"""A name from the data drawn as it is written: matplotlib would read ``$…$`` as
    mathematics (and fail on a bad formula) and leave a legend entry starting with
    ``_`` out.

    >>> literal("_a $x$")
    ' _a \\$x\\$'
    """
    text = str(text).replace("$", r"\$")
    return " " + text if text.startswith("_") else text


def _save(fig: Figure, folder: Path, stem: str) -> list[Path]:
    out = []
    for suffix in ("png", "svg"):
        path = folder / f"{stem}.{suffix}"
        fig.savefig(path, dpi=100)
        out.append(path)
    _pyplot().close(fig)
    return out


def _style() -> dict[str, Any]:
    return use_cjk_font()


def plot_comparison(
    comparison: Comparison, folder: str | Path, *, level: str | None = None, top: int = 30
) -> list[Path]:
    """Bar charts, baseline vs reforms, of the inspector shortfall and the findings by
    jurisdiction at ``level`` (the ``top`` jurisdictions with the largest change)."""
    plt = _pyplot()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    charts: tuple[tuple[Literal["staffing", "findings"], str, tuple[str, str]], ...] = (
        ("staffing", "shortfall", ("督学缺口（名）", "Inspector shortfall")),
        ("findings", "findings", ("问题数（项）", "Findings")),
    )
    with plt.rc_context(_style()):
        for what, value, (zh, en) in charts:
            wide = comparison.changes(what, value=value, level=level)
            if what == "findings":
                wide = wide.groupby(["jurisdiction", "name"], as_index=False)[
                    list(comparison.scenarios)
                ].sum()
            if not len(wide):
                continue
            change = (wide[list(comparison.scenarios[1:])].sub(wide["baseline"], axis=0)).abs()
            order = change.max(axis=1).sort_values(ascending=False, kind="stable").index[:top]
            wide = wide.loc[order].sort_values("jurisdiction", kind="stable")
            codes = wide["jurisdiction"].astype(str).tolist()
            shown = unit_labels(codes, wide["name"].tolist()) if cjk_font() else codes
            ticks = [literal(t) for t in shown]
            x = np.arange(len(wide))
            width = 0.8 / len(comparison.scenarios)
            width_in = max(6, 0.45 * len(wide) + 2)
            fig, ax = plt.subplots(figsize=(width_in, 4.5), layout="constrained")
            for i, s in enumerate(comparison.scenarios):
                name = comparison.titles.get(s, s) if cjk_font() else s
                ax.bar(x + i * width, wide[s].to_numpy(float), width, label=literal(name))
            ax.set_xticks(x + width * (len(comparison.scenarios) - 1) / 2)
            ax.set_xticklabels(ticks, rotation=60, ha="right", fontsize=8)
            ax.set_ylabel(label(zh, en))
            ax.yaxis.get_major_locator().set_params(integer=True)  # counts: whole numbers
            ax.set_xlabel(label("单位", "Jurisdiction"))
            ax.set_title(  # drawn from sample parameters: said on the figure itself
                label(
                    f"{zh.split('（')[0]}：基线与改革（示例参数）",
                    f"{en}: baseline vs reform (sample parameters)",
                )
            )
            ax.legend(fontsize=8)
            written += _save(fig, folder, what)
    return written


def plot_dynamic(
    frame: pd.DataFrame,
    folder: str | Path,
    *,
    metrics: Sequence[str] = ("shortfall", "overdue", "open_findings", "coverage"),
) -> list[Path]:
    """Two figures of one panel per metric, groups summed: ``dynamic`` (the mean by
    year with its 95% confidence band and 2.5–97.5% range, per scenario) and
    ``distribution`` (the spread across runs in the last year)."""
    plt = _pyplot()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    total = totals(frame)
    metrics = [m for m in metrics if m in total]
    if not metrics:
        return []
    summary = summarize(total, metrics)
    last_year = int(total["year"].max())
    last = total[total["year"] == last_year]
    cols = min(2, len(metrics))
    rows = -(-len(metrics) // cols)
    size = (5.5 * cols, 3.6 * rows)
    written: list[Path] = []
    with plt.rc_context(_style()):
        fig, axes = plt.subplots(rows, cols, figsize=size, squeeze=False, layout="constrained")
        hist, haxes = plt.subplots(rows, cols, figsize=size, squeeze=False, layout="constrained")
        for i, metric in enumerate(metrics):
            ax, hx = axes.flat[i], haxes.flat[i]
            zh, en = LABELS.get(metric, (metric, metric))
            part = summary[summary["metric"] == metric]
            for scenario, data in part.groupby("scenario", sort=False):
                years = data["year"].to_numpy()
                (line,) = ax.plot(years, data["mean"], marker="o", label=literal(scenario))
                colour = line.get_color()
                ax.fill_between(years, data["ci_low"], data["ci_high"], color=colour, alpha=0.3)
                ax.fill_between(years, data["p2_5"], data["p97_5"], color=colour, alpha=0.08)
                values = last.loc[last["scenario"] == scenario, metric].to_numpy(float)
                hx.hist(
                    values[~np.isnan(values)],
                    bins=30,
                    alpha=0.5,
                    color=colour,
                    label=literal(scenario),
                )
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.set_xlabel(label("年", "Year"))
            ax.set_title(label(zh, en), fontsize=10)
            hx.set_xlabel(label(zh, en))
            hx.set_ylabel(label("运行次数", "Runs"))
        for extra in (*axes.flat[len(metrics) :], *haxes.flat[len(metrics) :]):
            extra.set_visible(False)
        axes.flat[0].legend(fontsize=8)
        haxes.flat[0].legend(fontsize=8)
        fig.suptitle(
            label("各年均值与 95% 区间（示例参数）", "Mean by year, 95% bands (sample parameters)")
        )
        hist.suptitle(
            label(
                f"第 {last_year} 年各次运行的分布（示例参数）",
                f"Distribution across runs, year {last_year} (sample parameters)",
            )
        )
        written += _save(fig, folder, "dynamic")
        written += _save(hist, folder, "distribution")
    return written
