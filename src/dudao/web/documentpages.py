"""Documents (公文) from the pages: a case's 督办单 and 整改通知书, a unit's 督导报告 as a
page to read and, with its work-plan progress report, as .docx or PDF — the
documents ``dudao report`` writes (:mod:`dudao.report.documents`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dudao.errors import DudaoError
from dudao.server.evaluations import sets_in_force
from dudao.web import backend
from dudao.web.backend import DataSource
from dudao.web.casepages import case_context
from dudao.web.guards import PageDenied, SignedIn, VisibleUnit
from dudao.web.render import download, problems_text, render, unit_path

router = APIRouter(include_in_schema=False)


@router.get("/cases/{case_id}/{kind}.{fmt}", response_model=None)
def case_document(
    request: Request, account: SignedIn, case_id: str, kind: str, fmt: str
) -> Response:
    """督办单 (``order``) or 整改通知书 (``rectification``) of a case, .docx or .pdf."""
    from dudao.report import documents

    case_context(request, account, case_id)  # 404 for a case the account may not see
    if fmt not in documents.FORMATS or kind not in ("order", "rectification"):
        raise PageDenied("没有这种文档")
    try:
        doc = documents.case_document(
            kind, backend.cases(request), case_id, hierarchy=backend.hierarchy(request)
        )
        data = documents.render(doc, fmt)
    except DudaoError as exc:
        raise PageDenied(problems_text(exc), 422) from exc
    return download(data, documents.filename(doc, fmt), documents.MEDIA_TYPES[fmt])


@router.get("/units/{code}/report", response_model=None)
def report_page(request: Request, account: SignedIn, unit: VisibleUnit) -> Response:
    """The unit's 督导报告 as a page to read — the same document
    (:func:`dudao.report.documents.supervision_report_for`) the .docx and PDF
    downloads lay out after GB/T 9704."""
    from dudao.report.document import document_date

    code = unit.code
    source = backend.data_for(request, code)
    context: dict[str, Any] = {"unit": unit, "path": unit_path(request, account, code)}
    if source is None:
        return render(request, "unit.html", {**context, "source": None})
    try:
        doc = _report_document(source, backend.plugins(request), code)
    except DudaoError as exc:
        raise PageDenied(problems_text(exc), 422) from exc
    context.update(
        {
            "source": source,
            "doc": doc,
            "parts": list(doc.walk()),
            "attachment_note": doc.attachment_note(),
            "date_text": document_date(doc.date),
        }
    )
    return render(request, "report.html", context)


@router.get("/units/{code}/{kind}.{fmt}", response_model=None)
def unit_document(
    request: Request, account: SignedIn, unit: VisibleUnit, kind: str, fmt: str
) -> Response:
    """The unit's 督导报告 (``report``) or work-plan progress report (``plan``)."""
    from dudao.report import documents

    code = unit.code
    source = backend.data_for(request, code)
    if source is None or fmt not in documents.FORMATS or kind not in ("report", "plan"):
        raise PageDenied("没有这种文档，或本单位还没有已审核的数据")
    plugins = backend.plugins(request)
    try:
        if kind == "report":
            doc = _report_document(source, plugins, code)
        else:
            doc = documents.plan_progress_for(source.folder, plugins, code)
        data = documents.render(doc, fmt)
    except DudaoError as exc:
        raise PageDenied(problems_text(exc), 422) from exc
    return download(data, documents.filename(doc, fmt), documents.MEDIA_TYPES[fmt])


def _report_document(source: DataSource, plugins: Any, code: str) -> Any:
    from dudao import api
    from dudao.report import documents

    evaluations = []
    if source.evaluation is not None:
        day = backend.today()
        for set_id, _ in sets_in_force(plugins, code, day):
            try:
                evaluations.append(
                    api.evaluate(source.evaluation, plugins, set_id, unit=code, as_of=day)
                )
            except DudaoError:
                continue  # no data for it: the report leaves it out
    return documents.supervision_report_for(source.folder, plugins, code, evaluations=evaluations)
