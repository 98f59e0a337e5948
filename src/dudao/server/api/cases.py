"""``/api/v1/cases``: accountability cases through the case store and state machine."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel, Field

from dudao.server import casework
from dudao.server.api.common import (
    AUTH_ERRORS,
    CONFLICT,
    NOT_FOUND,
    PRECONDITION,
    Paging,
    page,
    paging,
    visible_unit,
)
from dudao.server.deps import CurrentAccount, ServiceDep, client_address
from dudao.workflow import SevereTrigger, Source, Step

router = APIRouter(
    prefix="/cases", tags=["案件"], responses={**AUTH_ERRORS, **NOT_FOUND, **CONFLICT}
)

CaseId = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$", description="案件编号")
]


def _one_of(values: list[str], description: str) -> Any:
    """A text that must be one of ``values`` (an enum in the OpenAPI schema)."""
    return Field(
        pattern="^(" + "|".join(values) + ")$",
        json_schema_extra={"enum": list[Any](values)},
        description=description,
    )


SourceName = Annotated[str, _one_of([s.value for s in Source], "案件来源")]
SevereName = Annotated[str, _one_of([s.value for s in SevereTrigger], "严重情形")]
StepName = Annotated[
    str, _one_of([s.value for s in Step if s is not Step.OPENED], "步骤（英文名）")
]
AnyStep = Annotated[str, _one_of([s.value for s in Step], "最近一步")]
Text200 = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
Day = Annotated[dt.date, Field(ge=dt.date(1990, 1, 1), le=dt.date(2100, 12, 31))]


class CaseOut(BaseModel):
    case_id: str | None
    target: str | None
    target_name: str | None
    status: str
    last_step: str | None
    last_date: str | None
    events: int
    rank: int
    deadline: str | None
    closed: bool
    procedure: int
    allowed_next: list[str]


class EventOut(BaseModel):
    seq: int | None
    step: str
    step_label: str
    date: str
    actor: str
    target: str
    citation: str
    payload: dict[str, Any]
    extra: dict[str, str]


class CaseRecordOut(BaseModel):
    case: CaseOut
    events: list[EventOut]


class CasePage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[CaseOut]


class OpenCase(BaseModel):
    target: str = Field(min_length=1, max_length=32, description="被督导单位代码")
    date: Day
    summary: str = Field("", max_length=2000, pattern=r"^[^\x00]*$")
    reference: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    source: SourceName = "inspection"
    severe: SevereName | None = None
    citation: Text200 | None = None
    actor: Text200 | None = None


class Advance(BaseModel):
    step: StepName
    date: Day
    payload: dict[str, Any] = Field(
        default_factory=dict, description="事件内容（字段见 dudao cases advance --help）"
    )
    actor: Text200 | None = None
    citation: Text200 | None = None
    extra: dict[
        Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")],
        Annotated[str, Field(max_length=2000, pattern=r"^[^\x00]*$")],
    ] = Field(default_factory=dict)


class OverdueOut(BaseModel):
    case_id: str
    target: str
    status: str
    deadline: str
    days: int
    due: str
    due_label: str


class OverduePage(BaseModel):
    as_of: str
    total: int
    offset: int
    limit: int
    items: list[OverdueOut]


def _with_etag(response: Response, rec: Any, service: Any) -> dict[str, Any]:
    response.headers["ETag"] = casework.etag(rec.state)
    return casework.record_json(rec, service)


@router.get("", response_model=CasePage, summary="本账号可见的案件")
def list_cases(
    service: ServiceDep,
    account: CurrentAccount,
    p: Annotated[Paging, Depends(paging)],
    unit: Annotated[str | None, Query(max_length=32, description="只看该单位及其下级")] = None,
    closed: Annotated[bool | None, Query()] = None,
    step: Annotated[
        str | None, Query(pattern="^(" + "|".join(s.value for s in Step) + ")$")
    ] = None,
) -> dict[str, Any]:
    if unit is not None:
        visible_unit(account, unit, service.hierarchy)
    total, rows = casework.case_page(
        service, account, unit=unit, closed=closed, step=step, offset=p.offset, limit=p.limit
    )
    return {
        "total": total,
        "offset": p.offset,
        "limit": p.limit,
        "items": [casework.state_json(s, service) for s in rows],
    }


@router.get("/overdue", response_model=OverduePage, summary="下级单位逾期未整改的案件（上级跟进）")
def overdue(
    service: ServiceDep,
    account: CurrentAccount,
    p: Annotated[Paging, Depends(paging)],
    as_of: Annotated[dt.date | None, Query(description="以该日期判断（默认今天）")] = None,
) -> dict[str, Any]:
    day = as_of or dt.date.today()
    rows = [
        {
            "case_id": o.case_id,
            "target": o.target,
            "status": o.status,
            "deadline": o.deadline.isoformat(),
            "days": o.days,
            "due": o.due.value,
            "due_label": o.due.label,
        }
        for o in casework.overdue(service, account, day)
    ]
    return {"as_of": day.isoformat(), **page(rows, p)}


@router.post("", response_model=CaseRecordOut, status_code=201, summary="立案（上级对下级）")
def open_case(
    body: OpenCase,
    request: Request,
    response: Response,
    service: ServiceDep,
    account: CurrentAccount,
) -> dict[str, Any]:
    rec = casework.open_case(
        service,
        account,
        target=body.target,
        date=body.date,
        summary=body.summary,
        reference=body.reference,
        source=body.source,
        severe=body.severe,
        citation=body.citation,
        actor=body.actor,
        address=client_address(request),
    )
    response.headers["Location"] = f"/api/v1/cases/{rec.case_id}"
    return _with_etag(response, rec, service)


@router.get(
    "/{case_id}", response_model=CaseRecordOut, summary="一个案件：全部事件（含依据）与当前状态"
)
def get(
    case_id: CaseId, response: Response, service: ServiceDep, account: CurrentAccount
) -> dict[str, Any]:
    return _with_etag(response, casework.visible_case(service, account, case_id), service)


@router.post(
    "/{case_id}/events",
    response_model=CaseRecordOut,
    status_code=201,
    summary="推进案件：记录下一步（须带 If-Match）",
    responses=PRECONDITION,
)
def advance(
    case_id: CaseId,
    body: Advance,
    request: Request,
    response: Response,
    service: ServiceDep,
    account: CurrentAccount,
    if_match: Annotated[str | None, Header(max_length=200, description="所读案件的 ETag")] = None,
) -> dict[str, Any]:
    rec = casework.advance(
        service,
        account,
        case_id,
        if_match=if_match,
        step=body.step,
        date=body.date,
        payload=body.payload,
        actor=body.actor,
        citation=body.citation,
        extra=body.extra,
        address=client_address(request),
    )
    return _with_etag(response, rec, service)
