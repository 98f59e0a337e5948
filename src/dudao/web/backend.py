"""What the pages take from the service, in one place.

The pages never reach into the service's tables: they ask this module for the
signed-in account, whether it may see or change a unit, the data that applies to a
unit, the case store and the submissions — each a thin call of :mod:`dudao.server`
(its guide is :mod:`dudao.server`'s docstring).
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import yaml
from starlette.requests import Request

from dudao.errors import DudaoError, Problem
from dudao.law.kinds import Kind
from dudao.model.findings import Severity
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import PluginSet
from dudao.server import access, analysis, deps, evaluations
from dudao.server import submissions as subs
from dudao.server.accounts import Account, Role
from dudao.server.service import Service
from dudao.store.cases import CaseStore
from dudao.workflow.steps import Step

__all__ = ["Account", "DataSource", "account", "csrf_ok", "csrf_token", "data_for"]


@attrs.frozen
class DataSource:
    """The dataset folder that applies to a unit, and whether it is sample data."""

    folder: Path
    sample: bool
    label: str  # where it came from, for the page
    evaluation: Path | None = None  # county measurements for the indicator sets
    evaluation_sample: bool = True


def service(request: Request) -> Service:
    return deps.get_service(request)


def plugins(request: Request) -> PluginSet:
    return service(request).plugins


def hierarchy(request: Request) -> Hierarchy:
    return service(request).hierarchy


def cases(request: Request) -> CaseStore:
    return service(request).store


# ------------------------------------------------------------ accounts
def account(request: Request) -> Account | None:
    """The signed-in account, or None."""
    return deps.optional_account(request)


def role_text(a: Account) -> str:
    return "、".join(r.label for r in sorted(a.roles))


def sign_in(request: Request, username: str, password: str) -> Account:
    """Sign in (raises DudaoError: bad credentials, too many attempts)."""
    return deps.sign_in(request, username, password)


def sign_out(request: Request) -> None:
    deps.sign_out(request)


def csrf_token(request: Request) -> str:
    """The session's CSRF token; every form carries it."""
    return deps.csrf_token(request)


def csrf_ok(request: Request, sent: str | None) -> bool:
    """Whether a form's token is the session's (compared in constant time)."""
    expected = request.session.get("csrf") if "session" in request.scope else None
    return (
        isinstance(expected, str)
        and bool(expected)
        and isinstance(sent, str)
        and secrets.compare_digest(expected.encode(), sent.encode())
    )


def can_view(request: Request, a: Account, code: str) -> bool:
    return access.can_view(a, code, hierarchy(request))


def can_capture(request: Request, a: Account, code: str) -> bool:
    return access.can_capture(a, code, hierarchy(request))


def can_write_case(request: Request, a: Account, code: str, step: Step | None = None) -> bool:
    return access.can_write_case(a, code, hierarchy(request), step)


# ---------------------------------------------------------------- data
def _evaluation_example(h: Hierarchy, code: str) -> Path:
    """The bundled sample measurements shown where none are approved: the example
    evaluation data about ``code``'s part of the tree (宜昌's under Hubei, 南宁's under
    Guangxi), else Nanning's."""
    from dudao.examples import EVALUATIONS, FOLDER

    for name in EVALUATIONS.values():
        targets = [t for t in _measured_units(FOLDER / name) if t in h]
        if any(h.contains(code, t) or h.contains(t, code) for t in targets):
            return FOLDER / name
    return FOLDER / EVALUATIONS["nanning"]


@functools.cache
def _measured_units(folder: Path) -> tuple[str, ...]:
    """The units a bundled measurement table measures (read once)."""
    import csv

    with (folder / "measurements.csv").open(encoding="utf-8", newline="") as f:
        return tuple(dict.fromkeys(row["target"] for row in csv.DictReader(f)))


def _sample(folder: Path) -> bool:
    try:
        info = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return False
    return bool(isinstance(info, dict) and info.get("sample"))


def data_for(request: Request, code: str) -> DataSource | None:
    """The latest approved data covering ``code``: its own, else that of the nearest
    unit above it that has some (a city's data covers its counties); None if none."""
    svc = service(request)
    h = svc.hierarchy
    found = None
    with svc.read() as conn:  # closed before folder_of opens its own connection
        for unit in reversed(h.path(code)):
            row = subs.latest_approved(conn, unit.code)
            if row is not None:
                found = unit, row.id, row.year, row.version
                break
    if found is None:
        return None
    unit, sid, year, version = found
    folder = subs.folder_of(svc, sid)
    who = "" if unit.code == code else f"（{unit.name}报送）"
    label = f"{unit.name}{year}年已审核数据（第{version}版）{who}"
    measured = evaluations.measured_for(svc, code)
    if measured is None:  # no approved measurements: the bundled sample, marked 示例
        return DataSource(folder, _sample(folder), label, _evaluation_example(h, code))
    measures = subs.folder_of(svc, measured.submission_id)
    return DataSource(folder, _sample(folder), label, measures, _sample(measures))
    return None


def findings(request: Request, a: Account, code: str) -> tuple[dt.date, list[dict[str, Any]]]:
    """The check's findings about ``code``'s subtree on its approved data, errors
    first (the service's analysis, cached per data and law version)."""
    _, day, rows = analysis.findings(service(request), a, code)
    order = {s.value: i for i, s in enumerate(Severity)}
    rows.sort(key=lambda r: (order.get(str(r.get("severity")), 9), str(r.get("jurisdiction"))))
    return day, rows


def plan_rows(request: Request, a: Account, code: str) -> tuple[dt.date, list[dict[str, Any]]]:
    """The tasks of the work plans in force for ``code``, measured in its subtree."""
    _, day, rows = analysis.plan_status(service(request), a, code)
    return day, rows


def plan_titles(request: Request) -> dict[str, str]:
    return {e.id: e.value.title for e in service(request).law.entries(Kind.WORK_PLAN)}


# --------------------------------------------------------- submissions
def waiting(request: Request, a: Account, code: str) -> list[dict[str, Any]]:
    """Submissions in ``code``'s subtree awaiting approval, and those approved on which
    this account's unit has a step to take (accept, approve further, withdraw), each
    with the steps this account may take (``actions``: approval step → label)."""
    h = hierarchy(request)
    rows = subs.listing(service(request), a, unit=code)
    out = []
    for r in rows:
        actions = _actions(a, r)
        if r["status"] != subs.SUBMITTED and not actions:
            continue
        nxt = r["next_unit"]
        out.append(
            {
                **r,
                "actions": actions,
                "may_decide": "approve" in actions and r["status"] == subs.SUBMITTED,
                "approver_name": h.get(r["approver_unit"]).name if r["approver_unit"] in h else "",
                "next_name": h.get(nxt).name if nxt in h else "",
            }
        )
    return out


def _actions(a: Account, sub: dict[str, Any]) -> dict[str, str]:
    """The approval steps ``a`` may take on ``sub`` now (as :func:`dudao.server.
    submissions.step` decides them)."""
    if not (a.active and a.has(Role.STAFF)):
        return {}
    status, accepted = sub["status"], sub["accepted"]
    out: dict[str, str] = {}
    if sub["next_unit"] == a.unit:
        if status == subs.SUBMITTED:
            out = {"approve": "审核通过", "return": "退回"}
        elif status == subs.APPROVED:
            out = (
                {"approve": "审核通过", "unaccept": "撤销接收"} if accepted else {"accept": "接收"}
            )
    level = sub["approval_level"]
    if status == subs.APPROVED and not accepted and level == a.unit:
        out["unapprove"] = "撤销审核"
    return out


def submit(
    request: Request, a: Account, code: str, year: int, files: Sequence[tuple[str, bytes]]
) -> dict[str, Any]:
    """Validate and store a submission (raises DudaoError with located problems)."""
    uploads = [subs.Upload(name, content) for name, content in files]
    return subs.submit(
        service(request),
        a,
        unit=code,
        year=year,
        files=uploads,
        address=deps.client_address(request),
    )


def deadlines(request: Request, code: str, year: int) -> list[dict[str, Any]]:
    """The dated tasks of the work plans binding ``code``'s level in ``year``."""
    return subs.deadlines(service(request), code, year)


def decide(
    request: Request, a: Account, submission_id: int, approve: bool, reason: str
) -> dict[str, Any]:
    return step(request, a, submission_id, "approve" if approve else "return", reason)


def step(
    request: Request, a: Account, submission_id: int, action: str, reason: str = ""
) -> dict[str, Any]:
    """One approval step (approve, return, accept, unaccept, unapprove)."""
    return subs.step(
        service(request),
        a,
        submission_id,
        action,
        reason=reason,
        address=deps.client_address(request),
    )


def today() -> dt.date:
    """Today's date (one place, so tests may fix it)."""
    return dt.date.today()


def problem(message: str, code: str) -> DudaoError:
    return DudaoError(Problem(message, code=code))
