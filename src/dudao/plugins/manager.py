"""Loading plugins and collecting what they contribute.

``load_plugins()`` reads the ``dudao`` entry-point group one entry at a time and
takes each plugin's :class:`~dudao.plugins.snapshot.Snapshot`: every hook called
once, its answer checked for type. The plugins are then checked whole, one at a
time — the units they add to the tree, then everything they contribute to the law
(scopes inside the plugin's, citations, dates, rules adopted, indicator sets
named) — and a plugin with any problem is *excluded*: none of it applies, the
problems say why (naming the plugin and its file), and the others load as before
(pluggy's own loader would stop at the first failure). Plugins that build on an
excluded or missing plugin are excluded too. Two plugins stating the same id at
the same scope on overlapping days are *in conflict*: both stay loaded, and the
law book refuses to resolve that id inside that scope only
(:class:`~dudao.law.book.Conflict`).

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
>>> [(p.name, p.scope, p.state) for p in plugins]
[('national', '000000', 'loaded'), ('demo', '450100', 'loaded')]
>>> plugins.hierarchy().get("450100").name
'南宁市'
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pluggy

from dudao.errors import DudaoError, Problem
from dudao.evaluation.programmes import Programme
from dudao.io.divisions import divisions_hierarchy
from dudao.law.book import Conflict, Entry, LawBook
from dudao.law.kinds import Kind
from dudao.law.parameters import misspelt_parameter_problems
from dudao.model.bodies import MemberUnit
from dudao.model.hierarchy import Hierarchy, SourceLine
from dudao.model.jurisdiction import Jurisdiction
from dudao.plugins import hookspecs
from dudao.plugins.assembly import RuleIndex, declared, plugin_entries
from dudao.plugins.info import PluginInfo
from dudao.plugins.markers import PROJECT
from dudao.plugins.snapshot import HOOKS, Snapshot, check_info, collect, failure
from dudao.plugins.yaml_plugin import folder_plugin
from dudao.workflow.situations import AccountabilitySituation

GROUP = "dudao"
NATIONAL = "national"  # the built-in plugin holding the national texts


@attrs.define
class LoadedPlugin:
    """One plugin as loaded: its snapshot, or the problems that excluded it."""

    name: str
    distribution: str | None = None
    version: str | None = None
    info: PluginInfo | None = None
    snapshot: Snapshot | None = attrs.field(default=None, repr=False)
    problems: list[Problem] = attrs.Factory(list)
    obj: Any = attrs.field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def state(self) -> str:
        """``loaded`` or ``excluded`` (conflicts are the law book's: see
        :meth:`PluginSet.conflicts`)."""
        return "loaded" if self.ok else "excluded"

    @property
    def error(self) -> str | None:
        """Why the plugin is excluded, one problem a line (None when loaded)."""
        return "\n".join(str(p) for p in self.problems) or None

    def exclude(self, problems: Iterable[Problem]) -> None:
        self.problems += list(problems)

    @property
    def scope(self) -> str | None:
        return self.info.scope if self.info else None

    @property
    def builds_on(self) -> tuple[str, ...]:
        return self.info.builds_on if self.info else ()

    @property
    def title(self) -> str | None:
        return self.info.title if self.info else None


class PluginSet:
    """The plugins loaded, what they contribute, and which were excluded and why.

    Contributions come from the snapshots taken at load; the hierarchy and the law
    book are assembled once per plugin set and cached (a set is immutable).
    """

    def __init__(self, plugins: list[LoadedPlugin]) -> None:
        self._plugins = {p.name: p for p in plugins}

    def __iter__(self) -> Iterator[LoadedPlugin]:
        """Every plugin, loaded or excluded (the law is assembled first, since a plugin
        is excluded for what it contributes)."""
        self._law  # noqa: B018
        return iter(self._plugins.values())

    def __len__(self) -> int:
        return len(self._plugins)

    def get(self, name: str) -> LoadedPlugin:
        self._law  # noqa: B018 - its state is known once the law is assembled
        try:
            return self._plugins[name]
        except KeyError:
            known = "、".join(self._plugins) or "（无）"
            raise DudaoError(
                Problem(f"未知的插件 '{name}'", hint=f"已安装：{known}", code="unknown-plugin")
            ) from None

    @property
    def active(self) -> list[LoadedPlugin]:
        """Plugins in force, shallow scopes first (the order their law is assembled)."""
        self._law  # noqa: B018 - exclusion is decided while the law is assembled
        return self._ordered()

    @property
    def failed(self) -> list[LoadedPlugin]:
        """Plugins excluded, with their problems."""
        return [p for p in self if not p.ok]

    def conflicts(self) -> list[Conflict]:
        """Entries two plugins state at one scope on overlapping days."""
        return list(self._law.conflicts)

    def _ordered(self) -> list[LoadedPlugin]:
        def depth(p: LoadedPlugin) -> int:
            h = self.__dict__.get("_hierarchy")
            return h.depth(p.scope) if h is not None and p.scope in h else 0

        return sorted((p for p in self._plugins.values() if p.ok), key=lambda p: (depth(p), p.name))

    def _items(self, hook: str) -> Iterator[tuple[LoadedPlugin, Any]]:
        for plugin in self._ordered():
            assert plugin.snapshot is not None
            for item in plugin.snapshot[hook]:
                yield plugin, item

    # ----------------------------------------------------------- contributions
    def hierarchy(self) -> Hierarchy:
        """China's divisions shipped with dudao plus every unit the plugins in force
        add. A plugin whose units clash with another's or lie outside its scope is
        excluded (with both named), not merged."""
        return self._hierarchy

    @cached_property
    def _hierarchy(self) -> Hierarchy:
        hierarchy = divisions_hierarchy()
        owner: dict[str, LoadedPlugin] = {}
        pending = self._ordered()
        # a plugin's scope may be a unit another plugin adds: keep extending while
        # the tree grows
        while pending:
            progressed = False
            for plugin in list(pending):
                if plugin.scope not in hierarchy:
                    continue
                pending.remove(plugin)
                progressed = True
                grown = self._extend(hierarchy, plugin, owner)
                if grown is not None:
                    hierarchy = grown
            if not progressed:
                break
        for plugin in pending:
            plugin.exclude(
                [
                    Problem(
                        f"插件 {plugin.name} 的管辖范围 {plugin.scope} 不是已知的区划代码",
                        code="unknown-scope",
                        hint="scope 应为 GB/T 2260 代码或插件提供的单位代码",
                    )
                ]
            )
        for plugin in self._ordered():
            for base in plugin.builds_on:
                parent = self._plugins.get(base)
                if parent is None or not parent.ok or not parent.scope or not plugin.scope:
                    continue  # a missing or excluded base: see _exclude_orphans
                if not hierarchy.contains(parent.scope, plugin.scope):
                    plugin.exclude(
                        [
                            Problem(
                                f"插件 {plugin.name}（{plugin.scope}）基于 {base}，但不在其管辖"
                                f"范围 {parent.scope} 之内",
                                code="builds-on-out-of-scope",
                            )
                        ]
                    )
        _exclude_orphans(list(self._plugins.values()))
        return hierarchy

    def _extend(
        self, hierarchy: Hierarchy, plugin: LoadedPlugin, owner: dict[str, LoadedPlugin]
    ) -> Hierarchy | None:
        """``hierarchy`` with the plugin's units, or None (and the plugin excluded)."""
        assert plugin.snapshot is not None and plugin.scope is not None
        problems: list[Problem] = []
        units: list[Jurisdiction] = []
        origins: dict[str, SourceLine] = {}
        for item in plugin.snapshot["dudao_jurisdictions"]:
            unit: Jurisdiction = item.value
            if unit.code in hierarchy or unit.code in origins:
                first = (
                    f"插件 {owner[unit.code].name}"
                    if unit.code in owner
                    else ("本插件" if unit.code in origins else "dudao 自带的全国区划")
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
            where = f"{item.source}（插件 {plugin.name}）" if item.source else f"插件 {plugin.name}"
            units.append(unit)
            origins[unit.code] = (where, item.line)
        grown = hierarchy
        if not problems:
            try:
                grown = hierarchy.extend(units, origins=origins)
            except DudaoError as exc:
                problems += exc.problems
        for unit in units if not problems else ():
            if not grown.contains(plugin.scope, unit.code):
                source, line = origins[unit.code]
                problems.append(
                    Problem(
                        f"插件 {plugin.name} 的管辖范围是 {plugin.scope}，不能提供范围外的单位 "
                        f"{unit.code}",
                        source=source,
                        line=line,
                        code="out-of-scope",
                        hint="把该单位移到管辖它的插件中，或修正 parent",
                    )
                )
        if problems:
            plugin.exclude(problems)
            return None
        owner.update({code: plugin for code in origins})
        return grown

    @cached_property
    def _law(self) -> LawBook:
        """The plugins' law, each plugin built whole and left out on any problem;
        repeated until no plugin is left out (one's absence may break another that
        adopts its rule or names its indicator set)."""
        hierarchy = self.hierarchy()
        while True:
            # every plugin's own rules and sets first: an adoption or a programme may name
            # what a plugin later in the order contributes (a template, a set)
            rules = RuleIndex(hierarchy)
            sets: set[str] = set()
            for plugin in self._ordered():
                assert plugin.snapshot is not None
                own_rules, own_sets = declared(plugin.snapshot, hierarchy)
                rules.add(own_rules)
                sets |= own_sets
            built: dict[str, list[Entry]] = {}
            excluded = False
            for plugin in self._ordered():
                assert plugin.snapshot is not None
                entries, problems = plugin_entries(plugin.snapshot, hierarchy, rules, sets)
                if problems:
                    plugin.exclude(problems)
                    excluded = True
                    continue
                rules.add(entries)  # its adoptions, for the plugins deeper down
                built[plugin.name] = entries
            # a parameter id nothing reads, nearly a known one: a misspelling refining nothing
            all_built = (e for es in built.values() for e in es)
            for name, wrong in misspelt_parameter_problems(all_built).items():
                self._plugins[name].exclude(wrong)
                excluded = True
            if _exclude_orphans(list(self._plugins.values())) or excluded:
                continue  # another pass without them: nothing may rest on what is gone
            national = self._plugins.get(NATIONAL)
            if national is not None and not national.ok:
                # the national texts are part of dudao: without them nothing is right
                raise DudaoError(national.problems)
            return LawBook(hierarchy, [e for es in built.values() for e in es])

    def law_book(self, hierarchy: Hierarchy | None = None, extra: Iterable[Entry] = ()) -> LawBook:
        """Every entry the plugins in force contribute, as one law book.

        Built once per plugin set. ``hierarchy`` is a dataset's extended tree (default:
        :meth:`hierarchy`); ``extra`` entries (a dataset's own parameters, built with
        :func:`dudao.law.contributions.build`) join the plugins'.
        """
        book = self._law
        extra = list(extra)
        if (hierarchy is None or hierarchy is book.hierarchy) and not extra:
            return book
        return book.plus(extra, hierarchy)

    def programmes(self, code: str, on: dt.date) -> list[Programme]:
        """The programmes in force for ``code`` on ``on``: per id, the version from the
        most specific scope."""
        return [e.value for e in self._law.in_force(Kind.PROGRAMME, code, on)]

    def accountability_situations(self, code: str, on: dt.date) -> list[AccountabilitySituation]:
        """The 问责情景 in force for ``code`` on ``on``: per id, the one from the most
        specific scope (its ``scope`` says which)."""
        return [e.value for e in self._law.in_force(Kind.ACCOUNTABILITY_SITUATION, code, on)]

    def member_units(self, code: str) -> dict[str, MemberUnit]:
        """Member units recognised for ``code``: those of every plugin whose scope
        contains it, by name and alias."""
        hierarchy = self.hierarchy()
        self._law  # noqa: B018 - only plugins in force count
        out: dict[str, MemberUnit] = {}
        for plugin, item in self._items("dudao_member_units"):
            scope = plugin.scope
            if scope is not None and scope in hierarchy and hierarchy.contains(scope, code):
                unit: MemberUnit = item.value
                for name in (unit.name, *unit.aliases):
                    out[name] = unit
        return out


def _env_list(name: str) -> set[str]:
    return {s.strip() for s in os.environ.get(name, "").split(",") if s.strip()}


def _snapshot(
    pm: pluggy.PluginManager, plugin: LoadedPlugin
) -> tuple[Snapshot | None, list[Problem]]:
    """Call each of the plugin's hooks once (see :mod:`dudao.plugins.snapshot`)."""
    impls = {
        name: impl
        for name in ("dudao_plugin_info", *HOOKS)
        for impl in getattr(pm.hook, name).get_hookimpls()
        if impl.plugin_name == plugin.name
    }
    if "dudao_plugin_info" not in impls:
        return None, [
            Problem(
                f"插件 {plugin.name} 没有实现 dudao_plugin_info",
                code="plugin-no-info",
                hint="每个插件都须说明名称、标题和管辖范围（plugin.yaml 或 dudao_plugin_info）",
            )
        ]
    manifest = getattr(plugin.obj, "manifest", None)  # a YAML plugin's plugin.yaml
    info, problems = check_info(plugin.name, impls["dudao_plugin_info"].function, manifest)
    if info is None:
        return None, problems
    plugin.info = info
    items = {}
    for hook in HOOKS:
        if hook in impls:
            items[hook], wrong = collect(plugin.name, hook, impls[hook].function)
            problems += wrong
    return (None if problems else Snapshot(info, items)), problems


def load_plugins(
    *,
    autoload: bool = True,
    extra: Mapping[str, object] | None = None,
    blocked: Iterable[str] = (),
    national: bool = True,
    replacing: Iterable[str] = (),
) -> PluginSet:
    """Load the built-in national plugin, the installed plugins (unless ``autoload`` is
    off) and ``extra`` objects, by name, into a :class:`PluginSet`. ``blocked`` names are
    not loaded at all; ``replacing`` names skip only the installed plugin of that name
    (an ``extra`` of the same name stands in for it)."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs.DudaoSpec)
    blocked = set(blocked) | _env_list("DUDAO_DISABLE_PLUGINS")
    loaded: list[LoadedPlugin] = []

    def register(plugin: LoadedPlugin, load: Callable[[], object]) -> None:
        loaded.append(plugin)
        try:
            obj = load()
            if isinstance(obj, ModuleType):  # an entry point naming a package: its data/
                obj = folder_plugin(obj)
            pm.register(obj, name=plugin.name)
            plugin.obj = obj
            pm.check_pending()  # a misspelled hook name fails this plugin loudly
        except Exception as exc:
            plugin.exclude(failure(plugin.name, "加载", load, exc))
            if pm.has_plugin(plugin.name):
                pm.unregister(name=plugin.name)
            return
        plugin.snapshot, problems = _snapshot(pm, plugin)
        plugin.exclude(problems)
        if plugin.info is not None:
            plugin.version = plugin.info.version or plugin.version

    if national and NATIONAL not in blocked:
        from dudao import __version__
        from dudao.plugins.national import NationalPlugin

        register(LoadedPlugin(NATIONAL, "dudao", __version__), NationalPlugin)
    if autoload and not os.environ.get("DUDAO_NO_PLUGIN_AUTOLOAD"):
        points: dict[str, list[md.EntryPoint]] = {}
        for ep in md.entry_points(group=GROUP):
            if ep.name not in blocked and ep.name not in set(replacing):
                points.setdefault(ep.name, []).append(ep)
        for name in sorted(points):
            eps = points[name]
            # a distribution's name and version each parse its METADATA file again: once
            metas = [ep.dist.metadata if ep.dist else None for ep in eps]
            dists = [meta["Name"] if meta is not None else "?" for meta in metas]
            if len({(d, ep.value) for d, ep in zip(dists, eps, strict=True)}) > 1:
                loaded.append(_duplicate(name, dists))
                continue
            ep, meta = eps[0], metas[0]
            if pm.has_plugin(ep.name):
                continue
            register(
                LoadedPlugin(
                    ep.name,
                    meta["Name"] if meta is not None else None,
                    meta["Version"] if meta is not None else None,
                ),
                ep.load,
            )
    for name, obj in (extra or {}).items():
        if name not in blocked:
            register(LoadedPlugin(name), _given(obj))
    _exclude_orphans(loaded)
    return PluginSet(loaded)


def plugin_folder_problems(folder: str | Path) -> list[Problem]:
    """What loading would say of the plugin in ``folder`` (a YAML plugin), with the
    installed plugins beside it (an installed plugin of the same name gives way): the
    one validator that ``dudao validate`` and loading share.

    Its problems if it would be excluded, and its conflicts with other plugins.
    """
    from dudao.plugins.yaml_plugin import YamlPlugin, layout_problems

    # the layout is reported beside everything else, not instead of it
    layout = layout_problems(Path(folder))
    candidate = YamlPlugin(folder, check_layout=False)
    try:
        name = candidate.info.name
    except DudaoError as exc:
        return [*layout, *exc.problems]
    plugins = load_plugins(replacing=[name], extra={name: candidate})
    mine = plugins.get(name)
    conflicts = [
        c.problem()
        for c in plugins.conflicts()
        if name in (c.first.origin.plugin, c.second.origin.plugin)
    ]
    return [*layout, *mine.problems, *conflicts]


def _given(obj: object) -> Callable[[], object]:
    """A loader for a plugin object handed over in code (``extra``)."""
    return lambda: obj


def _duplicate(name: str, dists: list[str]) -> LoadedPlugin:
    """Two distributions registering one plugin name: neither may silently win."""
    return LoadedPlugin(
        name,
        "、".join(dists),
        problems=[
            Problem(
                f"插件名 '{name}' 由多个发行包注册：{'、'.join(sorted(dists))}",
                code="duplicate-plugin",
                hint="卸载其中一个（pip uninstall 包名），或改用不同的 entry point 名称",
            )
        ],
    )


def _exclude_orphans(plugins: list[LoadedPlugin]) -> bool:
    """Plugins building on a missing or excluded plugin are excluded too; True if any
    was."""
    by_name = {p.name: p for p in plugins}
    changed, any_changed = True, False
    while changed:
        changed = False
        for plugin in plugins:
            if not plugin.ok:
                continue
            for base in plugin.builds_on:
                dep = by_name.get(base)
                if dep is None or not dep.ok:
                    why = "未安装" if dep is None else "未能加载"
                    plugin.exclude(
                        [
                            Problem(
                                f"插件 {plugin.name} 依赖的插件 {base} {why}",
                                code="missing-base",
                                hint=f"先修正或安装 {base}",
                            )
                        ]
                    )
                    changed = any_changed = True
                    break
    return any_changed
