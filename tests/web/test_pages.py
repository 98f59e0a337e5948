"""Every page through the app's TestClient (no browser): what each account sees,
what it is refused, forms and their checks, hostile strings."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from web_helpers import HOSTILE, PASSWORD, csrf_of, sign_in

from dudao.web.caseforms import read_form, step_fields
from dudao.web.charts import Bar, bar_chart, paired_chart
from dudao.workflow.steps import Step

PAGES = [
    "/",
    "/units/450103",
    "/units/450103/tree",
    "/units/450103/law?on=2023-03-01",
    "/units/450103/upload",
    "/units/450103/report",
    "/cases",
    "/cases/DD2023000001",
    "/simulate?ratio=4",
]
NEIGHBOUR = [
    "/units/450102",
    "/units/450102/tree",
    "/units/450102/law",
    "/units/450102/upload",
    "/units/450102/report",
    "/units/450102/report.pdf",
    "/units/450100",  # above: never
    "/units/450000",
    "/cases/DD2023000002",
    "/cases/DD2023000002/rectification.docx",
]


def etag_of(text: str) -> str:
    found = re.search(r'name="etag" value="([^"]+)"', text)
    assert found
    return html.unescape(found.group(1))


# ------------------------------------------------------------- sign in
@pytest.mark.regional
def test_pages_ask_to_sign_in_first(client: TestClient) -> None:
    r = client.get("/units/450103?x=1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/units/450103%3Fx%3D1"


@pytest.mark.regional
def test_wrong_password_is_refused_in_chinese(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login", data={"username": "qingxiu", "password": "x" * 9, "csrf_token": token}
    )
    assert r.status_code == 401
    assert "用户名或密码" in r.text or "密码" in r.text
    assert client.get("/", follow_redirects=False).status_code == 303  # still signed out


@pytest.mark.regional
def test_sign_in_goes_only_to_a_page_of_this_site(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    data = {"username": "qingxiu", "password": PASSWORD, "csrf_token": token}
    r = client.post("/login", data={**data, "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/"


@pytest.mark.regional
def test_sign_in_without_the_form_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"username": "qingxiu", "password": PASSWORD})
    assert r.status_code == 400
    assert client.get("/", follow_redirects=False).status_code == 303


# ------------------------------------------------------------- scope
@pytest.mark.regional
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_for_the_county(county_reads: TestClient, url: str) -> None:
    r = county_reads.get(url)
    assert r.status_code == 200, r.text[:500]
    assert '<html lang="zh-CN">' in r.text
    # nothing fetched from the internet (an SVG's xmlns is a name, not a fetch)
    assert not re.search(r'(src|href|url)\s*[=(]\s*["\']?(https?:)?//', r.text)


@pytest.mark.regional
@pytest.mark.parametrize("url", NEIGHBOUR)
def test_the_county_never_sees_a_neighbour_or_above(county_reads: TestClient, url: str) -> None:
    r = county_reads.get(url)
    assert r.status_code == 404
    assert "兴宁区" not in r.text  # not even its name


@pytest.mark.regional
def test_the_county_home_names_no_neighbour(county_reads: TestClient) -> None:
    text = county_reads.get("/").text
    assert "青秀区" in text
    for neighbour in ("450102", "兴宁区", "450105", "江南区"):
        assert neighbour not in text


@pytest.mark.regional
def test_the_city_sees_its_counties(city_reads: TestClient) -> None:
    text = city_reads.get("/").text
    children = re.findall(r'href="/units/(450[0-9a-z-]+)"><span class="uname">', text)
    assert len(children) == 15 and "450102" in children and "450103" in children
    assert city_reads.get("/units/450102").status_code == 200
    assert city_reads.get("/units/450200").status_code == 404  # 柳州: beside, not below
    tree = city_reads.get("/units/450100/tree").text
    assert "兴宁区" in tree and "青秀区" in tree


@pytest.mark.regional
def test_findings_carry_document_and_clause(county_reads: TestClient) -> None:
    text = county_reads.get("/units/450103").text
    # 14 schools with 1 large one need 4 inspectors at 1:5 (1:1 for the large school);
    # 3 serve (the sample dataset's 青秀区)
    assert "应配 4 名，在任 3 名，缺 1 名" in text
    assert "厅发〔2020〕26号 三（一）" in text
    assert "示例" in text


# ------------------------------------------------------------- upload
@pytest.mark.regional
def test_an_upload_with_an_error_is_located_and_nothing_stored(county: TestClient) -> None:
    page = county.get("/units/450103/upload").text
    rows = "school_id,name,stage,ownership,students,county,zone\n"
    rows += "QX-01,青秀示例学校01,primary,public,abc,450103,QX-Z1\n"
    r = county.post(
        "/units/450103/upload",
        data={"year": "2023", "csrf_token": csrf_of(page)},
        files={"files": ("schools.csv", rows.encode(), "text/csv")},
    )
    assert r.status_code == 422
    problems = re.findall(
        r"<tr><td><code>(.*?)</code></td><td>(.*?)</td><td><code>(.*?)</code>", r.text
    )
    assert ("schools.csv", "2", "students") in problems
    assert '<td class="bad-cell">abc</td>' in r.text
    waiting = county.get("/").text
    assert waiting.count("待审核，由南宁市") == 1  # only the seeded submission


@pytest.mark.regional
def test_a_valid_upload_awaits_the_level_above(county: TestClient, client: TestClient) -> None:
    page = county.get("/units/450103/upload").text
    assert "南府督委办〔2022〕7号" in page or "报送期限" not in page
    r = county.post(
        "/units/450103/upload",
        data={"year": "2023", "csrf_token": csrf_of(page)},
        files={"files": ("budgets.csv", b"jurisdiction,year,amount\n450103,2023,55.5\n")},
    )
    assert r.status_code == 200, r.text[:2000]
    assert "校验通过，已报送" in r.text and "待审核" in r.text


@pytest.mark.regional
def test_an_uploaded_hostile_file_name_is_text(county_reads: TestClient) -> None:
    page = county_reads.get("/units/450103/upload").text
    r = county_reads.post(
        "/units/450103/upload",
        data={"year": "2023", "csrf_token": csrf_of(page)},
        files={"files": ("<img src=x onerror=alert(1)>.csv", b"a\n1\n")},
    )
    assert r.status_code == 422
    assert "<img src=x" not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text


@pytest.mark.regional
def test_the_city_approves_a_county_submission(city: TestClient) -> None:
    home = city.get("/units/450100").text
    ids = re.findall(r'action="/submissions/(\d+)/decide"', home)
    assert len(ids) == 1
    r = city.post(
        f"/submissions/{ids[0]}/decide",
        data={"decision": "approve", "csrf_token": csrf_of(home), "back": "/units/450100"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # approved: only withdrawing the approval is offered, until the province accepts it
    after = city.get("/units/450100").text
    assert re.findall(r'name="decision" value="(\w+)"', after) == ["unapprove"]
    assert "已审核（审核层级 450100）" in after


@pytest.mark.regional
def test_a_county_cannot_approve_its_own_submission(county: TestClient) -> None:
    home = county.get("/").text
    assert 'action="/submissions/' not in home  # no form for it
    assert "待审核，由南宁市（450100）审核" in home
    for sid, status in ((1, 404), (2, 403)):  # the city's imported data; its own
        r = county.post(
            f"/submissions/{sid}/decide",
            data={"decision": "approve", "csrf_token": csrf_of(home)},
            follow_redirects=False,
        )
        assert r.status_code == status
    assert "待审核，由南宁市（450100）审核" in county.get("/").text


# ------------------------------------------------------------- cases
@pytest.mark.regional
def test_case_forms_speak_chinese(city_reads: TestClient) -> None:
    text = city_reads.get("/cases/DD2023000001").text
    assert "记录“反馈”" in text and "记录“督导报告”" in text
    assert '<option value="meeting">反馈会议</option>' in text
    assert "邀请单位" in text and ">invitees<" not in text


@pytest.mark.regional
def test_a_case_advances_with_the_form_and_refuses_a_stale_one(city: TestClient) -> None:
    page = city.get("/cases/DD2023000001").text
    form = {
        "csrf_token": csrf_of(page),
        "etag": etag_of(page),
        "step": "reported",
        "date": "2023-03-05",
        "published": "true",
        "channel": "南宁市教育局网站" + HOSTILE,
    }
    r = city.post("/cases/DD2023000001/advance", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    after = city.get("/cases/DD2023000001").text
    assert "督导报告" in after and "南宁市教育局网站" in after
    assert HOSTILE not in after and str(escape(HOSTILE)) in after  # data shown as text
    again = city.post("/cases/DD2023000001/advance", data=form)  # the old ETag
    assert again.status_code == 409
    assert "已被他人推进" in again.text


@pytest.mark.regional
def test_a_required_choice_left_empty_is_named(city: TestClient) -> None:
    page = city.get("/cases/DD2023000001").text
    form = {"csrf_token": csrf_of(page), "etag": etag_of(page), "step": "reported"}
    r = city.post("/cases/DD2023000001/advance", data=form)
    assert r.status_code == 422
    assert "请填写“是否公开”" in r.text


@pytest.mark.regional
def test_a_case_step_without_the_form_token_is_refused(city: TestClient) -> None:
    page = city.get("/cases/DD2023000001").text
    form = {"etag": etag_of(page), "step": "reported", "published": "true"}
    assert city.post("/cases/DD2023000001/advance", data=form).status_code == 400
    assert city.get("/cases/DD2023000001").text.count('class="when"') == 1


@pytest.mark.regional
def test_the_county_may_not_record_the_city_s_steps(county: TestClient) -> None:
    page = county.get("/cases/DD2023000001").text
    assert '<form method="post" action="/cases/' not in page
    assert "您的账号只能查看" in page
    form = {
        "csrf_token": csrf_of(page),
        "etag": '"DD2023000001.1"',
        "step": "reported",
        "published": "true",
    }
    r = county.post("/cases/DD2023000001/advance", data=form)
    assert r.status_code == 403


# ------------------------------------------------------------- law, simulate
@pytest.mark.regional
def test_the_legislation_explorer_cites_each_entry(county_reads: TestClient) -> None:
    text = county_reads.get("/units/450103/law?on=2023-03-01").text
    row = re.search(r"<code>inspector.schools_per_inspector</code>.*?</tr>", text, re.S)
    assert row is not None
    assert "厅发〔2020〕26号 三（一）" in row.group(0) and "guangxi" in row.group(0)
    assert "5" in row.group(0)
    bad = county_reads.get("/units/450103/law?on=2023-02-30").text
    assert "日期“2023-02-30”无效" in bad


@pytest.mark.regional
def test_simulation_compares_baseline_and_reform_by_unit(city_reads: TestClient) -> None:
    text = city_reads.get("/simulate?ratio=4").text
    row = re.search(r"<code>450103</code></td>(.*?)</tr>", text, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(\d+)</td>", row.group(1))
    # 14 schools, 1 large (1:1), 3 inspectors: 1 + ceil(13/5)=4 now, 1 + ceil(13/4)=5 at 1:4
    assert cells == ["14", "3", "4", "5", "1", "2"]
    assert "配比应为" in city_reads.get("/simulate?ratio=abc").text


# ------------------------------------------------------------- documents
@pytest.mark.regional
def test_the_report_downloads_as_docx(county_reads: TestClient) -> None:
    r = county_reads.get("/units/450103/report.docx")
    assert r.status_code == 200
    assert r.content[:2] == b"PK"
    assert "filename*=UTF-8''" in r.headers["content-disposition"]


# ------------------------------------------------------------- hostile
@pytest.mark.regional
def test_a_hostile_display_name_is_shown_as_text(client: TestClient) -> None:
    sign_in(client, "viewer")
    text = client.get("/").text
    assert HOSTILE not in text
    assert str(escape(HOSTILE)) in text


def test_charts_escape_labels_and_scale_bars() -> None:
    svg = bar_chart([Bar("<a>", 5), Bar("乙", 10)], title="<t>", maximum=10)
    assert "<a>" not in svg and "&lt;a&gt;" in svg and "&lt;t&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect[^>]*width="([\d.]+)"', svg)]
    assert widths[1] == pytest.approx(2 * widths[0])
    pair = paired_chart([("丙", 1, 3)])
    widths = [float(w) for w in re.findall(r'<rect x="118"[^>]*width="([\d.]+)"', pair)]
    assert widths[1] == pytest.approx(3 * widths[0])


def test_case_forms_read_back_what_they_offer() -> None:
    fields = {f.name: f for f in step_fields(Step.SUPERVISION_ORDER)}
    assert fields["reason"].kind == "choice" and fields["joint_liability"].kind == "bool"
    data = read_form(
        Step.SUPERVISION_ORDER,
        {
            "deadline": "2023-06-30",
            "supervising_department": "青秀区教育局",
            "reason": "late",
            "joint_liability": "true",
        },
        {},
    )
    assert data == {
        "deadline": "2023-06-30",
        "supervising_department": "青秀区教育局",
        "reason": "late",
        "joint_liability": True,
    }
    from dudao.errors import DudaoError

    with pytest.raises(DudaoError) as err:
        read_form(Step.SUPERVISION_ORDER, {"reason": "<x>"}, {})
    messages = [p.message for p in err.value.problems]
    assert "请填写“期限”" in messages and "“原因”的取值不在可选项中" in messages


@pytest.mark.regional
def test_the_city_opens_cases_from_its_counties_findings(city: TestClient) -> None:
    home = city.get("/units/450100").text
    assert "对下级单位的“错误”级问题立案" in home
    r = city.post("/units/450100/route-findings", data={"csrf_token": csrf_of(home)})
    assert r.status_code == 200
    # one case per unit below the city and rule with an error finding in the sample:
    # 2 development zones (1 each), 450103 (3), 450107 (3), 450108 (1), 450110 (2),
    # 450123 (2), 450124 (2), 450125 (2), 450126 (2), 450181 (3), 450105 (1) = 23;
    # the city's own finding (committee-meetings, 450100) is not below it
    assert "立案 23 件" in r.text
    again = city.post("/units/450100/route-findings", data={"csrf_token": csrf_of(home)})
    assert "立案 0 件；23 件此前已立案" in again.text
    listed = city.get("/cases?show=open").text
    assert len(re.findall(r'<a href="/cases/F\d{4}-450', listed)) == 23


@pytest.mark.regional
def test_overdue_rectifications_show_on_the_level_above_and_the_unit(
    city_reads: TestClient, county_reads: TestClient
) -> None:
    text = city_reads.get("/units/450100").text
    overdue = text[text.index('id="overdue"') : text.index('id="waiting"')]
    assert "DD2023000003" in overdue and "宾阳县" in overdue and "2023-05-31" in overdue
    assert "督办单" in overdue  # the step now due
    assert "DD2023000003" not in county_reads.get("/").text  # 青秀区 sees not 宾阳县's


@pytest.mark.regional
def test_an_unknown_page_is_a_page_and_an_unknown_api_path_json(county_reads: TestClient) -> None:
    page = county_reads.get("/no/such/page")
    assert page.status_code == 404 and "没有这个页面" in page.text
    api = county_reads.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json()["problems"][0]["code"] == "not-found"


@pytest.mark.regional
def test_repeated_wrong_passwords_are_throttled(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    data = {"username": "qingxiu", "password": "wrong-password", "csrf_token": token}
    codes = [client.post("/login", data=data).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    good = {**data, "password": PASSWORD}
    r = client.post("/login", data=good)
    assert r.status_code == 429  # even the right password, until the window passes


@pytest.mark.regional
def test_a_viewer_is_not_offered_what_it_may_not_do(client: TestClient) -> None:
    sign_in(client, "viewer")
    home = client.get("/").text
    assert "/upload" not in home and "route-findings" not in home
    assert client.get("/units/450103/upload").status_code == 403


@pytest.mark.regional
def test_returning_a_submission_needs_a_reason(city: TestClient) -> None:
    home = city.get("/units/450100").text
    (sid,) = re.findall(r'action="/submissions/(\d+)/decide"', home)
    form = {"decision": "return", "csrf_token": csrf_of(home), "reason": "  "}
    r = city.post(f"/submissions/{sid}/decide", data=form)
    assert r.status_code == 422 and "退回须说明理由" in r.text
    form["reason"] = "经费表缺少 2022 年度"
    r = city.post(f"/submissions/{sid}/decide", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert f'action="/submissions/{sid}/decide"' not in city.get("/units/450100").text


@pytest.mark.regional
def test_a_case_gives_its_rectification_notice(city_reads: TestClient) -> None:
    page = city_reads.get("/cases/DD2023000003").text
    assert 'href="/cases/DD2023000003/rectification.docx"' in page
    assert "order.docx" not in page  # no 督办单 issued yet
    r = city_reads.get("/cases/DD2023000003/rectification.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert city_reads.get("/cases/DD2023000003/notice.docx").status_code == 404
