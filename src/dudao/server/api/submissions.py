"""``/api/v1/submissions``: a unit's dataset tables for a year, approved level by level."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from pydantic import BaseModel, Field

from dudao.server import submissions as subs
from dudao.server.api.common import (
    AUTH_ERRORS,
    CONFLICT,
    NOT_FOUND,
    Paging,
    page,
    paging,
    visible_unit,
)
from dudao.server.deps import CurrentAccount, ServiceDep, client_address

router = APIRouter(
    prefix="/submissions", tags=["数据报送"], responses={**AUTH_ERRORS, **NOT_FOUND, **CONFLICT}
)


class Deadline(BaseModel):
    plan: str
    plan_title: str
    task: str
    text: str
    deadline: str
    cite: str


class SubmissionOut(BaseModel):
    id: int
    unit: str
    unit_name: str
    year: int
    version: int
    status: Literal["submitted", "approved", "returned"]
    status_label: str
    as_of: str | None
    approver_unit: str | None
    submitted_by: str
    submitted_at: str | None
    decided_by: str | None
    decided_at: str | None
    reason: str | None
    digest: str
    late: list[Deadline]
    files: list[str]
    approval_level: str | None = Field(
        None, description="最近一次审核通过的单位（尚未审核或命令行导入时为空）"
    )
    accepted: bool = Field(False, description="上一级是否已接收该层级的审核")
    next_unit: str | None = Field(None, description="下一步由哪个单位办理（审核、退回或接收）")


class SubmissionPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[SubmissionOut]


class Decision(BaseModel):
    reason: str | None = Field(None, max_length=2000, description="退回须说明理由")


class DeadlinesOut(BaseModel):
    unit: str
    year: int
    deadlines: list[Deadline]


SubmissionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Year = Annotated[int, Form(ge=1990, le=2100, description="报送年度")]


@router.get("", response_model=SubmissionPage, summary="本账号可见的报送（最新在前）")
def list_submissions(
    service: ServiceDep,
    account: CurrentAccount,
    p: Annotated[Paging, Depends(paging)],
    unit: Annotated[str | None, Query(max_length=32, description="只看该单位及其下级")] = None,
    status: Annotated[Literal["submitted", "approved", "returned"] | None, Query()] = None,
    awaiting_me: Annotated[bool, Query(description="只看待本单位审核的")] = False,
) -> dict[str, Any]:
    if unit is not None:
        visible_unit(account, unit, service.hierarchy)
    rows = subs.listing(service, account, unit=unit, status=status, awaiting_me=awaiting_me)
    return page(rows, p)


@router.post("", response_model=SubmissionOut, status_code=201, summary="报送数据表（CSV/Excel）")
async def submit(
    request: Request,
    service: ServiceDep,
    account: CurrentAccount,
    unit: Annotated[str, Form(min_length=1, max_length=32, description="报送单位代码")],
    year: Year,
    files: Annotated[
        list[UploadFile], File(description="数据表文件，如 schools.csv、inspectors.xlsx")
    ],
    as_of: Annotated[
        dt.date | None, Form(description="检查日期（默认：当年为今天，往年为 12 月 31 日）")
    ] = None,
) -> dict[str, Any]:
    uploads = [subs.Upload(f.filename or "", await f.read()) for f in files]
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(
        subs.submit,
        service,
        account,
        unit=unit,
        year=year,
        files=uploads,
        as_of=as_of,
        address=client_address(request),
    )


@router.get(
    "/deadlines", response_model=DeadlinesOut, summary="单位某年度的报送期限（来自工作要点）"
)
def deadlines(
    service: ServiceDep,
    account: CurrentAccount,
    unit: Annotated[str, Query(min_length=1, max_length=32)],
    year: Annotated[int, Query(ge=1990, le=2100)],
) -> dict[str, Any]:
    visible_unit(account, unit, service.hierarchy)
    return {"unit": unit, "year": year, "deadlines": subs.deadlines(service, unit, year)}


@router.get("/{submission_id}", response_model=SubmissionOut, summary="一次报送")
def get(
    submission_id: SubmissionId, service: ServiceDep, account: CurrentAccount
) -> dict[str, Any]:
    return subs.visible(service, account, submission_id)


@router.post("/{submission_id}/approve", response_model=SubmissionOut, summary="审核通过（上一级）")
def approve(
    submission_id: SubmissionId,
    request: Request,
    service: ServiceDep,
    account: CurrentAccount,
    body: Decision | None = None,
) -> dict[str, Any]:
    return subs.decide(
        service,
        account,
        submission_id,
        approve=True,
        reason=body.reason if body else None,
        address=client_address(request),
    )


@router.post("/{submission_id}/return", response_model=SubmissionOut, summary="退回（须说明理由）")
def return_(
    submission_id: SubmissionId,
    body: Decision,
    request: Request,
    service: ServiceDep,
    account: CurrentAccount,
) -> dict[str, Any]:
    return subs.decide(
        service,
        account,
        submission_id,
        approve=False,
        reason=body.reason,
        address=client_address(request),
    )


def _step(action: str, summary: str, description: str) -> None:
    def handler(
        submission_id: SubmissionId,
        request: Request,
        service: ServiceDep,
        account: CurrentAccount,
        body: Decision | None = None,
    ) -> dict[str, Any]:
        return subs.step(
            service,
            account,
            submission_id,
            action,
            reason=body.reason if body else None,
            address=client_address(request),
        )

    handler.__name__ = action
    router.post(
        f"/{{submission_id}}/{action}",
        response_model=SubmissionOut,
        summary=summary,
        description=description,
    )(handler)


_step(
    "accept",
    "接收下一级的审核（审核层级的上一级）",
    "接收后，下一级不能再撤销其审核；接收者随后可逐级审核通过。",
)
_step("unaccept", "撤销接收（尚未继续审核时）", "撤销后，下一级可以撤销其审核。")
_step(
    "unapprove",
    "撤销本级的审核（上一级尚未接收时）",
    "审核层级退回到下一级（其审核仍为本级已接收），或回到待审核。",
)
