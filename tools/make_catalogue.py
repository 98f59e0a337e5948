"""The legislation catalogue: every rule, parameter, indicator set, programme, work plan
and accountability situation of each loaded plugin, with its document (文号) and clause.

The pages are generated from the plugins in force (``dudao.api.load_plugins()`` and the
law book they assemble), never written by hand: the docs site's build hook
(``tools/mkdocs_hooks.py``) calls :func:`pages` on every ``mkdocs build``, so the
catalogue cannot go stale. To look at the Markdown without building the site::

    .venv/bin/python tools/make_catalogue.py --out /tmp/catalogue

Every string comes from plugin data, so every table cell is escaped (HTML and Markdown):
a plugin cannot put markup, scripts or links into the site.
"""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dudao.api import load_plugins
from dudao.law.book import Entry, LawBook
from dudao.law.kinds import Kind
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import PluginSet

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "catalogue"

#: The sections of a region's page, in order: kind, heading.
SECTIONS: tuple[tuple[Kind, str], ...] = (
    (Kind.RULE, "规则 / Rules"),
    (Kind.PARAMETER, "参数 / Parameters"),
    (Kind.INDICATOR_SET, "指标体系 / Indicator sets"),
    (Kind.PROGRAMME, "评估认定项目 / Programmes"),
    (Kind.WORK_PLAN, "工作要点 / Work plans"),
    (Kind.ACCOUNTABILITY_SITUATION, "问责情景 / Accountability situations"),
)

_MARKDOWN = re.compile(r"([\\`*_\[\]{}#|~])")


def cell(value: object) -> str:
    """Text for one Markdown table cell: HTML-escaped, Markdown specials and pipes
    backslash-escaped, on one line.

    >>> cell("<script>a|b</script> *x*")
    '&lt;script&gt;a\\\\|b&lt;/script&gt; \\\\*x\\\\*'
    """
    text = " ".join(str(value).split())
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


def code(value: object) -> str:
    """An identifier shown as code. Backticks cannot occur in a code span's content,
    so an identifier holding one is shown as escaped text instead."""
    text = " ".join(str(value).split())
    if "`" in text or "|" in text:
        return cell(text)
    return f"`{text}`"


def citation(entry: Entry) -> str:
    """The entry's documents and clauses, or what stands in their place."""
    if entry.cite:
        text = cell(entry.citation_text())
    elif entry.value is None:
        text = "法规未规定 / not set"
    else:
        text = "无引用 / uncited"
    return f"{text}（示例 / sample）" if entry.sample else text


def source(entry: Entry) -> str:
    """Where the entry was stated: the file and line, from the package down
    (``dudao_guangxi/data/rules/staffing.yaml:3``)."""
    origin = entry.origin
    if not origin.source:
        return cell(f"插件 {origin.plugin}（Python）")
    path = Path(origin.source)
    if path.is_absolute():
        try:
            path = path.relative_to(ROOT)
        except ValueError:
            path = Path(path.name)
    if "src" in path.parts[:-1]:  # the package path: dudao_guangxi/data/rules/x.yaml
        path = Path(*path.parts[len(path.parts) - path.parts[::-1].index("src") :])
    where = path.as_posix() + (f":{origin.line}" if origin.line else "")
    return code(where)


def scope(entry: Entry, hierarchy: Hierarchy) -> str:
    unit = hierarchy.get(entry.scope) if entry.scope in hierarchy else None
    return cell(f"{entry.scope} {unit.name}" if unit else entry.scope)


def validity(entry: Entry) -> str:
    dated = entry.validity.since or entry.validity.until
    return cell(entry.validity.describe()) if dated else "—"


def value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple, frozenset, set)):
        return cell("、".join(str(v) for v in value)) or "（空）"
    if isinstance(value, dict):
        return cell("；".join(f"{k}：{v}" for k, v in value.items())) or "（空）"
    return cell(value)


def _rule_rows(entries: list[Entry], h: Hierarchy) -> list[str]:
    out = [
        "| 规则 | 对象 | 读取的参数 | 范围 | 依据 | 有效期 | 来源 |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        rule = e.value
        shown = rule if rule is not None else e.detail
        title = cell(getattr(shown, "title", e.title) or e.title)
        kind = getattr(getattr(shown, "target_kind", None), "label", "—")
        params = "、".join(code(p) for p in getattr(shown, "parameters", ()) or ()) or "—"
        cite = citation(e)
        if rule is None and e.origin.plugin == "national":
            cite = "模板：仅在地区采用后生效 / template: in force only where a region adopts it"
        out.append(
            f"| {code(e.id)} {title} | {cell(kind)} | {params} | {scope(e, h)} | {cite} | "
            f"{validity(e)} | {source(e)} |"
        )
    return out


def _parameter_rows(entries: list[Entry], h: Hierarchy) -> list[str]:
    out = ["| 参数 | 取值 | 范围 | 依据 | 有效期 | 来源 |", "|---|---|---|---|---|---|"]
    for e in entries:
        unit = getattr(e.detail, "unit", None)
        value = value_text(e.value) + (f" {cell(unit)}" if unit and e.value is not None else "")
        out.append(
            f"| {code(e.id)} {cell(e.title)} | {value} | {scope(e, h)} | {citation(e)} | "
            f"{validity(e)} | {source(e)} |"
        )
    return out


def _indicator_set_rows(entries: list[Entry], h: Hierarchy) -> list[str]:
    out = ["| 指标体系 | 指标数 | 范围 | 依据 | 有效期 | 来源 |", "|---|---|---|---|---|---|"]
    details: list[str] = []
    for e in entries:
        s = e.value
        indicators = list(s.indicators()) if hasattr(s, "indicators") else []
        out.append(
            f"| {code(e.id)} {cell(e.title)} | {len(indicators)} | {scope(e, h)} | "
            f"{citation(e)} | {validity(e)} | {source(e)} |"
        )
        if indicators:
            details += [
                "",
                f"**{code(e.id)} 的指标 / indicators**",
                "",
                "| 指标 | 分值 | 依据 |",
                "|---|---|---|",
            ]
            for i in indicators:
                cite = cell(i.cite) if getattr(i, "cite", None) else "同指标体系 / as the set"
                if getattr(i, "sample", False):
                    cite += "（示例 / sample）"
                points = getattr(i, "points", None)
                details.append(
                    f"| {code(i.id)} {cell(i.name)} | {'—' if points is None else cell(points)}"
                    f" | {cite} |"
                )
    return out + details


def _programme_rows(entries: list[Entry], h: Hierarchy) -> list[str]:
    out = [
        "| 项目 | 阶段 | 指标体系 | 范围 | 依据 | 有效期 | 来源 |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        p = e.value
        stages = " → ".join(cell(s.name) for s in getattr(p, "stages", ()) or ()) or "—"
        used = getattr(p, "indicator_set", None)
        out.append(
            f"| {code(e.id)} {cell(e.title)} | {stages} | {code(used) if used else '—'} | "
            f"{scope(e, h)} | {citation(e)} | {validity(e)} | {source(e)} |"
        )
    return out


def _work_plan_rows(entries: list[Entry], h: Hierarchy) -> list[str]:
    out = ["| 工作要点 | 各项 | 范围 | 依据 | 有效期 | 来源 |", "|---|---|---|---|---|---|"]
    for e in entries:
        items = getattr(e.value, "items", ()) or ()
        listed = "；".join(f"{cell(i.number)} {cell(i.title)}" for i in items) or "—"
        out.append(
            f"| {code(e.id)} {cell(e.title)} | {listed} | {scope(e, h)} | {citation(e)} | "
            f"{validity(e)} | {source(e)} |"
        )
    return out


def _situation_rows(entries: list[Entry], h: Hierarchy) -> list[str]:
    out = [
        "| 问责情景 | 问责方式 | 直接问责 | 范围 | 依据 | 有效期 | 来源 |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        s = e.value
        forms = "、".join(cell(getattr(f, "label", f)) for f in getattr(s, "forms", ()) or ())
        direct = "是" if getattr(s, "direct", False) else "否"
        out.append(
            f"| {code(e.id)} {cell(e.title)} | {forms or '—'} | {direct} | {scope(e, h)} | "
            f"{citation(e)} | {validity(e)} | {source(e)} |"
        )
    return out


_ROWS = {
    Kind.RULE: _rule_rows,
    Kind.PARAMETER: _parameter_rows,
    Kind.INDICATOR_SET: _indicator_set_rows,
    Kind.PROGRAMME: _programme_rows,
    Kind.WORK_PLAN: _work_plan_rows,
    Kind.ACCOUNTABILITY_SITUATION: _situation_rows,
}


def _by_plugin(book: LawBook, plugin: str, kind: Kind) -> list[Entry]:
    return sorted(
        (e for e in book.entries(kind) if e.origin.plugin == plugin),
        key=lambda e: (e.id, len(e.scope), e.scope, e.validity.since or e.validity.until or 0),
    )


def _documents(info: Any) -> list[str]:
    docs = getattr(info, "documents", ()) or ()
    if not docs:
        return ["插件没有列出依据文件。 / The plugin lists no documents.", ""]
    out = ["| 文号 | 标题 | 发文机关 | 日期 | 公开 |", "|---|---|---|---|---|"]
    for d in docs:
        public = {True: "公开", False: "不予公开", None: "未标注"}[d.public]
        number = cell(d.number) if d.number is not None else "（无文号）"
        out.append(
            f"| {number} | 《{cell(d.title)}》 | {cell(d.issuer)} | "
            f"{d.date.isoformat() if d.date else '—'} | {public} |"
        )
    return [*out, ""]


def region_page(plugins: PluginSet, book: LawBook, name: str) -> str:
    """One plugin's page: its documents and every entry it states, by kind."""
    plugin = next(p for p in plugins if p.name == name)
    info = plugin.info
    h = book.hierarchy
    title = cell(info.title) if info else cell(name)
    out = [f"# {title}（{cell(name)}）", ""]
    if info is not None:
        unit = h.get(info.scope) if info.scope in h else None
        out += [
            f"- 管辖范围 / scope：{cell(info.scope)} {cell(unit.name) if unit else ''}",
            f"- 所基于的插件 / builds on：{'、'.join(cell(b) for b in info.builds_on) or '—'}",
            f"- 版本 / version：{cell(info.version or '—')}",
            "",
        ]
        if info.description:
            out += [cell(info.description), ""]
    out += [GENERATED, ""]
    if not plugin.ok:
        out += [
            '!!! warning "未生效 / not in force"',
            f"    插件 {cell(name)} 没有加载（{cell(plugin.state)}），它的规定都不生效。"
            f"原因 / why：{cell(plugin.error or '—')}",
            "",
        ]
    out += ["## 依据文件 / Documents", "", *_documents(info)]
    for kind, heading in SECTIONS:
        entries = _by_plugin(book, name, kind)
        if not entries:
            continue
        out += [f"## {heading}", "", f"共 {len(entries)} 条。", "", *_ROWS[kind](entries, h), ""]
    return "\n".join(out)


GENERATED = (
    '!!! note "自动生成 / generated"\n'
    "    本页在构建站点时由 `tools/make_catalogue.py` 从已加载的插件和它们组装的法规生成，"
    "不要手改。\n"
    "    Generated from the loaded plugins at build time; do not edit."
)


def index_page(plugins: PluginSet, book: LawBook) -> str:
    out = [
        "# 法规目录 / Legislation catalogue",
        "",
        "每个地区（插件）一页，列出它的全部规则、参数、指标体系、评估认定项目、工作要点和问责情景，"
        "各自写明依据（文号 + 条款）、适用范围、有效期以及在插件中的来源文件和行号。没有文件给出的"
        "数值标为“示例”。某地某日实际适用哪一条，用 `dudao rules --for 区划代码 --as-of 日期` "
        "查看：最具体的范围优先。",
        "",
        "One page per region (plugin): every rule, parameter, indicator set, programme, work "
        "plan and accountability situation it states, each with its document and clause, "
        "scope, validity and source file. Values no document gives are marked 示例 (sample).",
        "",
        GENERATED,
        "",
        "| 地区 / region | 插件 | 范围 | 状态 | "
        + " | ".join(h.split(" / ")[0] for _, h in SECTIONS)
        + " |",
        "|---|---|---|---|" + "---|" * len(SECTIONS),
    ]
    for p in plugins:
        info = p.info
        title = cell(info.title) if info else cell(p.name)
        link = f"[{title}]({page_name(p.name)})"
        counts = " | ".join(str(len(_by_plugin(book, p.name, k))) for k, _ in SECTIONS)
        out.append(
            f"| {link} | {code(p.name)} | {cell(info.scope) if info else '—'} | "
            f"{cell(p.state)} | {counts} |"
        )
    return "\n".join(out) + "\n"


def page_name(plugin: str) -> str:
    return f"{re.sub(r'[^a-z0-9_-]', '-', plugin.lower())}.md"


def pages(plugins: PluginSet | None = None) -> dict[str, str]:
    """Every catalogue page, by path under ``docs/`` (``catalogue/index.md``,
    ``catalogue/guangxi.md`` …)."""
    plugins = plugins if plugins is not None else load_plugins()
    book = plugins.law_book()
    out = {f"{FOLDER}/index.md": index_page(plugins, book)}
    for p in plugins:  # an excluded plugin too: its page says why nothing of it is in force
        out[f"{FOLDER}/{page_name(p.name)}"] = region_page(plugins, book, p.name)
    return out


def write(folder: Path, generated: Iterable[tuple[str, str]]) -> list[Path]:
    written = []
    for name, text in generated:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the pages to")
    args = parser.parse_args()
    for path in write(args.out, pages().items()):
        print(f"wrote {path}")
