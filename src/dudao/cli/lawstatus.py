"""What every command that applies the law says about the plugins behind it.

A plugin left out (excluded) or two plugins in conflict change what the law says, so
every such command shows them — a footer under tables and Markdown, a ``plugins``
field in JSON — and ``--strict`` turns either into exit status 1, for scripts and
CI that must not go on with part of the law missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import click

from dudao.cli.output import plain_text, stderr
from dudao.law.book import Conflict
from dudao.plugins.manager import LoadedPlugin, PluginSet

F = TypeVar("F", bound=Callable[..., Any])


def strict_option(f: F) -> F:
    """``--strict``: exit 1 when a plugin was excluded or two plugins conflict."""
    return click.option(
        "--strict",
        is_flag=True,
        default=False,
        help="有插件未能加载（被排除）或插件之间有冲突时，以状态 1 退出",
    )(f)


@attrs.frozen
class LawStatus:
    """Excluded plugins and the conflicts that matter where a command looks."""

    excluded: tuple[LoadedPlugin, ...]
    conflicts: tuple[Conflict, ...]

    @classmethod
    def of(
        cls, plugins: PluginSet, scope: str | None = None, on: dt.date | None = None
    ) -> LawStatus:
        """The status for a command about ``scope`` (None: everywhere) on ``on``."""
        h = plugins.hierarchy()
        conflicts = [
            c
            for c in plugins.conflicts()
            if (on is None or c.in_force(on))
            and (
                scope is None
                or scope not in h
                or h.contains(scope, c.scope)
                or h.contains(c.scope, scope)
            )
        ]
        return cls(tuple(plugins.failed), tuple(conflicts))

    @property
    def clean(self) -> bool:
        return not self.excluded and not self.conflicts

    def as_json(self) -> dict[str, Any]:
        return {
            "excluded": [
                {"name": p.name, "problems": [str(x) for x in p.problems]} for p in self.excluded
            ],
            "conflicts": [conflict_json(c) for c in self.conflicts],
        }

    def lines(self, full: bool = False) -> list[str]:
        """The footer, one line each, in Chinese (``full``: every problem of every
        excluded plugin, else the first three)."""
        out = []
        for p in self.excluded:
            shown = p.problems if full else p.problems[:3]
            out.append(f"插件 {p.name} 未生效（已排除），原因：")
            out += [f"  {x}" for x in shown]
            if len(p.problems) > len(shown):
                out.append(
                    f"  ……另有 {len(p.problems) - len(shown)} 个问题（dudao plugins 列出全部）"
                )
        for c in self.conflicts:
            out.append(f"冲突：{c.problem().message}（{c.scope} 范围内的结果未计算）")
        return out

    def footer(self, markdown: bool = False, full: bool = False) -> None:
        """Print the footer (stderr for tables, so piped data stays data; as a Markdown
        list when the output is Markdown)."""
        if self.clean:
            return
        if markdown:
            click.echo("\n## 插件状态\n")
            for line in self.lines(full):
                click.echo(f"- {plain_text(line.strip())}")
            return
        for line in self.lines(full):
            stderr.print(plain_text(line), style="yellow", markup=False)

    def finish(self, strict: bool) -> None:
        """Exit 1 under ``--strict`` when anything is missing or in conflict."""
        if strict and not self.clean:
            stderr.print("--strict：有插件被排除或插件之间有冲突，以状态 1 退出", markup=False)
            raise SystemExit(1)


def conflict_json(c: Conflict) -> dict[str, Any]:
    return {
        "kind": str(c.kind),
        "id": c.id,
        "scope": c.scope,
        "sides": [
            {
                "plugin": e.origin.plugin,
                "source": e.origin.source,
                "line": e.origin.line,
                "since": e.validity.since.isoformat() if e.validity.since else None,
                "until": e.validity.until.isoformat() if e.validity.until else None,
            }
            for e in (c.first, c.second)
        ],
    }
