"""The ``dudao`` command line: a thin layer over the library.

Exit status: 0 success; 1 the check found errors; 2 bad input (every problem
is printed, one per line, never a traceback); 3 an internal error.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import click

from dudao import __version__
from dudao.cli import commands
from dudao.cli.output import ReportingGroup, debug, stderr


class DudaoGroup(ReportingGroup):
    """Bad input exits 2 (see ReportingGroup); any other error is reported in one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if debug():
                raise
            stderr.print(f"[bold red]内部错误[/]：{type(exc).__name__}: {exc}", markup=True)
            stderr.print("请设置 DUDAO_DEBUG=1 重新运行以查看详情，并报告此问题。")
            ctx.exit(3)


@click.group(cls=DudaoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dudao")
def cli() -> None:
    """dudao（督导）：把教育督导制度写成代码。

    \b
    常用命令：
      dudao plugins                  已安装的地区插件
      dudao hierarchy show 450100    南宁市的行政区划树
      dudao schema committee         督导委员会 YAML 的 JSON Schema
      dudao validate FILE...         检查插件 YAML 文件
    """


for command in commands.ALL:
    cli.add_command(command)


def main() -> None:
    # Windows consoles and some CI runners default to a non-UTF-8 encoding.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    # What the imports made lives as long as the command: the cycle collector need not
    # walk it again each time the heap grows (a national check: 0.15 s less).
    gc.freeze()
    cli()
