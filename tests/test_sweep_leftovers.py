"""Issue 13's leftovers: what ``rules`` and ``explain`` show of a value (who set it, as
the local government names its bodies, sample data never under a document alone),
``hierarchy show --depth`` counting what it shows."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.law.parameters import SAMPLE_NOTE

needs_nanning = pytest.mark.skipif(
    importlib.util.find_spec("dudao_nanning") is None,
    reason="uses the Nanning plugin and its example",
)


def run(*args: str) -> Any:
    out = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return out


def as_json(*args: str) -> dict[str, Any]:
    out = run(*args, "--format", "json")
    assert out.exit_code in (0, 1), out.output
    data: dict[str, Any] = json.loads(out.stdout)
    return data


# ------------------------------------------------ rules --for: the local office host


@needs_nanning
def test_rules_for_a_district_names_its_own_office_host_and_member_units() -> None:
    """厅发〔2020〕26号 二（一） puts the region's office in 自治区教育厅 and has cities and
    counties follow suit: for 青秀区 the host is 青秀区教育局, not the region's."""
    data = as_json("rules", "--for", "450103", "--as-of", "2023-03-01")
    params = {p["id"]: p for p in data["parameters"]}
    host = params["committee.office_host"]
    assert host["display"] == "青秀区教育局"
    assert host["value"] == "自治区教育厅"  # the catalogue's name, as the document writes it
    units = params["committee.required_member_units"]["display"].split("、")
    assert "青秀区财政局" in units and "青秀区体育局" in units and "共青团青秀区委" in units
    assert not [u for u in units if u.startswith("自治区")]
    table = run("rules", "--for", "450103", "--as-of", "2023-03-01").stdout
    assert "青秀区教育局" in table.replace("\n", "").replace("│", "").replace(" ", "")


@needs_nanning
def test_rules_for_the_region_keeps_the_region_s_names() -> None:
    data = as_json("rules", "--for", "450000", "--as-of", "2023-03-01")
    params = {p["id"]: p for p in data["parameters"]}
    assert params["committee.office_host"]["display"] == "自治区教育厅"


@needs_nanning
def test_rules_for_a_city_names_the_city_s_bureau() -> None:
    data = as_json("rules", "--for", "450100", "--as-of", "2023-03-01")
    params = {p["id"]: p for p in data["parameters"]}
    assert params["committee.office_host"]["display"] == "南宁市教育局"


# ------------------------------------------- explain: who set each value it applied


@needs_nanning
def test_explain_names_the_plugin_whose_value_applied_not_the_rule_s() -> None:
    """upward-reporting is Guangxi's rule; its deadline 04-09 is Nanning's parameter."""
    data = as_json("explain", "upward-reporting", "450125", "nanning")
    assert data["plugin"] == "guangxi"
    params = {p["id"]: p for p in data["parameters"]}
    deadline = params["reporting.plan_deadline"]
    assert (deadline["value"], deadline["plugin"]) == ("04-09", "nanning")
    assert deadline["source"].startswith("plugins/nanning/") and deadline["source"].endswith(
        ".yaml:" + deadline["source"].rsplit(":", 1)[1]
    )
    assert params["reporting.plan_required"]["plugin"] == "guangxi"
    text = run("explain", "upward-reporting", "450125", "nanning").stdout
    line = next(x for x in text.splitlines() if "reporting.plan_deadline" in x)
    assert "来自插件 nanning（plugins/nanning/" in line


@needs_nanning
def test_explain_says_a_dataset_set_a_sample_value_and_marks_it() -> None:
    data = as_json("explain", "inspector-staffing", "450103", "nanning")
    params = {p["id"]: p for p in data["parameters"]}
    large = params["inspector.large_school_students"]
    assert large["plugin"] == "dataset" and large["sample"] is True
    assert large["source"].endswith("examples/nanning/parameters.yaml:4")
    assert SAMPLE_NOTE in large["citation"]
    text = run("explain", "inspector-staffing", "450103", "nanning").stdout
    line = next(x for x in text.splitlines() if "inspector.large_school_students" in x)
    assert "（示例数据）" in line and SAMPLE_NOTE in line and "来自数据集" in line


@needs_nanning
def test_explain_shows_the_committee_s_own_office_host() -> None:
    data = as_json("explain", "committee-composition", "450103", "nanning")
    params = {p["id"]: p for p in data["parameters"]}
    assert params["committee.office_host"]["display"] == "青秀区教育局"
    assert data["evidence"]["expected_office_host"] == "青秀区教育局"  # the rule agrees


# ------------------------------------------- hierarchy show --depth: counts what it hides


def test_hierarchy_depth_1_says_what_lies_below_each_unit_shown() -> None:
    out = run("hierarchy", "show", "420000", "--depth", "1").stdout
    line = next(x for x in out.splitlines() if "宜昌市" in x)
    assert line.rstrip().endswith("（下辖 13 个县级单位）")  # 5 districts, 3 counties, 2
    # autonomous counties, 3 county-level cities
    data = as_json("hierarchy", "show", "420000", "--depth", "1")
    kids = data["tree"]["children"]
    yichang = next(k for k in kids if k["code"] == "420500")
    assert (yichang["children"], yichang["descendants"], yichang["below"]) == (
        [],
        13,
        {"county": 13},
    )
    assert data["shown"] == len(kids)
    assert data["total"] == sum(1 + k["descendants"] for k in kids)
    assert data["total"] > data["shown"]
    assert out.rstrip().endswith(
        f"显示 {data['shown']} 个下级单位（共 {data['total']} 个，--depth 加大可看到更多）"
    )


def test_hierarchy_without_depth_shows_and_counts_everything() -> None:
    out = run("hierarchy", "show", "420500").stdout
    assert "下辖" not in out  # nothing is hidden
    assert out.rstrip().endswith("共 13 个下级单位")
    data = as_json("hierarchy", "show", "420500")
    assert data["shown"] == data["total"] == 13
    assert data["tree"]["below"] == {"county": 13}
