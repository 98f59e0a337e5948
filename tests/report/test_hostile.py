"""Any string from data comes out of the .docx and the HTML as itself: no markup, no
field, no formula, no broken file."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dudao.report.document import Document, DocumentKind, Section, Table
from dudao.report.pdf import render_html
from dudao.report.text import plain_text

from .conftest import HOSTILE

texts = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=40))


def _doc(a: str, b: str, c: str) -> Document:
    return Document(
        DocumentKind.SUPERVISION_REPORT,
        title=a,
        issuer=b,
        date=dt.date(2023, 3, 1),
        recipients=(c,),
        number=b,
        sections=(Section(a, (b, c), children=(Section(c),)),),
        attachments=(Table(c, (a, b), ((b, c),), note=a),),
        masthead=a,
        copied_to=(b,),
    )


@given(texts, texts, texts)
def test_html_escapes_every_string(a: str, b: str, c: str) -> None:
    page = render_html(_doc(a, b, c), serif="S", sans="T")
    body = page.split("</style>", 1)[1]
    # the only tags are the renderer's own
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", body))
    assert tags <= {"head", "body", "html", "p", "h1", "h2", "div", "section", "table", "colgroup",
                    "col", "thead", "tbody", "tr", "th", "td"}  # fmt: skip
    for s in (a, b, c):
        shown = html.escape(plain_text(s).replace(" ", "\u2005"), quote=True)
        assert shown.replace("\u2005", " ") in body.replace("\u2005", " ")


@given(texts, texts, texts)
@example("a\ufffeb\uffff", "\x00\x0b", "\ud800")  # not XML: lxml refused the file
def test_docx_holds_every_string_as_text(a: str, b: str, c: str) -> None:
    docx = pytest.importorskip("docx")
    from dudao.report.docx import render_docx

    d = docx.Document(io.BytesIO(render_docx(_doc(a, b, c))))
    paragraphs = [p.text for p in d.paragraphs]
    shown = {s: plain_text(s).replace("\ufffe", " ").replace("\uffff", " ") for s in (a, b, c)}
    assert shown[a] in paragraphs  # the title, as it is
    cells = [cell.text for row in d.tables[0].rows for cell in row.cells]
    assert cells == [shown[a], shown[b], shown[b], shown[c]]
    # the only field is the page number
    instr = [t.text for t in d.sections[0].footer._element.iter() if t.tag.endswith("instrText")]
    assert instr == [" PAGE "]
    assert "instrText" not in d.element.xml and "fldSimple" not in d.element.xml
