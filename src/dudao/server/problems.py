"""Problems as the service answers them: the library's :class:`~dudao.errors.Problem`
fields in JSON, and the HTTP status each problem code means.

>>> from dudao.errors import Problem
>>> problem_json(Problem("学生数为负数", source="schools.csv", row=7, path=("students",),
...                      code="invalid-value"))["text"]
'schools.csv 第7行 students: 学生数为负数'
>>> status_for(["forbidden"]), status_for(["invalid-value"]), status_for(["unknown-case"])
(403, 422, 404)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dudao.errors import DudaoError, Problem

#: Problem codes with a status other than 422 (bad input).
STATUS = {
    "not-signed-in": 401,
    "bad-credentials": 401,
    "bad-token": 401,
    "forbidden": 403,
    "csrf": 403,
    "not-found": 404,
    "unknown-case": 404,
    "unknown-unit": 404,
    "unknown-submission": 404,
    "unknown-account": 404,
    "case-exists": 409,
    "account-exists": 409,
    "not-awaiting": 409,
    "stale-seq": 412,
    "precondition-required": 428,
    "too-many-attempts": 429,
    "store-conflict": 503,
    "no-data": 404,
}


def status_for(codes: Iterable[str | None]) -> int:
    """The HTTP status of an error carrying problems with these codes: the first
    code with a status of its own, else 422."""
    for code in codes:
        if code in STATUS:
            return STATUS[code]
    return 422


def problem_json(p: Problem) -> dict[str, Any]:
    """A problem's fields as JSON, plus ``text``: the problem as the CLI prints it."""
    return {
        "message": p.message,
        "source": p.source,
        "line": p.line,
        "row": p.row,
        "path": list(p.path),
        "code": p.code,
        "hint": p.hint,
        "text": str(p),
    }


def error_json(exc: DudaoError) -> dict[str, Any]:
    return {"problems": [problem_json(p) for p in exc.problems]}


def fail(code: str, message: str, hint: str | None = None, **where: Any) -> DudaoError:
    """A DudaoError of one problem (raise it)."""
    return DudaoError(Problem(message, code=code, hint=hint, **where))
