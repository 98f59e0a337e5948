"""Output shared by the commands: data to stdout, messages to stderr, options.

Strings from data are made safe to show by :mod:`dudao.report.text` (re-exported
here for the commands).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from dudao.errors import DudaoError, Problem

if TYPE_CHECKING:
    pass

stdout = Console(soft_wrap=True, highlight=False)
stderr = Console(stderr=True, soft_wrap=True, highlight=False)


def print_json(data: Any) -> None:
    """Machine-readable output: plain JSON, UTF-8, no colour."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def report_error(exc: DudaoError) -> None:
    """One line per problem, on stderr."""
    count = len(exc.problems)
    stderr.print(f"[bold red]错误[/]：发现 {count} 个问题" if count > 1 else "[bold red]错误[/]：")
    for problem in exc.problems:
        stderr.print(f"  {problem}", markup=False)


def debug() -> bool:
    """DUDAO_DEBUG=1 shows tracebacks of unexpected errors."""
    return bool(os.environ.get("DUDAO_DEBUG"))


_F = TypeVar("_F", bound=Callable[..., Any])


FORMAT_HELP = {
    "table": "table 供人阅读",
    "json": "json 供脚本使用",
    "markdown": "markdown 供粘贴到文档",
    "xlsx": "xlsx 写成 Excel 表格（须给出 --out 文件名）",
}


def format_option(*choices: str) -> Callable[[_F], _F]:
    """``--format``, the first choice the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help="输出格式：" + "，".join(FORMAT_HELP.get(c, c) for c in choices),
    )


def xlsx_out_option(example: str) -> Callable[[_F], _F]:
    """``--out FILE`` for ``--format xlsx`` (checked as a file to write by
    :mod:`dudao.cli.options`)."""
    return click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Excel 文件名（--format xlsx 时必填），如 {example}",
    )


def xlsx_path(fmt: str, out: Path | None) -> Path | None:
    """The file ``--format xlsx`` writes; None for the other formats. ``--out`` is
    required with xlsx and refused without it (it would be silently ignored)."""
    if fmt == "xlsx" and out is None:
        raise DudaoError(
            Problem(
                "--format xlsx 需要 --out 文件名",
                path=("--out",),
                code="missing-option",
                hint="如 --format xlsx --out 结果.xlsx",
            )
        )
    if fmt != "xlsx" and out is not None:
        raise DudaoError(
            Problem(
                f"--out 只用于 --format xlsx（现在是 --format {fmt}）",
                path=("--out",),
                code="bad-option",
                hint="加上 --format xlsx，或去掉 --out",
            )
        )
    return out if fmt == "xlsx" else None


def wrote(path: Path, what: str = "Excel 文件") -> None:
    """Say on stderr what was written where (stdout stays for data)."""
    stderr.print(f"[green]已写入[/] {what}：", end="")
    stderr.print(str(path), markup=False, highlight=False)


def progress_shown() -> bool:
    """Progress bars only for a person watching: stderr is a terminal, and
    DUDAO_NO_PROGRESS is not set."""
    return stderr.is_terminal and not os.environ.get("DUDAO_NO_PROGRESS")


#: seconds of work before a progress bar appears
PROGRESS_AFTER = 1.0


@contextlib.contextmanager
def working(
    description: str, total: int | None = None, *, show: bool = True
) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr while the block runs, from :data:`PROGRESS_AFTER`
    seconds on (a spinner and the time taken when ``total`` is unknown), gone when it
    ends; nothing when stderr is not a terminal (:func:`progress_shown`) or ``show`` is
    false. Yields
    ``advance(steps=1, description=None)``.

    >>> with working("检查") as advance:
    ...     advance()
    """
    if not (show and progress_shown()):  # show=False: the user asked for quiet
        yield lambda steps=1, description=None: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    bar = Progress(*columns, console=stderr, transient=True)
    task = bar.add_task(description, total=total)
    # shown only for work that takes a while: a quick command does not flicker
    lock, state = threading.Lock(), {"done": False}

    def begin() -> None:
        with lock:
            if not state["done"]:
                bar.start()

    timer = threading.Timer(PROGRESS_AFTER, begin)
    timer.daemon = True
    timer.start()

    def advance(steps: int = 1, description: str | None = None) -> None:
        if description is not None:
            bar.update(task, description=description)
        if total is not None:
            bar.advance(task, steps)

    try:
        yield advance
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if bar.live.is_started:
                bar.stop()


def parse_date(value: str | None, what: str = "日期") -> dt.date | None:
    """``YYYY-MM-DD`` from the command line; a clear error otherwise; None stays None."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DudaoError(
            Problem(
                f"{what} '{value}' 格式不对", code="bad-date", hint="写成 YYYY-MM-DD，如 2023-03-01"
            )
        ) from None


class ReportingGroup(click.Group):
    """Bad input (DudaoError) → one line per problem and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DudaoError as exc:
            report_error(exc)
            ctx.exit(2)


from dudao.report.text import (  # noqa: E402 - the commands import them from here too
    console_text,
    markdown_cell,
    markdown_table,
    plain_text,
    xlsx_append,
)

__all__ = [
    "FORMAT_HELP",
    "ReportingGroup",
    "console_text",
    "debug",
    "format_option",
    "markdown_cell",
    "markdown_table",
    "parse_date",
    "plain_text",
    "print_json",
    "progress_shown",
    "report_error",
    "stderr",
    "stdout",
    "working",
    "wrote",
    "xlsx_append",
    "xlsx_out_option",
    "xlsx_path",
]
