"""The law book: the most specific scope wins; a conflict is refused inside its scope only,
naming both sources."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.io.divisions import load_divisions
from dudao.law.book import Entry, LawBook
from dudao.law.contributions import Contribution, Contributor, build
from dudao.law.kinds import Kind
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin

H = Hierarchy(load_divisions())
# A small real subtree: nation, Guangxi, Nanning with two districts, Guilin, and Shaanxi.
SCOPES = ["000000", "450000", "450100", "450103", "450108", "450300", "610000"]
DAYS = st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31))


def entry(
    scope: str,
    value: object,
    since: dt.date | None = None,
    until: dt.date | None = None,
    plugin: str = "p",
) -> Entry:
    stated = Contribution(
        Kind.PARAMETER,
        "x",
        value,
        scope=scope,
        since=since,
        until=until,
        sample=True,
        source=f"{plugin}/parameters.yaml",
        line=3,
    )
    (made,), problems = build(Contributor(plugin, "000000"), [stated], H)
    assert not problems
    return made


def test_overlapping_entries_at_one_scope_block_that_scope_only_naming_both() -> None:
    a = entry("450100", 5, since=dt.date(2020, 1, 1), plugin="guangxi")
    b = entry("450100", 4, since=dt.date(2022, 1, 1), plugin="nanning")
    national = entry("000000", 6, plugin="national")
    book = LawBook(H, [national, a, b])
    assert len(book.conflicts) == 1
    with pytest.raises(DudaoError) as info:
        book.resolve(Kind.PARAMETER, "x", "450103", dt.date(2023, 1, 1))
    (problem,) = info.value.problems
    assert problem.code == "conflicting-entries"
    assert problem.message.startswith(
        "参数 x 在 450100 的两条规定有效期重叠：插件 guangxi（guangxi/parameters.yaml:3）"
        "（2020-01-01 起）与 插件 nanning（nanning/parameters.yaml:3）（2022-01-01 起）"
    )
    # before the overlap, and everywhere outside 450100, the law resolves as before
    assert book.resolve(Kind.PARAMETER, "x", "450103", dt.date(2021, 1, 1)).value == 5
    assert book.resolve(Kind.PARAMETER, "x", "450200", dt.date(2023, 1, 1)).value == 6
    versions, which = book.resolve_many(
        Kind.PARAMETER, "x", ["450103", "450200"], dt.date(2023, 1, 1)
    )
    assert which[0] == -1 and versions[which[1]].value == 6
    assert [c.scope for c in book.conflicts_on(dt.date(2021, 1, 1))] == []
    assert [c.scope for c in book.conflicts_on(dt.date(2023, 1, 1))] == ["450100"]


def test_consecutive_periods_do_not_conflict_and_switch_on_the_day() -> None:
    old = entry("450100", 5, until=dt.date(2021, 12, 31))
    new = entry("450100", 4, since=dt.date(2022, 1, 1))
    book = LawBook(H, [old, new])
    assert book.resolve("parameter", "x", "450103", dt.date(2021, 12, 31)).value == 5
    assert book.resolve("parameter", "x", "450103", dt.date(2022, 1, 1)).value == 4


def test_an_unknown_scope_is_reported() -> None:
    stated = Contribution(Kind.PARAMETER, "x", 1, scope="459999", sample=True, line=4)
    entries, problems = build(Contributor("p", "000000"), [stated], H)
    assert entries == [] and [(p.code, p.line) for p in problems] == [("unknown-scope", 4)]


@st.composite
def books(draw: st.DrawFn) -> list[Entry]:
    """Random entries: at most one per scope, so none conflict."""
    scopes = draw(st.lists(st.sampled_from(SCOPES), unique=True, min_size=1))
    out = []
    for i, scope in enumerate(scopes):
        since = draw(st.none() | DAYS)
        until = draw(st.none() | DAYS.filter(lambda d, s=since: s is None or d >= s))
        out.append(entry(scope, i, since, until))
    return out


@given(books(), DAYS, st.sampled_from(["450103", "450108", "450305", "610502", "110101"]))
def test_most_specific_scope_in_force_wins(entries: list[Entry], day: dt.date, code: str) -> None:
    book = LawBook(H, entries)
    candidates = [e for e in entries if e.validity.in_force(day) and H.contains(e.scope, code)]
    expected = max(candidates, key=lambda e: H.depth(e.scope), default=None)
    assert book.resolve("parameter", "x", code, day) == expected
    # the vectorised form agrees
    versions, which = book.resolve_many("parameter", "x", [code], day)
    assert (versions[which[0]] if which[0] >= 0 else None) == expected


@given(books(), DAYS)
def test_regions_partition_the_scopes_in_force(entries: list[Entry], day: dt.date) -> None:
    book = LawBook(H, entries)
    regions = book.regions("parameter", "x", day)
    for code in ["450103", "450108", "450305", "610502", "110101"]:
        governing = [e for e, r in regions if r.contains(code)]
        assert governing == (
            [book.resolve("parameter", "x", code, day)]
            if book.resolve("parameter", "x", code, day)
            else []
        )


def _yaml_plugin(folder: Path, scope: str, parameters: str) -> YamlPlugin:
    folder.mkdir()
    (folder / "plugin.yaml").write_text(
        f"name: t\ntitle: 测试\nscope: '{scope}'\n", encoding="utf-8"
    )
    (folder / "parameters.yaml").write_text(parameters, encoding="utf-8")
    return YamlPlugin(folder)


def test_an_uncited_value_is_refused_unless_labelled_sample(tmp_path: Path) -> None:
    bad = "parameters:\n  - id: x\n    title: 某数值\n    values:\n      - value: 7\n"
    plugins = load_plugins(
        autoload=False, national=False, extra={"t": _yaml_plugin(tmp_path / "a", "450100", bad)}
    )
    assert plugins.law_book().entries() == []  # the plugin is left out whole
    (problem,) = plugins.get("t").problems
    assert (problem.code, problem.message, problem.line) == (
        "uncited-value",
        "参数 x 的取值 7 没有引用依据",
        2,
    )
    sample = bad + "        sample: true\n"
    plugins = load_plugins(
        autoload=False, national=False, extra={"t": _yaml_plugin(tmp_path / "b", "450100", sample)}
    )
    (e,) = plugins.law_book().entries("parameter")
    assert (e.value, e.sample, e.scope) == (7, True, "450100")


def test_a_parameter_outside_the_plugin_scope_is_refused(tmp_path: Path) -> None:
    text = (
        "parameters:\n  - id: x\n    title: 某数值\n    scope: '610500'\n    values:\n"
        "      - value: null\n"
    )
    plugins = load_plugins(
        autoload=False, national=False, extra={"t": _yaml_plugin(tmp_path / "a", "450100", text)}
    )
    assert plugins.law_book().entries() == [] and plugins.get("t").state == "excluded"
    assert [p.code for p in plugins.get("t").problems] == ["out-of-scope"]


@pytest.mark.regional
def test_installed_law_guangxi_refines_the_national_ratio() -> None:
    book = load_plugins().law_book()
    day = dt.date(2023, 3, 1)
    nanning = book.resolve("parameter", "inspector.schools_per_inspector", "450103", day)
    weinan = book.resolve("parameter", "inspector.schools_per_inspector", "610503", day)
    assert (nanning.value, nanning.origin.plugin, nanning.citation_text()) == (
        5,
        "guangxi",
        "厅发〔2020〕26号 三（一）",
    )
    assert (weinan.value, weinan.origin.plugin) == (5, "national")
    # before the Guangxi opinions took effect the national measure governs Guangxi too
    before = book.resolve(
        "parameter", "inspector.schools_per_inspector", "450103", dt.date(2020, 5, 13)
    )
    assert before.origin.plugin == "national"


def test_evidence_values_become_plain_json() -> None:
    import numpy as np
    import pandas as pd

    from dudao.rules.engine import plain_value

    values = [
        pd.NaT,
        np.datetime64("NaT"),
        np.datetime64("2022-01-02"),
        pd.Timestamp("2022-01-02 08:00"),
        np.float64("nan"),
        np.int64(3),
        dt.date(2020, 1, 1),
        None,
        "x",
    ]
    assert [plain_value(v) for v in values] == [
        None,
        None,
        "2022-01-02",
        "2022-01-02",
        None,
        3,
        "2020-01-01",
        None,
        "x",
    ]


def test_a_plugin_adopts_its_own_template_at_its_own_scope() -> None:
    """A region's Python template, adopted by its own YAML at its own scope, is in
    force there — not an overlap of the placeholder and the adoption."""
    from dudao.model.documents import Citation as _Citation
    from dudao.plugins.info import PluginInfo
    from dudao.plugins.manager import load_plugins as _load
    from dudao.plugins.markers import hookimpl
    from dudao.rules.national.governance import CommitteeMeetings
    from dudao.rules.statements import RuleStatement

    class RegionMeetings(CommitteeMeetings):
        id = "region-meetings"

    class Region:
        @hookimpl
        def dudao_plugin_info(self):
            return PluginInfo(name="region", title="示例", scope="450200")

        @hookimpl
        def dudao_rules(self):
            return [RegionMeetings()]

        @hookimpl
        def dudao_rule_statements(self):
            return [
                RuleStatement(
                    "region-meetings",
                    cite=(_Citation.parse("柳教督委办〔2024〕2号 一"),),
                    since=dt.date(2024, 3, 1),
                )
            ]

    book = _load(autoload=False, extra={"region": Region()}).law_book()
    (entry,) = book.versions("rule", "region-meetings")
    assert entry.value is not None and entry.citation_text() == "柳教督委办〔2024〕2号 一"
    assert book.resolve("rule", "region-meetings", "450202", dt.date(2024, 6, 1)) is not None
