"""``/api/v1/analysis``: check findings and work-plan status per unit, on its latest
approved data; findings opened as cases for the responsible units."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from dudao.server import analysis, evaluations
from dudao.server.api.common import AUTH_ERRORS, CONFLICT, NOT_FOUND, Paging, page, paging
from dudao.server.deps import CurrentAccount, ServiceDep, client_address

router = APIRouter(
    prefix="/analysis", tags=["分析评价"], responses={**AUTH_ERRORS, **NOT_FOUND, **CONFLICT}
)

UnitCode = Annotated[str, Path(min_length=1, max_length=32, description="行政区划代码")]
AsOf = Annotated[
    dt.date | None,
    Query(
        ge=dt.date(1990, 1, 1),
        le=dt.date(2100, 12, 31),
        description="检查日期（默认：数据的检查日期）",
    ),
]


class DataOut(BaseModel):
    submission_id: int
    unit: str
    year: int
    version: int
    as_of: str


class FindingOut(BaseModel):
    rule: str
    severity: str
    target_kind: str
    target: str
    target_name: str | None
    jurisdiction: str
    message: str
    message_en: str | None = None
    citation: str
    evidence: dict[str, Any] = {}
    plugin: str | None = None


class FindingPage(BaseModel):
    unit: str
    data: DataOut
    as_of: str
    total: int
    offset: int
    limit: int
    items: list[FindingOut]


class TaskOut(BaseModel):
    plan: str
    item: str
    task: str
    text: str
    lead: str | None
    responsible: list[str]
    deadline: str
    target: str | None
    status: str
    status_label: str
    reason: str
    citation: str | None
    evidence: dict[str, Any]


class PlanPage(BaseModel):
    unit: str
    data: DataOut
    as_of: str
    total: int
    offset: int
    limit: int
    items: list[TaskOut]


def _errors_only() -> list[Literal["error", "warning"]]:
    return ["error"]


class RouteIn(BaseModel):
    date: dt.date = Field(ge=dt.date(1990, 1, 1), le=dt.date(2100, 12, 31), description="立案日期")
    as_of: dt.date | None = Field(None, ge=dt.date(1990, 1, 1), le=dt.date(2100, 12, 31))
    severities: list[Literal["error", "warning"]] = Field(
        default_factory=_errors_only, min_length=1
    )


class RouteOut(BaseModel):
    opened: list[str]
    skipped: list[str]


@router.get("/{unit}/findings", response_model=FindingPage, summary="单位及其下级的检查发现")
def findings(
    unit: UnitCode,
    service: ServiceDep,
    account: CurrentAccount,
    p: Annotated[Paging, Depends(paging)],
    as_of: AsOf = None,
    jurisdiction: Annotated[
        str | None, Query(max_length=32, description="只看归属该单位的发现")
    ] = None,
) -> dict[str, Any]:
    data, day, rows = analysis.findings(service, account, unit, as_of)
    if jurisdiction:
        rows = [r for r in rows if r["jurisdiction"] == jurisdiction]
    return {"unit": unit, "data": data.json(), "as_of": day.isoformat(), **page(rows, p)}


@router.get("/{unit}/plans", response_model=PlanPage, summary="工作要点各项任务的完成情况")
def plans(
    unit: UnitCode,
    service: ServiceDep,
    account: CurrentAccount,
    p: Annotated[Paging, Depends(paging)],
    as_of: AsOf = None,
) -> dict[str, Any]:
    data, day, rows = analysis.plan_status(service, account, unit, as_of)
    return {"unit": unit, "data": data.json(), "as_of": day.isoformat(), **page(rows, p)}


class MeasuredOut(BaseModel):
    submission_id: int
    unit: str
    year: int
    version: int


class ScoreOut(BaseModel):
    target: str
    name: str
    year: int | None
    total: float
    grade: str
    vetoed: bool
    required_failed: bool
    rank: int


class EvaluationOut(BaseModel):
    set_id: str
    label: str
    title: str
    cite: str = Field(description="指标体系的依据（文号、条款）")
    sample: bool = Field(description="指标体系含示例数值（非文件所定）")
    maximum: float | None
    rows: list[ScoreOut]
    problem: str | None = Field(description="未能评估的原因（如测量数据缺少所需的列）")


class EvaluationsOut(BaseModel):
    unit: str
    data: MeasuredOut
    as_of: str
    items: list[EvaluationOut]


@router.get(
    "/{unit}/evaluations",
    response_model=EvaluationsOut,
    summary="单位及其下级的评估：本单位在该日有效的各指标体系（优质均衡、普及普惠，"
    "以及本地区的，如广西的履行教育职责评价），基于已审核的测量数据",
)
def evaluations_(
    unit: UnitCode,
    service: ServiceDep,
    account: CurrentAccount,
    as_of: Annotated[
        dt.date | None,
        Query(ge=dt.date(1990, 1, 1), le=dt.date(2100, 12, 31), description="评估日期（默认今天）"),
    ] = None,
) -> dict[str, Any]:
    data, day, items = evaluations.evaluations(service, account, unit, as_of)
    return {"unit": unit, "data": data.json(), "as_of": day.isoformat(), "items": items}


@router.post("/{unit}/cases", response_model=RouteOut, summary="按检查发现为责任单位立案（批量）")
def route(
    unit: UnitCode,
    body: RouteIn,
    request: Request,
    service: ServiceDep,
    account: CurrentAccount,
) -> dict[str, Any]:
    routed = analysis.route_findings(
        service,
        account,
        unit,
        date=body.date,
        as_of=body.as_of,
        severities=tuple(body.severities),
        address=client_address(request),
    )
    return {"opened": [s.case_id for s in routed.opened], "skipped": routed.skipped}
