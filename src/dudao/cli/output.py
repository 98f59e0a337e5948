"""Output shared by the commands: data to stdout, messages to stderr, options.

Strings from data are made safe to show by :mod:`dudao.report.text` (re-exported
here for the commands).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
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


def format_option(*choices: str) -> Callable[[_F], _F]:
    """``--format``, the first choice the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help="输出格式：table 供人阅读，json 供脚本使用",
    )


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
    "ReportingGroup",
    "console_text",
    "debug",
    "format_option",
    "markdown_cell",
    "markdown_table",
    "parse_date",
    "plain_text",
    "print_json",
    "report_error",
    "stderr",
    "stdout",
    "xlsx_append",
]
