"""The case store: append-only events, a per-case summary, a schema version.

The tables are :mod:`dudao.store.schema`'s: ``dudao_events`` (one row per event,
only ever inserted), ``dudao_cases`` (one row per case, the state its events add up
to: a cache of the replay written in the same transaction as the event, so
:meth:`CaseStore.overdue` and :meth:`CaseStore.page` are indexed SQL queries instead
of a replay of every case; :meth:`CaseStore.verify` checks it against the replay) and
``dudao_schema_version``. How an event becomes a row and back is
:mod:`dudao.store.rows`'.

Every append runs in one transaction that replays the case, checks the event
against that state and the step policy in force (:mod:`dudao.workflow.policy`)
and writes event + summary. On SQLite the transaction starts with ``BEGIN
IMMEDIATE`` so concurrent writers (threads or processes) queue on the write lock
instead of reading a state that another writer is about to change (the store's
own reads — :meth:`CaseStore.case`, :meth:`CaseStore.cases`, :meth:`CaseStore.overdue`
… — begin with a plain ``BEGIN``: in WAL mode a reader sees the last commit and
neither takes nor waits for the write lock, so readers never hold writers up); on
PostgreSQL the case rows are locked ``FOR UPDATE`` (in case-id order), and a
race the locks cannot prevent — two writers opening the same new case, a
deadlock between batches — makes the database refuse one transaction, which is
then retried from the start against the new state. A writer killed mid-write
leaves an uncommitted transaction, which the database rolls back.

A writer that decides on an event from what it read earlier (``dudao cases
advance`` reads the case, then appends) passes the number the event expects to
get as ``Event.seq``; the append is refused (``stale-seq``) when the case has
moved on in between, on either database, since the check runs on the locked,
replayed state.

An event that names no citation is recorded with the step's basis in force for
its target and date (:meth:`dudao.workflow.policy.Policy.citation`).

``postgresql://`` URLs use psycopg 3 (``pip install 'dudao[postgres]'``).

>>> import datetime as dt
>>> from dudao.workflow import Step, Event, Feedback, FeedbackMode
>>> store = CaseStore.open(":memory:")
>>> rec = store.open_case("450103", dt.date(2023, 3, 1), actor="南宁市政府教育督导室",
...                       case_id="C1")
>>> e = Event("C1", Step.FEEDBACK, dt.date(2023, 3, 10), "南宁市政府教育督导室", "450103",
...           payload=Feedback(FeedbackMode.WRITTEN))
>>> rec = store.append("C1", e)
>>> rec.state.status, [e.step.value for e in rec.events]
('反馈', ['opened', 'feedback'])
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy import event as sa_event

from dudao.errors import DudaoError, Problem
from dudao.model.documents import Citation
from dudao.model.findings import Finding
from dudao.store.rows import (
    CASE_COLUMNS,
    EVENT_COLUMNS,
    INSERT_CASE,
    INSERT_EVENT,
    SELECT_EVENTS,
    case_values,
    copy_rows,
    event_dict,
    event_from_row,
    event_values,
    events_from_raw,
    json_text,
    json_value,
    text_problems,
)
from dudao.store.schema import (
    SCHEMA_VERSION,
    SUMMARY_COLUMNS,
    cases_table,
    events_table,
    metadata,
    state_from_row,
    summary_values,
    version_table,
)
from dudao.workflow.machine import CaseState, Overdue, apply, check, due_step, fold
from dudao.workflow.policy import DefaultPolicies
from dudao.workflow.steps import Event, Opened, SevereTrigger, Source, Step

if TYPE_CHECKING:
    from dudao.workflow.policy import Policy

T = TypeVar("T")


@attrs.frozen
class CaseRecord:
    """One case: its events in order and the state they add up to."""

    case_id: str
    events: tuple[Event, ...]
    state: CaseState


@attrs.frozen
class CasePage:
    """One page of case summaries (:meth:`CaseStore.page`) and how many cases match."""

    total: int
    cases: list[CaseState]


#: How to name a store, for error messages.
STORE_HINT = (
    "给出 SQLite 文件路径（如 cases.db，不存在时新建），或 SQLAlchemy URL，"
    "如 sqlite:///cases.db、postgresql://user@host/db"
)


def _shown(url_or_path: str | os.PathLike[str]) -> str:
    """The store's name for messages, without a password."""
    text = os.fspath(url_or_path)
    if "://" not in text:
        return text
    try:
        return sa.make_url(text).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return text


#: Execution option of the store's read-only connections (:meth:`CaseStore.reading`):
#: on SQLite they begin with a deferred ``BEGIN`` instead of ``BEGIN IMMEDIATE``.
READ_ONLY = "dudao_read_only"


def _engine(url_or_path: str | os.PathLike[str]) -> sa.Engine:
    text = os.fspath(url_or_path)
    if "://" not in text:
        text = "sqlite://" if text == ":memory:" else f"sqlite:///{text}"
    try:
        url = sa.make_url(text)
    except sa.exc.ArgumentError:
        raise DudaoError(
            Problem(
                f"无法识别的案件库地址 '{_shown(url_or_path)}'",
                code="bad-store-url",
                hint=STORE_HINT,
            )
        ) from None
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        # SQLAlchemy's default driver is psycopg2; dudao's postgres extra is psycopg 3.
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() != "sqlite":
        try:
            return sa.create_engine(url, json_serializer=json_text, json_deserializer=json_value)
        except sa.exc.NoSuchModuleError:
            raise DudaoError(
                Problem(
                    f"案件库地址 '{_shown(url_or_path)}' 的类型 '{url.drivername}' 无法识别",
                    code="bad-store-url",
                    hint=STORE_HINT,
                )
            ) from None
        except ModuleNotFoundError as exc:
            raise DudaoError(
                Problem(
                    f"打开 {url.get_backend_name()} 案件库需要数据库驱动 {exc.name}",
                    code="store-driver-missing",
                    hint="PostgreSQL：pip install 'dudao[postgres]'（psycopg 3）",
                )
            ) from None
    memory = url.database in (None, "", ":memory:")
    engine = sa.create_engine(
        url,
        json_serializer=json_text,
        json_deserializer=json_value,
        connect_args={"timeout": 60},
        # One shared connection for an in-memory database, else it vanishes.
        poolclass=sa.pool.StaticPool if memory else sa.pool.QueuePool,
    )

    @sa_event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _: Any) -> None:
        # Let SQLAlchemy's "begin" below issue BEGIN itself (pysqlite would defer it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a killed process (not a power cut).
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @sa_event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # A write takes the lock up front: the replayed state stays valid until commit.
        # The store's reads take none: in WAL mode they see the last commit.
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


#: Work run inside a store's write transaction with the record just written
#: (:meth:`CaseStore.open_case`, :meth:`CaseStore.append`): it commits with the event
#: or, raising, rolls it back. It may run more than once if the store retries a lost race.
InTransaction = Callable[[sa.Connection, "CaseRecord"], None]


class PolicySource(Protocol):
    """Where the store gets the step policy for an event it is about to record:
    :class:`~dudao.workflow.policy.DefaultPolicies` (built in) or
    :class:`~dudao.workflow.policy.LawBookPolicies` (a region's, from plugins)."""

    def for_event(self, state: CaseState, event: Event) -> Policy: ...


#: The state before a case's first event.
_NO_CASE = CaseState()

#: How often a transaction the database refused (a lost race) is retried.
RETRIES = 20


class CaseStore:
    """Cases and their events in a database. Open with :meth:`open`."""

    def __init__(self, engine: sa.Engine, policies: PolicySource | None = None) -> None:
        self.engine = engine
        self.policies: PolicySource = policies or DefaultPolicies()
        self._sqlite = engine.dialect.name == "sqlite"

    # ------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        url_or_path: str | os.PathLike[str],
        *,
        migrate: bool = True,
        policies: PolicySource | None = None,
    ) -> CaseStore:
        """Open (creating if empty) the store at a SQLite path or SQLAlchemy URL.

        An older schema is migrated in place (``migrate=False`` refuses instead);
        a newer or unknown one is refused with a message saying what to do.
        ``policies`` gives the step policy each new event is checked against
        (default: the built-in one; the CLI passes the plugins' law book).
        """
        store = cls(_engine(url_or_path), policies)
        where = _shown(url_or_path)
        try:
            store._write(lambda conn: store._prepare(conn, migrate, where))
        except sa.exc.OperationalError as exc:
            store.close()
            raise DudaoError(
                Problem(
                    f"无法打开案件库 '{where}'：{exc.orig}",
                    code="store-unavailable",
                    hint="检查路径或地址（所在文件夹须已存在）、权限，以及数据库是否可访问",
                )
            ) from None
        except sa.exc.DatabaseError as exc:
            # SQLite reads the header before writing anything: the file is untouched.
            store.close()
            raise DudaoError(
                Problem(
                    f"'{where}' 不是案件库可用的数据库（{exc.orig}），文件未作改动",
                    code="store-not-a-database",
                    hint=STORE_HINT + "；不要指向其他文件",
                )
            ) from None
        return store

    def _prepare(self, conn: sa.Connection, migrate: bool, where: str) -> None:
        if conn.dialect.name == "postgresql":
            # Serialise creation and migration among processes opening one database.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(4630020)"))
        names = set(sa.inspect(conn).get_table_names())
        ours = {t.name for t in metadata.sorted_tables}
        if version_table.name not in names:
            if names & ours:
                raise DudaoError(
                    Problem(
                        f"'{where}' 含有案件表却没有版本表，无法识别其结构",
                        code="store-unknown-schema",
                        hint="换一个新文件作为案件库，或从备份恢复",
                    )
                )
            metadata.create_all(conn)
            conn.execute(version_table.insert(), {"version": SCHEMA_VERSION})
            return
        version = conn.execute(sa.select(version_table.c.version)).scalar()
        if version == SCHEMA_VERSION:
            return
        if version is None or version > SCHEMA_VERSION:
            raise DudaoError(
                Problem(
                    f"案件库 '{where}' 的结构版本为 {version}，本程序只认识 1–{SCHEMA_VERSION}",
                    code="store-too-new",
                    hint="它由较新版本的 dudao 创建，请升级 dudao（pip install -U dudao）",
                )
            )
        if not migrate:
            raise DudaoError(
                Problem(
                    f"案件库 '{where}' 的结构版本为 {version}，需要升级到 {SCHEMA_VERSION}",
                    code="store-needs-migration",
                    hint="备份文件后以默认设置重新打开即可自动升级",
                )
            )
        self._upgrade(conn)
        conn.execute(version_table.update().values(version=SCHEMA_VERSION))

    def _upgrade(self, conn: sa.Connection) -> None:
        # Every version so far only added columns: add those missing (1 → 2 the
        # summary, 2 → 3 the 2021 procedure's state and events' extra), then fill
        # the summary by replaying the events.
        inspector = sa.inspect(conn)
        for table in (cases_table, events_table):
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have:
                    ddl = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
                    conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {ddl}")
        for index in cases_table.indexes:
            index.create(conn, checkfirst=True)
        for state in self._replay_all(conn):
            conn.execute(
                cases_table.update()
                .where(cases_table.c.case_id == state.case_id)
                .values(**summary_values(state))
            )

    def reading(self) -> sa.Connection:
        """A connection of the store's engine for reading only (use it in ``with``): on
        SQLite its transactions begin with a plain ``BEGIN``, so a read neither takes
        the write lock nor waits for a writer (WAL mode: it sees the last commit); every
        transaction of a plain ``engine.connect()`` takes the lock up front, as a write
        must. Do not write through it."""
        return self.engine.connect().execution_options(**{READ_ONLY: True})

    @property
    def schema_version(self) -> int:
        with self.reading() as conn:
            return int(conn.execute(sa.select(version_table.c.version)).scalar_one())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _write(self, work: Callable[[sa.Connection], T]) -> T:
        """Run ``work`` in one transaction; if the database refuses it for a lost
        race (a key another writer just took, a deadlock, a serialisation
        failure), run it again from the start, reading the new state."""
        for attempt in range(RETRIES):
            try:
                with self.engine.begin() as conn:
                    return work(conn)
            except _LostRace:
                if attempt == RETRIES - 1:
                    raise DudaoError(
                        Problem("写入案件库时反复发生冲突", code="store-conflict", hint="请重试")
                    ) from None
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
            except (sa.exc.IntegrityError, sa.exc.OperationalError) as exc:
                if not _lost_race(exc) or attempt == RETRIES - 1:
                    if isinstance(exc, sa.exc.IntegrityError):
                        raise DudaoError(
                            Problem(
                                f"写入案件库时发生冲突：{exc.orig}",
                                code="store-conflict",
                                hint="另一写入者同时修改了同一案件；请重试",
                            )
                        ) from None
                    raise
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------ writing
    def open_case(
        self,
        target: str,
        date: dt.date,
        *,
        actor: str,
        case_id: str | None = None,
        source: Source | str = Source.INSPECTION,
        reference: str = "",
        summary: str = "",
        severe: SevereTrigger | str | None = None,
        citation: Citation | str | None = None,
        finding: Finding | None = None,
        within: InTransaction | None = None,
    ) -> CaseRecord:
        """Record 立案 for ``target``; a finding supplies the target, reference,
        summary and citation. Without ``case_id`` one is assigned (DD2023000001).
        ``within(conn, record)`` runs inside the write transaction, after the event
        (e.g. an audit row that must commit or roll back with it)."""
        if finding is not None:
            target = finding.target
            source, reference = Source.FINDING, finding.rule
            summary = summary or finding.message
            citation = citation or finding.citation
        payload = Opened(source=source, reference=reference, summary=summary, severe=severe)
        if case_id is not None:
            _check_case_id(case_id)

        def work(conn: sa.Connection) -> CaseRecord:
            cid = case_id
            if cid is None:
                n = conn.execute(sa.select(sa.func.count()).select_from(cases_table)).scalar_one()
                cid = f"DD{date.year}{n + 1:06d}"
                while conn.execute(  # an id given by hand may have taken the next number
                    sa.select(cases_table.c.case_id).where(cases_table.c.case_id == cid)
                ).first():
                    n += 1
                    cid = f"DD{date.year}{n + 1:06d}"
            event = Event(cid, Step.OPENED, date, actor, target, payload=payload, citation=citation)
            try:
                self._append_in(conn, [event])
            except DudaoError as exc:
                if case_id is None and exc.codes == ["case-exists"]:
                    # another writer took the number between our count and our read
                    raise _LostRace from None
                raise
            rec = self._record(conn, cid)
            if within is not None:
                within(conn, rec)
            return rec

        return self._write(work)

    def append(
        self, case_id: str, event: Event, *, within: InTransaction | None = None
    ) -> CaseRecord:
        """Validate ``event`` against the replayed case and append it, atomically.
        An event carrying ``seq`` is refused unless the case has exactly
        ``seq - 1`` events (nobody recorded one since the caller read the case).
        ``within(conn, record)`` runs inside the write transaction, after the event."""
        _check_case_id(case_id)
        if event.case_id != case_id:
            event = attrs.evolve(event, case_id=case_id)

        def work(conn: sa.Connection) -> CaseRecord:
            self._append_in(conn, [event])
            rec = self._record(conn, case_id)
            if within is not None:
                within(conn, rec)
            return rec

        return self._write(work)

    def append_many(
        self,
        events: Iterable[Event],
        *,
        within: Callable[[sa.Connection, Sequence[Event]], None] | None = None,
    ) -> int:
        """Append many events (of any cases, 立案 included) in one transaction:
        all are recorded or, if any is refused, none. Returns how many.
        ``within(conn, events)`` runs inside that transaction, after the events
        (e.g. their audit rows, which must commit or roll back with them)."""
        events = list(events)

        def work(conn: sa.Connection) -> None:
            self._append_in(conn, events)
            if within is not None:
                within(conn, events)

        self._write(work)
        return len(events)

    def _append_in(self, conn: sa.Connection, events: Sequence[Event]) -> None:
        ids = list(dict.fromkeys(e.case_id for e in events))
        states = self._states_in(conn, ids)
        new_cases: dict[str, dict[str, Any]] = {}
        rows: list[tuple[Any, ...]] = []
        # policies live as long as this call (held in `held`, so no id is reused)
        bases: dict[tuple[int, Step, dt.date], Citation] = {}
        held: list[Any] = []
        checked: set[str] = set()
        for event in events:
            if event.case_id not in checked:  # once a case: the same id, the same verdict
                _check_case_id(event.case_id)
                checked.add(event.case_id)
            state = states.get(event.case_id, _NO_CASE)
            if event.seq is not None and event.seq != state.count + 1:
                # the caller read the case before another writer moved it on: what
                # it decided may no longer hold, so nothing else is judged
                raise DudaoError(
                    Problem(
                        f"案件 {event.case_id} 已有 {state.count} 个事件"
                        f"（当前状态“{state.status}”），而“{event.step.label}”"
                        f"预期为第 {event.seq} 个：案件已被他人推进",
                        code="stale-seq",
                        hint="重新查看案件（dudao cases show）后再决定是否记录",
                    )
                )
            if event.step is Step.OPENED and state.last is not None:
                raise DudaoError(
                    Problem(
                        f"案件 {event.case_id} 已存在",
                        code="case-exists",
                        hint="换一个案件编号，或不给编号让系统分配",
                    )
                )
            if event.step is not Step.OPENED and state.last is None:
                raise DudaoError(
                    Problem(
                        f"没有案件 {event.case_id}",
                        code="unknown-case",
                        hint="先立案（dudao cases open），或检查案件编号",
                    )
                )
            policy = self.policies.for_event(state, event)
            held.append(policy)
            problems = check(state, event, policy)
            basis = None
            if event.citation is None:  # the step's basis there and then
                # the same policy gives the same basis for a step and day: asked once
                key = (id(policy), event.step, event.date)
                basis = bases.get(key)
                if basis is None:
                    basis = bases[key] = Citation.parse(policy.citation(event.step, event.date))
            row = event_values(event, state.count + 1, basis, iso=self._sqlite)
            problems = text_problems(row) + problems
            if problems:
                raise DudaoError(problems)
            states[event.case_id] = state = fold(state, event)
            rows.append(row)
            if event.step is Step.OPENED:
                new_cases[event.case_id] = {
                    "case_id": event.case_id,
                    "target": event.target,
                    "opened_on": event.date,
                }
        if new_cases:
            summaries = [{**c, **summary_values(states[cid])} for cid, c in new_cases.items()]
            if self._sqlite:  # plain tuples, as below
                conn.exec_driver_sql(INSERT_CASE, [case_values(c, iso=True) for c in summaries])
            elif conn.dialect.driver == "psycopg":
                copy_rows(
                    conn,
                    cases_table.name,
                    CASE_COLUMNS,
                    [case_values(c, False) for c in summaries],
                )
            else:
                conn.execute(cases_table.insert(), summaries)
        # one executemany of plain tuples: SQLAlchemy's per-row parameter processing cost
        # more than the database's insert (SQLite: dates as the ISO text SQLAlchemy writes)
        if self._sqlite:
            conn.exec_driver_sql(INSERT_EVENT, rows)
        elif conn.dialect.driver == "psycopg":
            copy_rows(conn, events_table.name, EVENT_COLUMNS, rows)
        else:
            conn.execute(events_table.insert(), [event_dict(r) for r in rows])
        updates = [
            {"b_case_id": cid, **summary_values(states[cid])} for cid in ids if cid not in new_cases
        ]
        if updates:
            conn.execute(
                cases_table.update()
                .where(cases_table.c.case_id == sa.bindparam("b_case_id"))
                .values({c: sa.bindparam(c) for c in SUMMARY_COLUMNS}),
                updates,
            )

    # ------------------------------------------------------------ reading
    def _states_in(self, conn: sa.Connection, ids: Sequence[str]) -> dict[str, CaseState]:
        """Replay the given cases (locking their rows where the database can)."""
        states: dict[str, CaseState] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            if not self._sqlite:
                conn.execute(
                    sa.select(cases_table.c.case_id)
                    .where(cases_table.c.case_id.in_(chunk))
                    .order_by(cases_table.c.case_id)  # one lock order: fewer deadlocks
                    .with_for_update()
                ).all()
            query = (
                sa.select(events_table)
                .where(events_table.c.case_id.in_(chunk))
                .order_by(events_table.c.case_id, events_table.c.seq)
            )
            for row in conn.execute(query):
                event = event_from_row(row)
                states[event.case_id] = apply(states.get(event.case_id, _NO_CASE), event)
        return states

    def _events(self, conn: sa.Connection, case_id: str) -> tuple[Event, ...]:
        query = (
            sa.select(events_table)
            .where(events_table.c.case_id == case_id)
            .order_by(events_table.c.seq)
        )
        return tuple(event_from_row(r) for r in conn.execute(query))

    def _record(self, conn: sa.Connection, case_id: str) -> CaseRecord:
        events = self._events(conn, case_id)
        if not events:
            raise DudaoError(
                Problem(
                    f"没有案件 {case_id}",
                    code="unknown-case",
                    hint="用 dudao cases list 查看已有案件",
                )
            )
        state = CaseState()
        for e in events:
            state = apply(state, e)
        return CaseRecord(case_id, events, state)

    def case(self, case_id: str) -> CaseRecord:
        """A case's events and the state replayed from them."""
        _check_case_id(case_id)
        with self.reading() as conn:
            return self._record(conn, case_id)

    def cases(
        self,
        *,
        target: str | None = None,
        step: Step | str | None = None,
        closed: bool | None = None,
        limit: int | None = None,
    ) -> list[CaseState]:
        """Case summaries (from the summary table), by case id."""
        targets = None if target is None else [target]
        query = _listing(sa.select(cases_table), targets, step, closed)
        query = query.order_by(cases_table.c.case_id).limit(limit)
        with self.reading() as conn:
            return [state_from_row(r) for r in conn.execute(query)]

    def page(
        self,
        *,
        targets: Collection[str] | None = None,
        step: Step | str | None = None,
        closed: bool | None = None,
        offset: int = 0,
        limit: int | None = None,
        connection: sa.Connection | None = None,
    ) -> CasePage:
        """One page of case summaries by case id, and how many cases match in all.

        ``targets``: only cases of these units (e.g. a subtree's codes; None: every
        unit); ``step``: only cases whose last step is this; ``closed``: only closed
        (True) or open (False) cases; ``offset``, ``limit``: which of the matching
        cases, in case-id order. Filtering, counting and paging are done by the
        database on the summary table: no case is replayed, and none outside the page
        is read.

        ``connection``: read through this connection (e.g. inside the caller's
        transaction, or a read-only engine beside the store's: see
        :func:`dudao.server.service.read_engine`) instead of the store's own read
        connection (:meth:`reading`, which takes no write lock on SQLite).
        """
        if connection is None:
            with self.reading() as conn:
                return self.page(
                    targets=targets,
                    step=step,
                    closed=closed,
                    offset=offset,
                    limit=limit,
                    connection=conn,
                )
        count = _listing(sa.select(sa.func.count()).select_from(cases_table), targets, step, closed)
        total = int(connection.execute(count).scalar_one())
        if offset >= total:
            return CasePage(total, [])
        query = _listing(sa.select(cases_table), targets, step, closed)
        query = query.order_by(cases_table.c.case_id).offset(offset).limit(limit)
        return CasePage(total, [state_from_row(r) for r in connection.execute(query)])

    def overdue(self, as_of: dt.date) -> list[Overdue]:
        """Open cases whose pending deadline passed before ``as_of`` and the step
        now due: one indexed query over the summary table, no replay."""
        c = cases_table.c
        query = (
            sa.select(c.case_id, c.target, c.last_step, c.opened_on, c.rank, c.deadline)
            .where(c.closed == sa.false(), c.deadline.is_not(None), c.deadline < as_of)
            .order_by(c.deadline, c.case_id)
        )
        with self.reading() as conn:
            rows = conn.execute(query).all()
        labels = {s.value: s.label for s in Step}
        return [
            Overdue(
                case_id,
                target,
                labels[last],
                deadline,
                (as_of - deadline).days,
                due_step(rank, CaseState(opened_on=opened).procedure),
            )
            for case_id, target, last, opened, rank, deadline in rows
        ]

    def iter_events(self, batch: int = 10_000) -> Iterator[Event]:
        """Every event, case by case in seq order (streamed)."""
        with self.reading() as conn:
            yield from _all_events(conn, batch)

    def _replay_all(self, conn: sa.Connection) -> Iterator[CaseState]:
        yield from _fold_stream(_all_events(conn, stream=False))

    def replay_all(self) -> Iterator[CaseState]:
        """The state of every case, replayed from the events alone."""
        yield from _fold_stream(self.iter_events())

    def count_events(self) -> int:
        with self.reading() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(events_table)).scalar_one()
            )

    def verify(self) -> list[Problem]:
        """Check the store: events numbered 1..n per case, every case's events
        replay without error, and the summary table equals the replay."""
        problems: list[Problem] = []
        with self.reading() as conn:
            summaries = {r.case_id: state_from_row(r) for r in conn.execute(sa.select(cases_table))}
            query = sa.select(events_table).order_by(events_table.c.case_id, events_table.c.seq)
            replayed: dict[str, CaseState] = {}
            for row in conn.execute(query):
                event = event_from_row(row)
                state = replayed.get(event.case_id, _NO_CASE)
                if event.seq != state.count + 1:
                    problems.append(
                        Problem(
                            f"案件 {event.case_id} 的事件序号不连续：{event.seq}", code="seq-gap"
                        )
                    )
                try:
                    replayed[event.case_id] = apply(state, event)
                except DudaoError as exc:
                    problems += exc.problems
        for cid in summaries.keys() | replayed.keys():
            if summaries.get(cid) != replayed.get(cid):
                problems.append(
                    Problem(f"案件 {cid} 的摘要与事件重放结果不一致", code="summary-mismatch")
                )
        return problems


S = TypeVar("S", bound=sa.Select[Any])


def _listing(
    query: S,
    targets: Collection[str] | None,
    step: Step | str | None,
    closed: bool | None,
) -> S:
    """``query`` over the summary table narrowed as :meth:`CaseStore.page` describes."""
    c = cases_table.c
    if targets is not None:
        query = query.where(c.target.in_(list(targets)))
    if step is not None:
        query = query.where(c.last_step == Step.parse(step).value)
    if closed is not None:
        query = query.where(c.closed == closed)
    return query


def _all_events(conn: sa.Connection, batch: int = 10_000, stream: bool = True) -> Iterator[Event]:
    """Every event in case and seq order, read in batches of plain driver rows; with
    ``stream``, fetched as they are read (a server-side cursor on PostgreSQL), else all
    at once (the caller writes on the same connection meanwhile)."""
    options = {"yield_per": batch} if stream else {}
    result = conn.exec_driver_sql(SELECT_EVENTS, execution_options=options)
    while rows := result.fetchmany(batch):
        yield from events_from_raw(rows)


def _check_case_id(case_id: str) -> None:
    """A case id is a non-empty text without surrounding spaces."""
    if not isinstance(case_id, str) or not case_id.strip():
        raise DudaoError(
            Problem(
                f"案件编号不能为空：{case_id!r}",
                path=("case_id",),
                code="empty-case-id",
                hint="给出案件编号，或立案时不给编号让系统分配（如 DD2023000001）",
            )
        )
    if case_id != case_id.strip():
        raise DudaoError(
            Problem(
                f"案件编号 '{case_id}' 首尾有空白",
                path=("case_id",),
                code="bad-case-id",
                hint=f"写成 '{case_id.strip()}'",
            )
        )


def _fold_stream(events: Iterable[Event]) -> Iterator[CaseState]:
    state: CaseState | None = None
    for event in events:
        if state is not None and event.case_id != state.case_id:
            yield state
            state = None
        state = apply(state or _NO_CASE, event)
    if state is not None:
        yield state


class _LostRace(Exception):
    """Raised inside a transaction that must be retried against the new state."""


def _lost_race(exc: sa.exc.DBAPIError) -> bool:
    """Whether the database refused a transaction only because another writer won
    a race: a unique key just taken (23505), a serialisation failure (40001) or a
    deadlock (40P01) on PostgreSQL; a busy SQLite file."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in ("23505", "40001", "40P01"):
        return True
    return "database is locked" in str(exc.orig)
