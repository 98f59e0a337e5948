"""The .docx opens with python-docx and has the 公文 structure of GB/T 9704-2012."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

docx = pytest.importorskip("docx", reason="python-docx 未安装（pip install 'dudao[documents]'）")

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Pt  # noqa: E402

from dudao.report.builders import supervision_order, supervision_report  # noqa: E402
from dudao.report.docx import GOVERNMENT, render_docx  # noqa: E402
from dudao.store import CaseStore  # noqa: E402

from .conftest import HOSTILE  # noqa: E402

pytestmark = pytest.mark.regional


def _open(data: bytes):  # -> docx Document
    return docx.Document(io.BytesIO(data))


def _texts(d) -> list[str]:
    return [p.text for p in d.paragraphs if p.text.strip()]


@pytest.fixture(scope="module")
def report(checked):
    return _open(render_docx(supervision_report("450103", check=checked)))


def test_page_is_a4_with_the_standard_margins(report) -> None:
    s = report.sections[0]
    # Word keeps lengths in twentieths of a point: 210 mm is 210.01 mm there
    sizes = [round(x.mm, 1) for x in (s.page_width, s.page_height)]
    margins = [
        round(x.mm, 1) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    ]
    assert sizes == [210.0, 297.0]
    assert margins == [37.0, 35.0, 28.0, 26.0]
    # sample data: said in the header of every page
    assert "示例数据" in s.header.paragraphs[0].text
    # page number field, "— 1 —": odd pages on the right, even pages on the left
    assert report.settings.odd_and_even_pages_header_footer
    for footer, side in (
        (s.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        number = footer.paragraphs[0]
        assert number.text == "—  —" and number.alignment == side
        assert "PAGE" in "".join(t.text for t in number._p.iter(qn("w:instrText")))
    assert "示例数据" in s.even_page_header.paragraphs[0].text


def test_structure_title_number_recipients_sections_signature(report) -> None:
    texts = _texts(report)
    assert texts[0] == "南宁市人民政府教育督导委员会办公室文件"  # 发文机关标志
    assert texts[1] == "××〔2023〕×号（示例）"  # 文号, made up: marked
    assert texts[2] == "关于青秀区教育督导情况的督导报告"
    assert texts[3] == "青秀区人民政府："  # 主送机关
    for heading in ("一、基本情况", "二、发现的问题", "（一）错误级问题（3 项）", "三、整改要求"):
        assert heading in texts, heading
    assert any(
        t.startswith("1.教育督导委员会组成完整（依据：厅发〔2020〕26号 二（一）") for t in texts
    )
    assert "附件：督导发现问题清单" in texts
    i = texts.index("南宁市人民政府教育督导委员会办公室")  # 落款
    assert texts[i + 1] == "2023年3月1日"
    assert texts.index("附件：督导发现问题清单") < i
    assert texts[-1].startswith("南宁市人民政府教育督导委员会办公室") and texts[-1].endswith(
        "2023年3月1日印发"
    )  # 版记


def test_fonts_sizes_and_indent(report) -> None:
    paragraphs = {p.text: p for p in report.paragraphs if p.text.strip()}
    title = paragraphs["关于青秀区教育督导情况的督导报告"]
    run = title.runs[0]
    assert run.font.size == Pt(22)  # 2号
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC"
    heading = paragraphs["一、基本情况"].runs[0]
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"  # 黑体 role
    body = next(p for t, p in paragraphs.items() if t.startswith("本次检查适用规则"))
    assert body.runs[0].font.size == Pt(16)  # 3号
    ind = body._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"  # two characters
    normal = report.styles["Normal"]
    assert normal.paragraph_format.line_spacing == Pt(28)


def test_attachment_table_lists_each_finding(report) -> None:
    (table,) = report.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["序号", "对象", "所属单位", "问题", "程度", "依据"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert rows[2][1:3] == ["青秀区（450103）", "青秀区"]
    assert rows[2][3].startswith("督学配备不足：14 所学校")
    assert rows[2][5].startswith("厅发〔2020〕26号 三（一）")
    assert rows[3][1] == "QX兼职督学二（QX-P2）"


def test_government_fonts_can_be_named(checked) -> None:
    d = _open(render_docx(supervision_report("450103", check=checked), GOVERNMENT))
    fonts = {
        r._element.rPr.rFonts.get(qn("w:eastAsia"))
        for p in d.paragraphs
        for r in p.runs
        if r._element.rPr is not None  # the page breaks' runs have no properties
    }
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= fonts


def test_supervision_order_from_a_case(case_store: Path) -> None:
    with CaseStore.open(case_store) as store:
        record = store.case("C1")
    d = _open(render_docx(supervision_order(record, hierarchy=None, sample=True)))
    texts = _texts(d)
    assert texts[0] == "××〔2023〕×号（示例）"
    assert texts[1] == "教育督导督办单"
    assert texts[2] == "450103："  # no tree given: the code, as it is
    assert texts[3].startswith("根据厅发〔2020〕26号 二（九）的规定")
    assert (
        "请你单位于2023年7月31日前完成整改，并将整改情况书面报告南宁市人民政府教育督导委员会办公室。"
        in texts
    )
    assert any("青秀区教育局作为主管部门" in t and "负连带责任" in t for t in texts)
    # the hostile feedback items, each as itself
    for s in HOSTILE:
        assert any(s in t for t in texts), s
    # no field but the page number: =HYPERLINK(…) stays text
    xml = d.element.xml
    assert "fldSimple" not in xml and "HYPERLINK" not in "".join(
        t.text or "" for t in d.element.iter(qn("w:instrText"))
    )
    (table,) = d.tables
    steps = [r.cells[2].text for r in table.rows[1:]]
    assert steps == ["立案", "反馈", "下达整改", "督办单"]
    assert "抄送：青秀区教育局。" in texts


def test_control_characters_do_not_break_the_file(checked) -> None:
    import attrs

    doc = supervision_report("450103", check=checked)
    doc = attrs.evolve(doc, title="标题\x00\x1b[31m\u202e反转")
    d = _open(render_docx(doc))
    assert "标题" in _texts(d)[2] and "\x00" not in _texts(d)[2]
