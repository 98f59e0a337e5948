"""The PDF embeds a CJK font and renders Chinese: pdffonts, pdftotext and a page
turned into PNG with pdftoppm (saved under tests/report/output/ for a look)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import attrs
import pytest

from dudao.report.builders import supervision_order, supervision_report
from dudao.report.document import SAMPLE_NOTE
from dudao.report.pdf import render_html, render_pdf
from dudao.store import CaseStore

from .conftest import HOSTILE, need_pdf_tools

OUTPUT = Path(__file__).parent / "output"  # ignored by git


def _run(*args: str | Path) -> str:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def _text(pdf: Path) -> str:
    """The PDF's text, spaces and line breaks removed (the layout adds them)."""
    return re.sub(r"\s+", "", _run("pdftotext", "-enc", "UTF-8", pdf, "-"))


@pytest.fixture(scope="module")
def report_pdf(checked, tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_pdf_tools()
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_pdf(supervision_report("450103", check=checked)))
    return path


@pytest.mark.regional
def test_pdf_embeds_the_cjk_fonts(report_pdf: Path) -> None:
    lines = _run("pdffonts", report_pdf).splitlines()[2:]
    assert lines, "no fonts in the PDF"
    fonts = [(line.split()[0], line.split()[-5]) for line in lines]  # name, emb
    assert all(emb == "yes" for _, emb in fonts), fonts
    names = [name for name, _ in fonts]
    assert any("Serif-CJK-SC" in n for n in names), names  # 仿宋 role: body
    assert any("Sans-CJK-SC" in n for n in names), names  # 黑体 role: headings
    # nothing fell back to another font: every character had its glyph in the CJK ones
    assert all("CJK" in n for n in names), names


@pytest.mark.regional
def test_pdf_text_is_the_chinese_of_the_document(report_pdf: Path, checked) -> None:
    text = _text(report_pdf)
    for expected in (
        "南宁市人民政府教育督导委员会办公室文件",
        "××〔2023〕×号（示例）",
        "关于青秀区教育督导情况的督导报告",
        "青秀区人民政府：",
        "一、基本情况",
        "二、发现的问题",
        "（一）错误级问题（3项）",
        "14所学校（其中1所大规模学校按1:1）应配4名，在任3名，缺1名",
        "附件：督导发现问题清单",
        "2023年3月1日",
        "督导发现问题清单",
        re.sub(r"\s+", "", SAMPLE_NOTE),
    ):
        assert expected in text, expected
    # every character of the document is in the PDF's text: none became a box
    doc_text = re.sub(r"\s+", "", supervision_report("450103", check=checked).text())
    missing = {c for c in doc_text if ord(c) > 0x2E80} - set(text)
    assert not missing, missing


@pytest.mark.regional
def test_first_page_as_png_is_drawn(report_pdf: Path) -> None:
    import numpy as np
    from PIL import Image

    OUTPUT.mkdir(parents=True, exist_ok=True)
    _run(
        "pdftoppm",
        "-png",
        "-r",
        "80",
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        report_pdf,
        OUTPUT / "report-page1",
    )
    png = OUTPUT / "report-page1.png"
    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = np.asarray(image)
    assert abs(width - 210 / 25.4 * 80) < 2 and abs(height - 297 / 25.4 * 80) < 2  # A4
    dark = float((pixels < 128).mean())
    assert 0.01 < dark < 0.3, dark  # text drawn; not a black page
    # the text block keeps the margins: nothing drawn in the left 28 mm but the header
    margin = pixels[int(height * 0.15) : int(height * 0.85), : int(28 / 210 * width) - 4]
    assert margin.min() > 200


def test_hostile_strings_print_as_themselves(case_store: Path, tmp_path: Path) -> None:
    need_pdf_tools()
    with CaseStore.open(case_store) as store:
        record = store.case("C1")
    doc = supervision_order(record, sample=True)
    doc = attrs.evolve(doc, title=f"{doc.title}{HOSTILE[0]}", issuer=f"办公室{HOSTILE[2]}")
    html = render_html(doc)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    pdf = tmp_path / "order.pdf"
    pdf.write_bytes(render_pdf(doc))
    text = _text(pdf)
    for s in HOSTILE:
        assert re.sub(r"\s+", "", s) in text, s
    assert "办公室{{7*7}}" in text and "49" not in text.split("办公室")[1][:4]


@pytest.mark.regional
def test_no_resource_is_fetched(checked) -> None:
    html = render_html(supervision_report("450103", check=checked), serif="A", sans="B")
    assert not re.search(r"(src|href)\s*=|url\(|@import", html)
