"""Problems and the one exception that carries them.

Every layer reports bad input the same way: a list of :class:`Problem`, each
saying what is wrong, where (file, line, field path or table row) and how to fix
it. :class:`DudaoError` carries one or more of them; the CLI prints them one per
line and never shows a traceback.

>>> p = Problem("未知的成员单位 '财政局x'", path=("members", 3, "unit"),
...             source="nanning/committee.yaml", line=14, hint="检查单位名称拼写")
>>> print(p)
nanning/committee.yaml:14 members[3].unit: 未知的成员单位 '财政局x'（检查单位名称拼写）
>>> print(Problem("学生数为负数", source="schools.csv", row=7, path=("students",)))
schools.csv 第7行 students: 学生数为负数
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

PathStep = str | int


def _path(steps: Iterable[PathStep]) -> tuple[PathStep, ...]:
    """The converter of :attr:`Problem.path`, typed (``converter=tuple`` is not)."""
    return tuple(steps)


def format_path(path: Sequence[PathStep]) -> str:
    """``("members", 3, "unit")`` → ``members[3].unit``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


@attrs.frozen
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    path: tuple[PathStep, ...] = attrs.field(default=(), converter=_path)
    source: str | None = None
    line: int | None = None
    row: int | None = None
    hint: str | None = None
    code: str | None = None  # a stable machine-readable category, e.g. "unknown-parent"

    def where(self) -> str:
        place = self.source or ""
        if self.line is not None:
            place += f":{self.line}"
        if self.row is not None:
            place += f" 第{self.row}行"
        path = format_path(self.path)
        return " ".join(p for p in (place, path) if p)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text}（{self.hint}）" if self.hint else text

    def located(self, **changes: Any) -> Problem:
        """A copy with location fields filled in (source, line, row, path prefix)."""
        return attrs.evolve(self, **changes)


class DudaoError(Exception):
    """Bad input: carries every problem found, not just the first."""

    def __init__(self, problems: Problem | str | Iterable[Problem]) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def codes(self) -> list[str | None]:
        return [p.code for p in self.problems]
