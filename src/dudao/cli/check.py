"""``dudao check``, ``dudao rules`` and ``dudao explain``: the law at work on a dataset."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from dudao import api
from dudao.api import check as run_check
from dudao.cli.lawstatus import LawStatus, strict_option
from dudao.cli.options import dataset_folder
from dudao.cli.output import (
    parse_date,
    print_json,
    stdout,
    working,
    wrote,
    xlsx_out_option,
    xlsx_path,
)
from dudao.cli.table import Col, layout, paragraph, summarise_units
from dudao.errors import DudaoError, Problem
from dudao.io.dataset import collector_paused, reading_dataset_ahead
from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.lazyimports import np, pd
from dudao.model.findings import Severity
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.report.text import markdown_cell, markdown_table, plain_text
from dudao.rules.engine import CheckResult

LIMIT = 200  # listed one by one; a national check finds ~90,000 and rich draws ~500 rows a second
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


@click.command()
@click.argument("dataset", required=False)
@click.option("--as-of", help="检查日期 YYYY-MM-DD（默认取 dataset.yaml 的 as_of）")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "xlsx"]),
    default="table",
    show_default=True,
    help="输出格式：table 供人阅读，json 供脚本使用，markdown 供粘贴到文档，"
    "xlsx 写成 Excel 表格（按规则、按区划、各级区划的问题各一张表；须给出 --out）",
)
@xlsx_out_option("检查结果.xlsx")
@click.option("--rule", "rules", multiple=True, help="只运行这些规则（可多次给出）")
@click.option("--exit-zero", is_flag=True, help="发现错误也以状态 0 结束（只看报告时用）")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=LIMIT,
    show_default=True,
    help="table/markdown 最多逐条列出的问题数（0：全部）；其余按规则汇总",
)
@strict_option
def check(
    dataset: str | None,
    as_of: str | None,
    fmt: str,
    rules: tuple[str, ...],
    exit_zero: bool,
    limit: int,
    strict: bool,
    out: Path | None = None,
) -> None:
    """运行在 DATASET 上有效的全部规则，按区划列出发现的问题。

    不给 DATASET 时使用自带的示例数据集（宜昌市）；DATASET 也可以是示例名，如 nanning。
    --format xlsx --out 文件名 写成 Excel（全部问题，按级别分表）。发现“错误”级问题时以状态 1 结束
    （便于在 CI 中使用），除非给出 --exit-zero。
    """
    path = dataset_folder(dataset)
    workbook = xlsx_path(fmt, out)
    from dudao.cli import end_at_once, small_pages

    small_pages()  # before the tables' memory is first touched
    # the tables decode on another core while the plugins load; the command owns its
    # process, so the cycle collector is paused from the plugins to the findings (see
    # dudao.api.check: what they make lives on, and walking it found next to nothing)
    with reading_dataset_ahead(path), collector_paused(freeze=True):
        plugins = load_plugins()
        with working("检查中：读取数据集、运行规则"):
            result = run_check(path, plugins, as_of=parse_date(as_of), only=set(rules) or None)
    _known_rules(rules, result.law or plugins.law_book(result.hierarchy))
    status = LawStatus.of(plugins, result.dataset.info.scope, result.as_of)
    if fmt == "json":
        _print_json(result, status)
    elif fmt == "markdown":
        click.echo(_as_markdown(result, limit))
        status.footer(markdown=True)
    elif workbook is not None:
        with working("写入 Excel 文件"):
            _write_xlsx(result, status, workbook)
        wrote(workbook)
        status.footer()
    else:
        _print_table(result, limit)
        status.footer()
    end_at_once()  # all written: no teardown of the loaded dataset and its findings
    status.finish(strict)
    if result.has_errors and not exit_zero:
        raise SystemExit(1)


def _known_rules(names: Iterable[str], law: LawBook, where: str = "--rule") -> None:
    """Every rule named on the command line exists: say which do, and the nearest."""
    known = law.ids(Kind.RULE)
    problems = []
    for name in dict.fromkeys(n for n in names if n not in known):
        close = difflib.get_close_matches(name, known, n=1)
        problems.append(
            Problem(
                f"没有名为 '{name}' 的规则",
                path=(where,),
                code="unknown-rule",
                hint=(f"是否是 '{close[0]}'？" if close else "")
                + "已有的规则："
                + "、".join(known),
            )
        )
    if problems:
        raise DudaoError(problems)


def _summary(result: CheckResult) -> dict[str, int]:
    # counted by pandas: a Counter walks ~90,000 Arrow strings one by one
    counts = result.findings["severity"].value_counts()
    return {s.value: int(counts.get(s.value, 0)) for s in Severity}


def _as_json(result: CheckResult, status: LawStatus) -> dict[str, Any]:
    """Everything ``--format json`` prints but the findings."""
    info = result.dataset.info
    return {
        "plugins": status.as_json(),
        "dataset": {"name": info.name, "scope": info.scope, "sample": info.sample},
        "as_of": result.as_of.isoformat(),
        "summary": _summary(result),
        "rules": [
            {
                "rule": r.rule,
                "title": r.title,
                "plugin": r.plugin,
                "scope": r.scope,
                "checked": r.checked,
                "failed": r.failed,
                "skipped": r.skipped,
            }
            for r in result.runs
        ],
    }


def _print_json(result: CheckResult, status: LawStatus) -> None:
    """:func:`_as_json` with ``"findings"``: a list of objects, one per line, streamed.

    Findings are encoded by msgspec a chunk at a time straight to stdout: a national
    check's ~90,000 in about a tenth of a second, with no copy of the whole text in
    memory (pandas ``to_json`` and re-splitting its lines took 1.3 s and 440 MB)."""
    head = json.dumps(_as_json(result, status), ensure_ascii=False, indent=2, default=str)
    out = sys.stdout
    out.write(f'{head[:-2]},\n  "findings": [\n')
    out.flush()
    first = True
    for chunk in _findings_json(result.findings):
        if not first:
            out.buffer.write(b",\n")
        out.buffer.write(chunk)
        first = False
    out.buffer.flush()
    out.write(("\n" if not first else "") + "  ]\n}\n")


def _findings_json(findings: pd.DataFrame, rows: int = 8192) -> Iterable[bytes]:
    """The findings as JSON objects, one per line (``,\\n`` between them), in chunks of
    ``rows``: each column converted to Python values once, the records of a chunk made
    in C (a msgspec Struct of the columns, in their order) and encoded by msgspec as
    lines (newlines inside texts are escaped, so a record is one line)."""
    import msgspec

    encoder = msgspec.json.Encoder(enc_hook=_json_other)
    columns = list(findings.columns)
    if all(isinstance(c, str) and c.isidentifier() and not c.startswith("_") for c in columns):
        record: Any = msgspec.defstruct("Finding", columns)
    else:
        record = lambda *row: dict(zip(columns, row, strict=True))  # noqa: E731
    for start in range(0, len(findings), rows):
        part = findings.iloc[start : start + rows]
        # evidence floats are already shown to 10 decimals (dudao.rules.engine.ten_digits)
        values = [_json_values(part[c]) for c in columns]
        # one call per chunk; a raw newline in its output can only separate two records
        lines = encoder.encode_lines(map(record, *values))
        yield lines[:-1].replace(b"\n", b",\n")


def _json_other(value: Any) -> Any:
    """What msgspec cannot encode itself: a missing value (pd.NA, NaT) as null, anything
    else as its text. (NaN and None it writes as null.)"""
    missing = pd.isna(value)
    return None if missing is True or missing is np.True_ else str(value)


def _json_values(column: pd.Series) -> list[Any]:
    """A findings column as plain values for JSON: dates ISO text; missing values are
    written as null (:func:`_json_other`), with no pass over every value to find them."""
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype | pd.CategoricalDtype):
        return list(column.to_numpy(dtype=object).tolist())
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        text = column.dt.strftime("%Y-%m-%d").astype(object)
        return list(text.where(column.notna(), None).tolist())
    return list(column.astype(object).where(column.notna(), None).tolist())


def _groups(result: CheckResult, limit: int = 0) -> list[tuple[str, pd.DataFrame]]:
    """Findings by jurisdiction in tree order (unknown codes last); only the first
    ``limit`` (0: all). Findings come sorted by jurisdiction code: a stable sort by tree
    position keeps each one's rules and targets in order."""
    findings = result.findings
    pos = result.hierarchy.positions(findings["jurisdiction"])
    order = np.argsort(np.where(pos >= 0, pos, np.iinfo(np.int64).max), kind="stable")
    shown = findings.take(order[: limit or len(order)])
    codes = shown["jurisdiction"].to_numpy(dtype=object)
    if not len(codes):  # a clean dataset: nothing to group
        return []
    starts = [i for i in range(len(codes)) if i == 0 or codes[i] != codes[i - 1]]
    ends = [*starts[1:], len(codes)]
    return [(codes[a], shown.iloc[a:b]) for a, b in zip(starts, ends, strict=True)]


def _by_rule(result: CheckResult) -> pd.DataFrame:
    """Findings counted per rule and severity, most first."""
    f = result.findings
    counts = f.groupby(["rule", "severity"], observed=True).size().rename("n").reset_index()
    return counts.sort_values("n", ascending=False, kind="stable")


def _title(result: CheckResult, code: str) -> str:
    h = result.hierarchy
    return f"{h.get(code).name}（{code}）" if code in h else code


#: the columns of a check's table; on a narrow terminal 依据, then 对象, then 规则 go
FINDING_COLUMNS = (
    Col("级别", "id"),
    Col("规则", "id", keep=3),
    Col("对象", "text", keep=2, min_text=8),
    Col("问题", "text", min_text=16),
    Col("依据", "text", keep=1, min_text=10, fold_into="问题"),
)


def _finding_rows(result: CheckResult, group: pd.DataFrame) -> list[list[Any]]:
    level = _level_label(result)
    rows: list[list[Any]] = []
    for row in group.itertuples():
        style = SEVERITY_STYLE.get(row.severity, "")
        target = row.target_name if isinstance(row.target_name, str) else row.target
        # Text cells: rich parses no markup in them (a "[" in a name is shown as written)
        rows.append(
            [
                Text(Severity.parse(row.severity).label, style=style),
                row.rule,
                target,
                summarise_units(plain_text(row.message), level),
                row.citation,
            ]
        )
    return rows


def _level_label(result: CheckResult) -> Any:
    h = result.hierarchy

    def level(code: str) -> str | None:
        return h.get(code).level.label if code in h else None

    return level


def _print_table(result: CheckResult, limit: int = LIMIT) -> None:
    info = result.dataset.info
    stdout.print(
        paragraph(
            stdout,
            Text(info.name, style="bold")
            + Text(f"  范围 {_title(result, info.scope)}  检查日期 {result.as_of}"),
        )
    )
    if info.sample:
        stdout.print("[yellow]注意：本数据集为示例数据，不代表实际情况。[/]")
    groups = [(code, _finding_rows(result, group)) for code, group in _groups(result, limit)]
    # one set of widths for every jurisdiction's table: the columns line up
    shape = layout(stdout, FINDING_COLUMNS, [r for _, rows in groups for r in rows])
    for n, (code, rows) in enumerate(groups):
        last = n == len(groups) - 1
        stdout.print(shape.table(rows, title=Text(_title(result, code)), caption=last))
    hidden = len(result.findings) - (limit or len(result.findings))
    if hidden > 0:
        _print_summaries(result)
        more = (
            f"另有 {hidden:,} 项问题未逐条列出：--limit 0 列出全部，"
            "--format json 供程序处理，--format xlsx --out 文件名 写成 Excel 表格。"
        )
        stdout.print(paragraph(stdout, Text(more, style="dim")))
    s = _summary(result)
    ran = [r for r in result.runs if r.skipped is None]
    skipped = [r for r in result.runs if r.skipped is not None]
    stdout.print()
    stdout.print(
        paragraph(
            stdout,
            f"运行规则 {len(ran)} 条，检查对象 {sum(r.checked for r in ran):,} 个；"
            f"发现 错误 {s['error']:,} 项、警告 {s['warning']:,} 项、提示 {s['info']:,} 项。",
        )
    )
    # a rule with national and regional versions is skipped once per version: say it once
    for rule, title, why in dict.fromkeys((r.rule, r.title, r.skipped) for r in skipped):
        stdout.print(paragraph(stdout, Text(f"未运行 {rule}（{title}）：{why}", style="dim")))


def _print_summaries(result: CheckResult) -> None:
    """For a check too big to list: findings per rule (with its title) and per unit
    directly below the dataset's scope (per province for a national check)."""
    titles = {r.rule: r.title for r in result.runs}
    rows = [
        [
            row.rule,
            titles.get(row.rule, ""),
            Text(
                Severity.parse(row.severity).label,
                style=SEVERITY_STYLE.get(row.severity, ""),
            ),
            f"{row.n:,}",
        ]
        for row in _by_rule(result).itertuples()
    ]
    columns = (
        Col("规则", "id"),
        Col("名称", "text", keep=1, min_text=12),
        Col("级别", "id"),
        Col("问题数", "number"),
    )
    stdout.print(layout(stdout, columns, rows).table(rows, title="按规则汇总"))
    below = _by_unit_below_scope(result)
    if len(below) > 1:
        columns = (
            Col("区划", "id"),
            Col("错误", "number"),
            Col("警告", "number"),
            Col("提示", "number"),
        )
        title = f"按{_title(result, result.dataset.info.scope)}下一级区划汇总"
        stdout.print(layout(stdout, columns, below).table(below, title=title))


def _by_unit_below_scope(result: CheckResult) -> list[list[Any]]:
    """Findings per severity for each unit directly below the scope (the scope's own
    findings under its own name), in tree order. Columnar: each finding's unit is found
    among the children's pre-order spans by one binary search, not by its path."""
    h = result.hierarchy
    scope = result.dataset.info.scope
    if scope not in h:
        return []
    kids = h.children(scope)
    lo, hi = h.span(scope)
    pos = h.positions(result.findings["jurisdiction"])
    # the children's spans tile the scope's below its own position, in order
    starts = np.array([h.span(k.code)[0] for k in kids], dtype=np.int64)
    head = np.searchsorted(starts, pos, side="right") - 1  # the child, by its number
    head = np.where(pos == lo, -1, head)  # the scope itself
    head = np.where(pos < 0, len(kids), head)  # a code the tree does not know
    inside = (pos < 0) | ((pos >= lo) & (pos < hi))
    counts = (
        pd.DataFrame(
            {"head": head[inside], "severity": result.findings["severity"].to_numpy()[inside]}
        )
        .value_counts()
        .to_dict()
    )
    names = {-1: f"{h.get(scope).name}（{scope}）", len(kids): "区划代码不明"}
    names |= {i: f"{k.name}（{k.code}）" for i, k in enumerate(kids)}
    rows = []
    for i in sorted({int(i) for i, _ in counts}):
        rows.append([names[i], *(f"{counts.get((i, s.value), 0):,}" for s in Severity)])
    return rows


def _write_xlsx(result: CheckResult, status: LawStatus, path: Path) -> None:
    """The check as a workbook: 说明, 按规则, 按区划 and one sheet of findings per level."""
    from dudao.report.excel import write_workbook
    from dudao.report.workbooks import check_sheets

    info = result.dataset.info
    s = _summary(result)
    about = [
        ("数据集", info.name),
        ("范围", _title(result, info.scope)),
        ("检查日期", result.as_of),
        ("发现问题", f"错误 {s['error']:,} 项、警告 {s['warning']:,} 项、提示 {s['info']:,} 项"),
        ("插件状态", " ".join(status.lines(full=True)) or "全部插件已生效，没有冲突"),
    ]
    write_workbook(
        path, check_sheets(result), title=f"{info.name}：检查结果", about=about, sample=info.sample
    )


def _as_markdown(result: CheckResult, limit: int = LIMIT) -> str:
    info = result.dataset.info
    lines = [
        f"# {markdown_cell(info.name)}",
        "",
        f"范围：{_title(result, info.scope)}；检查日期：{result.as_of}",
        "",
    ]
    if info.sample:
        lines += ["> 本数据集为示例数据，不代表实际情况。", ""]
    for code, group in _groups(result, limit):
        lines += [f"## {markdown_cell(_title(result, code))}", ""]
        lines += markdown_table(
            ["级别", "规则", "对象", "问题", "依据"],
            (
                [
                    Severity.parse(row.severity).label,
                    row.rule,
                    row.target_name or row.target,
                    row.message,
                    row.citation,
                ]
                for row in group.itertuples()
            ),
        )
        lines.append("")
    hidden = len(result.findings) - (limit or len(result.findings))
    if hidden > 0:
        lines += ["## 按规则汇总", "", "| 规则 | 级别 | 问题数 |", "|---|---|---|"]
        lines += [
            f"| {r.rule} | {Severity.parse(r.severity).label} | {r.n} |"
            for r in _by_rule(result).itertuples()
        ]
        lines += ["", f"另有 {hidden} 项问题未逐条列出（--limit 0 列出全部）。", ""]
    s = _summary(result)
    lines.append(f"共发现 错误 {s['error']} 项、警告 {s['warning']} 项、提示 {s['info']} 项。")
    return "\n".join(lines)


# ------------------------------------------------------------------- rules
@click.command()
@click.option("--for", "code", default="000000", show_default=True, help="区划代码")
@click.option("--as-of", help="日期 YYYY-MM-DD（默认今天）")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@strict_option
def rules(code: str, as_of: str | None, fmt: str, strict: bool) -> None:
    """列出对某一区划在某日有效的全部规则和参数，以及依据和来源插件；
    并列出每条规则读取的参数、所用的取值及其来源（插件、文件:行号）。"""
    plugins = load_plugins()
    book = plugins.law_book()
    day = parse_date(as_of) or dt.date.today()
    unit = book.hierarchy.get(code)
    rows = api.law_in_force(book, code, day, plugins.member_units(code))
    reads = api.rule_parameters(plugins, code, day)
    status = LawStatus.of(plugins, code, day)
    if fmt == "json":
        print_json(
            {
                "for": code,
                "name": unit.name,
                "as_of": day.isoformat(),
                "rules": rows["rules"],
                "parameters": rows["parameters"],
                "rule_parameters": [
                    {
                        "rule": r.id,
                        "template": r.template,
                        "plugin": r.plugin,
                        "source": r.source,
                        "line": r.line,
                        "parameters": [
                            {
                                "id": p.id,
                                "value": p.value,
                                "sample": p.sample,
                                "read_on": p.read_on.isoformat(),
                                "scope": p.scope,
                                "citation": p.citation,
                                "plugin": p.plugin,
                                "source": p.source,
                                "line": p.line,
                            }
                            for p in r.parameters
                        ],
                    }
                    for r in reads
                ],
                "plugins": status.as_json(),
            }
        )
        status.finish(strict)
        return
    stdout.print(Text(f"{unit.name}（{code}）", style="bold") + Text(f" 于 {day} 有效的规定"))
    # ids whole at any width: on a narrow terminal 依据 and 来源 go under the name
    for kind, label in (("rules", "规则"), ("parameters", "参数")):
        columns = (
            Col("编号", "id"),
            Col("名称", "text", min_text=10),
            Col("取值" if kind == "parameters" else "适用范围", "text", min_text=8),
            Col("依据", "text", keep=2, min_text=10, fold_into="名称"),
            Col("来源", "id", keep=1, fold_into="名称"),
        )
        law_rows = [
            [
                r["id"],
                r["title"],
                r["display"] if kind == "parameters" else r["scope"],
                r["citation"] or "—",
                r["plugin"],
            ]
            for r in rows[kind]
        ]
        stdout.print(layout(stdout, columns, law_rows).table(law_rows, title=label))
    read_columns = (
        Col("规则", "id", keep=5, fold_into="参数"),
        Col("模板", "id", keep=1, fold_into="参数"),
        Col("参数", "text", min_text=10),
        Col("取值", "text", min_text=6),
        Col("取值日期", "id", keep=3, fold_into="取值"),
        Col("取值来源", "text", keep=2, fold_into="参数"),
        Col("依据", "text", keep=4, min_text=10, fold_into="参数"),
    )
    read_rows = []
    for read in reads:
        for p in read.parameters:
            shown = "未规定" if p.value is None else str(p.value)
            shown += "（示例数据）" if p.sample else ""
            origin = f"{p.plugin} {p.where()}" if p.plugin else "—"
            read_rows.append(
                [
                    read.id,
                    read.template or "—",
                    p.id,
                    shown,
                    str(p.read_on),
                    origin,
                    p.citation or "—",
                ]
            )
    title = "各规则读取的参数及取值来源"
    stdout.print(layout(stdout, read_columns, read_rows).table(read_rows, title=title))
    status.footer()
    status.finish(strict)


# ----------------------------------------------------------------- explain
@click.command()
@click.argument("rule")
@click.argument("target")
@click.argument("dataset", required=False)
@click.option("--as-of", help="检查日期 YYYY-MM-DD")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@strict_option
def explain(
    rule: str, target: str, dataset: str | None, as_of: str | None, fmt: str, strict: bool
) -> None:
    """说明规则 RULE 对对象 TARGET 的判断是怎样算出来的（使用的数字、参数与依据）。"""
    plugins = load_plugins()
    result = run_check(dataset_folder(dataset), plugins, as_of=parse_date(as_of), only={rule})
    _known_rules([rule], result.law or plugins.law_book(result.hierarchy), "RULE")
    if not result.checks:
        raise DudaoError(
            Problem(
                f"规则 '{rule}' 在此数据集上没有运行",
                code="unknown-rule",
                hint="dudao rules --for 区划代码 列出有效的规则",
            )
        )
    trace = _trace(result, plugins, rule, target)
    status = LawStatus.of(plugins, result.dataset.info.scope, result.as_of)
    if fmt == "json":
        print_json({**trace, "plugins": status.as_json()})
        status.finish(strict)
        return
    # every text from data or a plugin as Text: a "[/]" in a name is shown, not read as
    # markup; lines wrap between words, never inside an id
    verdict = Text("通过", style="green") if trace["ok"] else Text("不通过", style="red")

    def say(text: str | Text) -> None:
        stdout.print(paragraph(stdout, text))

    say(
        Text(str(trace["rule"]), style="bold")
        + Text(f" {trace['title']} — 对象 {target}：")
        + verdict
    )
    if trace["message"]:
        say(f"  {trace['message']}")
    say(f"  依据：{trace['citation']}（来自插件 {trace['plugin']}，范围 {trace['scope']}）")
    say("  数据：")
    for key, value in trace["evidence"].items():
        say(f"    {key} = {value}")
    if trace["parameters"] and trace["parameters_on"] != result.as_of.isoformat():
        say(f"  参数取 {trace['parameters_on']} 有效的值（规则判断的是该时期）：")
    for p in trace["parameters"]:
        say(
            f"  参数 {p['id']}（{p['title']}）= {p['display']}；依据 {p['citation'] or '—'}；"
            f"来自{_origin(p)}"
        )
    status.footer()
    status.finish(strict)


def _origin(param: dict[str, Any]) -> str:
    """Who set a parameter's value: the plugin (or the dataset) and its file and line."""
    who = "数据集" if param["plugin"] == "dataset" else f"插件 {param['plugin']}"
    return f"{who}（{param['source']}）" if param.get("source") else who


def _trace(result: CheckResult, plugins: PluginSet, rule: str, target: str) -> dict[str, Any]:
    from dudao.rules.engine import plain_value

    for key, frame in result.checks.items():
        hit = frame[frame["target"].astype(str) == target]
        if hit.empty:
            continue
        row = hit.iloc[0].to_dict()
        scope = key.split("@", 1)[1]
        found = result.findings[
            (result.findings["rule"] == rule) & (result.findings["target"] == target)
        ]
        run = next(r for r in result.runs if r.rule == rule and r.scope == scope)
        law = result.law or plugins.law_book(result.hierarchy)
        entry = law.resolve(Kind.RULE, rule, row["jurisdiction"], result.as_of)
        # a rule judging a past period (last year's plan, last semester's visits) read
        # its parameters on that period's day: show the values it applied
        day = entry.value.judged_on(result.as_of, row) if entry is not None else result.as_of
        params = [
            p
            for p in api.law_in_force(
                law, row["jurisdiction"], day, plugins.member_units(row["jurisdiction"])
            )["parameters"]
            if entry is not None and p["id"] in entry.value.parameters
        ]
        evidence = {
            k: plain_value(v)
            for k, v in row.items()
            if k not in {"target", "jurisdiction", "ok", "citation", "target_name"}
        }
        return {
            "rule": rule,
            "title": run.title,
            "target": target,
            "ok": bool(row["ok"]),
            "jurisdiction": row["jurisdiction"],
            "message": found.iloc[0]["message"] if len(found) else None,
            "citation": row.get("citation") or (entry.citation_text() if entry else ""),
            "plugin": run.plugin,
            "scope": scope,
            "evidence": evidence,
            "parameters_on": day.isoformat(),
            "parameters": params,
        }
    raise DudaoError(
        Problem(
            f"规则 '{rule}' 没有检查对象 '{target}'",
            code="unknown-target",
            hint="对象是区划代码、学校代码、督学编号或责任区编号，视规则而定",
        )
    )
