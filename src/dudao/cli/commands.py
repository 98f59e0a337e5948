"""Commands about plugins and their files: ``plugins``, ``hierarchy``, ``schema``, ``validate``.

Each command parses options, calls the library, prints. The table of all commands is
:data:`dudao.cli.COMMANDS`.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from dudao.cli.lawstatus import LawStatus, conflict_json
from dudao.cli.output import console_text, format_option, print_json, stderr, stdout
from dudao.errors import DudaoError, Problem
from dudao.io import yamlio
from dudao.law.book import Conflict
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Level
from dudao.plugins.checks import check_file
from dudao.plugins.files import FILE_KINDS
from dudao.plugins.manager import LoadedPlugin, load_plugins, plugin_folder_problems
from dudao.plugins.yaml_plugin import FOLDERS, display_path
from dudao.testcases import is_case_file, load_case

FORMAT = format_option("table", "json")


@click.command()
@FORMAT
def plugins(fmt: str) -> None:
    """列出已安装的地区插件及其状态：已加载、未生效（被排除，及原因）、与其他插件冲突。"""
    loaded = load_plugins()
    hierarchy = loaded.hierarchy()
    status = LawStatus.of(loaded)
    rows: list[dict[str, Any]] = []
    for p in loaded:
        conflicts = [c for c in status.conflicts if p.name in _sides(c)]
        rows.append(
            {
                "name": p.name,
                "title": p.title,
                "version": p.version,
                "scope": p.scope,
                "scope_name": _name(hierarchy, p.scope),
                "builds_on": list(p.builds_on),
                "distribution": p.distribution,
                "state": "conflict" if p.ok and conflicts else p.state,
                "problems": [str(x) for x in p.problems],
                "conflicts": [conflict_json(c) for c in conflicts],
                "error": p.error,
            }
        )
    if fmt == "json":
        print_json({"plugins": rows})
    else:
        table = Table(title="dudao 插件", title_justify="left")
        for header in ("名称", "标题", "版本", "管辖范围", "基于", "状态"):
            table.add_column(header)
        for r, p in zip(rows, loaded, strict=True):
            scope = f"{r['scope']} {r['scope_name'] or ''}".strip() if r["scope"] else "—"
            table.add_row(
                console_text(r["name"]),
                console_text(r["title"] or "—"),
                console_text(r["version"] or "—"),
                console_text(scope),
                console_text("、".join(r["builds_on"]) or "—"),
                _state_text(r, p),
            )
        if not rows:
            stderr.print(
                "没有安装任何插件。插件是 entry point 组 dudao 中的发行包，见 docs/plugins.md。"
            )
        else:
            stdout.print(table)
        status.footer(full=True)
    if not status.clean:
        raise SystemExit(1)


def _sides(c: Conflict) -> tuple[str, str]:
    return c.first.origin.plugin, c.second.origin.plugin


def _state_text(row: dict[str, Any], plugin: LoadedPlugin) -> Text:
    if row["state"] == "excluded":
        return console_text(f"未生效：{len(plugin.problems)} 个问题（见下）", "red")
    if row["state"] == "conflict":
        others = sorted({o for c in row["conflicts"] for o in (s["plugin"] for s in c["sides"])})
        others = [o for o in others if o != plugin.name]
        return console_text(f"已加载，与 {'、'.join(others)} 冲突（见下）", "yellow")
    return console_text("已加载", "green")


def _name(hierarchy: Hierarchy | None, code: str | None) -> str | None:
    if hierarchy is None or code is None or code not in hierarchy:
        return None
    return hierarchy.get(code).name


@click.group()
def hierarchy() -> None:
    """行政区划层级（全国区划 + 插件补充的开发区、乡镇）。"""


@hierarchy.command("show")
@click.argument("code")
@click.option("--depth", type=int, default=None, help="只显示往下若干层")
@FORMAT
def hierarchy_show(code: str, depth: int | None, fmt: str) -> None:
    """显示 CODE 及其下级单位组成的树，例如 dudao hierarchy show 450100。"""
    h = load_plugins().hierarchy()
    root = h.get(code)
    limit = h.depth(code) + depth if depth is not None else None

    def node(c: str) -> dict[str, Any]:
        u = h.get(c)
        cut = limit is not None and h.depth(c) >= limit
        kids = [] if cut else h.children(c)
        below = h.descendants(c)
        return {
            "code": u.code,
            "name": u.name,
            "kind": u.kind.value,
            "level": u.level.value,
            "children": [node(k.code) for k in kids],
            # how many units lie below, shown or not, by level: a cut node says what it hides
            "descendants": len(below),
            "below": dict(Counter(d.level.value for d in below)),
        }

    data = node(root.code)
    total = len(h.descendants(code))
    shown = _count_shown(data)
    if fmt == "json":
        path = [{"code": u.code, "name": u.name} for u in h.ancestors(code)][::-1]
        print_json({"path": path, "tree": data, "shown": shown, "total": total})
        return

    def label(d: dict[str, Any]) -> str:
        u = h.get(d["code"])
        text = f"[bold]{u.name}[/]  {u.code}  [dim]{u.kind.label}[/]"
        if d["descendants"] and not d["children"]:  # below the depth shown: say what is there
            text += f"  [dim]（下辖 {_below_text(d['below'])}）[/]"
        return text

    def grow(tree: Tree, d: dict[str, Any]) -> None:
        for kid in d["children"]:
            grow(tree.add(label(kid)), kid)

    above = " › ".join(u.name for u in reversed(h.ancestors(code)))
    tree = Tree(label(data))
    grow(tree, data)
    if above:
        stdout.print(f"[dim]{above}[/]")
    stdout.print(tree)
    if shown == total:
        stdout.print(f"[dim]共 {total} 个下级单位[/]")
    else:
        stdout.print(f"[dim]显示 {shown} 个下级单位（共 {total} 个，--depth 加大可看到更多）[/]")


def _count_shown(node: dict[str, Any]) -> int:
    """Units below ``node`` in the tree as shown."""
    return sum(1 + _count_shown(k) for k in node["children"])


def _below_text(by_level: dict[str, int]) -> str:
    """``{"county": 12, "township": 3}`` as “12 个县级单位、3 个乡镇级单位”, top level first."""
    return "、".join(
        f"{by_level[level.value]} 个{level.label}单位" for level in Level if level.value in by_level
    )


@click.command()
@click.argument("kind", required=False)
@click.option("--list", "list_kinds", is_flag=True, help="列出所有文件类型")
def schema(kind: str | None, list_kinds: bool) -> None:
    """输出 KIND 类 YAML 文件的 JSON Schema（draft-07），供编辑器校验。"""
    if list_kinds or kind is None:
        for k in FILE_KINDS.values():
            stdout.print(f"{k.name:<14} {k.filename:<22} {k.title}")
        return
    if kind not in FILE_KINDS:
        close = difflib.get_close_matches(kind, FILE_KINDS, n=1)
        raise DudaoError(
            Problem(
                f"未知的文件类型 '{kind}'",
                path=("KIND",),
                code="unknown-kind",
                hint=(f"是否是 '{close[0]}'？" if close else "") + "可选：" + "、".join(FILE_KINDS),
            )
        )
    click.echo(json.dumps(FILE_KINDS[kind].schema(), ensure_ascii=False, indent=2))


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(sorted(FILE_KINDS)), help="文件类型（默认按文件名判断）")
def validate(files: tuple[Path, ...], kind: str | None) -> None:
    """检查插件 YAML 文件：语法、字段、代码与引用；每个问题一行，指明文件、行号和字段。

    给出文件夹时检查其中（含子文件夹）的全部 YAML 文件；cases 文件夹中的是测试用例。
    """
    by_filename = {k.filename: k for k in FILE_KINDS.values()}
    loaded = load_plugins()
    found, problems = _yaml_files(files)
    for path, folder in found:
        # a file in a layout folder is what the loader reads it as, whatever its name:
        # parameters/staffing.yaml (even parameters/plugin.yaml) is a parameters file
        by_folder = by_filename.get(f"{path.parent.name}.yaml")
        file_kind = FILE_KINDS[kind] if kind else by_folder or by_filename.get(path.name)
        if file_kind is None and folder is not None and is_case_file(path, folder):
            try:  # a test case found in a folder: its structure (dudao test runs it)
                load_case(path)
            except DudaoError as exc:
                problems += exc.problems
            continue
        if file_kind is None:
            problems.append(
                Problem(
                    "无法判断文件类型",
                    source=str(path),
                    code="unknown-kind",
                    hint="用 --kind 指定，或按约定命名：" + "、".join(by_filename),
                )
            )
            continue
        try:
            doc = yamlio.read(path)
            obj: object = yamlio.structure(doc, file_kind.cls)
            shown = display_path(path)
            problems += [doc.locate(p) for p in check_file(obj, loaded, source=shown)]
        except DudaoError as exc:
            problems += exc.problems
    # a plugin folder is also checked whole, exactly as loading it would
    for manifest in sorted({m for f in files if f.is_dir() for m in f.rglob("plugin.yaml")}):
        if _in_layout_folder(manifest):
            continue  # parameters/plugin.yaml of a plugin is a parameters file, not a manifest
        problems += plugin_folder_problems(manifest.parent)
    if problems:
        raise DudaoError(problems)
    stderr.print(f"[green]通过[/]：{len(found)} 个文件没有发现问题")


def _in_layout_folder(path: Path) -> bool:
    """Whether ``path`` lies in one of a plugin folder's item folders (``rules/``…)."""
    return path.parent.name in FOLDERS and (path.parent.parent / "plugin.yaml").is_file()


def _yaml_files(paths: tuple[Path, ...]) -> tuple[list[tuple[Path, Path | None]], list[Problem]]:
    """The files given, and the YAML files in the folders given (not in hidden folders),
    each with the folder it was found in; a folder without any is a problem."""
    out: list[tuple[Path, Path | None]] = []
    problems = []
    for path in paths:
        if not path.is_dir():
            out.append((path, None))
            continue
        found = [
            p
            for p in sorted(path.rglob("*.y*ml"))
            if p.suffix in (".yaml", ".yml")
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        ]
        if not found:
            problems.append(
                Problem(
                    "文件夹中没有 YAML 文件（*.yaml）",
                    source=str(path),
                    code="no-files",
                    hint="给出插件的 YAML 文件或含有它们的文件夹",
                )
            )
        out += [(p, path) for p in found]
    return out, problems
