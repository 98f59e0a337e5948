"""Write the generated part of each bundled plugin's README from the plugin's data: what
it contributes (counts of documents, parameters, rules, programmes, cases …), its
programmes and test cases, every work-plan task with its target, and what
``dudao check`` and ``dudao plan status`` give on its example dataset.

Hand-written text (clause coverage, notes) stays; the numbers and lists that follow
the data are written here, between the two markers, so they cannot drift.

Run: .venv/bin/python tools/plugin_readmes.py   (each plugin's tests/test_readme.py checks
its README is current; ``--check`` exits 1 naming the READMEs that are not)
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from dudao.api import check, measure_plans
from dudao.io import yamlio
from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.model.dataset import DatasetInfo
from dudao.model.findings import Severity
from dudao.plans.model import RecordsTarget, RuleTarget, Wording, WorkPlan
from dudao.plans.status import TaskStatus
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin, folder_plugin

ROOT = Path(__file__).parent.parent
PLUGINS = ("guangxi", "nanning", "yueyang", "weinan")
BEGIN = (
    "<!-- 以下由 tools/plugin_readmes.py 根据插件数据生成，请勿手改；"
    "改了数据后运行 .venv/bin/python tools/plugin_readmes.py -->"
)
END = "<!-- 生成内容结束 -->"


def _cell(text: Any) -> str:
    """Text fit for one markdown table cell: one line, no column breaks."""
    return " ".join(str(text).split()).replace("|", "｜")


def _ids(ids: list[str]) -> str:
    return "、".join(f"`{i}`" for i in ids) if ids else "—"


def _plan_counts(plan: WorkPlan) -> str:
    tasks = plan.tasks()
    rules = sum(isinstance(t.target, RuleTarget) for t in tasks)
    records = sum(isinstance(t.target, RecordsTarget) for t in tasks)
    return (
        f"`{plan.id}`：{len(tasks)} 个任务，{rules + records} 个可度量（规则 {rules}、"
        f"记录 {records}），{len(tasks) - rules - records} 个无法度量"
    )


def _wording(law: LawBook, scope: str, day: dt.date) -> Wording:
    h = law.hierarchy

    def programme(pid: str) -> Any:
        entry = law.resolve(Kind.PROGRAMME, pid, scope, day, blocked="none")
        return None if entry is None else entry.value

    return Wording(lambda c: h.get(c).name if c in h else None, programme)


def _task_table(plan: WorkPlan, scope: str, law: LawBook) -> list[str]:
    out = [
        f"#### `{plan.id}` {plan.title}",
        "",
        "| 项 | 原文 | 任务 | 目标 |",
        "|---|---|---|---|",
    ]
    for t in plan.tasks():
        if t.target is None:
            target = f"无法度量：{t.note or '原文未给出可度量的目标'}"
        else:
            target = t.target.describe(_wording(law, plan.scope or scope, t.deadline_in(plan)))
        out.append(f"| {t.item} | {_cell(t.text)} | `{t.id}` | {_cell(target)} |")
    return [*out, ""]


def _example_results(name: str, folder: Path, plugins: PluginSet) -> list[str]:
    info = yamlio.load(folder / "dataset.yaml", DatasetInfo)
    result = check(folder, plugins)
    severity = Counter(result.findings["severity"])
    rules = sorted(set(result.findings["rule"]))
    skipped = sorted(
        {r.rule for r in result.runs if r.skipped} - {r.rule for r in result.runs if not r.skipped}
    )
    out = [
        f"`dudao check`（检查日期 {info.as_of}）：错误 {severity[Severity.ERROR.value]} 项、"
        f"警告 {severity[Severity.WARNING.value]} 项，来自 {len(rules)} 条规则：{_ids(rules)}。"
    ]
    if skipped:
        out[-1] += f"未运行（数据集没有所需的表）：{_ids(skipped)}。"
    if not any((folder.parent / "data" / "plans").glob("*.yaml")):
        return out
    report = measure_plans(folder, plugins, plugin=name)
    counts = Counter(r.status for r in report.results)
    shown = "、".join(f"{s.label} {counts[s]}" for s in TaskStatus)
    total = len(report.results)
    out.append(
        f"`dudao plan status --plugin {name}`（{report.as_of}）：共 {total} 项任务，{shown}。"
    )
    return out


def render(name: str, plugins: PluginSet | None = None) -> str:
    """The generated part of plugin ``name``'s README (markers included)."""
    plugins = plugins or load_plugins()
    plugin: YamlPlugin = folder_plugin(f"dudao_{name}")
    data = Path(plugin.folder)
    law = plugins.law_book()
    info = plugin.dudao_plugin_info()
    params = [s.value for s in plugin.dudao_parameters()]
    adopted = [s.value.id for s in plugin.dudao_rule_statements()]
    own = [getattr(r, "value", r).id for r in plugin.dudao_rules()]  # Rule or Sourced[Rule]
    sets = [s.value for s in plugin.dudao_indicator_sets()]
    programmes = sorted((s.value for s in plugin.dudao_programmes()), key=lambda p: p.id)
    situations = [s.value for s in plugin.dudao_accountability_situations()]
    members = plugin.dudao_member_units()
    units = plugin.dudao_jurisdictions()
    plans = [s.value for s in plugin.dudao_work_plans()]
    cases = sorted((data.parent.parent.parent / "tests" / "cases").glob("*.yaml"))

    rows = [
        ("依据文件", f"{len(info.documents)} 份", "、".join(str(d.key) for d in info.documents)),
        (
            "参数",
            f"{len(params)} 个（取值 {sum(len(p.values) for p in params)} 条）",
            "`parameters/*.yaml`",
        ),
        ("以地区条款采用的规则", f"{len(adopted)} 条", _ids(sorted(set(adopted)))),
        ("本插件自己的规则", f"{len(own)} 条", _ids(own)),
        ("指标体系", f"{len(sets)} 个", _ids([s.id for s in sets])),
        ("评估认定项目", f"{len(programmes)} 个", "见下表"),
        ("问责情景", f"{len(situations)} 个", "`accountability.yaml`"),
        ("成员单位名录", f"{len(members)} 个单位", "`member_units.yaml`"),
        ("补充的区划单位", f"{len(units)} 个", _ids([u.value.code for u in units])),
        ("工作要点", f"{len(plans)} 份", "；".join(_plan_counts(p) for p in plans) or "—"),
        ("YAML 测试用例", f"{len(cases)} 个", "`tests/cases/`，见下表"),
    ]
    out = [
        BEGIN,
        "",
        "## 数据一览",
        "",
        "| 内容 | 数量 | 说明 |",
        "|---|---|---|",
        # what the plugin does not contribute at all is left out
        *(f"| {a} | {b} | {c} |" for a, b, c in rows if not b.startswith("0 ")),
        "",
    ]
    if programmes:
        out += [
            "### 评估认定项目",
            "",
            "| 项目 | 名称 | 依据 | 有效期 | 阶段 |",
            "|---|---|---|---|---|",
        ]
        for p in programmes:
            dated = p.validity.describe() if p.since or p.until else "—"
            stages = " → ".join(s.name for s in p.stages)
            out.append(
                f"| `{p.id}` | {_cell(p.title)} | {p.cite or '示例'} | {dated} | {_cell(stages)} |"
            )
        out.append("")
    if cases:
        out += ["### YAML 测试用例", "", "| 文件 | 用例 |", "|---|---|"]
        for path in cases:
            doc = yamlio.read(path)
            title = doc.data.get("name", "") if isinstance(doc.data, dict) else ""
            out.append(f"| `{path.name}` | {_cell(title)} |")
        out.append("")
    example = data.parent / "example"
    if (example / "dataset.yaml").is_file():
        out += ["### 示例数据集上的结果", "", *_example_results(name, example, plugins), ""]
    if plans:
        out += [
            "### 工作要点逐项任务",
            "",
            "目标按数据集中的记录或规则判断；无法度量的写明原因。",
            "",
        ]
        for p in plans:
            out += _task_table(p, info.scope, law)
    return "\n".join([*out, END])


def readme(name: str) -> Path:
    return ROOT / "plugins" / name / "README.md"


def updated(name: str, plugins: PluginSet | None = None) -> str:
    """The README of ``name`` with its generated part rewritten."""
    text = readme(name).read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{readme(name)}: 没有生成内容的标记（{BEGIN} … {END}）")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + render(name, plugins) + tail


def main(argv: list[str]) -> int:
    plugins = load_plugins()
    stale = []
    for name in PLUGINS:
        text = updated(name, plugins)
        if "--check" in argv:
            if text != readme(name).read_text(encoding="utf-8"):
                stale.append(str(readme(name)))
        else:
            readme(name).write_text(text, encoding="utf-8")
            print(f"wrote {readme(name)}")
    if stale:
        print("过期（运行 .venv/bin/python tools/plugin_readmes.py）：" + "、".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
