"""What every router shares: documented error responses, pagination, scope checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from dudao.model.hierarchy import Hierarchy
from dudao.server.accounts import Account
from dudao.server.problems import fail


class ProblemOut(BaseModel):
    """One problem, as the library reports it (:class:`dudao.errors.Problem`)."""

    message: str
    source: str | None = None
    line: int | None = None
    row: int | None = None
    path: list[str | int] = []
    code: str | None = None
    hint: str | None = None
    text: str


class ErrorOut(BaseModel):
    """An error: every problem found, each located and with a hint."""

    problems: list[ProblemOut]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


#: The error answers every authenticated route may give (documented so clients and
#: schemathesis know them).
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("请求无法解析（如 JSON 格式错误）"),
    401: _error("未登录，或令牌无效"),
    403: _error("无权在该单位进行此操作"),
    422: _error("输入有误（逐条列出问题、位置与修改建议）"),
    429: _error("请求过多"),
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _error("不存在，或不在本账号的管辖范围内")}
CONFLICT: dict[int | str, dict[str, Any]] = {409: _error("与现有数据冲突")}
PRECONDITION: dict[int | str, dict[str, Any]] = {
    412: _error("If-Match 与当前版本不符：已被他人修改"),
    428: _error("缺少 If-Match 头"),
}

T = TypeVar("T")


class Paging(BaseModel):
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=500)


def paging(
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="跳过的条数")] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="每页条数（最多 500）")] = 50,
) -> Paging:
    return Paging(offset=offset, limit=limit)


def page(items: Sequence[T], paging: Paging) -> dict[str, Any]:
    """One page of ``items`` with the total."""
    return {
        "total": len(items),
        "offset": paging.offset,
        "limit": paging.limit,
        "items": list(items[paging.offset : paging.offset + paging.limit]),
    }


def known_unit(code: str, hierarchy: Hierarchy) -> str:
    if code not in hierarchy:
        raise fail("unknown-unit", f"没有单位 {code}", hint="给出行政区划代码，如 450103")
    return code


def visible_unit(account: Account, code: str, hierarchy: Hierarchy) -> str:
    """``code`` if the account may see it; 404 otherwise — outside the scope, a unit is
    answered as if it did not exist, so nothing about it leaks."""
    from dudao.server.access import can_view

    if code not in hierarchy or not can_view(account, code, hierarchy):
        raise fail(
            "unknown-unit",
            f"没有单位 {code}，或它不在本账号的管辖范围内",
            hint=f"本账号可查看 {account.unit} 及其下级单位",
        )
    return code


def forbidden(message: str, hint: str | None = None) -> Exception:
    return fail("forbidden", message, hint=hint)
