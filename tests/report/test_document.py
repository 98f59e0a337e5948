"""The document model: 公文 numbering, dates and the parts a builder fills in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.report.builders import committee_office, government, supervision_report
from dudao.report.document import (
    Document,
    DocumentKind,
    Section,
    Table,
    chinese_number,
    document_date,
    heading_number,
)

_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _read_chinese(text: str) -> int:
    """Chinese numerals 1–99 back to an int (the inverse the tests check against)."""
    if "十" not in text:
        return _VALUE[text]
    tens, _, ones = text.partition("十")
    return (_VALUE[tens] if tens else 1) * 10 + (_VALUE[ones] if ones else 0)


@given(st.integers(1, 99))
def test_chinese_numbers_read_back(n: int) -> None:
    text = chinese_number(n)
    assert _read_chinese(text) == n
    assert "零" not in text  # 二十, not 二十零; 十一, not 一十一
    assert not text.startswith("一十")


@pytest.mark.parametrize("n", [0, 100, -3])
def test_chinese_numbers_outside_range_refused(n: int) -> None:
    with pytest.raises(ValueError):
        chinese_number(n)


def test_heading_numbers_by_depth() -> None:
    assert [heading_number(1, i) for i in (1, 2, 10, 12)] == ["一、", "二、", "十、", "十二、"]
    assert [heading_number(2, i) for i in (1, 3)] == ["（一）", "（三）"]
    assert [heading_number(3, i) for i in (1, 12)] == ["1.", "12."]
    assert [heading_number(4, i) for i in (1, 12)] == ["（1）", "（12）"]


@given(st.dates(dt.date(1949, 10, 1), dt.date(2100, 12, 31)))
def test_document_date_reads_back(day: dt.date) -> None:
    text = document_date(day)
    m = re.fullmatch(r"(\d{4})年([1-9]\d?)月([1-9]\d?)日", text)  # no leading zeros
    assert m is not None, text
    assert dt.date(*map(int, m.groups())) == day


def test_walk_numbers_nested_sections() -> None:
    doc = Document(
        DocumentKind.SUPERVISION_REPORT,
        "标题",
        "发文机关",
        dt.date(2023, 3, 1),
        sections=(
            Section("甲", children=(Section("乙", children=(Section("丙"), Section("丁"))),)),
            Section("戊", children=(Section("己"),)),
        ),
    )
    assert [n + s.heading for _, n, s in doc.walk()] == [
        "一、甲",
        "（一）乙",
        "1.丙",
        "2.丁",
        "二、戊",
        "（一）己",
    ]


def test_attachment_note_and_sample_number() -> None:
    one = Table("问题清单", ("序号",))
    doc = Document(
        DocumentKind.SUPERVISION_REPORT, "t", "i", dt.date(2023, 3, 1), number="××〔2023〕×号",
        number_sample=True, attachments=(one,),
    )  # fmt: skip
    assert doc.attachment_note() == ["附件：问题清单"]
    assert doc.shown_number == "××〔2023〕×号（示例）"
    two = Document(
        DocumentKind.SUPERVISION_REPORT, "t", "i", dt.date(2023, 3, 1), number="南府督〔2023〕5号",
        attachments=(one, Table("得分表", ("对象",))),
    )  # fmt: skip
    assert two.attachment_note() == ["附件：1. 问题清单", "2. 得分表"]
    assert two.shown_number == "南府督〔2023〕5号"  # a real number is not marked


@pytest.mark.regional
def test_names_of_governments_and_offices(checked) -> None:
    h = checked.hierarchy
    assert government(h, "450103") == "青秀区人民政府"
    assert government(h, "450100-gaoxin") == "南宁高新技术产业开发区管理委员会"
    # from the dataset's committees.yaml; the region above has no committee there
    assert committee_office(h, "450100", checked.dataset) == "南宁市人民政府教育督导委员会办公室"
    assert (
        committee_office(h, "450000", checked.dataset)
        == "广西壮族自治区人民政府教育督导委员会办公室"
    )


@pytest.mark.regional
def test_supervision_report_of_qingxiu(checked) -> None:
    """青秀区 in the Nanning example (counted from its CSVs): 14 schools, one of them
    large (1:1), so 3 + 1 = 4 inspectors at Guangxi's 1:5 and 3 in post; part-time
    inspector QX-P2 in a 4th consecutive term; its committee lacks two member units."""
    doc = supervision_report("450103", check=checked)
    assert doc.title == "关于青秀区教育督导情况的督导报告"
    assert doc.recipients == ("青秀区人民政府",)
    assert doc.issuer == "南宁市人民政府教育督导委员会办公室"
    assert doc.date == dt.date(2023, 3, 1)
    assert doc.sample and "示例数据" in doc.notes[-1]
    headings = [n + s.heading for _, n, s in doc.walk()]
    assert headings[:3] == ["一、基本情况", "二、发现的问题", "（一）错误级问题（3 项）"]
    assert headings[-1] == "三、整改要求"
    staffing = [h for h in headings if h.startswith("2.督学按与学校数的比例配备")]
    assert len(staffing) == 1
    assert "（依据：厅发〔2020〕26号 三（一）" in staffing[0] and staffing[0].endswith(
        "；共 1 项）"
    )
    text = doc.text()
    assert "14 所学校（其中 1 所大规模学校按 1:1）应配 4 名，在任 3 名，缺 1 名" in text
    assert "QX兼职督学二（QX-P2）：兼职督学已连续任职 4 届，超过 3 届。" in text
    assert "发现问题 3 项，其中错误级 3 项、警告级 0 项、提示级 0 项" in text
    # the basis of reporting and of rectification in Guangxi
    assert "根据厅发〔2020〕26号 二（七）的规定" in doc.opening[0]
    assert "厅发〔2020〕26号 二（九）" in text
    (table,) = doc.attachments
    assert [r[1] for r in table.rows] == [
        "青秀区（450103）",
        "青秀区（450103）",
        "QX兼职督学二（QX-P2）",
    ]
    assert table.sample


@pytest.mark.regional
def test_unit_outside_the_dataset_is_refused(checked) -> None:
    from dudao.errors import DudaoError

    with pytest.raises(DudaoError) as err:
        supervision_report("450200", check=checked)  # 柳州市: not in the Nanning data
    assert err.value.problems[0].code == "unit-outside-dataset"
    with pytest.raises(DudaoError) as err:
        supervision_report("459999", check=checked)
    assert err.value.problems[0].path == ("--unit",)


@pytest.mark.regional
def test_a_unit_without_findings_gets_no_rectification(checked) -> None:
    """兴宁区 (450102) passes every rule in the example."""
    doc = supervision_report("450102", check=checked)
    headings = [n + s.heading for _, n, s in doc.walk()]
    assert headings == ["一、基本情况", "二、发现的问题", "三、工作要求"]
    assert doc.sections[1].paragraphs == ("本次检查未发现问题。",)
    assert "整改" not in doc.sections[2].paragraphs[0]
    assert doc.attachments[0].rows == () and doc.attachments[0].note == "本次检查未发现问题。"


@pytest.mark.regional
def test_long_lists_are_cut_with_a_count(checked) -> None:
    """宾阳县 (450126): 1 staffing finding and 4 schools of zone BY-Z2 without an inspector."""
    doc = supervision_report("450126", check=checked, body_limit=2, table_limit=3)
    zone = next(
        s for _, _, s in doc.walk() if s.heading.startswith("中小学、幼儿园责任督学挂牌督导全覆盖")
    )
    assert zone.heading.endswith("共 4 项）")
    assert zone.paragraphs == (
        "BY示例学校05（BY-05）：责任区 BY-Z2 没有在任的责任督学。",
        "BY示例学校06（BY-06）：责任区 BY-Z2 没有在任的责任督学。",
        "……另有 2 项，详见附件。",
    )
    (table,) = doc.attachments
    assert [r[0] for r in table.rows] == ["1", "2", "3"]
    assert table.note is not None and table.note.startswith("共 5 项，本表列出前 3 项")


@pytest.mark.regional
def test_the_figures_of_a_part_are_not_the_datasets(checked) -> None:
    city = supervision_report("450100", check=checked).sections[0].paragraphs[0]
    county = supervision_report("450103", check=checked).sections[0].paragraphs[0]
    assert "检查对象" in city and "南宁市及所属单位发现问题 28 项" in city
    assert "检查对象" not in county and "青秀区发现问题 3 项" in county


@pytest.mark.regional
def test_plan_progress_counts_an_item_and_lists_what_can_be_measured(nanning) -> None:
    """Item 一 of 桂教督委办〔2023〕11号 in the Guangxi plugin (plans/2023.yaml): five
    tasks; two target rules (committee-established, committee-composition) and are not
    due on 2023-03-01; the other three have no measurable target in the Nanning data."""
    from dudao import api
    from dudao.report.builders import plan_progress

    doc = plan_progress(api.measure_plans(nanning, api.load_plugins()))
    assert doc.title == "关于南宁市2023年教育督导工作要点落实进展情况的报告"
    assert doc.recipients == ("广西壮族自治区人民政府教育督导委员会办公室",)
    plan = doc.sections[1]
    assert (
        plan.heading == "《2023年广西壮族自治区教育督导工作要点》（桂教督委办〔2023〕11号）落实情况"
    )
    first = plan.children[0]
    assert first.heading == "持续推动教育督导体制机制改革走深走实"
    assert (
        first.paragraphs[0]
        == "本项任务 5 项，其中达成 0 项、未达成 0 项、未到期 2 项、无法度量 3 项。"
    )
    assert [p.split("（")[0][:2] for p in first.paragraphs[1:3]] == ["1.", "2."]
    assert "按规则 committee-established 判断" in first.paragraphs[1]
    assert first.paragraphs[-1].startswith("另有 3 项任务无法度量")
    (table,) = doc.attachments
    assert len(table.rows) == sum(
        len(p.tasks()) for p, _ in api.measure_plans(nanning, api.load_plugins()).plans
    )
    assert table.rows[0][1] == "一/reform-management"


@pytest.mark.regional
def test_the_signer_comes_from_the_dataset_then_the_plugins(checked) -> None:
    from dudao import api
    from dudao.report.builders import known_offices

    # 南宁's committee is in the dataset; the region's office is named by the plugins
    city = supervision_report("450100", check=checked, offices={"450000": "某某办公室"})
    assert city.issuer == "某某办公室"
    county = supervision_report("450103", check=checked, offices={"450100": "某某办公室"})
    assert county.issuer == "南宁市人民政府教育督导委员会办公室"  # committees.yaml wins
    plugins = api.load_plugins()
    offices = known_offices(plugins, plugins.hierarchy())
    # 渭南's plugin cites 蒲城县's forwarding letter (蒲政教督办函〔2023〕3号)
    assert offices["610526"] == "蒲城县人民政府教育督导委员会办公室"
