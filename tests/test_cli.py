"""The command line, run as users run it: exit codes, output formats, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli import cli

REGIONS = {"guangxi": "450000", "nanning": "450100", "weinan": "610500", "yueyang": "430600"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.regional
def test_plugins_lists_the_four_regions_with_scopes_as_json() -> None:
    code, out, _ = run("plugins", "--format", "json")
    assert code == 0
    data = json.loads(out)
    rows = {p["name"]: p for p in data["plugins"]}
    assert {name: rows[name]["scope"] for name in REGIONS} == REGIONS
    assert rows["nanning"]["builds_on"] == ["guangxi"]
    assert rows["nanning"]["scope_name"] == "南宁市"
    assert all(rows[name]["error"] is None for name in REGIONS)
    assert {rows[name]["state"] for name in REGIONS} == {"loaded"}
    assert rows["guangxi"]["version"] == "0.1.0"


@pytest.mark.regional
def test_plugins_table() -> None:
    code, out, _ = run("plugins")
    assert code == 0
    for name, scope in REGIONS.items():
        assert name in out and scope in out


@pytest.mark.regional
def test_plugins_reports_a_broken_one_and_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUDAO_DISABLE_PLUGINS", "guangxi")
    code, out, _ = run("plugins", "--format", "json")
    rows = {p["name"]: p for p in json.loads(out)["plugins"]}
    assert "guangxi" not in rows
    assert rows["nanning"]["state"] == "excluded"
    assert rows["nanning"]["problems"] == [
        "插件 nanning 依赖的插件 guangxi 未安装（先修正或安装 guangxi）"
    ]
    assert code == 1


@pytest.mark.regional
def test_hierarchy_show_nanning_tree() -> None:
    code, out, _ = run("hierarchy", "show", "450100")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "中华人民共和国 › 广西壮族自治区"
    assert lines[1].split() == ["南宁市", "450100", "地级市"]
    for name in (
        "青秀区",
        "良庆区",
        "西乡塘区",
        "武鸣区",
        "上林县",
        "横州市",
        "南宁高新技术产业开发区",
    ):
        assert name in out
    assert lines[-1] == "共 15 个下级单位"


def test_hierarchy_show_json_with_depth() -> None:
    code, out, _ = run("hierarchy", "show", "450000", "--depth", "1", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["path"] == [{"code": "000000", "name": "中华人民共和国"}]
    tree = data["tree"]
    assert tree["name"] == "广西壮族自治区" and tree["kind"] == "autonomous_region"
    assert len(tree["children"]) == 14  # Guangxi's 14 prefecture-level cities
    assert all(child["children"] == [] for child in tree["children"])


def test_unknown_code_is_a_clean_error() -> None:
    code, out, err = run("hierarchy", "show", "450199")
    assert code == 2 and out == ""
    assert err.splitlines() == ["错误：", "  未知的区划代码 '450199'（是否是：450109 邕宁区）"]


def test_schema_export_for_every_kind() -> None:
    code, out, _ = run("schema", "committee")
    schema = json.loads(out)
    assert code == 0
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$defs"]["Membership"]["required"] == ["unit"]
    code, out, _ = run("schema", "jurisdictions")
    kinds = json.loads(out)["$defs"]["JurisdictionKind"]["enum"]
    assert "development_zone" in kinds and "开发区" in kinds


def test_schema_unknown_kind() -> None:
    code, _, err = run("schema", "regeln")
    assert code == 2
    assert "未知的文件类型 'regeln'" in err


def test_schema_validates_the_shipped_plugin_files() -> None:
    import jsonschema

    from dudao.io.schema import json_schema
    from dudao.io.yamlio import read
    from dudao.plugins.files import FILE_KINDS

    root = Path(__file__).parent.parent / "plugins"
    by_name = {k.filename: k for k in FILE_KINDS.values()}
    files = sorted(root.glob("*/src/dudao_*/data/*.yaml"))
    assert len(files) >= 7
    for path in files:
        schema = json_schema(by_name[path.name].cls)
        as_editor_sees_it = json.loads(json.dumps(read(path).data, default=str))
        jsonschema.validate(as_editor_sees_it, schema)


@pytest.mark.regional
def test_validate_passes_the_shipped_files_and_fails_a_bad_one(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent / "plugins"
    files = [str(p) for p in sorted(root.glob("*/src/dudao_*/data/*.yaml"))]
    code, _, err = run("validate", *files)
    assert code == 0 and f"通过：{len(files)} 个文件没有发现问题" in err
    bad = tmp_path / "committee.yaml"
    bad.write_text(
        "jurisdiction: 450100\nname: 南宁市\nmembers:\n  - unit: 市财政厅\n", encoding="utf-8"
    )
    code, _, err = run("validate", str(bad))
    assert code == 2
    assert f"{bad}:4 members[0].unit: 未知的成员单位 '市财政厅'（是否是：" in err


def test_installed_script_never_shows_a_traceback(tmp_path: Path) -> None:
    # the script installed beside this interpreter (.venv-core's in CI's core-alone step)
    exe = str(Path(sys.executable).parent / "dudao")
    bad = tmp_path / "plugin.yaml"
    bad.write_text("name: [x\n", encoding="utf-8")
    proc = subprocess.run([exe, "validate", str(bad)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{bad}:2: YAML 语法错误" in proc.stderr


def test_check_lists_at_most_limit_findings_and_counts_the_rest_by_rule() -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["check", "--format", "json", "--exit-zero"])
    findings = json.loads(shown.output)["findings"]
    result = runner.invoke(cli, ["check", "--exit-zero", "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert f"另有 {len(findings) - 3:,} 项问题未逐条列出" in result.output
    assert "按规则汇总" in result.output
    markdown = runner.invoke(cli, ["check", "--exit-zero", "--limit", "3", "--format", "markdown"])
    rows = markdown.output.splitlines()
    listed = [r for r in rows if r.startswith(("| 错误 |", "| 警告 |", "| 提示 |"))]
    by_rule = rows[rows.index("## 按规则汇总") + 4 :]
    assert len(listed) == 3  # findings one by one, then a row per rule and severity
    assert sum(1 for r in by_rule if r.startswith("| ")) == len(
        {(f["rule"], f["severity"]) for f in findings}
    )
    everything = runner.invoke(cli, ["check", "--exit-zero", "--limit", "0"])
    assert "未逐条列出" not in everything.output


@pytest.mark.regional
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_reader_that_goes_away_is_not_an_internal_error(fmt: str) -> None:
    """`dudao check --format json | head -c 100`: the closed pipe ends the command
    quietly (exit 1, as rich does), never with “内部错误” or a traceback."""
    import sys

    exe = Path(sys.executable).parent / "dudao"
    proc = subprocess.Popen(
        [str(exe), "check", "nanning", "--exit-zero", "--limit", "0", "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 1, err
    assert "内部错误" not in err
    assert "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.regional
def test_validate_reads_a_file_in_a_layout_folder_as_the_loader_does(tmp_path: Path) -> None:
    """parameters/plugin.yaml of a plugin is a parameters file (the loader reads every
    parameters/*.yaml so), not a second manifest: validating it, or the folder, agrees."""
    import dudao_guangxi

    data = tmp_path / "guangxi"
    shutil.copytree(Path(dudao_guangxi.__file__).parent / "data", data)
    topic = data / "parameters" / "plugin.yaml"
    (data / "parameters" / "staffing.yaml").rename(topic)
    for target in (topic, data):
        code, _, err = run("validate", str(target))
        assert code == 0, err
    # and a mistake in it is reported against the parameters file's own fields
    text = topic.read_text(encoding="utf-8")
    topic.write_text(text.replace("parameters:", "paramters:", 1), encoding="utf-8")
    code, _, err = run("validate", str(topic))
    assert code == 2
    assert "未知字段 'paramters'" in err and "parameters" in err
    assert "name: 缺少必填字段" not in err  # not read as a manifest


def test_findings_are_counted_under_the_units_directly_below_the_scope() -> None:
    """The table's 按区划 summary, by hand: the scope's own findings under its name, a
    county's under its city, codes the tree does not know last, units outside the
    scope left out."""
    from types import SimpleNamespace

    import pandas as pd

    from dudao.cli.check import _by_unit_below_scope
    from dudao.model.hierarchy import Hierarchy
    from dudao.model.jurisdiction import NATION
    from dudao.model.jurisdiction import Jurisdiction as J

    tree = Hierarchy(
        [
            NATION,
            J("450000", "广西", "autonomous_region", "000000"),
            J("450100", "南宁市", "prefecture_city", "450000"),
            J("450102", "兴宁区", "district", "450100"),
            J("450103", "青秀区", "district", "450100"),
            J("450200", "柳州市", "prefecture_city", "450000"),
            J("430000", "湖南省", "province", "000000"),
        ]
    )
    findings = pd.DataFrame(
        {
            "jurisdiction": ["450000", "450102", "450103", "450200", "999999", "430000", "450103"],
            "severity": ["error", "error", "warning", "info", "error", "error", "error"],
        }
    )
    result = SimpleNamespace(
        hierarchy=tree,
        dataset=SimpleNamespace(info=SimpleNamespace(scope="450000")),
        findings=findings,
    )
    assert _by_unit_below_scope(result) == [  # type: ignore[arg-type]
        ["广西（450000）", "1", "0", "0"],
        ["南宁市（450100）", "2", "1", "0"],
        ["柳州市（450200）", "0", "0", "1"],
        ["区划代码不明", "1", "0", "0"],
    ]


@pytest.mark.parametrize(("args", "code"), [([], 1), (["--exit-zero"], 0)])
def test_a_check_process_ends_at_once_with_all_its_output(args: list[str], code: int) -> None:
    """`dudao check` ends its process without the interpreter's teardown once its output
    is written: every finding is there, the exit status is the check's (1 with errors
    unless --exit-zero), and stderr holds no traceback."""
    import sys

    exe = Path(sys.executable).parent / "dudao"
    run_ = subprocess.run(
        [str(exe), "check", "--format", "json", *args], capture_output=True, timeout=300
    )
    assert run_.returncode == code, run_.stderr.decode("utf-8")
    data = json.loads(run_.stdout)
    assert len(data["findings"]) == sum(data["summary"].values()) > 0
    assert b"Traceback" not in run_.stderr


def _thp_enabled() -> str | None:
    """This process's transparent-huge-page switch (Linux ≥ 5.0), or None."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    return next((ln.split()[1] for ln in status.splitlines() if ln.startswith("THP_enabled")), None)


@pytest.mark.skipif(_thp_enabled() != "1", reason="no transparent-huge-page switch to observe")
def test_small_pages_turns_huge_pages_off_only_in_a_process_main_runs() -> None:
    """small_pages leaves a process run by someone else (click's test runner) as it is,
    and turns transparent huge pages off in one that main() runs."""
    import sys

    code = (
        "import dudao.cli as c\n"
        "def thp():\n"
        "    s = open('/proc/self/status').read().splitlines()\n"
        "    return next(ln.split()[1] for ln in s if ln.startswith('THP_enabled'))\n"
        "c.small_pages(); print(thp())\n"
        "c._in_main = True; c.small_pages(); print(thp())\n"
    )
    run_ = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert run_.returncode == 0, run_.stderr.decode("utf-8")
    assert run_.stdout.decode().split() == ["1", "0"]
