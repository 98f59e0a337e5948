"""A :class:`~dudao.report.document.Document` as a Word file laid out after GB/T 9704-2012.

A4 paper; margins 37 mm (top, 天头), 35 mm (bottom), 28 mm (left, 订口), 26 mm
(right); body 3号 (16 pt) in the 仿宋 role with a fixed 28 pt line pitch and a
first-line indent of two characters; the title 2号 (22 pt) in the 小标宋 role,
centred; headings 一、 in 黑体, （一） in 楷体, 1. and （1） in 仿宋; 附件 on new
pages; 版记 (抄送, 印发) between rules at the end; page numbers “— 1 —” 4号, odd pages' on the
right and even pages' on the left.

The standard's fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) are not free;
:data:`NOTO` (default) names the free Noto CJK fonts Debian installs
(``fonts-noto-cjk``), :data:`GOVERNMENT` the standard's names, for offices whose
computers have them. Chinese text takes the ``w:eastAsia`` font, which python-docx
has no API for (python-docx#1139), so it is set on the XML.

python-docx escapes XML itself; control characters, which it refuses, are removed
by :func:`dudao.report.text.plain_text` first.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from dudao.report.document import SAMPLE_NOTE, Document, Table, document_date
from dudao.report.text import plain_text

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["GOVERNMENT", "NOTO", "FontRoles", "render_docx", "write_docx"]

BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
SMALL_PT = 14.0  # 4号: 版记, page numbers
TABLE_PT = 12.0  # 小四: tables in attachments
LINE_PT = 28.0  # 22 lines in the 225 mm text block
RED = "C00000"


@attrs.frozen
class FontRoles:
    """The font named for each role of GB/T 9704 (Chinese text; Latin text in
    ``latin``)."""

    title: str  # 小标宋
    body: str  # 仿宋
    heading: str  # 黑体
    subheading: str  # 楷体
    latin: str = "Times New Roman"


#: Free fonts (Debian ``fonts-noto-cjk``); what the PDF is drawn with too.
NOTO = FontRoles(
    title="Noto Serif CJK SC",
    body="Noto Serif CJK SC",
    heading="Noto Sans CJK SC",
    subheading="Noto Serif CJK SC",
)
#: The standard's own fonts, for offices that have them installed.
GOVERNMENT = FontRoles(
    title="方正小标宋简体", body="仿宋_GB2312", heading="黑体", subheading="楷体_GB2312"
)


def _align() -> dict[int, Any]:
    from docx.enum.text import WD_ALIGN_PARAGRAPH as A

    return {0: A.LEFT, 1: A.CENTER, 2: A.RIGHT, 3: A.JUSTIFY}


class _Align:
    def __getitem__(self, key: int) -> Any:
        return _align()[key]


#: The children of w:pPr that come after w:pBdr (ECMA-376 CT_PPrBase), for Word, which
#: refuses a file whose elements are out of order.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip

#: 0 left, 1 centre, 2 right, 3 justify → python-docx's enum (imported when used)
_ALIGN = _Align()


def _fonts(run: Any, cjk: str, latin: str) -> None:
    from docx.oxml.ns import qn

    run.font.name = latin  # w:ascii and w:hAnsi
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), cjk)
    rfonts.set(qn("w:hint"), "eastAsia")


class _Writer:
    def __init__(self, doc: Document, roles: FontRoles) -> None:
        from docx import Document as new_document

        self.doc = doc
        self.roles = roles
        self.out: DocxDocument = new_document()
        self._page()
        self._styles()

    # ---------------------------------------------------------- set-up
    def _page(self) -> None:
        from docx.shared import Mm, Pt

        s = self.out.sections[0]
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin, s.bottom_margin = Mm(37), Mm(35)
        s.left_margin, s.right_margin = Mm(28), Mm(26)
        # the page number's line 7 mm under the text block (35 mm margin, 4号 line ≈ 5 mm)
        s.header_distance, s.footer_distance = Mm(15), Mm(23)
        # page numbers: odd pages on the right, even pages on the left, one character in
        self.out.settings.odd_and_even_pages_header_footer = True
        for header, footer, side in (
            (s.header, s.footer, 2),
            (s.even_page_header, s.even_page_footer, 0),
        ):
            if self.doc.sample:
                p = header.paragraphs[0]
                self._run(p, SAMPLE_NOTE, self.roles.heading, 10.5, colour=RED)
                p.alignment = _ALIGN[1]
            number = footer.paragraphs[0]
            number.alignment = _ALIGN[side]
            if side:
                number.paragraph_format.right_indent = Pt(SMALL_PT)
            else:
                number.paragraph_format.left_indent = Pt(SMALL_PT)
            self._run(number, "— ", self.roles.body, SMALL_PT)
            self._page_field(number)
            self._run(number, " —", self.roles.body, SMALL_PT)

    def _page_field(self, p: Any) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        run = self._run(p, "", self.roles.body, SMALL_PT)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = f" {text} "
            run._element.append(el)

    def _styles(self) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        normal: Any = self.out.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        _fonts(normal, self.roles.body, self.roles.latin)
        pf = normal.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PT)
        pf.space_before = pf.space_after = Pt(0)

    # ---------------------------------------------------------- pieces
    def _run(
        self,
        p: Any,
        text: str,
        font: str,
        size: float,
        *,
        bold: bool = False,
        colour: str | None = None,
    ) -> Any:
        from docx.shared import Pt, RGBColor

        run = p.add_run(plain_text(text))  # nothing XML refuses
        _fonts(run, font, self.roles.latin)
        run.font.size = Pt(size)
        run.bold = bold
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour)
        return run

    def para(
        self,
        text: str = "",
        *,
        font: str | None = None,
        size: float = BODY_PT,
        indent: int = 2,
        align: int | None = None,
        right_chars: int = 0,
        bold: bool = False,
        colour: str | None = None,
        line: float | None = LINE_PT,
    ) -> Any:
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml.ns import qn
        from docx.shared import Pt

        p = self.out.add_paragraph()
        if text:
            self._run(p, text, font or self.roles.body, size, bold=bold, colour=colour)
        pf = p.paragraph_format
        if indent:
            pf.first_line_indent = Pt(indent * size)
            p._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), str(indent * 100))
        if right_chars:
            pf.right_indent = Pt(right_chars * size)
        if align is not None:
            p.alignment = _ALIGN[align]
        if line is None:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        elif line != LINE_PT:
            pf.line_spacing = Pt(line)
        return p

    def rule(self, colour: str = RED, size: int = 12, *, top: bool = False) -> Any:
        """An empty paragraph with a line under (or over) it: the 版头's red
        separator, the 版记's rules."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        p = self.para(indent=0, line=None, size=4)
        borders = OxmlElement("w:pBdr")
        edge = OxmlElement("w:top" if top else "w:bottom")
        for k, v in (
            ("w:val", "single"),
            ("w:sz", str(size)),
            ("w:space", "1"),
            ("w:color", colour),
        ):
            edge.set(qn(k), v)
        borders.append(edge)
        # the schema orders pPr's children: pBdr comes before spacing, ind, jc …
        p._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)
        return p

    def table(self, t: Table) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Mm, Pt

        rows = t.rows or (("（无）",) + ("",) * (len(t.columns) - 1),)
        grid = self.out.add_table(rows=1 + len(rows), cols=len(t.columns))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = t.widths or tuple(1.0 for _ in t.columns)
        total = sum(widths)
        text_mm = 210 - 28 - 26
        for i, w in enumerate(widths):
            for cell in grid.columns[i].cells:
                cell.width = Mm(text_mm * w / total)
        for r, values in enumerate((t.columns, *rows)):
            header = r == 0
            for c, value in enumerate(values):
                cell = grid.cell(r, c)
                p = cell.paragraphs[0]
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.line_spacing = Pt(TABLE_PT * 1.5)
                if header:
                    p.alignment = _ALIGN[1]
                self._run(
                    p,
                    value,
                    self.roles.heading if header else self.roles.body,
                    TABLE_PT,
                )
        if header_row := grid.rows[0]:
            from docx.oxml import OxmlElement
            from docx.oxml.ns import qn

            tr_pr = header_row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")  # repeat the header on every page
            repeat.set(qn("w:val"), "true")
            tr_pr.append(repeat)
        if t.note:
            self.para(t.note, size=TABLE_PT, indent=0, line=TABLE_PT * 1.6)

    # ---------------------------------------------------------- the document
    def write(self) -> DocxDocument:
        d, roles = self.doc, self.roles
        if d.masthead:  # 版头: the issuing body's mark in red, then the red rule
            self.para(
                d.masthead,
                font=roles.title,
                size=d.masthead_size(),
                indent=0,
                align=1,
                colour=RED,
                line=40,
            )
            self.para(indent=0)
        if d.shown_number:
            self.para(d.shown_number, indent=0, align=1)
        if d.masthead:
            self.rule()
        self.para(indent=0)
        self.para(d.title, font=roles.title, size=TITLE_PT, indent=0, align=1, bold=True, line=36)
        self.para(indent=0)
        if d.recipients:
            self.para("、".join(d.recipients) + "：", indent=0)
        for text in d.opening:
            self.para(text)
        for depth, number, s in d.walk():
            font = {1: roles.heading, 2: roles.subheading}.get(depth, roles.body)
            heading = self.para(number + s.heading, font=font)
            heading.paragraph_format.keep_with_next = True  # no heading alone at a page's foot
            for text in s.paragraphs:
                self.para(text)
            for t in s.tables:
                self.para(t.title, font=roles.heading, indent=0, align=1)
                self.table(t)
        for text in d.closing:
            self.para(text)
        notes = d.attachment_note()
        if notes:
            self.para(indent=0)
            for i, text in enumerate(notes):
                p = self.para(text)
                if i:  # 2. 3. … under the title of 1.
                    from docx.shared import Pt

                    p.paragraph_format.first_line_indent = Pt(5 * BODY_PT)
        self.para(indent=0)
        self.para(indent=0)
        self.para(d.issuer, indent=0, align=2, right_chars=2)
        self.para(document_date(d.date), indent=0, align=2, right_chars=4)
        for note in d.notes:
            self.para(f"（{note}）")
        for i, t in enumerate(d.attachments, start=1):
            self._page_break()
            label = f"附件{i}" if len(d.attachments) > 1 else "附件"
            self.para(label, font=roles.heading, indent=0)
            self.para(t.title, font=roles.title, size=TITLE_PT - 4, indent=0, align=1, bold=True)
            if t.sample:
                self.para(f"（{SAMPLE_NOTE}）", size=TABLE_PT, indent=0, align=1, line=None)
            self.table(t)
        self._colophon()
        return self.out

    def _page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _colophon(self) -> None:
        """版记: 抄送 and 印发 between rules, 4号."""
        d = self.doc
        self.para(indent=0)
        self.rule("000000", 8)
        if d.copied_to:
            self.para("抄送：" + "，".join(d.copied_to) + "。", size=SMALL_PT, indent=0)
            self.rule("000000", 4)
        printed = d.printed_by or d.issuer
        when = document_date(d.printed_on or d.date)
        self.para(f"{printed}    {when}印发", size=SMALL_PT, indent=0)
        self.rule("000000", 8)


def render_docx(doc: Document, fonts: FontRoles = NOTO) -> bytes:
    """The document as the bytes of a .docx file (for a web response)."""
    buffer = io.BytesIO()
    _Writer(doc, fonts).write().save(buffer)
    return buffer.getvalue()


def write_docx(doc: Document, path: str | Path, fonts: FontRoles = NOTO) -> Path:
    """Write the document to ``path`` as .docx; returns the path."""
    path = Path(path)
    path.write_bytes(render_docx(doc, fonts))
    return path
