"""The ``dudao`` command line: a thin layer over the library.

Exit status: 0 success; 1 the check found errors; 2 bad input (every problem
is printed, one per line, never a traceback); 3 an internal error.

Every command is listed in :data:`COMMANDS` and its module is imported only when that
command runs, so ``dudao --help`` does not pay for pandas, SQLAlchemy and the rest.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any

import click

from dudao import __version__
from dudao.cli.options import check_options
from dudao.cli.output import ReportingGroup, debug, stderr

# To add a command: write it as a click command in a module of its own under dudao.cli
# and add one row here: name → ("module:attribute", short help for `dudao --help`).
# The module is imported only when the command runs; --as-of and --out options get the
# shared checks of dudao.cli.options whatever the module.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("dudao.cli.check:check", "运行在 DATASET 上有效的全部规则，按区划列出发现的问题。"),
    "rules": (
        "dudao.cli.check:rules",
        "列出对某一区划在某日有效的全部规则和参数，以及依据和来源插件。",
    ),
    "explain": (
        "dudao.cli.check:explain",
        "说明规则 RULE 对对象 TARGET 的判断是怎样算出来的（使用的数字、参数与依据）。",
    ),
    "evaluate": (
        "dudao.cli.evaluate:evaluate",
        "用指标体系评估 DATASET（含 measurements.csv 的文件夹），按得分排名。",
    ),
    "programmes": (
        "dudao.cli.programmes:programmes",
        "评估认定项目（优质均衡、普及普惠……）及各单位所处阶段。",
    ),
    "plan": ("dudao.cli.plan:plan", "工作要点：逐项任务、牵头单位、期限和可度量的目标。"),
    "report": (
        "dudao.cli.report:report",
        "生成公文（.docx 或 PDF）：督导报告、督办单、整改通知书、工作要点进展报告。",
    ),
    "test": (
        "dudao.cli.casetests:test",
        "运行 PATHS 中的 YAML 测试用例（文件，或文件夹中 cases/ 下的用例文件）。",
    ),
    "cases": (
        "dudao.cli.cases:cases",
        "督导问责案件：立案、推进（反馈、整改、督办、复查、约谈、通报、问责、表彰、结案）、查询、逾期。",
    ),
    "simulate": (
        "dudao.cli.simulate:simulate",
        "比较基线与改革方案：各区划的问题数、督学缺口及其成本、评估得分与排名。",
    ),
    "synth": (
        "dudao.cli.synth:synth",
        "生成合成数据集（示例数据）：真实的省、市、县区划，合成的乡镇、学校、督学和督导记录。",
    ),
    "plugins": (
        "dudao.cli.commands:plugins",
        "列出已安装的地区插件及其状态：已加载、未生效（被排除，及原因）、与其他插件冲突。",
    ),
    "hierarchy": (
        "dudao.cli.commands:hierarchy",
        "行政区划层级（全国区划 + 插件补充的开发区、乡镇）。",
    ),
    "schema": (
        "dudao.cli.commands:schema",
        "输出 KIND 类 YAML 文件的 JSON Schema（draft-07），供编辑器校验。",
    ),
    "validate": (
        "dudao.cli.commands:validate",
        "检查插件 YAML 文件：语法、字段、代码与引用；每个问题一行，指明文件、行号和字段。",
    ),
    "new-plugin": (
        "dudao.cli.scaffold:new_plugin",
        "生成一个可以直接安装、运行的地区插件：清单、YAML 模板、一个通过的测试用例和 README。",
    ),
    "serve": (
        "dudao.cli.serve:serve",
        "启动教育督导信息管理系统（网页与 API），地址打印在屏幕上。",
    ),
    "accounts": (
        "dudao.cli.serve:accounts",
        "信息管理系统的账号：创建首个管理员、演示账号，列出、停用账号。",
    ),
}


def load_command(name: str) -> click.Command:
    """The command NAME of :data:`COMMANDS`, its module imported and its options checked."""
    module, _, attribute = COMMANDS[name][0].partition(":")
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name][0]} is not a click command")
    check_options(command)
    return command


class DudaoGroup(ReportingGroup):
    """The commands of :data:`COMMANDS`, each loaded when first asked for.

    Bad input exits 2 (see ReportingGroup); any other error is reported in one line.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
            _started()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table's help texts, without importing any command."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is not None:
                if loaded.hidden:
                    continue
                rows.append((name, loaded.get_short_help_str(limit)))
            else:
                stub = click.Command(name, help=COMMANDS[name][1])
                rows.append((name, stub.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`dudao check --format json | head`): not an error of
            # ours. Point stdout at /dev/null so the exit flush cannot fail again, and
            # exit 1 as rich's console does when its own write meets a closed pipe.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
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


#: main() paused the cycle collector until the command's module is imported
_starting = False


def _started() -> None:
    """The command's module is imported: what the imports made lives as long as the
    command (frozen: never walked by a collection), and the collector runs again."""
    global _starting
    if _starting:
        _starting = False
        gc.freeze()
        gc.enable()


def main() -> None:
    global _starting, _in_main
    _in_main = True
    # Windows consoles and some CI runners default to a non-UTF-8 encoding.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    # What the imports made lives as long as the command: the cycle collector need not
    # walk it again each time the heap grows (a national check: 0.15 s less). Nor while
    # the command's own module and its imports load (some 600 modules for a check): the
    # collector is paused until then (_started).
    gc.freeze()
    if gc.isenabled():
        gc.disable()
        _starting = True
    try:
        cli()
    except SystemExit as end:
        if _ending_at_once and isinstance(end.code, int | None):
            _end_now(end.code or 0)
        raise


#: main() runs the command: the process is the command's own (not click's test runner's)
_in_main = False

#: prctl(2) option: no transparent huge pages for this process from now on
_PR_SET_THP_DISABLE = 41


def small_pages() -> None:
    """Give this process's memory from now on in ordinary 4 KiB pages, not transparent
    huge pages, for a command that fills its tables once and ends. numpy (arrays of 4
    MiB and more) and pyarrow's allocator ask the kernel for huge pages, which it zeroes
    2 MiB at a time on first touch, whether the program then uses the whole of each or
    not: in a national check that zeroing was a third of the table decoding's time on
    the critical path (whole check, paired: 0.93× with small pages). Linux only, and
    only under :func:`main`: run in-process (click's test runner), the caller's process
    keeps its settings."""
    if not _in_main or not sys.platform.startswith("linux"):
        return
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # no prctl: pages as before
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0)


#: Set by a command that has written all its output and holds nothing the interpreter's
#: own ending would release but memory (:func:`end_at_once`).
_ending_at_once = False


def end_at_once() -> None:
    """Let :func:`main` end the process as soon as the command returns, without the
    interpreter's teardown, which frees every object one by one for memory the operating
    system takes back anyway: a national check's loaded tables and ~90,000 findings, some
    tens of milliseconds. Only for a command with nothing left to close (files written and
    closed, no threads, processes or connections); commands run in-process (click's test
    runner) end as usual."""
    global _ending_at_once
    _ending_at_once = True


def _end_now(code: int) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: the usual ending reports it
        return
    os._exit(code)
