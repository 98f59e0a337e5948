"""The case store's fast paths read back exactly what SQLAlchemy's typed path reads:
events written as plain tuples (SQLite) and read as plain driver rows (both databases),
JSON written by msgspec or, in older stores, by json.dumps with ASCII escapes."""

from __future__ import annotations

import json

import attrs
import sqlalchemy as sa
from wf_helpers import decision, investigation, meeting, opened, ordered, review, statement

from dudao.store import CaseStore
from dudao.store.rows import event_from_row
from dudao.store.schema import events_table
from dudao.workflow import replay


def _history() -> list:
    return [
        opened("2021-03-01", case="A"),
        meeting("2021-03-10", case="A"),
        ordered("2021-03-10", "2021-04-30", case="A"),
        opened("2023-03-01", case="B", severe="retaliation"),
        investigation("2023-03-20", case="B"),
        statement("2023-03-30", case="B"),
        decision("2023-04-10", published=False, case="B"),
        attrs.evolve(
            review("2023-05-20", "2023-05-01", outcome="revoked", case="B"),
            extra={"复核机关": "南宁市人民政府教育督导委员会", "说明": 'a "quoted" \\ text'},
        ),
    ]


def _typed(store: CaseStore) -> list:
    """Events through SQLAlchemy's typed columns (the path before the fast one)."""
    query = sa.select(events_table).order_by(events_table.c.case_id, events_table.c.seq)
    with store.engine.connect() as conn:
        return [event_from_row(r) for r in conn.execute(query)]


def test_fast_reads_equal_typed_reads(store_url: str) -> None:
    store = CaseStore.open(store_url)
    events = _history()
    store.append_many(events)
    fast = list(store.iter_events(batch=3))  # batch boundaries inside cases
    assert fast == _typed(store)
    assert [e.extra for e in fast][-1] == events[-1].extra
    assert [e.payload for e in fast] == [e.payload for e in events]
    assert {s.case_id: s for s in store.replay_all()} == {
        cid: replay([e for e in fast if e.case_id == cid]) for cid in ("A", "B")
    }
    assert store.verify() == []


def test_json_written_with_ascii_escapes_reads_the_same(store_url: str) -> None:
    """A store written before msgspec held payloads as json.dumps wrote them."""
    store = CaseStore.open(store_url)
    store.append_many(_history())
    before = list(store.iter_events())
    with store.engine.begin() as conn:
        rows = conn.execute(sa.select(events_table.c.id, events_table.c.extra)).all()
        for id_, extra in rows:
            if extra:
                text = json.dumps(extra)  # \\u escapes, as the old writer stored them
                assert "\\u" in text
                value = "CAST(:x AS json)" if conn.dialect.name == "postgresql" else ":x"
                conn.execute(
                    sa.text(f"UPDATE dudao_events SET extra = {value} WHERE id = :i"),
                    {"x": text, "i": id_},
                )
    assert list(store.iter_events()) == before
