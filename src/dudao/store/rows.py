"""Events and case summaries as the case store writes them to rows and reads them back.

The store writes a batch of events as plain tuples in one ``executemany`` (SQLite)
or one ``COPY`` (PostgreSQL through psycopg) and reads them back as plain driver
rows: SQLAlchemy's per-row processing cost more than the database's own work. This
module holds those conversions — an event as its row (:func:`event_values`), with the
checks the columns need (:func:`text_problems`: lengths, NUL characters), the JSON of
payloads, and rows back to events (:func:`event_from_row`, :func:`events_from_raw`) —
so :mod:`dudao.store.cases` says what is written when, and this how.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec
import sqlalchemy as sa

from dudao.errors import Problem
from dudao.model.documents import Citation
from dudao.store.schema import SUMMARY_COLUMNS, TEXT_LIMITS, cases_table, events_table
from dudao.workflow.steps import Event, Step, payload_from_dict, payload_to_dict


def event_values(
    event: Event, seq: int, citation: Citation | None = None, iso: bool = True
) -> tuple[Any, ...]:
    """The row recording ``event`` as number ``seq`` (``citation`` for an event naming
    none) as the database stores it through SQLAlchemy, in :data:`EVENT_COLUMNS`
    order: the step's value, payload and extra as JSON text, and on SQLite (``iso``)
    the date as ISO text."""
    extra = event.extra
    return (
        event.case_id,
        seq,
        event.step._value_,  # the plain value: Enum.value is a descriptor, slow per event
        event.date.isoformat() if iso else event.date,
        event.actor,
        event.target,
        str(event.citation if citation is None else citation),
        _payload_json(event.payload),
        json_text(extra) if extra else None,
    )


#: JSON text of payloads by payload (immutable, most of them hashable): a batch of a
#: million events holds far fewer distinct payloads. Bounded.
_payload_texts: dict[Any, str] = {}


def _payload_json(payload: Any) -> str:
    try:
        found = _payload_texts.get(payload)
    except TypeError:  # a payload holding a list or dict: not hashable
        return json_text(payload_to_dict(payload))
    if found is None:
        found = json_text(payload_to_dict(payload))
        if len(_payload_texts) >= _PAYLOADS_KEPT:
            _payload_texts.clear()
        _payload_texts[payload] = found
    return found


#: The columns of ``dudao_events`` an event is written to and read from, in order.
EVENT_COLUMNS = (
    "case_id", "seq", "step", "date", "actor", "target", "citation", "payload", "extra"
)  # fmt: skip
INSERT_EVENT = (
    f"INSERT INTO {events_table.name} ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
)
SELECT_EVENTS = f"SELECT {', '.join(EVENT_COLUMNS)} FROM {events_table.name} ORDER BY case_id, seq"


def copy_rows(conn: sa.Connection, table: str, columns: Sequence[str], rows: list[Any]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order; JSON as text, which the server
    parses) with PostgreSQL's COPY through psycopg, in the connection's transaction:
    several times the speed of an executemany, which sends a statement a row.
    Constraints and foreign keys are checked as for INSERT; a refusal is raised as
    SQLAlchemy raises it (IntegrityError …), so a lost race is retried alike."""
    import psycopg

    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    try:
        with conn.connection.driver_connection.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as exc:
        raise sa.exc.DBAPIError.instance(sql, None, exc, psycopg.Error) from None


#: The columns of a new case's row of ``dudao_cases``, in order.
CASE_COLUMNS = ("case_id", "target", "opened_on", *SUMMARY_COLUMNS)
INSERT_CASE = (
    f"INSERT INTO {cases_table.name} ({', '.join(CASE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(CASE_COLUMNS))})"
)
_CASE_DATES = frozenset({"opened_on", "last_date", "deadline"})


def case_values(row: dict[str, Any], iso: bool) -> tuple[Any, ...]:
    """A case row as the database stores it through SQLAlchemy (on SQLite, ``iso``:
    dates as ISO text; booleans go in as Python's, which SQLite keeps as 0 and 1)."""
    if not iso:
        return tuple(row[c] for c in CASE_COLUMNS)
    return tuple(
        v.isoformat() if c in _CASE_DATES and v is not None else v
        for c in CASE_COLUMNS
        for v in (row[c],)
    )


#: Where each text column with a length limit is in :func:`event_values`' tuple.
_TEXT_AT = {name: EVENT_COLUMNS.index(name) for name in TEXT_LIMITS}
_texts_of = operator.itemgetter(
    *(EVENT_COLUMNS.index(name) for name in ("case_id", "actor", "target", "citation")),
    EVENT_COLUMNS.index("payload"),
    EVENT_COLUMNS.index("extra"),
)
_ID_MAX, _TARGET_MAX, _ACTOR_MAX, _CITATION_MAX = (
    TEXT_LIMITS[n] for n in ("case_id", "target", "actor", "citation")
)


def text_problems(values: tuple[Any, ...]) -> list[Problem]:
    """Texts of an event row (:func:`event_values`) the database cannot hold: too
    long for the column, or a NUL character (PostgreSQL refuses it in text and JSON)."""
    case_id, actor, target, citation, payload, extra = _texts_of(values)
    if (  # the usual case, cheaply (JSON writes every NUL as \\u0000)
        len(case_id) <= _ID_MAX
        and len(target) <= _TARGET_MAX
        and len(actor) <= _ACTOR_MAX
        and len(citation) <= _CITATION_MAX
        and "\x00" not in case_id + actor + target + citation
        and "\\u0000" not in payload
        and (extra is None or "\\u0000" not in extra)
    ):
        return []
    out = []
    texts = {name: values[i] for name, i in _TEXT_AT.items()}
    for name, text in texts.items():
        if len(text) > TEXT_LIMITS[name]:
            out.append(
                Problem(
                    f"{name} 过长（{len(text)} 字，最多 {TEXT_LIMITS[name]} 字）：{text[:20]}…",
                    path=(name,),
                    code="text-too-long",
                )
            )
    # a literal backslash-u0000 in the JSON also matched above: look closer
    if not (
        any("\x00" in t for t in texts.values())
        or "\\u0000" in payload
        or (extra is not None and "\\u0000" in extra)
    ):
        return out
    decoded = (_JSON_DECODE(payload), None if extra is None else _JSON_DECODE(extra))
    for name, text in (*texts.items(), *_strings(decoded[0]), *_strings(decoded[1])):
        if "\x00" in text:
            out.append(Problem(f"{name} 含有空字符（\\x00）", path=(name,), code="nul-in-text"))
    return out


def _json_default(value: Any) -> str:
    return str(value)


#: JSON text of a payload or extra dict (msgspec: several times the speed of json.dumps;
#: the same JSON, with text kept as UTF-8 rather than \\u escapes).
_JSON_ANY = msgspec.json.Encoder(enc_hook=_json_default).encode
_JSON_DECODE = msgspec.json.Decoder().decode


def json_text(value: Any) -> str:
    return _JSON_ANY(value).decode()


def event_dict(values: tuple[Any, ...]) -> dict[str, Any]:
    """An event row of :func:`event_values` (``iso=False``) as SQLAlchemy takes it."""
    row = dict(zip(EVENT_COLUMNS, values, strict=True))
    row["payload"] = _JSON_DECODE(row["payload"])
    row["extra"] = None if row["extra"] is None else _JSON_DECODE(row["extra"])
    return row


def json_value(text: Any) -> Any:
    """A JSON column as read: text on SQLite, already decoded on PostgreSQL."""
    return _JSON_DECODE(text) if isinstance(text, str | bytes) else text


def _strings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(k, path)
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, list | tuple):
        for v in data:
            yield from _strings(v, path)


_citations: dict[str, Citation] = {}
_steps = {s.value: s for s in Step}
#: Payloads structured from their JSON text, by step and text: a store's million events
#: hold far fewer distinct payloads, and payloads are immutable. Bounded.
_payloads: dict[tuple[Step, str | bytes], Any] = {}
_PAYLOADS_KEPT = 20_000


def _citation(text: str) -> Citation:
    # Few distinct citations exist; parsing each once keeps replay fast.
    return _citations.get(text) or _citations.setdefault(text, Citation.parse(text))


def _payload(step: Step, raw: Any) -> Any:
    if not isinstance(raw, str | bytes):  # decoded already (PostgreSQL)
        return payload_from_dict(step, raw)
    key = (step, raw)
    found = _payloads.get(key)
    if found is None:
        found = payload_from_dict(step, _JSON_DECODE(raw))
        if len(_payloads) >= _PAYLOADS_KEPT:
            _payloads.clear()
        _payloads[key] = found
    return found


def event_from_row(row: Any) -> Event:
    m = row._mapping
    step = Step.parse(m["step"])
    return Event(
        m["case_id"],
        step,
        m["date"],
        m["actor"],
        m["target"],
        _citation(m["citation"]),
        payload_from_dict(step, m["payload"]),
        m["seq"],
        m["extra"] or {},
    )


def events_from_raw(rows: Sequence[Sequence[Any]]) -> list[Event]:
    """Events from rows of :data:`SELECT_EVENTS` as the driver returns them (no
    SQLAlchemy type processing): dates as ISO text or dates, JSON as text or decoded."""
    out = []
    fromiso = dt.date.fromisoformat
    for case_id, seq, step_text, date, actor, target, citation, payload, extra in rows:
        step = _steps.get(step_text) or Step.parse(step_text)
        out.append(
            Event(
                case_id,
                step,
                fromiso(date) if isinstance(date, str) else date,
                actor,
                target,
                _citation(citation),
                _payload(step, payload),
                seq,
                (json_value(extra) or {}) if extra is not None else {},
            )
        )
    return out
