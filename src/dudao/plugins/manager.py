"""Loading plugins and collecting what they contribute.

``load_plugins()`` reads the ``dudao`` entry-point group one entry at a time: a
plugin that fails to import, or whose hooks raise, is recorded with its error
and left out, and the others still load (pluggy's own loader would stop at the
first failure). Plugins that build on a failed or missing plugin are left out
too, with a message saying why.

Environment switches:

* ``DUDAO_DISABLE_PLUGINS=weinan,yueyang`` skips the named plugins;
* ``DUDAO_NO_PLUGIN_AUTOLOAD=1`` loads no entry points (tests, embedding).

>>> from dudao.plugins.info import PluginInfo
>>> from dudao.plugins.markers import hookimpl
>>> class Demo:
...     @hookimpl
...     def dudao_plugin_info(self):
...         return PluginInfo(name="demo", title="演示", scope="450100")
>>> plugins = load_plugins(autoload=False, extra={"demo": Demo()})
>>> [(p.name, p.scope, p.ok) for p in plugins]
[('demo', '450100', True)]
>>> plugins.hierarchy().get("450100").name
'南宁市'
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import Any

import attrs
import pluggy

from dudao.errors import DudaoError, Problem
from dudao.evaluation.model import IndicatorSet
from dudao.evaluation.programmes import Programme, locate, set_problems
from dudao.io.divisions import load_divisions
from dudao.law.book import Entry, LawBook
from dudao.law.entries import Origin, Validity
from dudao.law.parameters import Parameter, parameter_entries
from dudao.model.bodies import MemberUnit
from dudao.model.documents import Citation
from dudao.model.hierarchy import Hierarchy, SourceLine
from dudao.model.jurisdiction import Jurisdiction
from dudao.plans.model import WorkPlan
from dudao.plugins import hookspecs
from dudao.plugins.info import PluginInfo, Sourced
from dudao.plugins.markers import PROJECT
from dudao.rules.statements import RuleStatement
from dudao.workflow.situations import AccountabilitySituation

GROUP = "dudao"
NATIONAL = "national"  # the built-in plugin holding the national texts


@attrs.define
class LoadedPlugin:
    """One plugin as loaded: its info, or the error that stopped it."""

    name: str
    distribution: str | None = None
    version: str | None = None
    info: PluginInfo | None = None
    error: str | None = None
    obj: Any = attrs.field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def scope(self) -> str | None:
        return self.info.scope if self.info else None

    @property
    def builds_on(self) -> tuple[str, ...]:
        return self.info.builds_on if self.info else ()

    @property
    def title(self) -> str | None:
        return self.info.title if self.info else None


def _describe_error(exc: BaseException) -> str:
    if isinstance(exc, DudaoError):
        return str(exc)
    frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f"（{frame[0].filename}:{frame[0].lineno}）" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


class PluginSet:
    """The plugins in force and a typed facade over their hooks.

    pluggy cannot type-check ``pm.hook.x()`` calls, so the hook manager stays
    private and each hook is called through a method here, one plugin at a
    time, so that every contribution is attributed to its plugin.
    """

    def __init__(self, pm: pluggy.PluginManager, plugins: list[LoadedPlugin]) -> None:
        self._pm = pm
        self._plugins = {p.name: p for p in plugins}

    def __iter__(self) -> Iterator[LoadedPlugin]:
        return iter(self._plugins.values())

    def __len__(self) -> int:
        return len(self._plugins)

    def get(self, name: str) -> LoadedPlugin:
        try:
            return self._plugins[name]
        except KeyError:
            known = "、".join(self._plugins) or "（无）"
            raise DudaoError(
                Problem(f"未知的插件 '{name}'", hint=f"已安装：{known}", code="unknown-plugin")
            ) from None

    @property
    def active(self) -> list[LoadedPlugin]:
        return [p for p in self if p.ok]

    @property
    def failed(self) -> list[LoadedPlugin]:
        return [p for p in self if not p.ok]

    def call(self, hook: str) -> Iterator[tuple[LoadedPlugin, Any]]:
        """Call ``hook`` on each active plugin in turn, yielding (plugin, result).

        A plugin whose hook raises becomes a failed plugin (its error recorded)
        and yields nothing; the caller should use results only after all plugins
        answered, so contributions of a failed plugin are never half-applied.
        """
        caller = getattr(self._pm.hook, hook)
        for impl in caller.get_hookimpls():
            plugin = self._plugins.get(impl.plugin_name)
            if plugin is None or not plugin.ok:
                continue
            try:
                yield plugin, impl.function()
            except Exception as exc:
                plugin.error = f"{hook}: {_describe_error(exc)}"

    def _collect(self, hook: str) -> list[tuple[LoadedPlugin, Sourced[Any]]]:
        results = [
            (plugin, item if isinstance(item, Sourced) else Sourced(item))
            for plugin, items in self.call(hook)
            for item in (items or ())
        ]
        _disable_orphans(list(self))
        return [(p, s) for p, s in results if p.ok]

    # ----------------------------------------------------------- contributions
    def hierarchy(self) -> Hierarchy:
        """China's divisions shipped with dudao plus every unit the plugins add.

        Raises :class:`~dudao.errors.DudaoError` naming both plugins when two
        contribute the same code, and the plugin when a unit lies outside its
        scope.
        """
        return self._hierarchy

    @cached_property
    def _hierarchy(self) -> Hierarchy:
        base = Hierarchy(load_divisions())
        added: list[Jurisdiction] = []
        origins: dict[str, SourceLine] = {}
        owner: dict[str, LoadedPlugin] = {}
        problems: list[Problem] = []
        for plugin, item in self._collect("dudao_jurisdictions"):
            unit: Jurisdiction = item.value
            where = f"{item.source}（插件 {plugin.name}）" if item.source else f"插件 {plugin.name}"
            if unit.code in owner or unit.code in base:
                first = (
                    f"插件 {owner[unit.code].name}"
                    if unit.code in owner
                    else "dudao 自带的全国区划"
                )
                problems.append(
                    Problem(
                        f"区划代码 {unit.code}（{unit.name}）重复："
                        f"{first} 与 插件 {plugin.name} 都提供了它",
                        source=item.source,
                        line=item.line,
                        code="duplicate-code",
                        hint="同一单位只能由一个插件提供；删去其中一处",
                    )
                )
                continue
            owner[unit.code] = plugin
            added.append(unit)
            origins[unit.code] = (where, item.line)
        if problems:
            raise DudaoError(problems)
        hierarchy = base.extend(added, origins=origins)
        for code, plugin in owner.items():
            scope = plugin.scope
            if scope in hierarchy and not hierarchy.contains(scope, code):
                source, line = origins[code]
                problems.append(
                    Problem(
                        f"插件 {plugin.name} 的管辖范围是 {scope}，不能提供范围外的单位 {code}",
                        source=source,
                        line=line,
                        code="out-of-scope",
                        hint="把该单位移到管辖它的插件中，或修正 parent",
                    )
                )
        problems += self._check_scopes(hierarchy)
        if problems:
            raise DudaoError(problems)
        return hierarchy

    def _check_scopes(self, hierarchy: Hierarchy) -> list[Problem]:
        problems = []
        for plugin in self.active:
            if plugin.scope not in hierarchy:
                problems.append(
                    Problem(
                        f"插件 {plugin.name} 的管辖范围 {plugin.scope} 不是已知的区划代码",
                        code="unknown-scope",
                        hint="scope 应为 GB/T 2260 代码或插件提供的单位代码",
                    )
                )
                continue
            for base in plugin.builds_on:
                parent = self._plugins.get(base)
                if (
                    parent
                    and parent.ok
                    and parent.scope in hierarchy
                    and not hierarchy.contains(parent.scope, plugin.scope)
                ):
                    problems.append(
                        Problem(
                            f"插件 {plugin.name}（{plugin.scope}）基于 {base}，但不在其管辖范围 "
                            f"{parent.scope} 之内",
                            code="builds-on-out-of-scope",
                        )
                    )
        return problems

    def law_book(self, hierarchy: Hierarchy | None = None, extra: Iterable[Entry] = ()) -> LawBook:
        """Every parameter value and rule the plugins state, as scoped, dated, cited entries.

        ``hierarchy`` defaults to :meth:`hierarchy` (pass a dataset's extended one);
        ``extra`` entries (a dataset's own parameters, a reform) join the plugins'.
        A parameter value without a citation is an error unless it is marked
        ``sample: true`` (sample data, labelled as such) or sets nothing (null).
        """
        hierarchy = hierarchy or self.hierarchy()
        entries: list[Entry] = []
        problems: list[Problem] = []
        for plugin, item in self._collect("dudao_parameters"):
            param: Parameter = item.value
            origin = Origin(plugin.name, item.source, item.line)
            scope = param.scope or plugin.scope
            if scope not in hierarchy or not hierarchy.contains(plugin.scope, scope):
                problems.append(
                    Problem(
                        f"参数 {param.id} 的范围 {scope} 不在插件 {plugin.name} 的管辖范围 "
                        f"{plugin.scope} 之内",
                        source=item.source,
                        line=item.line,
                        code="out-of-scope",
                    )
                )
                continue
            made, wrong = parameter_entries(param, scope, origin)
            entries += made
            problems += wrong
        for plugin, item in self._collect("dudao_rules"):
            rule = item.value
            try:
                cites = tuple(Citation.parse(c) for c in rule.cite)
            except DudaoError as exc:
                problems += [p.located(source=item.source, line=item.line) for p in exc.problems]
                continue
            # a template is registered (so it can be adopted) but governs nothing itself
            entries.append(
                Entry(
                    "rule",
                    rule.id,
                    plugin.scope,
                    Validity(rule.since, rule.until),
                    None if rule.template else rule,
                    cites,
                    Origin(plugin.name, item.source, item.line),
                    rule.title,
                    detail=rule,
                )
            )
        stated = self._stated_rules(entries, problems)
        # a plugin adopting its own template at its own scope: the adoption replaces
        # the placeholder (which governs nothing) rather than overlapping it
        adopted = {(e.id, e.scope) for e in stated}
        entries = [
            e
            for e in entries
            if not (e.kind == "rule" and e.value is None and (e.id, e.scope) in adopted)
        ]
        entries += stated
        entries += self._indicator_sets(hierarchy, problems)
        entries += self._situations(hierarchy, problems)
        entries += self._work_plans(hierarchy, problems)
        entries += self._programmes(hierarchy, entries, problems)
        if problems:
            raise DudaoError(problems)
        return LawBook(hierarchy, [*entries, *extra])

    def _stated_rules(self, entries: list[Entry], problems: list[Problem]) -> list[Entry]:
        """Rules a plugin states in YAML: an existing rule adopted in its scope with its
        own citation, dates and severity, or switched off there (``enabled: false``)."""
        templates = {e.id: e.detail for e in entries if e.kind == "rule"}
        out = []
        for plugin, item in self._collect("dudao_rule_statements"):
            stated: RuleStatement = item.value
            template = templates.get(stated.id)
            if template is None:
                problems.append(
                    Problem(
                        f"未知的规则 '{stated.id}'",
                        source=item.source,
                        line=item.line,
                        code="unknown-rule",
                        hint="dudao rules 列出全部规则的编号",
                    )
                )
                continue
            rule = stated.apply(template)
            out.append(
                Entry(
                    "rule",
                    stated.id,
                    plugin.scope,
                    Validity(stated.since, stated.until),
                    rule,
                    stated.cite,
                    Origin(plugin.name, item.source, item.line),
                    template.title,
                )
            )
        return out

    def _scope_of(
        self,
        what: str,
        stated: str | None,
        plugin: LoadedPlugin,
        item: Sourced[Any],
        hierarchy: Hierarchy,
        problems: list[Problem],
    ) -> str | None:
        """The scope an item applies in: its own (inside the plugin's) or the plugin's."""
        scope = stated or plugin.scope
        assert scope is not None
        if scope not in hierarchy or not hierarchy.contains(plugin.scope, scope):
            problems.append(
                Problem(
                    f"{what} 的范围 {scope} 不在插件 {plugin.name} 的管辖范围 {plugin.scope} 之内",
                    source=item.source,
                    line=item.line,
                    code="out-of-scope",
                )
            )
            return None
        return scope

    def _indicator_sets(self, hierarchy: Hierarchy, problems: list[Problem]) -> list[Entry]:
        """One ``indicator_set`` entry per set. A set left at the default scope
        ``000000`` applies in the plugin's scope."""
        out = []
        for plugin, item in self._collect("dudao_indicator_sets"):
            s: IndicatorSet = item.value
            stated = None if s.scope == "000000" else s.scope
            scope = self._scope_of(f"指标体系 {s.id}", stated, plugin, item, hierarchy, problems)
            if scope is None:
                continue
            if s.scope != scope:
                s = attrs.evolve(s, scope=scope)
            out.append(s.entry(Origin(plugin.name, item.source, item.line)))
        return out

    def _situations(self, hierarchy: Hierarchy, problems: list[Problem]) -> list[Entry]:
        """One ``accountability_situation`` entry per 问责情景."""
        out = []
        for plugin, item in self._collect("dudao_accountability_situations"):
            sit: AccountabilitySituation = item.value
            wrong = sit.problems()
            if wrong:
                problems += [p.located(source=item.source, line=item.line) for p in wrong]
                continue
            scope = self._scope_of(
                f"问责情景 {sit.id}", sit.scope, plugin, item, hierarchy, problems
            )
            if scope is None:
                continue
            out.append(
                Entry(
                    "accountability_situation",
                    sit.id,
                    scope,
                    sit.validity,
                    attrs.evolve(sit, scope=scope),
                    (sit.cite,) if sit.cite else (),
                    Origin(plugin.name, item.source, item.line),
                    sit.name,
                )
            )
        return out

    def _work_plans(self, hierarchy: Hierarchy, problems: list[Problem]) -> list[Entry]:
        """One ``work_plan`` entry per plan, in force through its year."""
        out = []
        for plugin, item in self._collect("dudao_work_plans"):
            plan: WorkPlan = item.value
            what = f"工作要点 {plan.id}"
            scope = self._scope_of(what, plan.scope, plugin, item, hierarchy, problems)
            if scope is None:
                continue
            out.append(
                Entry(
                    "work_plan",
                    plan.id,
                    scope,
                    plan.validity,
                    attrs.evolve(plan, scope=scope),
                    (plan.cite,),
                    Origin(plugin.name, item.source, item.line),
                    plan.title,
                )
            )
        return out

    def _programmes(
        self, hierarchy: Hierarchy, entries: list[Entry], problems: list[Problem]
    ) -> list[Entry]:
        """One ``programme`` entry per programme; its indicator set must exist."""
        sets = {e.id for e in entries if e.kind == "indicator_set"}
        out = []
        for plugin, item in self._collect("dudao_programmes"):
            prog: Programme = item.value
            wrong = prog.problems() + set_problems(prog, sets)
            if wrong:
                problems += [locate(p, item.source, item.line) for p in wrong]
                continue
            scope = self._scope_of(f"项目 {prog.id}", prog.scope, plugin, item, hierarchy, problems)
            if scope is not None:
                out.append(prog.entry(scope, Origin(plugin.name, item.source, item.line)))
        return out

    def programmes(self, code: str, on: dt.date) -> list[Programme]:
        """The programmes in force for ``code`` on ``on``: per id, the version from the
        most specific scope."""
        book = self.law_book()
        return [e.value for e in book.in_force("programme", code, on)]

    def accountability_situations(self, code: str, on: dt.date) -> list[AccountabilitySituation]:
        """The 问责情景 in force for ``code`` on ``on``: per id, the one from the most
        specific scope (its ``scope`` says which)."""
        book = self.law_book()
        return [e.value for e in book.in_force("accountability_situation", code, on)]

    def member_units(self, code: str) -> dict[str, MemberUnit]:
        """Member units recognised for ``code``: those of every plugin whose scope
        contains it, by name and alias."""
        hierarchy = self.hierarchy()
        out: dict[str, MemberUnit] = {}
        for plugin, item in self._collect("dudao_member_units"):
            if plugin.scope in hierarchy and hierarchy.contains(plugin.scope, code):
                unit: MemberUnit = item.value
                for name in (unit.name, *unit.aliases):
                    out[name] = unit
        return out


def _env_list(name: str) -> set[str]:
    return {s.strip() for s in os.environ.get(name, "").split(",") if s.strip()}


def load_plugins(
    *,
    autoload: bool = True,
    extra: Mapping[str, object] | None = None,
    blocked: Iterable[str] = (),
    national: bool = True,
) -> PluginSet:
    """Load the built-in national plugin, the installed plugins (unless ``autoload`` is
    off) and ``extra`` objects, by name, into a :class:`PluginSet`."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs.DudaoSpec)
    blocked = set(blocked) | _env_list("DUDAO_DISABLE_PLUGINS")
    loaded: list[LoadedPlugin] = []

    def register(plugin: LoadedPlugin, load: Callable[[], object]) -> None:
        loaded.append(plugin)
        try:
            obj = load()
            pm.register(obj, name=plugin.name)
            plugin.obj = obj
            info = pm.hook.dudao_plugin_info.get_hookimpls()
            impl = next((i for i in info if i.plugin_name == plugin.name), None)
            if impl is None:
                raise TypeError("插件没有实现 dudao_plugin_info")
            plugin.info = impl.function()
            if not isinstance(plugin.info, PluginInfo):
                raise TypeError(f"dudao_plugin_info 应返回 PluginInfo，实际为 {plugin.info!r}")
            if plugin.info.name != plugin.name:
                raise ValueError(
                    f"插件清单中的名称 '{plugin.info.name}' 与入口点名称 '{plugin.name}' 不一致"
                )
            plugin.version = plugin.info.version or plugin.version
            pm.check_pending()  # a misspelled hook name fails this plugin loudly
        except Exception as exc:
            plugin.error = _describe_error(exc)
            if pm.has_plugin(plugin.name):
                pm.unregister(name=plugin.name)

    if national and NATIONAL not in blocked:
        from dudao import __version__
        from dudao.plugins.national import NationalPlugin

        register(LoadedPlugin(NATIONAL, "dudao", __version__), NationalPlugin)
    if autoload and not os.environ.get("DUDAO_NO_PLUGIN_AUTOLOAD"):
        for ep in sorted(md.entry_points(group=GROUP), key=lambda e: e.name):
            if ep.name in blocked or pm.has_plugin(ep.name):
                continue
            dist = ep.dist
            register(
                LoadedPlugin(ep.name, dist.name if dist else None, dist.version if dist else None),
                ep.load,
            )
    for name, obj in (extra or {}).items():
        if name not in blocked:
            register(LoadedPlugin(name), lambda obj=obj: obj)
    _disable_orphans(loaded)
    return PluginSet(pm, loaded)


def _disable_orphans(plugins: list[LoadedPlugin]) -> None:
    """Plugins building on a missing or failed plugin cannot load either."""
    by_name = {p.name: p for p in plugins}
    changed = True
    while changed:
        changed = False
        for plugin in plugins:
            if not plugin.ok:
                continue
            for base in plugin.builds_on:
                dep = by_name.get(base)
                if dep is None or not dep.ok:
                    why = "未安装" if dep is None else "加载失败"
                    plugin.error = f"依赖的插件 {base} {why}"
                    changed = True
                    break
