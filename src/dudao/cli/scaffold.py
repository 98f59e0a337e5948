"""``dudao new-plugin``: scaffold a regional plugin."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import click

from dudao.cli.output import console_text, stderr, stdout
from dudao.plugins.manager import load_plugins
from dudao.scaffold import new_plugin as scaffold


@click.command("new-plugin")
@click.argument("name")
@click.option("--scope", required=True, help="插件管辖的区划代码，如 450200")
@click.option("--title", help="中文名称（默认取区划名称）")
@click.option("--builds-on", multiple=True, help="所基于的插件，如 guangxi（可多次给出）")
@click.option(
    "--out", type=click.Path(path_type=Path), help="插件文件夹（默认 ./dudao-NAME），须不存在或为空"
)
@click.option("--install", is_flag=True, help="生成后用 pip install -e 安装到当前环境")
def new_plugin(
    name: str,
    scope: str,
    title: str | None,
    builds_on: tuple[str, ...],
    out: Path | None,
    install: bool,
) -> None:
    """生成一个可以直接安装、运行的地区插件：清单、YAML 模板、一个通过的测试用例和 README。"""
    folder = out or Path(f"dudao-{name}")
    plugins = load_plugins()
    for base in builds_on:
        plugins.get(base)  # an unknown base plugin: a clear error now, not at load time
    written = scaffold(name, scope, folder, plugins.hierarchy(), title=title, builds_on=builds_on)
    stdout.print(
        console_text("已生成", "green") + console_text(f" {folder}（{len(written)} 个文件）")
    )
    if install:
        # an absolute path: a folder named like an option is never read as one
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "-e", str(folder.resolve())],
            check=True,
        )
        stdout.print(f"已安装：dudao plugins 中可以看到 {name}")
    else:
        here, tests = shlex.quote(str(folder)), shlex.quote(str(folder / "tests"))
        stderr.print(
            console_text(f"下一步：pip install -e {here} && dudao plugins && dudao test {tests}")
        )
