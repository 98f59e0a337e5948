"""Plots of a comparison and of a sweep, written as PNG and SVG (matplotlib, Agg).

Labels are Chinese with English when a CJK font is installed (Noto Sans CJK,
Source Han, WenQuanYi, SimHei …); without one, matplotlib would draw empty boxes,
so the labels fall back to English and jurisdictions to their codes.

* :func:`plot_comparison`: baseline vs each reform by jurisdiction (inspector
  shortfall, findings);
* :func:`plot_dynamic`: each metric's mean by year with its 95% interval, per scenario,
  and the distribution across runs in the last year.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dudao.simulate.dynamic import COUNTS, LABELS, summarize

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


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)  # files only: no display, no GUI toolkit
    import matplotlib.pyplot as plt

    return plt


@cache
def cjk_font() -> str | None:
    """The first installed CJK font, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FONTS if f in names), None)


def label(zh: str, en: str) -> str:
    """``中文 / English`` where Chinese can be drawn, else English."""
    return f"{zh} / {en}" if cjk_font() else en


def _save(fig: Figure, folder: Path, stem: str) -> list[Path]:
    out = []
    for suffix in ("png", "svg"):
        path = folder / f"{stem}.{suffix}"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        out.append(path)
    _pyplot().close(fig)
    return out


def _style() -> dict:
    font = cjk_font()
    return {"font.family": [font, "DejaVu Sans"]} if font else {}


def plot_comparison(
    comparison: Comparison, folder: str | Path, *, level: str | None = None, top: int = 30
) -> list[Path]:
    """Bar charts, baseline vs reforms, of the inspector shortfall and the findings by
    jurisdiction at ``level`` (the ``top`` jurisdictions with the largest change)."""
    plt = _pyplot()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    charts = (
        ("staffing", "shortfall", ("督学缺口", "Inspector shortfall")),
        ("findings", "findings", ("问题数", "Findings")),
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
            ticks = wide["name"] if cjk_font() else wide["jurisdiction"]
            x = np.arange(len(wide))
            width = 0.8 / len(comparison.scenarios)
            fig, ax = plt.subplots(figsize=(max(6, 0.45 * len(wide) + 2), 4))
            for i, s in enumerate(comparison.scenarios):
                name = comparison.titles.get(s, s) if cjk_font() else s
                ax.bar(x + i * width, wide[s].to_numpy(float), width, label=name)
            ax.set_xticks(x + width * (len(comparison.scenarios) - 1) / 2)
            ax.set_xticklabels(ticks, rotation=60, ha="right", fontsize=8)
            ax.set_ylabel(label(zh, en))
            ax.set_title(label(f"{zh}：基线与改革", f"{en}: baseline vs reform"))
            ax.legend(fontsize=8)
            written += _save(fig, folder, what)
    return written


def plot_dynamic(
    frame: pd.DataFrame,
    folder: str | Path,
    *,
    metrics: Sequence[str] = ("shortfall", "overdue", "open_findings", "coverage"),
) -> list[Path]:
    """Per metric: the mean by year with its 95% confidence band and 2.5–97.5%
    range per scenario (``dynamic_<metric>``), and the spread across runs in the last
    year (``distribution_<metric>``). Groups are summed first."""
    plt = _pyplot()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = [c for c in COUNTS if c in frame]
    total = frame.groupby(["scenario", "seed", "run", "year"], sort=False)[counts].sum()
    total = total.reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        total["coverage"] = np.where(total["due"] > 0, total["supervised"] / total["due"], np.nan)
    # runs are numbered per seed: make them one numbering for the summary
    total["run"] = total.groupby(["scenario", "seed", "run"], sort=False).ngroup()
    summary = summarize(total.drop(columns="seed"), [m for m in metrics if m in total])
    last_year = int(total["year"].max())
    written: list[Path] = []
    with plt.rc_context(_style()):
        for metric in metrics:
            part = summary[summary["metric"] == metric]
            if not len(part):
                continue
            zh, en = LABELS.get(metric, (metric, metric))
            fig, ax = plt.subplots(figsize=(6, 4))
            for scenario, rows in part.groupby("scenario", sort=False):
                years = rows["year"].to_numpy()
                (line,) = ax.plot(years, rows["mean"], marker="o", label=str(scenario))
                colour = line.get_color()
                ax.fill_between(years, rows["ci_low"], rows["ci_high"], color=colour, alpha=0.3)
                ax.fill_between(years, rows["p2_5"], rows["p97_5"], color=colour, alpha=0.08)
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.set_xlabel(label("年", "Year"))
            ax.set_ylabel(label(zh, en))
            ax.set_title(label(zh, en) + f"\n({label(*NOTE)})", fontsize=10)
            ax.legend(fontsize=8)
            written += _save(fig, folder, f"dynamic_{metric}")

            last = total[total["year"] == last_year]
            fig, ax = plt.subplots(figsize=(6, 4))
            for scenario, rows in last.groupby("scenario", sort=False):
                values = rows[metric].to_numpy(float)
                ax.hist(values[~np.isnan(values)], bins=30, alpha=0.5, label=str(scenario))
            ax.set_xlabel(label(zh, en))
            ax.set_ylabel(label("运行次数", "Runs"))
            ax.set_title(
                label(
                    f"第 {last_year} 年各次运行的分布",
                    f"Distribution across runs, year {last_year}",
                )
            )
            ax.legend(fontsize=8)
            written += _save(fig, folder, f"distribution_{metric}")
    return written
