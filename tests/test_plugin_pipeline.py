"""One way in for regional content: locality, whole-plugin exclusion, contained conflicts.

Each test here reproduces a failure found by trying dudao as a new user would (issue
"One way in for every regional contribution"), and failed before the contribution
pipeline.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dudao.errors import DudaoError
from dudao.law.kinds import Kind
from dudao.law.parameters import Parameter, ParameterValue
from dudao.model.documents import Citation
from dudao.plugins.manager import load_plugins
from dudao.plugins.markers import hookimpl
from dudao.rules.base import Context
from dudao.rules.national.zones import ZoneCoverage
from dudao.rules.statements import RuleStatement
from dudao.testing import InlinePlugin, dataset, inspector, run, school

DAY = dt.date(2023, 3, 1)
RATIO = "inspector.schools_per_inspector"


Plugin = InlinePlugin


def _param(id: str, value: Any, cite: str = "示例文〔2023〕1号 一") -> Parameter:
    return Parameter(id, id, (ParameterValue(value, Citation.parse(cite)),))


class EverySchoolUncovered(ZoneCoverage):
    """A region's own zone-coverage: every school fails (so any leak shows)."""

    def check(self, ctx: Context, region: Any) -> pd.DataFrame:
        frame = super().check(ctx, region)
        return frame.assign(ok=False)


def _shaanxi_school_dataset() -> Any:
    zones = [{"zone_id": "Z1", "name": "一区", "county": "610502"}]
    return dataset(
        "000000",
        schools=[school("S1", "610502", zone="Z1"), school("S2", "450103", zone=None)],
        inspectors=[inspector("I1", "610502", zone="Z1")],
        zones=zones,
    )


def test_an_adoption_takes_the_version_governing_its_scope_not_a_siblings() -> None:
    """A 450000 override of zone-coverage must not reach 610502 when Shaanxi adopts the
    rule: before, the adoption copied whichever version loaded last (0 findings → 1)."""
    shaanxi = Plugin(
        "shaanxi",
        "610000",
        rule_statements=lambda: [
            RuleStatement("zone-coverage", cite=(Citation.parse("陕教督〔2021〕1号 三"),))
        ],
    )
    guangxi = Plugin("gx", "450000", rules=lambda: [EverySchoolUncovered()])
    ds = _shaanxi_school_dataset()
    alone = load_plugins(autoload=False, extra={"shaanxi": shaanxi})
    both = load_plugins(autoload=False, extra={"gx": guangxi, "shaanxi": shaanxi})
    for plugins in (alone, both):
        found = run(ds, DAY, plugins=plugins, rules={"zone-coverage"}).findings
        assert list(found.loc[found["jurisdiction"] == "610502", "target"]) == []
    # inside its own scope the override is in force
    found = run(ds, DAY, plugins=both, rules={"zone-coverage"}).findings
    assert list(found.loc[found["jurisdiction"] == "450103", "plugin"]) == ["gx"]


class EmptiesSchools(ZoneCoverage):
    """A Weinan rule that rewrites the tables it is given."""

    id = "weinan-empties"

    def check(self, ctx: Context, region: Any) -> pd.DataFrame:
        ctx.dataset.schools["county"] = "610502"  # every school moved to Weinan
        ctx.dataset.zones = ctx.dataset.zones.iloc[0:0]
        return super().check(ctx, region)


def test_a_rule_cannot_change_the_tables_other_regions_rules_read() -> None:
    """A Weinan rule run on a national dataset emptied the schools table and cut the
    findings everywhere else."""
    ds = _shaanxi_school_dataset()
    base = load_plugins(autoload=False)
    weinan = load_plugins(
        autoload=False, extra={"wn": Plugin("wn", "610500", rules=lambda: [EmptiesSchools()])}
    )
    before = run(ds, DAY, plugins=base).findings
    after = run(ds, DAY, plugins=weinan).findings
    outside = ~after["jurisdiction"].str.startswith("6105")
    cols = ["rule", "target", "message"]
    assert after.loc[outside, cols].values.tolist() == before[cols].values.tolist()
    # and the caller's dataset is untouched
    assert list(ds.schools["county"]) == ["610502", "450103"] and len(ds.zones) == 1


def _hook_raises() -> list[Any]:
    raise RuntimeError("数据库连接失败")


def test_a_plugin_whose_hook_raises_is_left_out_whole_every_time() -> None:
    """Before: its parameter (99) was in the first law book and missing from the second."""
    broken = Plugin(
        "broken", "450100", parameters=lambda: [_param(RATIO, 99)], work_plans=_hook_raises
    )
    plugins = load_plugins(autoload=False, extra={"broken": broken})
    for _ in range(2):
        value = plugins.law_book().resolve(Kind.PARAMETER, RATIO, "450103", DAY).value
        assert value == 5
    state = plugins.get("broken")
    assert state.state == "excluded"
    (problem,) = state.problems
    assert problem.code == "plugin-hook-failed"
    assert problem.message == ("插件 broken 的 dudao_work_plans 出错：RuntimeError: 数据库连接失败")
    assert problem.source == __file__  # the file to look at
    assert [p.name for p in plugins.active] == ["national"]


def _raising_generator() -> Any:
    yield _param(RATIO, 4)
    raise ValueError("读到一半")


@pytest.mark.parametrize(
    ("hooks", "code", "says"),
    [
        ({"parameters": lambda: [1, "x", None]}, "plugin-bad-return", "第 1 项应为 Parameter"),
        ({"parameters": lambda: {"id": RATIO}}, "plugin-bad-return", "应为 Parameter 的列表"),
        ({"parameters": _raising_generator}, "plugin-hook-failed", "ValueError: 读到一半"),
        ({"rules": lambda: [ZoneCoverage]}, "plugin-bad-return", "应为 Rule"),
        ({"rule_statements": lambda: ["zone-coverage"]}, "plugin-bad-return", "RuleStatement"),
    ],
    ids=["list-of-junk", "dict", "generator-raises", "class-not-instance", "string"],
)
def test_garbage_from_any_hook_excludes_that_plugin_only(
    hooks: dict[str, Any], code: str, says: str
) -> None:
    good = Plugin("good", "450200", parameters=lambda: [_param(RATIO, 3)])
    plugins = load_plugins(
        autoload=False, extra={"bad": Plugin("bad", "450100", **hooks), "good": good}
    )
    book = plugins.law_book()
    assert book.resolve(Kind.PARAMETER, RATIO, "450103", DAY).value == 5
    assert book.resolve(Kind.PARAMETER, RATIO, "450203", DAY).value == 3
    problem = plugins.get("bad").problems[0]
    assert problem.code == code and says in problem.message
    # the file to look at: where the hook answered (or, for a raise, the raising line)
    assert problem.source in (__file__, InlinePlugin.dudao_parameters.__code__.co_filename)
    assert [p.name for p in plugins.active] == ["national", "good"]


class InfoIsADict:
    @hookimpl
    def dudao_plugin_info(self) -> Any:
        return {"name": "dict", "scope": "450100"}


def test_plugin_info_of_the_wrong_type_excludes_the_plugin() -> None:
    plugins = load_plugins(autoload=False, extra={"dict": InfoIsADict()})
    (problem,) = plugins.get("dict").problems
    assert problem.code == "plugin-bad-return"
    assert "应为 PluginInfo" in problem.message
    assert plugins.law_book().resolve(Kind.PARAMETER, RATIO, "450103", DAY).value == 5


def test_a_conflict_blocks_only_its_own_scope() -> None:
    """Two plugins setting one parameter at 430624 on overlapping days: before, every
    command failed, Nanning's included."""
    a = Plugin("a", "430624", parameters=lambda: [_param(RATIO, 4, "湘阴教督〔2023〕1号 一")])
    b = Plugin("b", "430624", parameters=lambda: [_param(RATIO, 3, "湘阴教督〔2023〕2号 二")])
    plugins = load_plugins(autoload=False, extra={"a": a, "b": b})
    book = plugins.law_book()
    assert book.resolve(Kind.PARAMETER, RATIO, "450103", DAY).value == 5
    with pytest.raises(DudaoError) as info:
        book.resolve(Kind.PARAMETER, RATIO, "430624", DAY)
    (problem,) = info.value.problems
    assert problem.code == "conflicting-entries"
    assert "插件 a" in problem.message and "插件 b" in problem.message
    (conflict,) = plugins.conflicts()
    assert (conflict.scope, conflict.first.origin.plugin, conflict.second.origin.plugin) == (
        "430624",
        "a",
        "b",
    )
    assert {p.name for p in plugins.active} == {"national", "a", "b"}


def test_the_snapshot_is_taken_once(tmp_path: Path) -> None:
    calls: list[str] = []

    def parameters() -> list[Parameter]:
        calls.append("parameters")
        return [_param(RATIO, 4)]

    plugins = load_plugins(
        autoload=False, extra={"p": Plugin("p", "450100", parameters=parameters)}
    )
    plugins.law_book()
    plugins.law_book(plugins.hierarchy())
    plugins.member_units("450103")
    assert calls == ["parameters"]


def _cli(monkeypatch: pytest.MonkeyPatch, plugins: Any, *args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from dudao.cli import cli, commands

    monkeypatch.setattr(commands, "load_plugins", lambda: plugins)
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_dudao_plugins_shows_each_plugins_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: both sides of a conflict were listed as loaded, exit 0."""
    import json

    a = Plugin("a", "430624", parameters=lambda: [_param(RATIO, 4, "湘阴教督〔2023〕1号 一")])
    b = Plugin("b", "430624", parameters=lambda: [_param(RATIO, 3, "湘阴教督〔2023〕2号 二")])
    broken = Plugin("broken", "450100", work_plans=_hook_raises)
    plugins = load_plugins(autoload=False, extra={"a": a, "b": b, "broken": broken})
    code, out, _ = _cli(monkeypatch, plugins, "plugins", "--format", "json")
    rows = {r["name"]: r for r in json.loads(out)["plugins"]}
    assert code == 1
    assert {n: r["state"] for n, r in rows.items()} == {
        "national": "loaded",
        "a": "conflict",
        "b": "conflict",
        "broken": "excluded",
    }
    (conflict,) = rows["a"]["conflicts"]
    assert [s["plugin"] for s in conflict["sides"]] == ["a", "b"]
    assert (conflict["kind"], conflict["id"], conflict["scope"]) == ("parameter", RATIO, "430624")
    assert rows["broken"]["problems"][0].endswith(
        "RuntimeError: 数据库连接失败（修正该插件；在此之前它的全部内容都不生效，其他插件照常加载）"
    )
    code, out, err = _cli(monkeypatch, plugins, "plugins")
    assert "冲突" in out and "未生效" in out  # the table wraps at the terminal width
    assert "插件 broken 未生效（已排除），原因：" in err and "冲突：参数 inspector" in err


def _folder(tmp_path: Path, **files: str) -> Any:
    tmp_path.mkdir(parents=True, exist_ok=True)
    from dudao.plugins.yaml_plugin import YamlPlugin

    (tmp_path / "plugin.yaml").write_text(
        "name: t\ntitle: 测试\nscope: '450100'\n" + files.pop("manifest", ""), encoding="utf-8"
    )
    for name, text in files.items():
        path = tmp_path / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return load_plugins(autoload=False, extra={"t": YamlPlugin(tmp_path)})


def test_a_yaml_file_the_layout_does_not_read_excludes_the_plugin(tmp_path: Path) -> None:
    """Before: a root-level programmes.yaml was silently ignored."""
    plugins = _folder(tmp_path, **{"programmes.yaml": "id: x\n"})
    (problem,) = plugins.get("t").problems
    assert problem.code == "unknown-plugin-file"
    assert problem.message == "插件 t：插件文件夹中的 programmes.yaml 不会被读取"
    assert problem.hint.startswith("是否应为 programmes/*.yaml？")


def test_an_unreadable_yaml_file_names_its_line(tmp_path: Path) -> None:
    """Before: an unparseable indicator set was ignored until something read it."""
    plugins = _folder(tmp_path, **{"indicator_sets__x.yaml": "id: [x\n"})
    (problem,) = plugins.get("t").problems
    assert problem.source.endswith("indicator_sets/x.yaml") and problem.line == 2


def test_plugin_yaml_names_the_python_rules_module(tmp_path: Path) -> None:
    ok = _folder(tmp_path / "a", manifest="rules: dudao.rules.national.zones\n")
    assert ok.get("t").state == "excluded"  # that module has no RULES list
    (problem,) = ok.get("t").problems
    assert (problem.code, problem.path) == ("bad-rules-module", ("rules",))
    missing = _folder(tmp_path / "b", manifest="rules: no_such_module.rules\n")
    assert "无法导入" in missing.get("t").problems[0].message


def test_check_names_an_excluded_plugin_and_strict_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a broken plugin was dropped without a word (28 findings became 27)."""
    import json

    from click.testing import CliRunner

    from dudao.cli import check as check_cli
    from dudao.cli import cli

    a = Plugin("a", "430624", parameters=lambda: [_param(RATIO, 4, "湘阴教督〔2023〕1号 一")])
    b = Plugin("b", "430624", parameters=lambda: [_param(RATIO, 3, "湘阴教督〔2023〕2号 二")])
    broken = Plugin("broken", "450100", work_plans=_hook_raises)
    # the installed plugins (the bundled Nanning example needs nanning's zones) and three more
    plugins = load_plugins(extra={"a": a, "b": b, "broken": broken})
    monkeypatch.setattr(check_cli, "load_plugins", lambda: plugins)
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--format", "json", "--exit-zero"])
    assert result.exit_code == 0, result.output  # the conflict in 430624 blocks nothing here
    status = json.loads(result.stdout)["plugins"]
    assert [p["name"] for p in status["excluded"]] == ["broken"]
    assert status["conflicts"] == []  # 430624 lies outside the Nanning dataset
    result = runner.invoke(cli, ["check", "--exit-zero"])
    assert "插件 broken 未生效（已排除），原因：" in result.stderr
    strict = runner.invoke(cli, ["check", "--exit-zero", "--strict", "--format", "json"])
    assert strict.exit_code == 1
    markdown = runner.invoke(cli, ["check", "--exit-zero", "--format", "markdown"])
    assert "## 插件状态" in markdown.stdout and "插件 broken 未生效" in markdown.stdout
    rules = runner.invoke(cli, ["rules", "--for", "450103", "--format", "json"])
    assert rules.exit_code == 0 and json.loads(rules.stdout)["for"] == "450103"
    blocked = runner.invoke(cli, ["rules", "--for", "430624"])
    assert blocked.exit_code == 2 and "插件 a" in blocked.stderr and "插件 b" in blocked.stderr


def test_a_conflict_inside_the_dataset_leaves_only_its_targets_out() -> None:
    zones = [{"zone_id": f"Z{c}", "name": c, "county": c} for c in ("430624", "430602")]
    ds = dataset(
        "000000",
        schools=[school("S1", "430624"), school("S2", "430602")],
        zones=zones,
    )
    a = Plugin("a", "430624", parameters=lambda: [_param(RATIO, 4, "湘阴教督〔2023〕1号 一")])
    b = Plugin("b", "430624", parameters=lambda: [_param(RATIO, 3, "湘阴教督〔2023〕2号 二")])
    result = run(ds, DAY, plugins=load_plugins(autoload=False, extra={"a": a, "b": b}))
    assert set(result.findings["jurisdiction"]) == {"430602"}  # 430624's targets not judged
    assert [c.scope for c in result.conflicts] == ["430624"]


@pytest.mark.regional
def test_validate_on_a_plugin_folder_says_what_loading_would(tmp_path: Path) -> None:
    """Before: validate passed an uncited value that loading then refused."""
    from click.testing import CliRunner

    from dudao.cli import cli

    (tmp_path / "plugin.yaml").write_text(
        "name: liuzhou\ntitle: 柳州市\nscope: '450200'\nbuilds_on: [guangxi]\n", encoding="utf-8"
    )
    (tmp_path / "parameters").mkdir()
    (tmp_path / "parameters" / "staffing.yaml").write_text(
        "parameters:\n  - id: inspector.schools_per_inspector\n    title: 比例\n"
        "    values:\n      - value: 4\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "参数 inspector.schools_per_inspector 的取值 4 没有引用依据" in result.stderr
    # cited, the same folder passes, as it would load
    staffing = tmp_path / "parameters" / "staffing.yaml"
    staffing.write_text(
        staffing.read_text(encoding="utf-8") + "        cite: 柳教督〔2024〕1号 三\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.stderr


def test_a_template_from_a_plugin_later_in_the_order_can_be_adopted() -> None:
    """Plugins are assembled shallow first, then by name: 'a' (610500) comes before 'z'
    (430600), yet may adopt the template 'z' offers."""
    from dudao.rules.national.inspectors import ZoneComposition

    class Offered(ZoneComposition):
        id = "offered-composition"
        template = True

    z = Plugin("z", "430600", rules=lambda: [Offered()])
    a = Plugin(
        "a",
        "610500",
        rule_statements=lambda: [
            RuleStatement("offered-composition", cite=(Citation.parse("渭教督〔2023〕1号 二"),))
        ],
    )
    plugins = load_plugins(autoload=False, extra={"a": a, "z": z})
    assert {p.name: p.state for p in plugins} == {
        "national": "loaded",
        "a": "loaded",
        "z": "loaded",
    }
    entry = plugins.law_book().resolve(Kind.RULE, "offered-composition", "610502", DAY)
    assert entry is not None and entry.origin.plugin == "a"
