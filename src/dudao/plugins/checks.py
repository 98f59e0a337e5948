"""Checks of authored files that need what the plugins contribute.

Structural errors (wrong types, unknown keys) are found while structuring; the
checks here look across: codes that must exist, member units that must be in
the region's catalogue. Each returns problems with field paths, which the YAML
layer turns into line numbers.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from dudao.errors import DudaoError, Problem
from dudao.model.bodies import Committee
from dudao.plugins.files import JurisdictionsFile
from dudao.plugins.manager import PluginSet


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


def check_jurisdictions(file: JurisdictionsFile, plugins: PluginSet) -> Iterator[Problem]:
    """The units fit into the tree (parents exist, codes agree, nothing duplicated)."""
    hierarchy = plugins.hierarchy()
    known = {u.code for u in file.units}
    try:
        hierarchy.extend(u for u in file.units if u.code not in hierarchy)
    except DudaoError as exc:
        index = {u.code: i for i, u in enumerate(file.units)}
        for p in exc.problems:
            code = next((c for c in known if c in p.message), None)
            path = ("units", index[code]) if code is not None else ()
            yield p.located(path=path)


def check_file(obj: object, plugins: PluginSet) -> list[Problem]:
    """Run the cross-checks that apply to a structured file."""
    if isinstance(obj, Committee):
        return list(check_committee(obj, plugins))
    if isinstance(obj, JurisdictionsFile):
        return list(check_jurisdictions(obj, plugins))
    return []
