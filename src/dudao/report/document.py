"""An official document (公文) as data: what the .docx and PDF renderers lay out.

A :class:`Document` holds the parts GB/T 9704-2012《党政机关公文格式》 names — the
issuing body's mark and document number (文号) in the 版头; title, principal
recipients (主送机关), body, attachment notes, issuing body and date (落款) in the
主体; copied-to and printing body (版记) at the end — and nothing about fonts or
paper: that is the renderers' (:mod:`dudao.report.docx`, :mod:`dudao.report.pdf`).

The body is a tree of :class:`Section`; a section's depth gives its number the way
公文 number headings: 一、 then （一） then 1. then （1） (:func:`heading_number`).
Attachments (附件) are tables (:class:`Table`), listed after the body as
“附件：1. …” and printed after the 落款, each on its own page.

Every string here may come from data: renderers escape it for their format.

>>> doc = Document(
...     kind=DocumentKind.SUPERVISION_REPORT,
...     title="关于青秀区教育督导情况的督导报告",
...     issuer="南宁市人民政府教育督导委员会办公室",
...     date=dt.date(2023, 3, 1),
...     recipients=("青秀区人民政府",),
...     sections=(Section("基本情况", ("共发现问题 3 项。",)),),
... )
>>> [heading_number(d, i) for d, i in [(1, 1), (2, 3), (3, 2), (4, 11)]]
['一、', '（三）', '2.', '（11）']
>>> document_date(doc.date)
'2023年3月1日'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from dudao.model.labels import LabelledEnum

#: What every document made from sample data says about it (header line and 附注).
SAMPLE_NOTE = "示例数据：本文件所用数据为示例数据，不代表实际情况"
#: The mark put beside a made-up 文号 and beside each sample figure.
SAMPLE_MARK = "示例"


class DocumentKind(LabelledEnum):
    """The documents dudao writes."""

    SUPERVISION_REPORT = ("supervision", "督导报告")
    SUPERVISION_ORDER = ("order", "督办单")
    RECTIFICATION_NOTICE = ("rectification", "整改通知书")
    PLAN_PROGRESS = ("plan", "工作要点落实进展报告")


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """``n`` (1–99) in Chinese numerals as headings write it: 一, 十, 十一, 二十三.

    >>> [chinese_number(n) for n in (1, 10, 11, 20, 99)]
    ['一', '十', '十一', '二十', '九十九']
    """
    if not 1 <= n <= 99:
        raise ValueError(f"chinese_number: {n} is outside 1–99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def heading_number(depth: int, index: int) -> str:
    """The number of the ``index``-th (from 1) heading at ``depth`` (1–4): 一、
    （一） 1. （1）. Deeper levels repeat （1）; past 99 Arabic numerals are used."""
    if depth <= 2 and index > 99:
        return f"{index}、" if depth == 1 else f"（{index}）"
    if depth == 1:
        return f"{chinese_number(index)}、"
    if depth == 2:
        return f"（{chinese_number(index)}）"
    if depth == 3:
        return f"{index}."
    return f"（{index}）"


def document_date(day: dt.date) -> str:
    """A date as GB/T 9704-2012 writes the 成文日期: Arabic numerals, year in
    full, month and day without leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


@attrs.frozen
class Table:
    """An attachment (附件) or a table in the body: a title, column headings, rows
    of text. ``sample``: the figures in it are sample data (marked 示例)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    note: str | None = None
    sample: bool = False
    #: relative column widths (renderers divide the text width in proportion)
    widths: tuple[float, ...] | None = None


@attrs.frozen
class Section:
    """A numbered part of the body: its heading (without the number), paragraphs,
    the sections below it and tables shown in the body."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    children: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()


@attrs.frozen
class Document:
    """One 公文: see the module docstring for the parts.

    ``number`` is the 文号; ``number_sample`` marks a made-up one (the office gives the
    real number when it registers the document). ``sample``: the data is sample data,
    so every page carries :data:`SAMPLE_NOTE`.
    """

    kind: DocumentKind
    title: str
    issuer: str
    date: dt.date
    recipients: tuple[str, ...] = ()
    number: str | None = None
    number_sample: bool = False
    opening: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    closing: tuple[str, ...] = ()
    attachments: tuple[Table, ...] = ()
    sample: bool = False
    #: 附注 (notes under the date), e.g. the sample-data note or 此件公开发布
    notes: tuple[str, ...] = ()
    #: 版记: 抄送 units and the 印发 body (default: the issuer) and date
    copied_to: tuple[str, ...] = ()
    printed_by: str | None = None
    printed_on: dt.date | None = None
    #: the issuing body's mark (发文机关标志) in the 版头, e.g. "…办公室文件"; None: no 版头
    masthead: str | None = None

    def masthead_size(self, width_pt: float = 442.0, largest: float = 26.0) -> float:
        """The masthead's font size in pt: as large as ``largest`` (一号) but small
        enough for the mark to fit on one line of the 156 mm text block."""
        n = len(self.masthead or "") or 1
        return min(largest, round(width_pt / (n * 1.08), 1))

    def walk(self) -> Iterator[tuple[int, str, Section]]:
        """Every section with its depth (1 …) and number, in reading order."""

        def visit(sections: tuple[Section, ...], depth: int) -> Iterator[tuple[int, str, Section]]:
            for i, s in enumerate(sections, start=1):
                yield depth, heading_number(depth, i), s
                yield from visit(s.children, depth + 1)

        return visit(self.sections, 1)

    @property
    def shown_number(self) -> str | None:
        """The 文号 as printed: a sample one with （示例） after it."""
        if self.number is None:
            return None
        return f"{self.number}（{SAMPLE_MARK}）" if self.number_sample else self.number

    def attachment_note(self) -> list[str]:
        """The 附件说明 lines: ``附件：1. 标题`` then ``2. 标题`` aligned under it (one
        attachment: ``附件：标题``)."""
        titles = [t.title for t in self.attachments]
        if not titles:
            return []
        if len(titles) == 1:
            return [f"附件：{titles[0]}"]
        return [f"附件：1. {titles[0]}"] + [f"{i}. {t}" for i, t in enumerate(titles[1:], 2)]

    def text(self) -> str:
        """The document as plain text, in reading order (for tests and previews)."""
        lines: list[str] = []
        if self.sample:
            lines.append(SAMPLE_NOTE)
        if self.masthead:
            lines.append(self.masthead)
        if self.shown_number:
            lines.append(self.shown_number)
        lines.append(self.title)
        if self.recipients:
            lines.append("、".join(self.recipients) + "：")
        lines += self.opening
        for _, number, s in self.walk():
            lines.append(number + s.heading)
            lines += s.paragraphs
            for t in s.tables:
                lines.append(t.title)
                lines += ["  ".join(r) for r in t.rows]
        lines += self.closing
        lines += self.attachment_note()
        lines += [self.issuer, document_date(self.date)]
        lines += [f"（{n}）" for n in self.notes]
        for i, t in enumerate(self.attachments, start=1):
            lines.append(f"附件{i}" if len(self.attachments) > 1 else "附件")
            lines.append(t.title)
            lines.append("  ".join(t.columns))
            lines += ["  ".join(r) for r in t.rows]
            if t.note:
                lines.append(t.note)
        if self.copied_to:
            lines.append("抄送：" + "，".join(self.copied_to) + "。")
        lines.append(
            f"{self.printed_by or self.issuer}  {document_date(self.printed_on or self.date)}印发"
        )
        return "\n".join(lines)
