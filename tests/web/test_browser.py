"""The pages driven in headless Chromium, as a county and a city official use them.

Each test saves a full-page screenshot under tests/web/output/ (ignored by git).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_helpers import HOSTILE, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.regional]


def shot(page: Any, output: Path, name: str) -> Path:
    path = output / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a real picture, not a blank page
    return path


def test_county_home_shows_its_unit_and_not_its_neighbours(
    browser: Any, live_server: str, output: Path
) -> None:
    page = browser_sign_in(browser, live_server, "qingxiu")
    assert page.locator("h1").first.inner_text().startswith("青秀区")
    # findings with their citations (文号 + 条款)
    findings = page.locator("#findings tbody tr")
    assert findings.count() == 3
    assert "厅发〔2020〕26号 三（一）" in page.locator("#findings").inner_text()
    # the sample data is marked
    assert "示例" in page.locator(".sample").inner_text()
    # charts are inline SVG with Chinese text
    assert page.locator("#evaluations svg.chart").count() >= 2
    # no neighbour (兴宁区 450102) anywhere on the county's page
    assert "450102" not in page.content()
    shot(page, output, "county_home")
    # and by URL: refused
    response = page.goto("/units/450102")
    assert response is not None and response.status == 404  # as if it did not exist
    assert "不在您的管辖范围内" in page.inner_text("main")
    assert "兴宁区" not in page.inner_text("main")
    shot(page, output, "county_neighbour_refused")
    response = page.goto("/cases/DD2023000002")  # a neighbour's case
    assert response is not None and response.status == 404
    page.context.close()


def test_city_sees_its_counties_and_moves_down(
    browser: Any, live_server: str, output: Path
) -> None:
    page = browser_sign_in(browser, live_server, "nanning")
    assert page.locator("h1").first.inner_text().startswith("南宁市")
    children = page.locator("#children li")
    assert children.count() == 15  # 12 counties and 3 development zones
    assert "兴宁区" in page.locator("#children").inner_text()
    shot(page, output, "city_home")
    # the README's picture (docs/images/home.png is a copy): the top of the page
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.screenshot(path=str(output / "home_readme.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("text=下级单位 >> nth=0")
    page.wait_for_url("**/units/450100/tree")
    assert page.locator(".tree a", has_text="青秀区").count() == 1
    shot(page, output, "city_tree")
    page.locator(".tree a", has_text="青秀区").click()
    page.wait_for_url("**/units/450103")
    assert "南宁市" in page.locator(".crumbs").inner_text()  # the way back up
    shot(page, output, "city_to_county")
    page.context.close()


def test_upload_with_an_error_is_located(
    browser: Any, live_server: str, output: Path, tmp_path: Path
) -> None:
    from dudao.examples import example_path

    rows = (example_path("nanning") / "schools.csv").read_text(encoding="utf-8").splitlines()
    cells = rows[2].split(",")
    cells[4] = "一千二"  # students: not a number, on file row 3
    rows[2] = ",".join(cells)
    bad = tmp_path / "schools.csv"
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page = browser_sign_in(browser, live_server, "qingxiu")
    page.goto("/units/450103/upload")
    page.set_input_files("#files", str(bad))
    page.click("button.primary")
    page.wait_for_selector("#report")
    report = page.locator("table.problems tbody tr").first
    texts = [report.locator("td").nth(i).inner_text() for i in range(4)]
    assert texts[0] == "schools.csv" and texts[1] == "3" and texts[2] == "students"
    assert "一千二" in texts[3]
    marked = page.locator("table.preview td.bad-cell")
    assert marked.count() == 1 and marked.inner_text() == "一千二"
    shot(page, output, "upload_error_located")
    page.context.close()


def test_case_advances_one_step_through_its_form(
    browser: Any, live_server: str, output: Path
) -> None:
    page = browser_sign_in(browser, live_server, "nanning")
    page.goto("/cases")
    page.click("text=DD2023000001")
    page.wait_for_url("**/cases/DD2023000001")
    assert "立案" in page.locator(".tag").first.inner_text()
    form = page.locator("details.step", has_text="反馈").first
    if not form.get_attribute("open"):
        form.locator("summary").click()
    # Chinese labels and choices, not field names
    form.locator("select[name=mode]").select_option(label="反馈会议")
    # Guangxi requires these at a feedback meeting (厅发〔2020〕26号 二（八）)
    form.locator("textarea[name=invitees]").fill("南宁市纪委监委\n市委组织部\n市绩效办")
    form.locator("textarea[name=issues]").fill("督学配备不足\n责任区覆盖不全")
    shot(page, output, "case_before_step")
    form.locator("button.primary").click()
    page.wait_for_load_state()
    assert page.locator(".tag").first.inner_text() == "反馈"
    timeline = page.locator(".timeline").inner_text()
    assert "反馈会议" in timeline and "责任区覆盖不全" in timeline
    shot(page, output, "case_after_step")
    page.context.close()


def test_unit_report_opens_from_the_unit_page(browser: Any, live_server: str, output: Path) -> None:
    page = browser_sign_in(browser, live_server, "qingxiu")
    page.click("a.button:has-text('督导报告')")
    page.wait_for_url("**/units/450103/report")
    doc = page.locator("article.doc").inner_text()
    assert "关于青秀区教育督导情况的督导报告" in doc and "附件1" in doc
    assert "厅发〔2020〕26号" in doc and "示例" in doc
    shot(page, output, "county_report")
    page.context.close()


def test_phone_layout_fits_390_px(browser: Any, live_server: str, output: Path) -> None:
    page = browser_sign_in(browser, live_server, "nanning", width=390)
    # nothing but the tables' own scrolling boxes is wider than the screen
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(page, output, "city_home_390")
    page.goto("/cases/DD2023000001")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, output, "case_390")
    page.context.close()


def test_hostile_names_are_shown_as_text(browser: Any, live_server: str, output: Path) -> None:
    page = browser_sign_in(browser, live_server, "viewer")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.reload()
    assert page.locator(".who-name").inner_text() == HOSTILE
    assert page.locator("header script, header b").count() == 0
    assert dialogs == []
    shot(page, output, "hostile_name")
    page.context.close()


def test_law_and_simulation_pages(browser: Any, live_server: str, output: Path) -> None:
    page = browser_sign_in(browser, live_server, "nanning")
    page.click("nav.nav >> text=法规与参数")
    page.fill("#on", "2023-03-01")
    page.click("form.row-form button")
    page.wait_for_url("**/units/450100/law?on=2023-03-01")
    row = page.locator("tr", has=page.locator("code", has_text="inspector.schools_per_inspector"))
    assert "厅发〔2020〕26号 三（一）" in row.inner_text() and "guangxi" in row.inner_text()
    shot(page, output, "law_explorer")
    page.click("nav.nav >> text=政策模拟")
    page.fill("#ratio", "4")
    page.click("form.row-form button")
    page.wait_for_url("**/simulate?ratio=4")
    assert page.locator("svg.chart").count() == 2
    shot(page, output, "simulation")
    page.context.close()
