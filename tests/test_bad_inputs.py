"""A corpus of bad inputs, each with the exact error a policy officer would read."""

from __future__ import annotations

from pathlib import Path

import pytest

from dudao.errors import DudaoError
from dudao.io import yamlio
from dudao.model.bodies import Committee
from dudao.model.jurisdiction import JurisdictionsFile
from dudao.plugins.info import PluginInfo
from dudao.plugins.manager import load_plugins
from dudao.plugins.markers import hookimpl
from dudao.plugins.yaml_plugin import YamlPlugin

KINDS = "国家（nation）、省（province）、自治区（autonomous_region）"


def _errors(path: Path, cls: type) -> list[str]:
    with pytest.raises(DudaoError) as info:
        yamlio.load(path, cls)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "units:\n  - code: 450100-x\n    name: a\n   kind: county\n",
            ["{f}:4: YAML 语法错误：缩进不一致（检查缩进、冒号后的空格和引号是否成对）"],
            id="malformed-indentation",
        ),
        pytest.param(
            "units:\n\t- code: 1\n",
            [
                "{f}:2: YAML 语法错误：不能用制表符缩进，请用空格（检查缩进、冒号后的空格和引号是否成对）"
            ],
            id="tab",
        ),
        pytest.param(
            "units:\n  - code: 450100-kaifa\n    code: 450100-gaoxin\n",
            [
                "{f}:3: 键 'code' 重复（第 2 行已定义）（同一层级的每个键只能写一次，删去或合并其中一处）"
            ],
            id="duplicate-key",
        ),
        pytest.param(
            "units:\n  - code: 450100-kaifa\n    name: 开发区\n    kind: development_zone\n"
            "    parent: [450100]\n",
            ["{f}:5 units[0].parent: 应为文本，实际为 列表"],
            id="wrong-type",
        ),
        pytest.param(
            "units:\n  - code: 450100-kaifa\n    name: 开发区\n    kind: 乡村\n",
            ["{f}:4 units[0].kind: '乡村' 不是有效的取值，可选：" + KINDS],
            id="unknown-enum",
        ),
        pytest.param(
            "units:\n  - code: 450100-kaifa\n    nmae: 开发区\n    kind: 开发区\n",
            ["{f}:3 units[0].nmae: 未知字段 'nmae'（是否是 'name'？）"],
            id="typo-field",
        ),
        pytest.param(
            "units:\n  - code: 南宁高新区\n    name: 开发区\n    kind: 开发区\n",
            ["{f}:2 units[0]: 区划代码 '南宁高新区' 格式不对"],
            id="bad-code-format",
        ),
        pytest.param(
            "units:\n  - code: 450100-kaifa\n    kind: 开发区\n  - name: 开发区\n",
            [
                "{f}:2 units[0].name: 缺少必填字段",
                "{f}:4 units[1].code: 缺少必填字段",
                "{f}:4 units[1].kind: 缺少必填字段",
            ],
            id="missing-fields-in-file-order",
        ),
        pytest.param(
            "units: 5\n", ["{f}:1 units: 应为列表（每项以 - 开头），实际为 整数 5"], id="not-a-list"
        ),
        pytest.param(
            "- a\n- b\n", ["{f}:1: 应为映射（字段: 值），实际为 列表"], id="not-a-mapping"
        ),
        pytest.param("", ["{f}: 文件是空的（按 dudao schema 给出的结构填写内容）"], id="empty"),
    ],
)
def test_bad_yaml_gives_one_clear_line_per_problem(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = tmp_path / "jurisdictions.yaml"
    path.write_text(text, encoding="utf-8")
    errors = _errors(path, JurisdictionsFile)
    wanted = [e.format(f=path) for e in expected]
    # enum choices and the code-format hint are long: compare their start
    assert [e[: len(w)] for e, w in zip(errors, wanted, strict=True)] == wanted


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "committee.yaml"
    path.write_bytes("name: 南宁".encode("gbk"))
    assert _errors(path, Committee) == [
        f"{path}: 文件不是 UTF-8 编码（第 7 个字节）（用编辑器另存为 UTF-8）"
    ]


def test_missing_file(tmp_path: Path) -> None:
    assert _errors(tmp_path / "nope.yaml", Committee) == [f"{tmp_path / 'nope.yaml'}: 文件不存在"]


# --------------------------------------------------------------------- plugins
def _plugin(
    folder: Path, name: str, scope: str, units: str = "", builds_on: str = "[]"
) -> YamlPlugin:
    folder.mkdir(parents=True)
    (folder / "plugin.yaml").write_text(
        f"name: {name}\ntitle: {name}\nscope: '{scope}'\nbuilds_on: {builds_on}\n", encoding="utf-8"
    )
    if units:
        (folder / "jurisdictions.yaml").write_text(units, encoding="utf-8")
    return YamlPlugin(folder)


ZONE = (
    "units:\n  - code: 450100-gaoxin\n    name: 南宁高新区\n    kind: 开发区\n    parent: 450100\n"
)


class Raises:
    @hookimpl
    def dudao_plugin_info(self) -> PluginInfo:
        raise RuntimeError("数据库连接失败")


def test_a_plugin_that_raises_is_reported_and_the_others_load(tmp_path: Path) -> None:
    good = _plugin(tmp_path / "a", "alpha", "450100", ZONE)
    plugins = load_plugins(
        autoload=False, national=False, extra={"alpha": good, "broken": Raises()}
    )
    broken = plugins.get("broken")
    (problem,) = broken.problems
    assert problem.message == "插件 broken 的 dudao_plugin_info 出错：RuntimeError: 数据库连接失败"
    assert (problem.source, broken.state) == (__file__, "excluded")
    assert [p.name for p in plugins.active] == ["alpha"]
    assert plugins.hierarchy().get("450100-gaoxin").name == "南宁高新区"


def test_a_plugin_whose_hook_raises_later_is_dropped_whole(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    bad = _plugin(
        folder, "beta", "450100", "units:\n  - code: 450100-x\n    name: 区\n    kind: 乡村\n"
    )
    plugins = load_plugins(autoload=False, national=False, extra={"beta": bad})
    hierarchy = plugins.hierarchy()
    assert "450100-x" not in hierarchy
    (problem,) = plugins.get("beta").problems
    assert (problem.source, problem.line) == (str(folder / "jurisdictions.yaml"), 4)
    assert problem.message.startswith("插件 beta：'乡村' 不是有效的取值")


def test_two_plugins_contributing_one_unit_are_both_named(tmp_path: Path) -> None:
    a = _plugin(tmp_path / "a", "alpha", "450100", ZONE)
    b = _plugin(tmp_path / "b", "beta", "450100", ZONE)
    plugins = load_plugins(autoload=False, national=False, extra={"alpha": a, "beta": b})
    assert plugins.hierarchy().get("450100-gaoxin").name == "南宁高新区"  # alpha's
    assert [str(p) for p in plugins.get("beta").problems] == [
        f"{tmp_path / 'b' / 'jurisdictions.yaml'}:2: 区划代码 450100-gaoxin（南宁高新区）重复："
        "插件 alpha 与 插件 beta 都提供了它（同一单位只能由一个插件提供；删去其中一处）"
    ]


def test_a_unit_the_national_divisions_already_have_is_a_duplicate(tmp_path: Path) -> None:
    units = "units:\n  - code: 450103\n    name: 青秀区\n    kind: 市辖区\n    parent: 450100\n"
    plugins = load_plugins(
        autoload=False,
        national=False,
        extra={"alpha": _plugin(tmp_path / "a", "alpha", "450100", units)},
    )
    plugins.hierarchy()
    assert plugins.get("alpha").problems[0].message == (
        "区划代码 450103（青秀区）重复：dudao 自带的全国区划 与 插件 alpha 都提供了它"
    )


def test_a_cycle_among_contributed_units(tmp_path: Path) -> None:
    units = (
        "units:\n"
        "  - {code: '450103901', name: 甲街道, kind: 街道, parent: '450103902'}\n"
        "  - {code: '450103902', name: 乙街道, kind: 街道, parent: '450103901'}\n"
    )
    plugins = load_plugins(
        autoload=False,
        national=False,
        extra={"alpha": _plugin(tmp_path / "a", "alpha", "450100", units)},
    )
    assert "450103901" not in plugins.hierarchy()
    cycles = [str(p) for p in plugins.get("alpha").problems if p.code == "cycle"]
    source = f"{tmp_path / 'a' / 'jurisdictions.yaml'}（插件 alpha）"
    assert cycles == [
        f"{source}:2: 上级关系成环：450103901 甲街道 → 450103902 乙街道 → 450103901 甲街道"
        "（至少改正其中一个单位的 parent）"
    ]


def test_a_unit_outside_the_plugin_scope(tmp_path: Path) -> None:
    units = "units:\n  - code: 610500-gaoxin\n    name: 渭南高新区\n    kind: 开发区\n    parent: 610500\n"
    plugins = load_plugins(
        autoload=False,
        national=False,
        extra={"alpha": _plugin(tmp_path / "a", "alpha", "450100", units)},
    )
    assert "610500-gaoxin" not in plugins.hierarchy()
    assert [p.message for p in plugins.get("alpha").problems] == [
        "插件 alpha 的管辖范围是 450100，不能提供范围外的单位 610500-gaoxin"
    ]


def test_unknown_scope_and_unknown_jurisdiction_codes(tmp_path: Path) -> None:
    plugins = load_plugins(
        autoload=False, national=False, extra={"alpha": _plugin(tmp_path / "a", "alpha", "459999")}
    )
    plugins.hierarchy()
    assert [p.code for p in plugins.get("alpha").problems] == ["unknown-scope"]


def test_a_plugin_building_on_a_missing_plugin_does_not_load(tmp_path: Path) -> None:
    city = _plugin(tmp_path / "c", "city", "450100", builds_on="[province]")
    plugins = load_plugins(autoload=False, national=False, extra={"city": city})
    assert (
        plugins.get("city").error == "插件 city 依赖的插件 province 未安装（先修正或安装 province）"
    )


def test_a_plugin_building_on_a_broken_plugin_does_not_load(tmp_path: Path) -> None:
    city = _plugin(tmp_path / "c", "city", "450100", builds_on="[broken]")
    plugins = load_plugins(autoload=False, national=False, extra={"broken": Raises(), "city": city})
    assert (
        plugins.get("city").error == "插件 city 依赖的插件 broken 未能加载（先修正或安装 broken）"
    )


def test_a_misspelled_hook_fails_that_plugin_loudly() -> None:
    class Typo:
        @hookimpl
        def dudao_plugin_info(self) -> PluginInfo:
            return PluginInfo(name="typo", title="拼错", scope="450100")

        @hookimpl
        def dudao_jurisdiction(self) -> list:  # missing the final s
            return []

    plugins = load_plugins(autoload=False, national=False, extra={"typo": Typo()})
    error = plugins.get("typo").error
    assert error is not None and "dudao_jurisdiction" in error


def test_manifest_name_must_match_the_entry_point(tmp_path: Path) -> None:
    plugins = load_plugins(
        autoload=False, national=False, extra={"beta": _plugin(tmp_path / "a", "alpha", "450100")}
    )
    (problem,) = plugins.get("beta").problems
    assert problem.message == "插件清单中的名称 'alpha' 与入口点名称 'beta' 不一致"
    assert problem.source == str(tmp_path / "a" / "plugin.yaml")


def test_disable_plugins_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUDAO_DISABLE_PLUGINS", "alpha")
    plugins = load_plugins(
        autoload=False, extra={"alpha": _plugin(tmp_path / "a", "alpha", "450100")}
    )
    assert [p.name for p in plugins] == ["national"]  # the built-in one is always there


def test_unknown_member_unit_names_file_line_and_field(tmp_path: Path) -> None:
    from dudao.model.bodies import MemberUnit
    from dudao.plugins.checks import check_committee

    class Catalogue:
        @hookimpl
        def dudao_plugin_info(self) -> PluginInfo:
            return PluginInfo(name="gx", title="广西", scope="450000")

        @hookimpl
        def dudao_member_units(self) -> list[MemberUnit]:
            return [
                MemberUnit("自治区财政厅", aliases=("市财政局",)),
                MemberUnit("自治区教育厅", aliases=("市教育局",)),
            ]

    path = tmp_path / "committee.yaml"
    path.write_text(
        "jurisdiction: 450100\nname: 南宁市人民政府教育督导委员会\nmembers:\n"
        "  - unit: 市教育局\n  - unit: 市财政局\n  - unit: 市财政局x\n",
        encoding="utf-8",
    )
    plugins = load_plugins(autoload=False, national=False, extra={"gx": Catalogue()})
    with pytest.raises(DudaoError) as info:
        yamlio.load(path, Committee, validate=lambda c: check_committee(c, plugins))
    assert [str(p) for p in info.value.problems] == [
        f"{path}:6 members[2].unit: 未知的成员单位 '市财政局x'（是否是：市财政局）"
    ]


def test_validate_reports_a_zone_code_another_plugin_owns(tmp_path: Path) -> None:
    from dudao.plugins.checks import check_jurisdictions

    owner = _plugin(tmp_path / "a", "alpha", "450100", ZONE)
    plugins = load_plugins(autoload=False, national=False, extra={"alpha": owner})
    other = tmp_path / "jurisdictions.yaml"
    other.write_text(ZONE.replace("南宁高新区", "另一个高新区"), encoding="utf-8")
    with pytest.raises(DudaoError) as info:
        yamlio.load(
            other,
            JurisdictionsFile,
            validate=lambda f: check_jurisdictions(f, plugins, source=str(other)),
        )
    owner_file = tmp_path / "a" / "jurisdictions.yaml"
    assert [str(p) for p in info.value.problems] == [
        f"{other}:2 units[0]: 区划代码 450100-gaoxin 已由 {owner_file}（插件 alpha） 定义"
        "（同一单位只能定义一次；删去这一处或换用新代码）"
    ]
    # the owner's own file validates cleanly
    yamlio.load(
        owner_file,
        JurisdictionsFile,
        validate=lambda f: check_jurisdictions(f, plugins, source=str(owner_file)),
    )


# -------------------------------------------------------------------- datasets
def test_dataset_units_outside_its_scope_are_named_with_file_and_line(tmp_path: Path) -> None:
    from dudao.io.dataset import load_dataset

    (tmp_path / "dataset.yaml").write_text(
        "name: 测试\nscope: '450100'\nas_of: 2023-03-01\n", encoding="utf-8"
    )
    (tmp_path / "jurisdictions.csv").write_text(
        "code,name,kind,parent\n"
        "450103001,某街道,街道,450103\n"  # 青秀区, in 南宁市
        "450305001,某镇,镇,450305\n"  # 桂林市七星区: outside
        "450108002,另一镇,镇,450108\n"  # 良庆区, in 南宁市
        "450305002,又一镇,镇,450305\n",
        encoding="utf-8",
    )
    (tmp_path / "schools.csv").write_text(  # every dataset has one, here without rows
        "school_id,name,stage,ownership,students,county\n", encoding="utf-8"
    )
    with pytest.raises(DudaoError) as info:
        load_dataset(tmp_path, load_plugins().hierarchy())
    assert [(p.code, p.line, p.message) for p in info.value.problems] == [
        ("out-of-scope", 3, "450305001 某镇 不在数据集范围 450100 之内"),
        ("out-of-scope", 5, "450305002 又一镇 不在数据集范围 450100 之内"),
    ]


_TOWNSHIP_ROWS = "code,name,kind,parent\n450103001,某街道,街道,450103\n450108002,另一镇,镇,450108\n"


def _dataset_with_townships(folder: Path) -> Path:
    """A Nanning dataset whose jurisdictions table adds two townships; the table's path."""
    (folder / "dataset.yaml").write_text(
        "name: 测试\nscope: '450100'\nas_of: 2023-03-01\n", encoding="utf-8"
    )
    table = folder / "jurisdictions.csv"
    table.write_text(_TOWNSHIP_ROWS, encoding="utf-8")
    (folder / "schools.csv").write_text(
        "school_id,name,stage,ownership,students,county\n", encoding="utf-8"
    )
    return table


@pytest.mark.regional
def test_dataset_units_are_found_behind_the_plugins_units(tmp_path: Path) -> None:
    from dudao.io.dataset import load_dataset

    _dataset_with_townships(tmp_path)
    plugins = load_plugins().hierarchy()
    _, h = load_dataset(tmp_path, plugins)
    assert h.origin("450100-jingkai") == plugins.origin("450100-jingkai")
    assert h.origin("450100-jingkai")[0] is not None  # the Nanning plugin's unit, from its file


def test_dataset_units_are_found_at_their_rows(tmp_path: Path) -> None:
    from dudao.io.dataset import load_dataset

    table = _dataset_with_townships(tmp_path)
    rows = _TOWNSHIP_ROWS
    plugins = load_plugins().hierarchy()
    _, h = load_dataset(tmp_path, plugins)
    assert h.origin("450108002") == (str(table), 3)
    assert h.origin("450103") == (None, None)  # dudao's own national tree
    assert h.subtree("450108").origin("450108002") == (str(table), 3)
    table.write_text(rows + "450108003,又一镇,镇,450199\n", encoding="utf-8")  # no such parent
    with pytest.raises(DudaoError) as info:
        load_dataset(tmp_path, plugins)
    ((problem),) = info.value.problems
    assert (problem.code, problem.source, problem.line) == ("unknown-parent", str(table), 4)
