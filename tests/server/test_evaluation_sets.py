"""Which indicator sets a unit's analysis offers: those in force at the unit on the day
(the national 优质均衡 and 普及普惠; inside a region, the region's own too), never a set
of another region. With the core alone, a Hubei unit's page said "没有已安装的指标体系
gx_duty_evaluation": the service listed Guangxi's duty evaluation for every unit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dudao.examples import evaluation_path, example_path
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.server import accounts as acc
from dudao.server import evaluations, submissions
from dudao.server.settings import Settings
from dudao.web import unitdata
from dudao.web.app import create_app

PASSWORD = "pw-123456789"
DAY = dt.date(2025, 6, 30)
NATIONAL = [("quality_balanced", "优质均衡"), ("preschool_universal", "普及普惠")]


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _evaluations_section(page: str) -> str:
    found = re.search(r'<section class="card" id="evaluations">(.*?)</section>', page, re.S)
    assert found is not None, "the page has no evaluations section"
    return found[1]


def _headings(section: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h3>(.*?)</h3>", section)]


@pytest.fixture
def core_client(tmp_path: Path) -> Iterator[TestClient]:
    """The service with the core alone (the national plugin), the Yichang example as
    approved data and a 西陵区 account signed in."""
    unitdata._results.cache_clear()  # per folder version: the bundled sample is shared
    settings = Settings(
        data=tmp_path / "data",
        secret="s" * 48,
        plugins=load_plugins(autoload=False),
        cheap_hashing=True,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        service = app.state.service
        with service.begin() as conn:
            acc.create_account(
                conn,
                username="xl",
                password=PASSWORD,
                unit="420502",
                roles=("staff",),
                hierarchy=service.hierarchy,
                password_hasher=service.password_hasher,
            )
        submissions.import_dataset(service, example_path())
        login = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', login)
        assert token is not None
        signed = client.post(
            "/login", data={"username": "xl", "password": PASSWORD, "csrf_token": token[1]}
        )
        assert signed.status_code == 200, signed.text
        yield client
    unitdata._results.cache_clear()


def test_a_hubei_unit_s_page_offers_only_the_sets_in_force_there_core_alone(
    core_client: TestClient,
) -> None:
    page = core_client.get("/units/420502").text
    section = _evaluations_section(page)
    assert _headings(section) == ["优质均衡 示例", "普及普惠 示例"]
    text = _text(page)
    assert "gx_duty_evaluation" not in text and "没有已安装的指标体系" not in text
    assert "履行教育职责评价" not in text and "不适用于本单位" not in text
    assert "西陵区" in _text(section)  # the sets ran on Yichang's sample measurements


def test_a_unit_where_no_set_is_in_force_is_told_so_in_chinese(
    core_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evaluations, "sets_in_force", lambda *a: [])
    unitdata._results.cache_clear()  # signing in showed the home page, with the real sets
    section = _text(_evaluations_section(core_client.get("/units/420502").text))
    assert evaluations.NO_SETS in section and "本单位在该日没有有效的指标体系" in section
    assert "指标体系 " not in section.replace(evaluations.NO_SETS, "")  # no set is named


def test_the_sets_offered_are_those_in_force_with_the_core_alone() -> None:
    core = load_plugins(autoload=False)
    for code in ("420502", "420500", "450100", "000000"):
        assert evaluations.sets_in_force(core, code, DAY) == NATIONAL, code
    folder = evaluation_path()
    assert folder is not None
    got = evaluations.results(folder, core, core.hierarchy(), "420500", DAY)
    assert [(r["set_id"], r["problem"]) for r in got] == [
        ("quality_balanced", None),
        ("preschool_universal", None),
    ]


@pytest.mark.regional
def test_each_region_is_offered_its_own_sets_and_no_other_s(plugins: PluginSet) -> None:
    # Hubei lies outside every bundled plugin: the national sets only
    assert evaluations.sets_in_force(plugins, "420502", DAY) == NATIONAL
    # Guangxi's duty evaluation (since 2023) in Guangxi, under its own title
    nanning = dict(evaluations.sets_in_force(plugins, "450100", DAY))
    assert list(nanning)[:2] == ["quality_balanced", "preschool_universal"]
    assert "gx_duty_evaluation" in nanning and "履行教育职责评价" in nanning["gx_duty_evaluation"]
    assert "gx_duty_evaluation" not in dict(
        evaluations.sets_in_force(plugins, "450100", dt.date(2022, 6, 30))
    )
    # Yueyang's while in force (2023), and neither Guangxi's there nor Yueyang's in Guangxi
    yueyang = dict(evaluations.sets_in_force(plugins, "430600", dt.date(2023, 6, 1)))
    assert "yueyang_county_duty" in yueyang and "gx_duty_evaluation" not in yueyang
    assert not any(s.startswith("yueyang") for s in nanning)
    # the school-level parts of 优质均衡 are not offered as evaluations of units
    assert not any(s.startswith("quality_balanced.") for s in nanning)
    # the analysis runs exactly those: nothing "不适用" is listed, in Hubei or Guangxi
    yichang, nanning_data = evaluation_path("yichang"), evaluation_path("nanning")
    assert yichang is not None and nanning_data is not None
    got = evaluations.results(yichang, plugins, plugins.hierarchy(), "420500", DAY)
    assert [(r["set_id"], r["problem"]) for r in got] == [(s, None) for s, _ in NATIONAL]
    got = evaluations.results(nanning_data, plugins, plugins.hierarchy(), "450100", DAY)
    assert [r["set_id"] for r in got] == list(nanning)
    assert not any("不适用" in (r["problem"] or "") for r in got)
