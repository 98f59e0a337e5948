"""Data collection and direct reporting (信息采集、信息直报; 厅发〔2020〕26号 三（四）):
a unit submits its dataset tables for a year; the level above approves or returns them.

A submission is the files of a dataset folder (CSV, TSV or Excel tables, the formats
the library reads, plus ``committees.yaml``), checked exactly as ``dudao check`` loads
them (:func:`dudao.api.load`): a bad file is refused with every problem located by
file, row and field, and nothing is stored. A valid submission is stored whole in the
database (so a backup of the database is a backup of the data) as the next version
for its unit and year, and awaits the unit directly above, which approves it or
returns it with a reason — DHIS2's data approval, one level at a time. Analysis runs
on a unit's latest approved version (:func:`latest_approved`).

Deadlines: the tasks of the plugins' work plans in force for the unit and year that
bind its level and carry a date (南府督委办〔2022〕7号: Nanning's counties file their
plans by 9 April) are listed with a submission (:func:`deadlines`); a submission
made after one is marked late for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
import yaml

from dudao import api
from dudao.errors import DudaoError, Problem
from dudao.io.dataset import MAY_BE_ABOVE_SCOPE
from dudao.law.kinds import Kind
from dudao.model.tables import COMMITTEE_MEMBERS, COMMITTEES, TABLES, UNITS
from dudao.plans.model import RecordsTarget
from dudao.server import access
from dudao.server.accounts import Account, Role, aware, now
from dudao.server.audit import record
from dudao.server.db import submission_files, submissions
from dudao.server.problems import fail
from dudao.server.service import Service

SUBMITTED, APPROVED, RETURNED = "submitted", "approved", "returned"
STATUS_LABELS = {SUBMITTED: "待审核", APPROVED: "已审核", RETURNED: "已退回"}
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx")
TABLE_NAMES = (*TABLES, UNITS.name, COMMITTEES.name, COMMITTEE_MEMBERS.name)
YAML_FILES = ("committees.yaml",)
#: What only a trusted import (the command line) may bring: the dataset's own law.
IMPORT_ONLY = ("dataset.yaml", "parameters.yaml")
MAX_FILE = 50 * 1024 * 1024
#: The evaluation tables ``dudao evaluate`` reads (:mod:`dudao.evaluation.measurements`):
#: measurements per target and year, and 优质均衡's school resources.
MEASUREMENT_TABLE, SCHOOL_RESOURCES = "measurements", "school_resources"
EVALUATION_TABLES = (MEASUREMENT_TABLE, SCHOOL_RESOURCES)
EVALUATION_SUFFIXES = (".csv", ".xlsx")


@attrs.frozen
class Upload:
    """One uploaded file: its name (e.g. ``schools.csv``) and bytes."""

    name: str
    content: bytes


def allowed_names() -> list[str]:
    return (
        [f"{t}{s}" for t in TABLE_NAMES for s in TABLE_SUFFIXES]
        + [f"{t}{s}" for t in EVALUATION_TABLES for s in EVALUATION_SUFFIXES]
        + list(YAML_FILES)
    )


def check_uploads(files: Sequence[Upload], *, trusted: bool = False) -> list[Upload]:
    """The files, if each has a name a dataset folder uses, appears once and is not
    too big; every problem otherwise."""
    problems: list[Problem] = []
    allowed = set(allowed_names()) | (set(IMPORT_ONLY) if trusted else set())
    seen: dict[str, str] = {}
    for f in files:
        name = os.path.basename(f.name or "").strip()
        stem = os.path.splitext(name)[0]
        if name.lower() not in allowed:
            problems.append(
                Problem(
                    f"不认识的文件名 '{f.name}'",
                    source=f.name,
                    code="unknown-file",
                    hint="文件名须为表名加 .csv/.tsv/.xlsx，如 schools.csv；可用："
                    + "、".join((*TABLE_NAMES, *EVALUATION_TABLES)),
                )
            )
            continue
        if stem.lower() in seen:
            problems.append(
                Problem(
                    f"表 {stem} 给出了两次（{seen[stem.lower()]}、{name}）",
                    source=name,
                    code="duplicate-file",
                    hint="每张表只给一个文件",
                )
            )
        seen[stem.lower()] = name
        if len(f.content) > MAX_FILE:
            problems.append(
                Problem(
                    f"文件过大（{len(f.content) // 2**20} MB，最多 {MAX_FILE // 2**20} MB）",
                    source=name,
                    code="file-too-large",
                )
            )
    if not files:
        problems.append(
            Problem("没有上传任何文件", code="no-files", hint="至少上传一张表，如 schools.csv")
        )
    if problems:
        raise DudaoError(problems)
    return [Upload(os.path.basename(f.name).strip().lower(), f.content) for f in files]


def digest_of(files: Iterable[Upload]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.name):
        h.update(f.name.encode() + b"\0" + hashlib.sha256(f.content).digest())
    return h.hexdigest()


def _dataset_yaml(unit: str, name: str, as_of: dt.date, sample: bool = False) -> bytes:
    info: dict[str, Any] = {"name": name, "scope": unit, "as_of": as_of.isoformat()}
    if sample:
        info["sample"] = True
    return yaml.safe_dump(info, allow_unicode=True, sort_keys=False).encode()


def _relocated(exc: DudaoError, folder: Path) -> DudaoError:
    """Problems naming the uploaded file (``schools.csv``), not the temporary folder."""
    out = []
    for p in exc.problems:
        source = p.source
        if source and source.startswith(str(folder)):
            source = os.path.relpath(source, folder)
            source = "" if source == "." else source
        out.append(p.located(source=source or None))
    return DudaoError(out)


def validate(service: Service, unit: str, files: Sequence[Upload]) -> api.Loaded:
    """Load the files as a dataset of ``unit`` (every problem located by file, row,
    field), then check that every unit they name lies in ``unit``'s subtree."""
    with tempfile.TemporaryDirectory(prefix="dudao-upload-") as tmp:
        folder = Path(tmp)
        for f in files:
            (folder / f.name).write_bytes(f.content)
        try:
            loaded = api.load(folder, service.plugins)
        except DudaoError as exc:
            raise _relocated(exc, folder) from None
        problems = _outside(loaded, unit, folder) + _evaluation_problems(folder, unit, loaded)
    if problems:
        raise DudaoError(problems)
    return loaded


def _outside(loaded: api.Loaded, unit: str, folder: Path) -> list[Problem]:
    """Rows naming a unit outside ``unit``'s subtree (a county cannot report for its
    neighbour)."""
    h = loaded.hierarchy
    problems: list[Problem] = []
    for name, spec in TABLES.items():
        table = getattr(loaded.dataset, name, None)
        if table is None or len(table) == 0:
            continue
        for column in spec.columns:
            if column.refers_to is None or (name, column.name) in MAY_BE_ABOVE_SCOPE:
                continue
            if column.name not in table.columns:
                continue
            values = table[column.name].astype("string")
            for value in sorted({v for v in values.dropna().unique() if v in h}):
                if not h.contains(unit, value):
                    # the header is row 1 of the file, as the library counts
                    row = int(values.eq(value).to_numpy().argmax()) + 2
                    problems.append(
                        Problem(
                            f"{value} 不在报送单位 {unit} 的管辖范围内",
                            source=f"{name}（{_file_of(folder, name)}）",
                            row=row,
                            path=(column.name,),
                            code="out-of-scope",
                            hint="只报送本单位及下级单位的数据",
                        )
                    )
    return problems


def _evaluation_problems(folder: Path, unit: str, loaded: api.Loaded) -> list[Problem]:
    """The evaluation tables read as ``dudao evaluate`` reads them (every problem
    located by file, row and column), and targets outside ``unit``'s subtree."""
    from dudao.evaluation.measurements import find_table, load_measurements
    from dudao.evaluation.national import BALANCED_SCHOOLS
    from dudao.io.tables import load_table

    problems: list[Problem] = []
    h = loaded.hierarchy
    path = find_table(folder, MEASUREMENT_TABLE)
    if path is not None:
        try:
            table = load_measurements(path)
        except DudaoError as exc:
            problems += _relocated(exc, folder).problems
        else:
            targets = table["target"].astype("string")
            for value in sorted({v for v in targets.dropna().unique() if v in h}):
                if not h.contains(unit, value):
                    problems.append(
                        Problem(
                            f"{value} 不在报送单位 {unit} 的管辖范围内",
                            source=path.name,
                            row=int(targets.eq(value).to_numpy().argmax()) + 2,
                            path=("target",),
                            code="out-of-scope",
                            hint="只报送本单位及下级单位的测量数据",
                        )
                    )
    spath = find_table(folder, SCHOOL_RESOURCES)
    if spath is not None:
        try:
            load_table(spath, BALANCED_SCHOOLS)
        except DudaoError as exc:
            problems += _relocated(exc, folder).problems
    return problems


def _file_of(folder: Path, name: str) -> str:
    for suffix in TABLE_SUFFIXES:
        if (folder / f"{name}{suffix}").exists():
            return f"{name}{suffix}"
    return name


# ------------------------------------------------------------------ deadlines


def deadlines(service: Service, unit: str, year: int) -> list[dict[str, Any]]:
    """The dated tasks of the work plans in force for ``unit`` in ``year`` that bind
    its level (a records target at its level), earliest first."""
    h = service.hierarchy
    if unit not in h:
        return []
    level = h.get(unit).level
    out = []
    for entry in service.law.entries(Kind.WORK_PLAN):
        plan = entry.value
        if plan.year != year or entry.scope is None or not h.contains(entry.scope, unit):
            continue
        for task in plan.tasks():
            target = task.target
            if task.deadline is None or not isinstance(target, RecordsTarget):
                continue
            if target.level != level:
                continue
            out.append(
                {
                    "plan": plan.id,
                    "plan_title": plan.title,
                    "task": task.key,
                    "text": task.text,
                    "deadline": task.deadline.isoformat(),
                    "cite": str(task.cite or plan.cite),
                }
            )
    return sorted(out, key=lambda d: (d["deadline"], d["plan"], d["task"]))


# ------------------------------------------------------------------ storing


def _row_json(row: Any, service: Service, files: list[str] | None = None) -> dict[str, Any]:
    m = row._mapping
    h = service.hierarchy

    def iso(v: Any) -> str | None:
        v = aware(v) if isinstance(v, dt.datetime) else v
        return v.isoformat() if v is not None else None

    return {
        "id": m["id"],
        "unit": m["unit"],
        "unit_name": h.get(m["unit"]).name if m["unit"] in h else m["unit"],
        "year": m["year"],
        "version": m["version"],
        "status": m["status"],
        "status_label": STATUS_LABELS.get(m["status"], m["status"]),
        "as_of": iso(m["as_of"]),
        "approver_unit": m["approver_unit"],
        "submitted_by": m["submitted_by"],
        "submitted_at": iso(m["submitted_at"]),
        "decided_by": m["decided_by"],
        "decided_at": iso(m["decided_at"]),
        "reason": m["reason"],
        "digest": m["digest"],
        "late": m["late"] or [],
        "files": files if files is not None else [],
        "approval_level": m["approval_level"],
        "accepted": bool(m["accepted"]),
        "next_unit": next_unit(row, h),
    }


# ------------------------------------------------------------------ approval


def level_of(row: Any) -> str:
    """The submission's current approval level: the unit whose approval is the
    latest, or the submitting unit itself before any approval."""
    m = row._mapping
    return str(m["approval_level"] or m["unit"])


def next_unit(row: Any, hierarchy: Any) -> str | None:
    """The unit whose step is awaited: the one directly above the approval level
    (to approve a submission, or accept an approval and then approve further); None
    when returned or approved at the top."""
    if row._mapping["status"] == RETURNED:
        return None
    level = level_of(row)
    parent = hierarchy.parent(level) if level in hierarchy else None
    return parent.code if parent is not None else None


def _files_of(conn: sa.Connection, submission_id: int) -> list[str]:
    q = (
        sa.select(submission_files.c.name)
        .where(submission_files.c.submission_id == submission_id)
        .order_by(submission_files.c.name)
    )
    return [r[0] for r in conn.execute(q)]


def _store(
    conn: sa.Connection,
    *,
    unit: str,
    year: int,
    as_of: dt.date,
    files: Sequence[Upload],
    status: str,
    approver: str | None,
    by: str,
    late: list[dict[str, Any]],
) -> int:
    version = conn.execute(
        sa.select(sa.func.coalesce(sa.func.max(submissions.c.version), 0)).where(
            submissions.c.unit == unit, submissions.c.year == year
        )
    ).scalar_one()
    key = conn.execute(
        submissions.insert().values(
            unit=unit,
            year=year,
            version=int(version) + 1,
            status=status,
            as_of=as_of,
            approver_unit=approver,
            submitted_by=by[:64],
            submitted_at=now(),
            digest=digest_of(files),
            late=late or None,
        )
    ).inserted_primary_key
    assert key is not None
    sid = int(key[0])
    conn.execute(
        submission_files.insert(),
        [
            {
                "submission_id": sid,
                "name": f.name,
                "content": f.content,
                "digest": hashlib.sha256(f.content).hexdigest(),
            }
            for f in files
        ],
    )
    return sid


def submit(
    service: Service,
    account: Account,
    *,
    unit: str,
    year: int,
    files: Sequence[Upload],
    as_of: dt.date | None = None,
    address: str = "",
) -> dict[str, Any]:
    """Validate and store a submission of ``unit``'s tables for ``year``; it then
    awaits the unit directly above."""
    h = service.hierarchy
    if unit not in h or not access.can_view(account, unit, h):
        raise fail("unknown-unit", f"没有单位 {unit}，或它不在本账号的管辖范围内")
    if not access.can_capture(account, unit, h):
        raise fail(
            "forbidden", f"本账号无权为 {unit} 报送数据", hint="需要督导办工作人员或督学角色"
        )
    files = check_uploads(files)
    today = now().date()
    day = as_of or (today if today.year == year else dt.date(year, 12, 31))
    name = f"{h.get(unit).name}{year}年报送数据"
    full = [*files, Upload("dataset.yaml", _dataset_yaml(unit, name, day))]
    validate(service, unit, full)
    parent = h.parent(unit)
    approver = parent.code if parent is not None and parent.code in h else None
    late = [d for d in deadlines(service, unit, year) if d["deadline"] < today.isoformat()]
    with service.begin() as conn:
        sid = _store(
            conn,
            unit=unit,
            year=year,
            as_of=day,
            files=full,
            status=SUBMITTED if approver else APPROVED,
            approver=approver,
            by=account.username,
            late=late,
        )
        record(
            conn,
            account,
            address=address,
            action="submit",
            resource="submission",
            resource_id=sid,
            unit=unit,
            detail={
                "year": year,
                "files": sorted(f.name for f in full),
                "late": [d["task"] for d in late],
            },
        )
        return get(conn, service, sid)


def get(conn: sa.Connection, service: Service, submission_id: int) -> dict[str, Any]:
    row = conn.execute(sa.select(submissions).where(submissions.c.id == submission_id)).first()
    if row is None:
        raise fail("unknown-submission", f"没有报送 {submission_id}")
    return _row_json(row, service, _files_of(conn, submission_id))


def visible(service: Service, account: Account, submission_id: int) -> dict[str, Any]:
    """A submission the account may see; 404 for any other (as if it did not exist)."""
    with service.read() as conn:
        row = conn.execute(sa.select(submissions).where(submissions.c.id == submission_id)).first()
        if row is None or not access.can_view(account, row.unit, service.hierarchy):
            raise fail(
                "unknown-submission",
                f"没有报送 {submission_id}，或它不在本账号的管辖范围内",
            )
        return _row_json(row, service, _files_of(conn, submission_id))


#: The approval steps (DHIS2's data approval) and what each records.
ACTIONS = {
    "approve": "审核通过",
    "return": "退回",
    "accept": "接收",
    "unaccept": "撤销接收",
    "unapprove": "撤销审核",
}


def decide(
    service: Service,
    account: Account,
    submission_id: int,
    *,
    approve: bool,
    reason: str | None = None,
    address: str = "",
) -> dict[str, Any]:
    """Approve (审核通过) or return (退回, with a reason) a submission (see :func:`step`)."""
    return step(
        service,
        account,
        submission_id,
        "approve" if approve else "return",
        reason=reason,
        address=address,
    )


def step(
    service: Service,
    account: Account,
    submission_id: int,
    action: str,
    *,
    reason: str | None = None,
    address: str = "",
) -> dict[str, Any]:
    """One approval step, level by level as in DHIS2's data approval (厅发〔2020〕26号
    三（四） “上下连接、分级使用”). With L the approval level (:func:`level_of`) and P
    the unit directly above L — the only unit that may act on it, besides L undoing
    its own approval:

    * ``approve``: P approves — a submission awaiting its first approval, or an
      approval P has accepted; L becomes P.
    * ``return``: P returns a submission awaiting its first approval, with a reason.
    * ``accept``: P accepts L's approval (then L can no longer undo it).
    * ``unaccept``: P withdraws its acceptance, before approving further.
    * ``unapprove``: L withdraws its approval while P has not accepted it; the level
      falls back to the one below (whose approval L had accepted), or the
      submission awaits its first approval again.

    Only 督导办 staff of a unit above the submitting one act (403 for anyone else,
    and for a unit further up than the one whose turn it is: no level is skipped);
    a unit whose turn has passed, or a step that does not fit the current state, is
    refused with 409 ``not-awaiting``. Each step is audited in its transaction.
    """
    if action not in ACTIONS:
        raise fail("invalid-value", f"未知的审核操作 {action}", path=("action",))
    h = service.hierarchy
    visible(service, account, submission_id)  # 404 outside the account's scope
    reason = (reason or "").strip()
    if action == "return" and not reason:
        raise fail("invalid-value", "退回须说明理由", path=("reason",))
    with service.begin() as conn:
        row = conn.execute(sa.select(submissions).where(submissions.c.id == submission_id)).one()
        current = _row_json(row, service)
        unit, status, level = row.unit, row.status, level_of(row)
        above = next_unit(row, h)
        actor = level if action == "unapprove" else above
        mine = account.unit
        allowed = account.active and account.has(Role.STAFF) and mine != unit and mine in h
        if not allowed or not h.contains(mine, unit):
            raise fail(
                "forbidden",
                f"本账号无权对报送 {submission_id}“{ACTIONS[action]}”",
                hint="由上级督导办工作人员逐级审核；本单位的报送不能自行审核",
            )
        if actor is not None and actor != mine and h.depth(mine) < h.depth(actor):
            # further up than the unit whose turn it is: never skip a level
            raise fail(
                "forbidden",
                f"报送 {submission_id} 的“{ACTIONS[action]}”应由{h.get(actor).name}"
                f"（{actor}）督导办办理，本账号无权办理",
                hint="逐级审核：由当前审核层级的上一级审核、接收，不能越级",
            )
        accepted = bool(row.accepted)
        change: dict[str, Any] | None = None
        if action == "approve" and (status == SUBMITTED or (status == APPROVED and accepted)):
            change = {"status": APPROVED, "approval_level": actor, "accepted": False}
        elif action == "return" and status == SUBMITTED:
            change = {"status": RETURNED}
        elif action == "accept" and status == APPROVED and not accepted:
            change = {"accepted": True}
        elif action == "unaccept" and status == APPROVED and accepted:
            change = {"accepted": False}
        elif action == "unapprove" and status == APPROVED and not accepted and level != unit:
            path = [u.code for u in h.path(unit)]  # the root … the unit
            down = path[path.index(level) + 1]  # the level whose approval ``level`` accepted
            change = (
                {"status": SUBMITTED, "approval_level": None, "accepted": False}
                if down == unit
                else {"approval_level": down, "accepted": True}
            )
        if change is None or actor != mine:  # a state this step does not fit (or done)
            raise fail(
                "not-awaiting",
                f"报送 {submission_id} 当前为“{current['status_label']}”"
                f"（审核层级 {level}{'，已接收' if accepted else ''}），"
                f"不能“{ACTIONS[action]}”",
                hint="先由上一级接收本级的审核，再由其审核；已被接收的审核不能撤销",
            )
        done = conn.execute(
            submissions.update()
            .where(
                submissions.c.id == submission_id,
                submissions.c.status == status,
                submissions.c.accepted == accepted,
                submissions.c.approval_level.is_(None)
                if row.approval_level is None
                else submissions.c.approval_level == row.approval_level,
            )
            .values(
                **change,
                decided_by=account.username,
                decided_at=now(),
                reason=reason[:2000] or None,
            )
        ).rowcount
        if not done:  # another approver moved it between our read and our write
            raise fail("not-awaiting", f"报送 {submission_id} 已被他人处理，请刷新后重试")
        after = get(conn, service, submission_id)
        record(
            conn,
            account,
            address=address,
            action=action,
            resource="submission",
            resource_id=submission_id,
            unit=unit,
            detail={
                "status": [status, after["status"]],
                "level": [level, level_of_json(after)],
                "accepted": [accepted, after["accepted"]],
                "reason": reason or None,
            },
        )
        return after


def level_of_json(sub: dict[str, Any]) -> str:
    """:func:`level_of` of a submission's JSON."""
    return str(sub["approval_level"] or sub["unit"])


def listing(
    service: Service,
    account: Account,
    *,
    unit: str | None = None,
    status: str | None = None,
    awaiting_me: bool = False,
) -> list[dict[str, Any]]:
    """Submissions the account may see, newest first (optionally of one unit's
    subtree, in one status, or awaiting the account's unit)."""
    h = service.hierarchy
    scope = unit or account.unit
    with service.read() as conn:
        units = [u for (u,) in conn.execute(sa.select(submissions.c.unit).distinct())]
        seen = [
            u
            for u in units
            if u in h and access.can_view(account, u, h) and scope in h and h.contains(scope, u)
        ]
        if not seen:
            return []
        q = sa.select(submissions).where(submissions.c.unit.in_(seen))
        if status:
            q = q.where(submissions.c.status == status)
        rows = conn.execute(q.order_by(submissions.c.id.desc())).all()
        out = [_row_json(r, service) for r in rows]
        if awaiting_me:  # a step of the account's unit is awaited (first approval or further up)
            out = [r for r in out if r["next_unit"] == account.unit]
        return out


def latest_approved(conn: sa.Connection, unit: str) -> Any:
    """The newest approved submission of ``unit`` (latest year, then version) that
    holds tables the check reads (one with only evaluation tables is for
    :mod:`dudao.server.evaluations`)."""
    f = submission_files.c
    check_table = sa.exists().where(
        f.submission_id == submissions.c.id,
        f.name.not_in(IMPORT_ONLY),
        *[f.name.not_like(f"{t}.%") for t in EVALUATION_TABLES],
    )
    q = (
        sa.select(submissions)
        .where(submissions.c.unit == unit, submissions.c.status == APPROVED, check_table)
        .order_by(submissions.c.year.desc(), submissions.c.version.desc())
        .limit(1)
    )
    return conn.execute(q).first()


def folder_of(service: Service, submission_id: int) -> Path:
    """The submission's files as a dataset folder (written once into the data
    folder's cache; the database holds the originals)."""
    target = service.settings.data / "cache" / "submissions" / str(submission_id)
    if (target / "dataset.yaml").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{submission_id}-", dir=target.parent))
    with service.read() as conn:
        q = sa.select(submission_files.c.name, submission_files.c.content).where(
            submission_files.c.submission_id == submission_id
        )
        for name, content in conn.execute(q):
            (tmp / os.path.basename(name)).write_bytes(content)
    try:
        tmp.rename(target)
    except OSError:  # another request wrote it first
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def import_dataset(service: Service, folder: Path) -> dict[str, Any] | None:
    """Import a dataset folder (the command line's, trusted: it may carry its own
    ``parameters.yaml``) as its scope's approved data for its as-of year; None if
    the same content was imported before."""
    folder = Path(folder)
    names = set(allowed_names()) | set(IMPORT_ONLY)
    files = [
        Upload(p.name, p.read_bytes())
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name.lower() in names
    ]
    files = check_uploads(files, trusted=True)
    loaded = api.load(folder, service.plugins)
    info = loaded.dataset.info
    day = info.as_of or now().date()
    digest = digest_of(files)
    with service.begin() as conn:
        seen = conn.execute(
            sa.select(submissions.c.id).where(
                submissions.c.unit == info.scope, submissions.c.digest == digest
            )
        ).first()
        if seen is not None:
            return None
        sid = _store(
            conn,
            unit=info.scope,
            year=day.year,
            as_of=day,
            files=files,
            status=APPROVED,
            approver=None,
            by="(命令行)",
            late=[],
        )
        record(
            conn,
            None,
            username="(命令行)",
            address="cli",
            action="import",
            resource="submission",
            resource_id=sid,
            unit=info.scope,
            detail={"folder": folder.name, "files": sorted(f.name for f in files)},
        )
        return get(conn, service, sid)
