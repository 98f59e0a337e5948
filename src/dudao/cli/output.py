"""Terminal output shared by the commands: data to stdout, messages to stderr."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from rich.console import Console

from dudao.errors import DudaoError

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
