"""Submissions (报送): a unit's upload form, the upload itself — every problem located
by file, row and column, the bad cells shown in the rows around them — and the
decision of the level above (approve, return with a reason)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import attrs
from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from dudao.errors import DudaoError, Problem
from dudao.lazyimports import pd
from dudao.web import backend
from dudao.web.backend import Account
from dudao.web.guards import PageDenied, SignedIn, VisibleUnit, check_csrf
from dudao.web.render import problems_text, render, safe_next, unit_path

router = APIRouter(include_in_schema=False)
UPLOAD_LIMIT = 50 * 1024 * 1024  # bytes read of an uploaded file (the service's limit)
NO_CAPTURE = "您的账号没有为该单位报送数据的权限"


def _tables() -> list[tuple[str, str]]:
    from dudao.model.tables import TABLES

    return [(name, spec.label_zh) for name, spec in TABLES.items()]


def _may_capture(request: Request, account: Account, code: str) -> None:
    if not backend.can_capture(request, account, code):
        raise PageDenied(NO_CAPTURE, 403)


@router.get("/units/{code}/upload", response_model=None)
def upload_page(request: Request, account: SignedIn, unit: VisibleUnit) -> Response:
    _may_capture(request, account, unit.code)
    context = {"unit": unit, "path": unit_path(request, account, unit.code), "tables": _tables()}
    return render(request, "upload.html", {**context, "report": None, "year": backend.today().year})


@attrs.frozen
class _Located:
    file: str
    row: int | None
    field: str
    message: str
    hint: str


@router.post("/units/{code}/upload", response_model=None)
async def upload(
    request: Request,
    account: SignedIn,
    unit: VisibleUnit,
    files: list[UploadFile],
    year: int = Form(...),
    csrf_token: str = Form(""),
) -> Response:
    code = unit.code
    check_csrf(request, csrf_token)
    _may_capture(request, account, code)
    received: list[tuple[str, bytes]] = []
    for f in files:
        data = await f.read(UPLOAD_LIMIT + 1)
        received.append((Path(f.filename or "").name, data))
    located: list[_Located] = []
    submitted: dict[str, Any] | None = None
    try:
        submitted = backend.submit(request, account, code, year, received)
    except DudaoError as exc:
        located = [_locate(p) for p in exc.problems]
    context = {
        "unit": unit,
        "path": unit_path(request, account, code),
        "tables": _tables(),
        "year": year,
        "deadlines": backend.deadlines(request, code, year),
        "files": sorted(name for name, _ in received),
        "report": {
            "ok": not located,
            "submitted": submitted,
            "problems": located,
            "previews": _previews(received, located),
        },
    }
    return render(request, "upload.html", context, 200 if not located else 422)


def _locate(p: Problem) -> _Located:
    source = p.source or ""
    # the service names a table's rows as "schools（schools.csv）"
    if "（" in source and source.endswith("）"):
        source = source[source.index("（") + 1 : -1]
    field = ".".join(str(s) for s in p.path)
    return _Located(
        Path(source).name if source else "—", p.row or p.line, field, p.message, p.hint or ""
    )


def _previews(received: list[tuple[str, bytes]], located: list[_Located]) -> list[dict[str, Any]]:
    """Each uploaded CSV's rows around its problems, the bad cells marked (row n of
    the file is the n-th line: the header is row 1)."""
    out = []
    for name, data in received:
        mine = [p for p in located if p.file == name and p.row]
        if not name.lower().endswith(".csv") or not mine:
            continue
        try:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, nrows=100_000)
        except Exception:  # unreadable: the service's own problem says why
            continue
        bad_rows = {p.row for p in mine}
        bad_cells = {(p.row, p.field) for p in mine}
        wanted = sorted({r - 2 + d for r in bad_rows if r for d in (-1, 0, 1)})[:60]
        rows = [
            {
                "row": i + 2,
                "bad": (i + 2) in bad_rows,
                "cells": [
                    {"text": str(v), "bad": (i + 2, str(col)) in bad_cells}
                    for col, v in frame.iloc[i].items()
                ],
            }
            for i in wanted
            if 0 <= i < len(frame)
        ]
        out.append({"file": name, "columns": [str(c) for c in frame.columns], "rows": rows})
    return out


@router.post("/submissions/{submission_id}/decide", response_model=None)
def decide(
    request: Request,
    account: SignedIn,
    submission_id: int,
    decision: str = Form(""),
    reason: str = Form(""),
    csrf_token: str = Form(""),
    back: str = Form("/"),
) -> Response:
    check_csrf(request, csrf_token)
    try:
        backend.step(request, account, submission_id, decision, reason)
    except DudaoError as exc:
        status = 404 if "unknown-submission" in exc.codes else 422
        status = 409 if "not-awaiting" in exc.codes else status
        status = 403 if "forbidden" in exc.codes else status
        raise PageDenied(problems_text(exc), status) from exc
    return RedirectResponse(safe_next(back) + "#waiting", status_code=303)
