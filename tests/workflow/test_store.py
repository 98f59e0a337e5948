"""The case store: transactions, several writer processes, a killed writer, versions.

Every test taking ``store_url`` runs twice: on a SQLite file and on a fresh
database of a real PostgreSQL server (see conftest.py; skipped, saying why,
where the server cannot be started)."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa

# Writers run in spawned processes: they live in wf_helpers, which the children
# import by name (conftest puts its folder on sys.path; a test module imported in
# pytest's importlib mode has no importable name).
from wf_helpers import ACTOR, d, ev, meeting, opened, ordered, racing_opener, shared_writer

from dudao.errors import DudaoError
from dudao.model.findings import Finding
from dudao.store import SCHEMA_VERSION, CasePage, CaseStore
from dudao.workflow import Feedback, FeedbackMode, Source, Step, replay


def test_open_append_read_back(store_url: str) -> None:
    store = CaseStore.open(store_url)
    store.append_many([opened(), meeting("2023-03-10"), ordered("2023-03-10", "2023-04-30")])
    rec = store.case("C1")
    assert [e.seq for e in rec.events] == [1, 2, 3]
    assert rec.state == replay(rec.events)
    assert store.cases(closed=False)[0] == rec.state
    assert [o.due for o in store.overdue(d("2023-05-01"))] == [Step.SUPERVISION_ORDER]
    assert store.verify() == []


def test_refused_event_changes_nothing(store_url: str) -> None:
    store = CaseStore.open(store_url)
    store.append_many([opened(), meeting("2023-03-10")])
    with pytest.raises(DudaoError):
        store.append("C1", ev(Step.CLOSED, "2023-03-11"))
    with pytest.raises(DudaoError):  # one bad event in a batch refuses the batch
        store.append_many([ordered("2023-03-11", "2023-04-30"), ev(Step.CLOSED, "2023-03-12")])
    with pytest.raises(DudaoError) as err:
        store.append("C9", ev(Step.CLOSED, "2023-03-11", case="C9"))
    assert err.value.codes == ["unknown-case"]
    with pytest.raises(DudaoError) as err:
        store.append_many([opened()])
    assert err.value.codes == ["case-exists"]
    assert store.count_events() == 2 and store.verify() == []


def test_case_from_finding(store_url: str) -> None:
    f = Finding(
        rule="inspector-staffing",
        severity="error",
        target_kind="jurisdiction",
        target="450103",
        target_name="青秀区",
        jurisdiction="450103",
        message="督学不足",
        message_en="Too few inspectors",
        citation="厅发〔2020〕26号 三（一）",
    )
    store = CaseStore.open(store_url)
    rec = store.open_case("", d("2023-03-01"), actor=ACTOR, finding=f)
    assert rec.case_id == "DD2023000001" and rec.state.target == "450103"
    first = rec.events[0]
    assert first.payload.source is Source.FINDING and str(first.citation).endswith("三（一）")


def test_concurrent_processes_lose_no_event(store_url: str) -> None:
    path = store_url
    store = CaseStore.open(path)
    store.append_many(
        [
            opened(case="S"),
            meeting("2023-03-10", case="S"),
            ordered("2023-03-10", "2023-04-30", case="S"),
        ]
    )
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=shared_writer, args=(path, w, 15)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert store.case("S").state.count == 3 + 4 * 15
    assert len(store.cases()) == 1 + 4 * 15
    assert store.verify() == []


KILLED_WRITER = textwrap.dedent(
    """
    import sys, datetime as dt
    sys.path.insert(0, {helpers!r})
    from wf_helpers import opened, meeting
    from dudao.store import CaseStore
    store = CaseStore.open({path!r})
    i = 0
    while True:
        store.append_many([opened(case=f"K{{i}}"), meeting("2023-03-10", case=f"K{{i}}")])
        print(i, flush=True)  # printed only after the commit
        i += 1
    """
)


def test_killed_writer_leaves_store_consistent(store_url: str) -> None:
    path = store_url
    CaseStore.open(path).close()
    code = KILLED_WRITER.format(helpers=str(Path(__file__).parent), path=path)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    committed = []
    assert proc.stdout is not None
    while len(committed) < 30:
        committed.append(int(proc.stdout.readline()))
    time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if "://" not in path:
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = CaseStore.open(path)
    assert store.verify() == []
    for i in committed:
        assert store.case(f"K{i}").state.last is Step.FEEDBACK
    assert store.count_events() == 2 * len(store.cases())


def test_racing_writers_open_new_cases(store_url: str) -> None:
    # On PostgreSQL no lock covers a row that does not exist yet: two writers both
    # find case X absent and insert it, and the database refuses the second; the
    # store retries that transaction, which then sees X and says so.
    CaseStore.open(store_url).close()
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=racing_opener, args=(store_url, w, results)) for w in range(5)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in range(5 * 11)]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    outcomes = sorted(r for _, r in got if not r.startswith("DD"))
    assert outcomes == ["case-exists"] * 4 + ["opened"]
    numbered = [r for _, r in got if r.startswith("DD")]
    assert sorted(numbered) == [f"DD2023{i:06d}" for i in range(2, 52)]  # X took no. 1
    store = CaseStore.open(store_url)
    assert len(store.cases()) == 51 and store.verify() == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("actor", "督导室" * 70, "text-too-long"), ("actor", "督导\x00室", "nul-in-text")],
)
def test_text_the_database_cannot_hold_is_refused(
    store_url: str, field: str, value: str, code: str
) -> None:
    # PostgreSQL enforces VARCHAR lengths and refuses NUL; SQLite does neither. The
    # store refuses both itself, so the two backends agree and nothing is written.
    store = CaseStore.open(store_url)
    store.append_many([opened()])
    bad = attrs.evolve(meeting("2023-03-10"), **{field: value})
    with pytest.raises(DudaoError) as err:
        store.append("C1", bad)
    assert err.value.codes == [code]
    summary = Feedback(FeedbackMode.WRITTEN, issues=("问题\x00一",))
    with pytest.raises(DudaoError) as err:
        store.append("C1", ev(Step.FEEDBACK, "2023-03-10", summary))
    assert err.value.codes == ["nul-in-text"] and "issues" in str(err.value)
    assert store.count_events() == 1


def test_postgresql_url_without_driver_name_uses_psycopg(pg_database: Callable[[], str]) -> None:
    url = pg_database().replace("postgresql+psycopg://", "postgresql://")
    store = CaseStore.open(url)
    assert store.engine.dialect.driver == "psycopg"
    store.append_many([opened()])
    assert store.case("C1").state.last is Step.OPENED


def test_missing_driver_is_a_clear_error() -> None:
    with pytest.raises(DudaoError) as err:
        CaseStore.open("mysql://user@localhost/cases")
    assert err.value.codes == ["store-driver-missing"]


def test_version_too_new_and_unknown(store_url: str) -> None:
    CaseStore.open(store_url).close()
    engine = sa.create_engine(_url(store_url))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE dudao_schema_version SET version = 99"))
    with pytest.raises(DudaoError) as err:
        CaseStore.open(store_url)
    assert err.value.codes == ["store-too-new"] and "升级 dudao" in str(err.value)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE dudao_schema_version"))
    with pytest.raises(DudaoError) as err:
        CaseStore.open(store_url)
    assert err.value.codes == ["store-unknown-schema"]
    engine.dispose()


def _url(store_url: str) -> str:
    return store_url if "://" in store_url else f"sqlite:///{store_url}"


#: Columns each schema version added (version 1: cases had id, target, opened_on).
ADDED = {
    2: {
        "dudao_cases": [
            "last_step", "last_date", "n_events", "rank", "deadline",
            "severe", "passed", "published", "closed",
        ]
    },
    3: {"dudao_cases": ["found", "reviewed", "revoked"], "dudao_events": ["extra"]},
}  # fmt: skip


def _history() -> list:
    # A 2020 case past its deadline, and a 2021 case through 复核 (撤销) with an extra item.
    from wf_helpers import decision, investigation, review, statement

    old = [
        opened("2021-03-01", case="A"),
        meeting("2021-03-10", case="A"),
        ordered("2021-03-10", "2021-04-30", case="A"),
    ]
    new = [
        opened("2023-03-01", case="B", severe="retaliation"),
        investigation("2023-03-20", case="B"),
        statement("2023-03-30", case="B"),
        decision("2023-04-10", published=False, case="B"),
        attrs.evolve(review("2023-05-20", "2023-05-01", outcome="revoked", case="B"),
                     extra={"复核机关": "南宁市人民政府教育督导委员会"}),
    ]  # fmt: skip
    return old + new


@pytest.mark.parametrize("version", [1, 2])
def test_migrates_older_versions(store_url: str, version: int) -> None:
    store = CaseStore.open(store_url)
    store.append_many(_history())
    before = {s.case_id: s for s in store.cases()}
    store.close()
    # Turn the store into an older one: drop what later versions added.
    engine = sa.create_engine(_url(store_url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_dudao_cases_open_deadline"))
        for v in range(version + 1, SCHEMA_VERSION + 1):
            for table, columns in ADDED[v].items():
                for column in columns:
                    conn.execute(sa.text(f'ALTER TABLE {table} DROP COLUMN "{column}"'))
        conn.execute(sa.text(f"UPDATE dudao_schema_version SET version = {version}"))
    engine.dispose()
    with pytest.raises(DudaoError) as err:
        CaseStore.open(store_url, migrate=False)
    assert err.value.codes == ["store-needs-migration"]
    store = CaseStore.open(store_url)
    assert store.schema_version == SCHEMA_VERSION
    assert store.verify() == []
    assert {s.case_id: s for s in store.cases()} == before
    assert store.overdue(d("2023-05-01"))[0].case_id == "A"
    b = store.case("B")
    assert b.state.revoked and b.state.reviewed == "review" and b.state.status == "复核（撤销）"
    # version 1 and 2 had no extra column: the item recorded with the event was lost
    # when the columns were dropped above; new events keep theirs
    assert b.events[-1].extra == {}


# ---------------------------------------------------------------- issue 13
def test_an_event_with_a_stale_expected_seq_is_refused(store_url: str) -> None:
    # Optimistic concurrency: a writer that read the case at two events appends the
    # third; another writer that read it at the same time and also expects to append
    # the third is refused, whatever it says, and nothing of it is written.
    store = CaseStore.open(store_url)
    store.append_many([opened(), meeting("2023-03-10")])
    mine = attrs.evolve(ordered("2023-03-10", "2023-04-30"), seq=3)
    theirs = attrs.evolve(ev(Step.COMMENDED, "2023-03-11"), seq=3)
    assert [e.seq for e in store.append("C1", mine).events] == [1, 2, 3]
    with pytest.raises(DudaoError) as err:
        store.append("C1", theirs)
    assert err.value.codes == ["stale-seq"]
    assert "已有 3 个事件" in str(err.value) and "预期为第 3 个" in str(err.value)
    # a number from the future is as stale as one from the past
    with pytest.raises(DudaoError) as err:
        store.append("C1", attrs.evolve(ev(Step.RECTIFICATION_REPORTED, "2023-04-01"), seq=9))
    assert err.value.codes == ["stale-seq"]
    # in a batch each event's number counts the ones before it
    batch = [attrs.evolve(opened(case="B"), seq=1), attrs.evolve(meeting("2023-03-10", "B"), seq=1)]
    with pytest.raises(DudaoError) as err:
        store.append_many(batch)
    assert err.value.codes == ["stale-seq"]
    assert store.count_events() == 3 and store.verify() == []
    store.append("C1", attrs.evolve(ev(Step.RECTIFICATION_REPORTED, "2023-04-01"), seq=4))


def test_a_page_of_case_summaries_is_filtered_and_counted_by_the_database(
    store_url: str,
) -> None:
    # CaseStore.page: the listing the service pages through (targets: a subtree's units)
    store = CaseStore.open(store_url)
    units = ["450103", "450102", "450201"]
    events = []
    for i in range(30):
        cid, unit = f"K{i:03d}", units[i % 3]
        events.append(opened(case=cid, target=unit))
        if i % 2 == 0:
            events.append(ev(Step.FEEDBACK, "2023-03-10", Feedback("written"), cid, target=unit))
    store.append_many(events)
    nanning = [f"K{i:03d}" for i in range(30) if units[i % 3] != "450201"]
    page = store.page(targets={"450103", "450102"}, offset=5, limit=7)
    assert page.total == 20 and [s.case_id for s in page.cases] == nanning[5:12]
    assert all(s == store.case(s.case_id or "").state for s in page.cases)  # the summaries
    fed = store.page(targets=["450103"], step="feedback")
    assert [s.case_id for s in fed.cases] == [f"K{i:03d}" for i in range(0, 30, 6)]
    assert fed.total == 5 and all(s.last is Step.FEEDBACK for s in fed.cases)
    assert store.page(step=Step.OPENED, closed=False).total == 15
    assert store.page(closed=True) == store.page(targets=[]) == CasePage(0, [])
    beyond = store.page(offset=30, limit=10)
    assert (beyond.total, beyond.cases) == (30, [])
    # through a connection the caller holds (the service reads through its own)
    liuzhou = store.page(targets={"450201"})
    assert liuzhou.total == 10
    with store.engine.connect() as conn:
        assert store.page(targets={"450201"}, connection=conn) == liuzhou
    assert store.page().cases == store.cases()
    store.close()


def test_empty_case_ids_are_refused_by_the_store(store_url: str) -> None:
    store = CaseStore.open(store_url)
    for bad in ("", "   "):
        with pytest.raises(DudaoError) as err:
            store.open_case("450103", d("2023-03-01"), actor=ACTOR, case_id=bad)
        assert err.value.codes == ["empty-case-id"]
        with pytest.raises(DudaoError) as err:
            store.append_many([opened(case=bad)])
        assert err.value.codes == ["empty-case-id"]
    assert store.count_events() == 0


def test_events_without_citation_get_the_national_basis(store_url: str) -> None:
    # The built-in policy (no region): the 条例 for 立案 and 反馈, the 意见 for the
    # rules on using results, the 条例 for anything dated before the 意见.
    from dudao.workflow import RectificationOrdered

    store = CaseStore.open(store_url)
    store.append_many([opened("2019-05-01", case="OLD"), opened(target="430624")])
    store.append("C1", ev(Step.FEEDBACK, "2023-03-10", Feedback("written"), target="430624"))
    order = RectificationOrdered(d("2023-04-30"))
    store.append("C1", ev(Step.RECTIFICATION_ORDERED, "2023-03-10", order, target="430624"))
    assert [str(e.citation) for e in store.case("C1").events] == [
        "《教育督导条例》",
        "《教育督导条例》",
        "《关于深化新时代教育督导体制机制改革的意见》",
    ]
    assert str(store.case("OLD").events[0].citation) == "《教育督导条例》"


@pytest.mark.parametrize(
    "content", [b"", "\u7763\u5bfc\u5de5\u4f5c\u7b14\u8bb0\n".encode(), bytes(range(256)) * 20]
)
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    if not content:  # an empty file is an empty SQLite database: it becomes the store
        CaseStore.open(path).close()
        return
    with pytest.raises(DudaoError) as err:
        CaseStore.open(path)
    assert err.value.codes == ["store-not-a-database"]
    assert str(path) in str(err.value) and "文件未作改动" in str(err.value)
    assert path.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("url", ["foo://host/db", "postgresql+nodriver://u:pw@host/db"])
def test_an_unknown_kind_of_store_url_is_refused(url: str) -> None:
    with pytest.raises(DudaoError) as err:
        CaseStore.open(url)
    assert err.value.codes == ["bad-store-url"]
    assert "pw" not in str(err.value) and "sqlite:///cases.db" in str(err.value)
