"""A plugin's contributions, taken once at load and checked for type.

Each hook of a plugin is called exactly once, when the plugin loads, and what it
returns is kept in a frozen :class:`Snapshot`. So a hook that raises, a generator
that fails half-way, or an answer of the wrong type (a dict where a
:class:`~dudao.plugins.info.PluginInfo` belongs, ``[1, 'x', None]`` for
parameters) is found before anything of the plugin is used, and the plugin is left
out whole, with a problem naming it and the file to look at. Nothing is half-applied
and a later call cannot answer differently from the first.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.evaluation.extend import IndicatorSetExtension
from dudao.evaluation.model import IndicatorSet
from dudao.evaluation.programmes import Programme
from dudao.law.parameters import Parameter
from dudao.model.bodies import MemberUnit
from dudao.model.jurisdiction import Jurisdiction
from dudao.plans.model import WorkPlan
from dudao.plugins.info import PluginInfo, Sourced
from dudao.rules.base import Rule
from dudao.rules.statements import RuleStatement
from dudao.workflow.situations import AccountabilitySituation

#: Every contribution hook and the type of item it must return (in a list or other
#: iterable; each item may be wrapped in :class:`Sourced`).
HOOKS: Mapping[str, tuple[type, ...]] = MappingProxyType(
    {
        "dudao_jurisdictions": (Jurisdiction,),
        "dudao_member_units": (MemberUnit,),
        "dudao_parameters": (Parameter,),
        "dudao_rules": (Rule,),
        "dudao_rule_statements": (RuleStatement,),
        "dudao_indicator_sets": (IndicatorSet, IndicatorSetExtension),
        "dudao_accountability_situations": (AccountabilitySituation,),
        "dudao_work_plans": (WorkPlan,),
        "dudao_programmes": (Programme,),
    }
)


@attrs.frozen
class Snapshot:
    """What one plugin contributes, per hook, as returned at load."""

    info: PluginInfo
    items: Mapping[str, tuple[Sourced[Any], ...]]

    def __getitem__(self, hook: str) -> tuple[Sourced[Any], ...]:
        return self.items.get(hook, ())


def where_defined(func: Callable[..., Any]) -> tuple[str | None, int | None]:
    """The file and line a hook function is written at (for errors)."""
    func = inspect.unwrap(func)
    try:
        return inspect.getsourcefile(func), func.__code__.co_firstlineno
    except (TypeError, AttributeError):
        return None, None


def failure(plugin: str, hook: str, func: Callable[..., Any], exc: BaseException) -> list[Problem]:
    """Problems saying why ``hook`` of ``plugin`` failed, located where we can."""
    if isinstance(exc, DudaoError):  # a YAML plugin's located problems: the file says it
        return [attrs.evolve(p, message=f"插件 {plugin}：{p.message}") for p in exc.problems]
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    source, line = (frames[-1].filename, frames[-1].lineno) if frames else where_defined(func)
    return [
        Problem(
            f"插件 {plugin} 的 {hook} 出错：{type(exc).__name__}: {exc}",
            source=source,
            line=line,
            code="plugin-hook-failed",
            hint="修正该插件；在此之前它的全部内容都不生效，其他插件照常加载",
        )
    ]


def _garbage(plugin: str, hook: str, func: Callable[..., Any], what: str) -> Problem:
    source, line = where_defined(func)
    return Problem(
        f"插件 {plugin} 的 {hook} 返回了不能使用的内容：{what}",
        source=source,
        line=line,
        code="plugin-bad-return",
        hint="见 docs/hooks.md 中该钩子应返回的类型；在修正之前该插件的全部内容都不生效",
    )


def _names(types: tuple[type, ...]) -> str:
    return " 或 ".join(t.__name__ for t in types)


def collect(
    plugin: str, hook: str, func: Callable[[], Any]
) -> tuple[tuple[Sourced[Any], ...], list[Problem]]:
    """Call one hook once; its items, or the problems that exclude the plugin."""
    types = HOOKS[hook]
    try:
        answer = func()
        if answer is None:
            return (), []
        if isinstance(answer, str | bytes | Mapping) or not isinstance(answer, Iterable):
            return (), [
                _garbage(plugin, hook, func, f"应为 {_names(types)} 的列表，实际为 {answer!r:.80}")
            ]
        items = list(answer)  # a generator runs (and may fail) here, inside the try
    except Exception as exc:
        return (), failure(plugin, hook, func, exc)
    out: list[Sourced[Any]] = []
    problems = []
    for i, item in enumerate(items):
        sourced = item if isinstance(item, Sourced) else Sourced(item)
        if not isinstance(sourced.value, types):
            problems.append(
                _garbage(
                    plugin,
                    hook,
                    func,
                    f"第 {i + 1} 项应为 {_names(types)}，实际为 {sourced.value!r:.80}"
                    f"（{type(sourced.value).__name__}）",
                )
            )
            continue
        out.append(sourced)
    return tuple(out), problems


def check_info(
    plugin: str, func: Callable[[], Any], manifest: str | None = None
) -> tuple[PluginInfo | None, list[Problem]]:
    """Call ``dudao_plugin_info`` once and check its answer (``manifest``: the file a
    YAML plugin states it in)."""
    try:
        info = func()
    except Exception as exc:
        return None, failure(plugin, "dudao_plugin_info", func, exc)
    if not isinstance(info, PluginInfo):
        what = f"应为 PluginInfo，实际为 {info!r:.80}（{type(info).__name__}）"
        return None, [_garbage(plugin, "dudao_plugin_info", func, what)]
    if info.name != plugin:
        return None, [
            Problem(
                f"插件清单中的名称 '{info.name}' 与入口点名称 '{plugin}' 不一致",
                source=manifest or where_defined(func)[0],
                code="plugin-name-mismatch",
                hint="plugin.yaml 的 name 应与 pyproject.toml 中 entry point 的名称相同",
            )
        ]
    return info, []
