"""Document numbers (文号), documents and citations."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.model.documents import Citation, Document, DocumentNumber

# ---------------------------------------------------------------------------
# Real document numbers
# ---------------------------------------------------------------------------

REAL_NUMBERS = [
    # the five seeds
    ("桂教督委办〔2023〕11号", "桂教督委办", False, 2023, 11),
    ("南府督委办〔2022〕7号", "南府督委办", False, 2022, 7),
    ("厅发〔2020〕26号", "厅发", False, 2020, 26),
    ("渭政教督办〔2023〕1号", "渭政教督办", False, 2023, 1),
    ("蒲政教督办函〔2023〕3号", "蒲政教督办", True, 2023, 3),
    # national documents the seeds and the reference notes cite
    ("教督〔2016〕2号", "教督", False, 2016, 2),
    ("国教督〔2021〕2号", "国教督", False, 2021, 2),
    ("国教督办〔2015〕4号", "国教督办", False, 2015, 4),
    ("教督〔2017〕6号", "教督", False, 2017, 6),
    ("教督函〔2025〕3号", "教督", True, 2025, 3),
    ("国务院令第624号", "国务院令", False, None, 624),
]


@pytest.mark.parametrize(("text", "issuer", "letter", "year", "serial"), REAL_NUMBERS)
def test_real_numbers_parse_and_print(
    text: str, issuer: str, letter: bool, year: int | None, serial: int
) -> None:
    number = DocumentNumber.parse(text)
    assert number == DocumentNumber(issuer, letter, year, serial)
    assert str(number) == text
    assert f"{number}" == format(number) == text
    assert DocumentNumber.parse(number) is number


@pytest.mark.parametrize(
    "text",
    [
        "厅发〔2020〕26号",
        "厅发[2020]26号",
        "厅发（2020）26号",
        "厅发(2020)26号",
        "厅发【2020】26号",
        "厅发［2020］26号",
        "厅发﹝2020﹞26号",
        # OCR mixes the halves
        "厅发〔2020]26号",
        "厅发(2020〕26号",
        "厅发【2020）26号",
        # spaces, full-width spaces and digits, zero-padded serial
        "厅发 〔2020〕 26号",
        " 厅发〔 2020 〕26 号 ",
        "厅 发\u3000〔2020〕26号",
        "厅发〔２０２０〕２６号",
        "厅发〔2020〕026号",
    ],
)
def test_bracket_and_spacing_variants(text: str) -> None:
    assert DocumentNumber.parse(text) == DocumentNumber("厅发", False, 2020, 26)


@pytest.mark.parametrize(
    "text", ["蒲政教督办函[2023]3号", "蒲政教督办 函 （2023） 3号", "蒲政教督办函【2023】03号"]
)
def test_letter_variants(text: str) -> None:
    assert str(DocumentNumber.parse(text)) == "蒲政教督办函〔2023〕3号"


@pytest.mark.parametrize("text", ["国务院令第624号", "国务院令 第 624 号", "国务院 令第６２４号"])
def test_order_variants(text: str) -> None:
    number = DocumentNumber.parse(text)
    assert number.is_order
    assert str(number) == "国务院令第624号"


def test_year_bounds_are_inclusive() -> None:
    assert DocumentNumber.parse("厅发〔1949〕1号").year == 1949
    assert DocumentNumber.parse("厅发〔2100〕1号").year == 2100


# ---------------------------------------------------------------------------
# Bad document numbers
# ---------------------------------------------------------------------------

BAD_NUMBERS = [
    ("", "为空"),
    ("   ", "为空"),
    ("厅发", "号"),
    ("厅发〔2020〕26", "号"),
    ("厅发2020年26号", "年份"),
    ("厅发第26号", "年份"),  # only orders (令) are numbered without a year
    ("厅发〔2020 26号", "闭合"),
    ("厅发2020〕26号", "年份"),
    ("厅发〔20〕26号", "四位数字"),
    ("厅发〔20200〕26号", "四位数字"),
    ("厅发〔2O20〕26号", "四位数字"),  # letter O for zero
    ("厅发〔〕26号", "四位数字"),
    ("厅发〔1948〕26号", "超出范围"),
    ("厅发〔2101〕26号", "超出范围"),
    ("厅发〔2020〕号", "缺少序号"),
    ("厅发〔2020〕0号", "正整数"),
    ("厅发〔2020〕000号", "正整数"),
    ("厅发〔2020〕二十六号", "正整数"),
    ("厅发〔2020〕〔26〕号", "正整数"),
    ("〔2020〕26号", "发文机关代字"),
    ("函〔2020〕26号", "发文机关代字"),
    ("厅〕发〔2020〕26号", "括号"),
    ("《厅发》〔2020〕26号", "书名号"),
    ("国务院令第0号", "正整数"),
    ("国务院令第号", "缺少序号"),
]


@pytest.mark.parametrize(("text", "what"), BAD_NUMBERS)
def test_bad_numbers(text: str, what: str) -> None:
    with pytest.raises(DudaoError) as info:
        DocumentNumber.parse(text)
    [problem] = info.value.problems
    assert problem.code == "bad-document-number"
    assert f"'{text}'" in problem.message
    assert what in problem.message
    assert problem.hint is not None
    assert "厅发〔2020〕26号" in problem.hint


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("", False, 2020, 1), "为空"),
        (("厅 发", False, 2020, 1), "空白"),
        (("厅发函", False, 2020, 1), "函"),
        (("厅[发", False, 2020, 1), "括号"),
        (("厅发", False, 1900, 1), "超出范围"),
        (("厅发", False, None, 1), "令"),
        (("国务院令", True, None, 1), "令"),
        (("厅发", False, 2020, 0), "正整数"),
        (("厅发", False, 2020, True), "正整数"),
    ],
)
def test_constructor_rejects_invalid_parts(args: tuple, what: str) -> None:
    with pytest.raises(ValueError, match=what):
        DocumentNumber(*args)


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


def test_document_key_is_the_number() -> None:
    doc = Document(
        number="厅发[2020]26号",
        issuer="中共广西区委办公厅、广西区人民政府办公厅",
        date=datetime.date(2020, 5, 14),
        title="关于深化新时代教育督导体制机制改革的实施意见",
        public=True,
    )
    assert doc.number == DocumentNumber("厅发", False, 2020, 26)
    assert doc.key == "厅发〔2020〕26号"
    assert doc.cite("三(一)") == Citation.parse("厅发〔2020〕26号 三（一）")
    assert doc.cite() == Citation("厅发〔2020〕26号")


def test_document_without_number_is_keyed_by_title() -> None:
    # The Yueyang work points print no 文号; the seeds carry no publication mark,
    # so this test's flag is a sample value.
    doc = Document(
        number=None,
        issuer="岳阳市人民政府教育督导委员会办公室",
        date=None,
        title=" 《岳阳市2023年教育督导工作要点》 ",
        public=False,
    )
    assert doc.title == "岳阳市2023年教育督导工作要点"
    assert doc.key == "《岳阳市2023年教育督导工作要点》"
    assert Citation.parse(f"{doc.key}一（1）") == doc.cite("一（1）")


def test_document_rejects_bad_fields() -> None:
    common = {"issuer": "某办公室", "date": None, "title": "某文件", "public": True}
    with pytest.raises(ValueError, match="1900"):
        Document(number="厅发〔1900〕26号", **common)
    with pytest.raises(ValueError):
        Document(number=None, **{**common, "title": "《 》"})
    with pytest.raises(TypeError):
        Document(number=None, **{**common, "public": "yes"})


# ---------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------

GOOD_CITATIONS = [
    ("厅发〔2020〕26号 三（一）", "厅发〔2020〕26号", "三（一）"),
    ("厅发[2020]26号 三(一)", "厅发〔2020〕26号", "三（一）"),
    ("厅发〔2020〕26号三（一）", "厅发〔2020〕26号", "三（一）"),
    ("厅发（2020）26号 二（十四）", "厅发〔2020〕26号", "二（十四）"),
    ("厅发〔2020〕26号", "厅发〔2020〕26号", None),
    ("  厅发〔2020〕26号  ", "厅发〔2020〕26号", None),
    ("桂教督委办〔2023〕11号 四", "桂教督委办〔2023〕11号", "四"),
    ("蒲政教督办函〔2023〕3号", "蒲政教督办函〔2023〕3号", None),
    ("《岳阳市2023年教育督导工作要点》 14", "《岳阳市2023年教育督导工作要点》", "14"),
    ("《教育督导条例》第十四条", "《教育督导条例》", "第十四条"),
    ("《教育督导条例》 第十四条", "《教育督导条例》", "第十四条"),
    ("《 教育督导条例 》", "《教育督导条例》", None),
    ("《教育督导条例》第十四条 第二款", "《教育督导条例》", "第十四条第二款"),
    ("国务院令第624号 第十四条", "国务院令第624号", "第十四条"),
    ("国教督〔2021〕2号 第三章", "国教督〔2021〕2号", "第三章"),
    ("教督〔2017〕6号 附件1", "教督〔2017〕6号", "附件1"),
    ("渭政教督办〔2023〕1号 2.3", "渭政教督办〔2023〕1号", "2.3"),
]


@pytest.mark.parametrize(("text", "document", "clause"), GOOD_CITATIONS)
def test_citations_parse(text: str, document: str, clause: str | None) -> None:
    citation = Citation.parse(text)
    assert citation == Citation(document, clause)
    assert (citation.document, citation.clause) == (document, clause)
    expected = document if clause is None else f"{document} {clause}"
    assert str(citation) == f"{citation}" == expected
    assert Citation.parse(citation) is citation


def test_citation_number() -> None:
    assert Citation.parse("蒲政教督办函〔2023〕3号 一").number == DocumentNumber(
        "蒲政教督办", True, 2023, 3
    )
    assert Citation.parse("《教育督导条例》第十四条").number is None


def test_citation_constructor_normalises() -> None:
    assert Citation(" 厅发[2020]26号", " 三 (一) ") == Citation("厅发〔2020〕26号", "三（一）")
    assert Citation("厅发〔2020〕26号", "  ").clause is None


BAD_CITATIONS = [
    ("", "为空"),
    ("   ", "为空"),
    ("教育督导条例 第十四条", "找不到文号"),
    ("岳阳 《岳阳市2023年教育督导工作要点》 14", "找不到文号"),
    ("《教育督导条例 第十四条", "没有闭合"),
    ("《》第十四条", "为空"),
    ("厅发〔1900〕26号 三（一）", "超出范围"),
    ("厅发〔2020〕26 三（一）", "找不到文号"),  # the 号 is missing
    ("厅发2020〕26号 三", "年份"),
    ("厅发〔2020〕26号 hello", "条款 'hello'"),
    ("厅发〔2020〕26号 三（一", "条款 '三（一'"),
    ("厅发〔2020〕26号 .", "条款 '.'"),
    ("《教育督导条例》 第十四", "条款 '第十四'"),
]


@pytest.mark.parametrize(("text", "what"), BAD_CITATIONS)
def test_bad_citations(text: str, what: str) -> None:
    with pytest.raises(DudaoError) as info:
        Citation.parse(text)
    [problem] = info.value.problems
    assert problem.code == "bad-citation"
    assert f"'{text}'" in problem.message
    assert what in problem.message
    assert problem.hint is not None
    assert "厅发〔2020〕26号 三（一）" in problem.hint
    assert "《教育督导条例》第十四条" in problem.hint


def test_citation_constructor_rejects_bad_parts() -> None:
    with pytest.raises(ValueError, match="号"):
        Citation("教育督导条例")
    with pytest.raises(ValueError, match="条款"):
        Citation("《教育督导条例》", "hello")


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
OPENS = "〔[（(【［﹝"
CLOSES = "〕]）)】］﹞"
SPACES = st.sampled_from(["", " ", "\u3000", "  "])
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

issuers = st.text(CJK, min_size=1, max_size=8).filter(lambda s: not s.endswith("函"))
dated_numbers = st.builds(
    DocumentNumber,
    issuers,
    st.booleans(),
    st.integers(1949, 2100),
    st.integers(1, 10**6),
)
orders = st.builds(
    DocumentNumber,
    st.text(CJK, max_size=7).map(lambda s: s + "令"),
    st.just(False),
    st.none(),
    st.integers(1, 10**6),
)
numbers = st.one_of(dated_numbers, orders)

numeral = st.text(st.sampled_from("一二三四五六七八九十"), min_size=1, max_size=3)
clause_token = st.one_of(
    numeral,
    st.integers(1, 99).map(str),
    numeral.map(lambda n: f"（{n}）"),
    st.integers(1, 9).map(lambda n: f"({n})"),
    st.tuples(numeral, st.sampled_from("章节条款项")).map(lambda t: f"第{t[0]}{t[1]}"),
)
clauses = st.lists(clause_token, min_size=1, max_size=3).map("".join)
# Titles may hold nested 《》, brackets and spaces: the split at the last 》 still works.
titles = st.text(st.one_of(CJK, st.sampled_from("《》（）、 0123456789")), min_size=1).filter(
    str.strip
)
documents = st.one_of(numbers.map(str), titles.map(lambda t: f"《{t}》"))


@given(numbers)
def test_number_round_trip(number: DocumentNumber) -> None:
    assert DocumentNumber.parse(str(number)) == number


@given(
    dated_numbers,
    st.sampled_from(OPENS),
    st.sampled_from(CLOSES),
    st.lists(SPACES, min_size=5, max_size=5),
    st.integers(0, 2),
    st.booleans(),
)
def test_any_bracket_variant_parses_to_the_same_number(
    number: DocumentNumber,
    opening: str,
    closing: str,
    spaces: list[str],
    zeros: int,
    fullwidth: bool,
) -> None:
    letter = "函" if number.letter else ""
    year, serial = str(number.year), "0" * zeros + str(number.serial)
    if fullwidth:
        year, serial = year.translate(FULLWIDTH), serial.translate(FULLWIDTH)
    s = spaces
    text = (
        f"{s[0]}{number.issuer}{s[1]}{letter}{opening}{s[2]}{year}{s[3]}{closing}{serial}{s[4]}号"
    )
    assert DocumentNumber.parse(text) == DocumentNumber.parse(str(number)) == number


@given(st.text(max_size=30))
def test_number_parse_fails_only_with_a_located_problem(text: str) -> None:
    try:
        number = DocumentNumber.parse(text)
    except DudaoError as exc:
        [problem] = exc.problems
        assert problem.code == "bad-document-number"
    else:
        assert DocumentNumber.parse(str(number)) == number


@given(documents, st.one_of(st.none(), clauses))
def test_citation_round_trip(document: str, clause: str | None) -> None:
    citation = Citation(document, clause)
    assert Citation.parse(str(citation)) == citation
    assert str(Citation.parse(str(citation))) == str(citation)


@given(dated_numbers, st.sampled_from(OPENS), st.sampled_from(CLOSES), SPACES, clauses)
def test_citation_spellings_agree(
    number: DocumentNumber, opening: str, closing: str, space: str, clause: str
) -> None:
    messy = (
        f"{number.issuer}{'函' if number.letter else ''}{opening}{number.year}{closing}"
        f"{number.serial}号{space}{clause.replace('（', '(').replace('）', ')')}"
    )
    assert Citation.parse(messy) == Citation(str(number), clause)


@given(st.text(max_size=30))
def test_citation_parse_fails_only_with_a_located_problem(text: str) -> None:
    try:
        citation = Citation.parse(text)
    except DudaoError as exc:
        [problem] = exc.problems
        assert problem.code == "bad-citation"
    else:
        assert Citation.parse(str(citation)) == citation
