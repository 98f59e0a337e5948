"""A :class:`~dudao.report.document.Document` as HTML and as PDF (WeasyPrint).

The HTML is self-contained (no asset fetched from anywhere: government intranets)
and laid out after GB/T 9704-2012 like :mod:`dudao.report.docx`: A4, margins
37/35/28/26 mm, 16 pt body on a 28 pt line pitch, two-character first-line indent,
“— 1 —” page numbers 7 mm under the text block, odd pages' on the right and even
pages' on the left, one character in from the edge. The fonts are the installed CJK
fonts :func:`dudao.io.fonts.cjk_font` finds (Noto Serif/Sans CJK SC from Debian's
``fonts-noto-cjk``); WeasyPrint embeds the subset it uses in the PDF.

Every string from the document is escaped (:func:`html.escape` of
:func:`~dudao.report.text.plain_text`): a name such as ``<script>`` prints as itself.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from dudao.errors import DudaoError, Problem
from dudao.io.fonts import cjk_font
from dudao.report.document import SAMPLE_NOTE, Document, Table, document_date
from dudao.report.text import plain_text

__all__ = ["render_html", "render_pdf", "write_pdf"]


# A space beside Chinese (厅发〔2020〕26号 二（七）): justification stretches U+0020 and
# U+00A0 only, so such a space becomes a fixed quarter-em one and no line shows a gap.
_CJK_SPACE = re.compile(r"(?<=[\u2e80-\uffef]) (?=\S)|(?<=\S) (?=[\u2e80-\uffef])")


def _e(value: Any) -> str:
    return html.escape(_CJK_SPACE.sub("\u2005", plain_text(value)), quote=True)


def _css(serif: str, sans: str, sample: bool) -> str:
    serif_q, sans_q = _e(serif), _e(sans)
    header = (
        f'@top-center {{ content: "{_e(SAMPLE_NOTE)}"; color: #c00000; '
        f'font-family: "{sans_q}", sans-serif; font-size: 10.5pt; }}'
        if sample
        else ""
    )
    return f"""
@page {{
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
  {header}
}}
@page :right {{
  @bottom-right {{ content: "— " counter(page) " —"; font-family: "{serif_q}", serif;
                  font-size: 14pt; padding-right: 14pt;
                  vertical-align: top; padding-top: 7mm; }}
}}
@page :left {{
  @bottom-left {{ content: "— " counter(page) " —"; font-family: "{serif_q}", serif;
                 font-size: 14pt; padding-left: 14pt;
                 vertical-align: top; padding-top: 7mm; }}
}}
html {{ font-family: "{serif_q}", serif; font-size: 16pt; line-height: 28pt; color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
.masthead {{ color: #c00000; font-size: 26pt; line-height: 40pt; text-align: center;
            text-indent: 0; letter-spacing: 0.05em; margin-bottom: 28pt;
            font-weight: bold; }}
.number {{ text-align: center; text-indent: 0; }}
.redline {{ border-bottom: 2px solid #c00000; margin: 4pt 0 28pt 0; }}
h1 {{ font-size: 22pt; line-height: 36pt; text-align: center; font-weight: bold;
      margin: 28pt 0 28pt 0; }}
.recipients {{ text-indent: 0; }}
.h1, .h2, .h3 {{ break-after: avoid; }}
.h1 {{ font-family: "{sans_q}", sans-serif; }}
.h2 {{ font-weight: bold; }}
.attach-note {{ margin-top: 28pt; }}
.attach-more {{ padding-left: 5em; text-indent: 0; }}
.signature {{ margin-top: 56pt; text-align: right; text-indent: 0; padding-right: 2em; }}
.date {{ text-align: right; text-indent: 0; padding-right: 4em; }}
.sign {{ break-inside: avoid; }}
.attachment {{ break-before: page; }}
.attachment-label {{ font-family: "{sans_q}", sans-serif; text-indent: 0; }}
.attachment h2 {{ font-size: 18pt; line-height: 32pt; text-align: center; font-weight: bold;
                 margin: 14pt 0; }}
.table-sample {{ text-align: center; text-indent: 0; font-size: 10.5pt; line-height: 16pt;
                 color: #c00000; margin-bottom: 8pt; }}
table {{ border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 15pt;
         margin: 4pt 0; }}
th, td {{ border: 0.75pt solid #000; padding: 3pt 4pt; vertical-align: top;
          overflow-wrap: anywhere; }}
th {{ font-family: "{sans_q}", sans-serif; font-weight: normal; background: #f2f2f2; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
.table-note {{ font-size: 10.5pt; line-height: 16pt; text-indent: 0; }}
.colophon {{ margin-top: 28pt; font-size: 14pt; line-height: 24pt;
             border-top: 1.5px solid #000; border-bottom: 1.5px solid #000;
             break-inside: avoid; }}
.colophon p {{ text-indent: 0; padding: 2pt 1em; }}
.colophon .cc {{ border-bottom: 0.75px solid #000; }}
"""


def _table(t: Table) -> str:
    widths = t.widths or tuple(1.0 for _ in t.columns)
    total = sum(widths)
    cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in widths)
    head = "".join(f"<th>{_e(c)}</th>" for c in t.columns)
    rows = t.rows or (("（无）",) + ("",) * (len(t.columns) - 1),)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in r) + "</tr>" for r in rows)
    note = f'<p class="table-note">{_e(t.note)}</p>' if t.note else ""
    return (
        f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{note}"
    )


def render_html(doc: Document, *, serif: str | None = None, sans: str | None = None) -> str:
    """The document as one self-contained HTML page (print CSS included). Fonts:
    the installed CJK fonts unless named."""
    serif = serif or cjk_font("serif").family
    sans = sans or cjk_font("sans").family
    out = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{_e(doc.title)}</title>",
        f"<style>{_css(serif, sans, doc.sample)}</style></head><body>",
    ]
    if doc.masthead:
        size = doc.masthead_size()
        out.append(f'<p class="masthead" style="font-size:{size}pt">{_e(doc.masthead)}</p>')
    if doc.shown_number:
        out.append(f'<p class="number">{_e(doc.shown_number)}</p>')
    if doc.masthead:
        out.append('<div class="redline"></div>')
    out.append(f"<h1>{_e(doc.title)}</h1>")
    if doc.recipients:
        out.append(f'<p class="recipients">{_e("、".join(doc.recipients))}：</p>')
    out += [f"<p>{_e(t)}</p>" for t in doc.opening]
    for depth, number, s in doc.walk():
        cls = f"h{min(depth, 3)}"
        out.append(f'<p class="{cls}">{_e(number + s.heading)}</p>')
        out += [f"<p>{_e(t)}</p>" for t in s.paragraphs]
        for t in s.tables:
            out.append(f'<p class="number">{_e(t.title)}</p>{_table(t)}')
    out += [f"<p>{_e(t)}</p>" for t in doc.closing]
    notes = doc.attachment_note()
    if notes:  # the 附件说明 is not split across pages
        out.append('<div class="sign">')
        for i, text in enumerate(notes):
            out.append(f'<p class="{"attach-more" if i else "attach-note"}">{_e(text)}</p>')
        out.append("</div>")
    out.append(
        f'<div class="sign"><p class="signature">{_e(doc.issuer)}</p>'
        f'<p class="date">{_e(document_date(doc.date))}</p></div>'
    )
    out += [f"<p>（{_e(n)}）</p>" for n in doc.notes]
    for i, t in enumerate(doc.attachments, start=1):
        label = f"附件{i}" if len(doc.attachments) > 1 else "附件"
        sample = f'<p class="table-sample">（{_e(SAMPLE_NOTE)}）</p>' if t.sample else ""
        out.append(
            f'<section class="attachment"><p class="attachment-label">{label}</p>'
            f"<h2>{_e(t.title)}</h2>{sample}{_table(t)}</section>"
        )
    printed = doc.printed_by or doc.issuer
    when = document_date(doc.printed_on or doc.date)
    cc = f'<p class="cc">抄送：{_e("，".join(doc.copied_to))}。</p>' if doc.copied_to else ""
    out.append(
        f'<div class="colophon">{cc}<p>{_e(printed)}　　{_e(when)}印发</p></div></body></html>'
    )
    return "".join(out)


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes, its CJK fonts embedded (WeasyPrint)."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise DudaoError(
            Problem(
                f"无法生成 PDF：WeasyPrint 不可用（{exc}）",
                code="no-weasyprint",
                hint="安装 pip install 'dudao[documents]'，以及 Debian 软件包 "
                "libpango-1.0-0 libpangoft2-1.0-0；或改用 --format docx",
            )
        ) from None
    import logging

    # WeasyPrint warns on CSS it ignores through logging; those are not the user's
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    pdf: bytes = HTML(string=render_html(doc), base_url=None, url_fetcher=_no_fetch).write_pdf()
    return pdf


def _no_fetch(url: str, *_: Any, **__: Any) -> Any:
    """The page names no resource; should one appear, nothing is fetched or read."""
    raise ValueError(f"不读取外部资源：{url}")


def write_pdf(doc: Document, path: str | Path) -> Path:
    """Write the document to ``path`` as PDF; returns the path."""
    path = Path(path)
    path.write_bytes(render_pdf(doc))
    return path
