"""Checks of authored files that need what the plugins contribute.

Structural errors (wrong types, unknown keys) are found while structuring; the
checks here look across: codes that must exist, member units that must be in
the region's catalogue. Each returns problems with field paths, which the YAML
layer turns into line numbers.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterator

from dudao.errors import DudaoError, Problem
from dudao.evaluation.extend import IndicatorSetExtension, extension_problems
from dudao.evaluation.model import IndicatorSet, validate_indicator_set
from dudao.evaluation.programmes import Programme, set_problems
from dudao.law.kinds import Kind
from dudao.model.bodies import Committee
from dudao.model.jurisdiction import JurisdictionsFile
from dudao.plugins.manager import PluginSet
from dudao.rules.templates import RuleFile
from dudao.workflow.situations import AccountabilityFile


def check_committee(committee: Committee, plugins: PluginSet) -> Iterator[Problem]:
    """The committee's jurisdiction exists; every member unit is in its catalogue."""
    hierarchy = plugins.hierarchy()
    if committee.jurisdiction not in hierarchy:
        yield Problem(
            f"未知的区划代码 '{committee.jurisdiction}'",
            path=("jurisdiction",),
            code="unknown-code",
            hint="应为 GB/T 2260 代码或插件提供的单位代码",
        )
        return
    catalogue = plugins.member_units(committee.jurisdiction)
    if not catalogue:
        return  # no plugin names the units here: nothing to check against
    for i, member in enumerate(committee.members):
        if member.unit not in catalogue:
            close = difflib.get_close_matches(member.unit, catalogue, n=3, cutoff=0.5)
            hint = (
                ("是否是：" + "、".join(close))
                if close
                else "在插件的 member_units.yaml 中补充该单位"
            )
            yield Problem(
                f"未知的成员单位 '{member.unit}'",
                path=("members", i, "unit"),
                code="unknown-member-unit",
                hint=hint,
            )


def check_jurisdictions(
    file: JurisdictionsFile, plugins: PluginSet, *, source: str | None = None
) -> Iterator[Problem]:
    """The units fit into the tree: parents exist, codes agree, nothing is defined twice.

    A unit already in the tree is fine only when it came from this very file (an
    installed plugin's own file being validated); otherwise it is a duplicate.
    """
    hierarchy = plugins.hierarchy()
    index = {u.code: i for i, u in enumerate(file.units)}
    new = []
    for i, unit in enumerate(file.units):
        if unit.code not in hierarchy:
            new.append(unit)
            continue
        origin, _ = hierarchy.origin(unit.code)
        if source is not None and origin is not None and _same_file(origin, source):
            continue
        owner = origin or "dudao 自带的全国区划"
        yield Problem(
            f"区划代码 {unit.code} 已由 {owner} 定义",
            path=("units", i),
            code="duplicate-code",
            hint="同一单位只能定义一次；删去这一处或换用新代码",
        )
    try:
        hierarchy.extend(new)
    except DudaoError as exc:
        for p in exc.problems:
            code = next((c for c in index if c in p.message), None)
            path = ("units", index[code]) if code is not None else ()
            yield p.located(path=path)


def check_rule_file(
    file: RuleFile, plugins: PluginSet | None = None, *, source: str | None = None
) -> Iterator[Problem]:
    """Each rule written from a template is built as loading builds it: its settings
    (units, tables, columns, stages, messages) are checked, located at the item. With
    ``plugins``, every parameter it reads must be stated somewhere — by an installed
    plugin or in the parameters of the plugin folder the file is in (``source``): a
    misspelt id would read as unset and leave every unit unjudged, silently."""
    known = _known_parameters(plugins, source) if plugins is not None else None
    for i, spec in file.definitions():
        for p in spec.problems():
            yield p.located(path=("rules", i, *p.path))
        if known is None:
            continue
        for pid in spec.parameters() + spec_units_parameters(spec):
            if pid not in known:
                close = difflib.get_close_matches(pid, sorted(known), n=1)
                yield Problem(
                    f"规则 {spec.id} 读取的参数 '{pid}' 没有任何插件规定",
                    path=("rules", i),
                    code="unknown-parameter",
                    hint=(f"是否是 '{close[0]}'？" if close else "")
                    + "在 parameters/*.yaml 中规定它（文件没有给出数值时写 value: null"
                    + " 并注明依据）",
                )


def spec_units_parameters(spec: object) -> tuple[str, ...]:
    """Parameters a rule's ``units`` read (size limits), beyond :meth:`parameters`."""
    units = getattr(spec, "units", None)
    return tuple(units.parameters()) if units is not None else ()


def _known_parameters(plugins: PluginSet, source: str | None) -> set[str]:
    """Parameter ids the installed plugins state, and those of the plugin folder that
    holds ``source`` (a plugin being written need not be installed)."""
    from pathlib import Path

    from dudao.plugins.yaml_plugin import YamlPlugin

    known = set(plugins.law_book().ids(Kind.PARAMETER))
    if source is not None:
        here = Path(source).parent
        folder = here.parent if here.name == "rules" else here
        if (folder / "plugin.yaml").is_file():
            plugin = YamlPlugin(folder, check_layout=False)
            with contextlib.suppress(DudaoError):  # its parameter files report their own
                known |= {s.value.id for s in plugin.dudao_parameters()}
    return known


def _same_file(origin: str, source: str) -> bool:
    """Whether a unit's origin (a path, possibly followed by a note such as
    "（插件 nanning）") is the file ``source``, however either is written: one may be
    relative to the working directory and the other absolute.

    >>> _same_file("a/b.yaml（插件 x）", "a/b.yaml"), _same_file("a/b.yaml", "a/c.yaml")
    (True, False)
    """
    from pathlib import Path

    path = origin.split("（", 1)[0].strip()
    return path.startswith(source) or Path(path).resolve() == Path(source).resolve()


def check_file(obj: object, plugins: PluginSet, *, source: str | None = None) -> list[Problem]:
    """Run the cross-checks that apply to a structured file read from ``source``."""
    if isinstance(obj, Committee):
        return list(check_committee(obj, plugins))
    if isinstance(obj, JurisdictionsFile):
        return list(check_jurisdictions(obj, plugins, source=source))
    if isinstance(obj, IndicatorSet):
        return validate_indicator_set(obj)
    if isinstance(obj, IndicatorSetExtension):  # checked against the base it extends
        return obj.problems() or extension_problems(obj, plugins.law_book())
    if isinstance(obj, Programme):
        return obj.problems() + set_problems(obj, plugins.law_book().ids(Kind.INDICATOR_SET))
    if isinstance(obj, RuleFile):
        return list(check_rule_file(obj, plugins, source=source))
    if isinstance(obj, AccountabilityFile):
        return [
            p.located(path=("situations", i, *p.path))
            for i, s in enumerate(obj.situations)
            for p in s.problems()
        ]
    return []
