"""Documents for a unit, in one call: what ``dudao report`` and the web pages' report
button use.

Build a :class:`~dudao.report.document.Document` (the builders of
:mod:`dudao.report.builders`, fed by :mod:`dudao.api` and the case store), then
:func:`render` it as bytes (a web response) or :func:`write` it to a file::

    from dudao import api
    from dudao.report import documents
    doc = documents.supervision_report_for("path/to/dataset", api.load_plugins(), "450103")
    data = documents.render(doc, "pdf")        # bytes; documents.MEDIA_TYPES["pdf"]
    documents.write(doc, "report.docx")        # format from the suffix

python-docx and WeasyPrint are imported when a document is rendered, not before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dudao import api
from dudao.errors import DudaoError, Problem
from dudao.report.builders import (
    known_offices,
    plan_progress,
    rectification_notice,
    supervision_order,
    supervision_report,
)
from dudao.report.document import Document, DocumentKind

if TYPE_CHECKING:
    from dudao.evaluation.score import Evaluation
    from dudao.model.hierarchy import Hierarchy
    from dudao.plugins.manager import PluginSet
    from dudao.store.cases import CaseStore

Format = Literal["docx", "pdf"]
FORMATS: tuple[Format, ...] = ("docx", "pdf")
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Document",
    "DocumentKind",
    "case_document",
    "filename",
    "plan_progress_for",
    "render",
    "supervision_report_for",
    "write",
]


def supervision_report_for(
    dataset: str | Path,
    plugins: PluginSet,
    unit: str,
    *,
    as_of: dt.date | None = None,
    evaluations: Sequence[Evaluation] = (),
    issuer: str | None = None,
    number: str | None = None,
) -> Document:
    """The 督导报告 of ``unit`` from :func:`dudao.api.check` on ``dataset`` (as of
    ``as_of``, default the dataset's date) and any ``evaluations`` already run."""
    result = api.check(dataset, plugins, as_of=as_of)
    return supervision_report(
        unit,
        check=result,
        evaluations=evaluations,
        issuer=issuer,
        number=number,
        offices=known_offices(plugins, result.hierarchy),
    )


def plan_progress_for(
    dataset: str | Path,
    plugins: PluginSet,
    unit: str | None = None,
    *,
    as_of: dt.date | None = None,
    plugin: str | None = None,
    plan: str | None = None,
    issuer: str | None = None,
    number: str | None = None,
) -> Document:
    """The work-plan progress report from :func:`dudao.api.measure_plans`."""
    report = api.measure_plans(dataset, plugins, plugin=plugin, plan=plan, as_of=as_of)
    offices = known_offices(plugins, report.hierarchy)
    return plan_progress(report, unit, issuer=issuer, number=number, offices=offices)


def case_document(
    kind: DocumentKind | str,
    store: CaseStore,
    case_id: str,
    *,
    hierarchy: Hierarchy | None = None,
    number: str | None = None,
    sample: bool = False,
) -> Document:
    """The 督办单 (``order``) or 整改通知书 (``rectification``) of a case in ``store``."""
    kind = DocumentKind.parse(kind)
    record = store.case(case_id)
    if not record.events:
        raise DudaoError(
            Problem(
                f"案件库中没有案件 '{case_id}'",
                code="unknown-case",
                path=("case",),
                hint="用 dudao cases list 查看已有案件编号",
            )
        )
    if kind is DocumentKind.SUPERVISION_ORDER:
        return supervision_order(record, hierarchy=hierarchy, number=number, sample=sample)
    if kind is DocumentKind.RECTIFICATION_NOTICE:
        return rectification_notice(record, hierarchy=hierarchy, number=number, sample=sample)
    raise DudaoError(
        Problem(
            f"案件只能生成督办单或整改通知书，不能生成“{kind.label}”",
            code="bad-document-kind",
            hint="可选：order（督办单）、rectification（整改通知书）",
        )
    )


def _format(fmt: str) -> Format:
    text = fmt.lower().lstrip(".")
    for f in FORMATS:
        if text == f:
            return f
    raise DudaoError(
        Problem(
            f"不支持的文档格式 '{fmt}'",
            code="bad-format",
            hint="可选：docx（Word）、pdf",
        )
    )


def render(doc: Document, fmt: str = "pdf", *, official_fonts: bool = False) -> bytes:
    """The document as the bytes of a ``docx`` or ``pdf`` file. ``official_fonts``: the
    .docx names the standard's fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312)
    instead of the free Noto CJK ones, for computers that have them (a PDF is always
    drawn with the fonts installed here)."""
    f = _format(fmt)
    if f == "docx":
        from dudao.report.docx import GOVERNMENT, NOTO, render_docx

        return render_docx(doc, GOVERNMENT if official_fonts else NOTO)
    from dudao.report.pdf import render_pdf

    return render_pdf(doc)


def write(
    doc: Document, path: str | Path, fmt: str | None = None, *, official_fonts: bool = False
) -> Path:
    """Write the document to ``path`` (format: ``fmt``, else the file's suffix;
    ``official_fonts``: see :func:`render`)."""
    path = Path(path)
    f = _format(fmt or path.suffix or "")
    data = render(doc, f, official_fonts=official_fonts)
    path.write_bytes(data)
    return path


def filename(doc: Document, fmt: str = "pdf") -> str:
    """A file name for a download: the title, the date, the format's suffix, with
    nothing a file system or an HTTP header would read as a separator."""
    safe = "".join(c for c in doc.title if c.isalnum() or c in "（）()-_·")[:60] or "文档"
    return f"{safe}-{doc.date.isoformat()}.{_format(fmt)}"
