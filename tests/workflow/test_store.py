"""The case store: transactions, several writer processes, a killed writer, versions."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from wf_helpers import ACTOR, d, ev, meeting, opened, ordered

from dudao.errors import DudaoError
from dudao.model.findings import Finding
from dudao.store import SCHEMA_VERSION, CaseStore
from dudao.workflow import Source, Step, replay


def test_open_append_read_back(tmp_path: Path) -> None:
    store = CaseStore.open(tmp_path / "c.db")
    store.append_many([opened(), meeting("2023-03-10"), ordered("2023-03-10", "2023-04-30")])
    rec = store.case("C1")
    assert [e.seq for e in rec.events] == [1, 2, 3]
    assert rec.state == replay(rec.events)
    assert store.cases(closed=False)[0] == rec.state
    assert [o.due for o in store.overdue(d("2023-05-01"))] == [Step.SUPERVISION_ORDER]
    assert store.verify() == []


def test_refused_event_changes_nothing(tmp_path: Path) -> None:
    store = CaseStore.open(tmp_path / "c.db")
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


def test_case_from_finding(tmp_path: Path) -> None:
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
    store = CaseStore.open(tmp_path / "c.db")
    rec = store.open_case("", d("2023-03-01"), actor=ACTOR, finding=f)
    assert rec.case_id == "DD2023000001" and rec.state.target == "450103"
    first = rec.events[0]
    assert first.payload.source is Source.FINDING and str(first.citation).endswith("三（一）")


def _shared_writer(path: str, worker: int, n: int) -> None:
    # Everyone advances one shared case through re-inspection loops; the
    # replayed state must serialise them.
    store = CaseStore.open(path)
    done = 0
    while done < n:
        try:
            state = store.case("S").state
            nxt = _next_loop_event(state)
            store.append("S", nxt)
            done += 1
        except DudaoError:
            continue  # another writer moved the case first; re-read and retry
        store.append_many([opened(case=f"W{worker}-{done}")])


def _next_loop_event(state):  # type: ignore[no-untyped-def]
    date = state.last_date.isoformat()
    if state.last is Step.RECTIFICATION_REPORTED:
        from wf_helpers import reinspected

        return reinspected(date, False, case="S")
    from wf_helpers import supervision

    if state.last is Step.REINSPECTED:
        return supervision(date, "2099-01-01", case="S")
    return ev(Step.RECTIFICATION_REPORTED, date, case="S")


def test_concurrent_processes_lose_no_event(tmp_path: Path) -> None:
    path = str(tmp_path / "c.db")
    store = CaseStore.open(path)
    store.append_many(
        [
            opened(case="S"),
            meeting("2023-03-10", case="S"),
            ordered("2023-03-10", "2023-04-30", case="S"),
        ]
    )
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_shared_writer, args=(path, w, 15)) for w in range(4)]
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


def test_killed_writer_leaves_store_consistent(tmp_path: Path) -> None:
    path = str(tmp_path / "c.db")
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
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = CaseStore.open(path)
    assert store.verify() == []
    for i in committed:
        assert store.case(f"K{i}").state.last is Step.FEEDBACK
    assert store.count_events() == 2 * len(store.cases())


def test_version_too_new_and_unknown(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    CaseStore.open(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE dudao_schema_version SET version = 99")
    with pytest.raises(DudaoError) as err:
        CaseStore.open(path)
    assert err.value.codes == ["store-too-new"] and "升级 dudao" in str(err.value)
    other = tmp_path / "o.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE dudao_events (x INTEGER)")
    with pytest.raises(DudaoError) as err:
        CaseStore.open(other)
    assert err.value.codes == ["store-unknown-schema"]


def test_migrates_version_1(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    new = CaseStore.open(tmp_path / "v2.db")
    new.append_many([opened(), meeting("2023-03-10"), ordered("2023-03-10", "2023-04-30")])
    new.close()
    # Build a version-1 file: the same events, cases without summary columns.
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE dudao_schema_version (version INTEGER NOT NULL)")
        raw.execute("INSERT INTO dudao_schema_version VALUES (1)")
        raw.execute(
            "CREATE TABLE dudao_cases (case_id VARCHAR(64) PRIMARY KEY, "
            "target VARCHAR(64) NOT NULL, opened_on DATE NOT NULL)"
        )
        raw.execute(f"ATTACH DATABASE '{tmp_path / 'v2.db'}' AS v2")
        raw.execute("CREATE TABLE dudao_events AS SELECT * FROM v2.dudao_events")
        raw.execute("INSERT INTO dudao_cases SELECT case_id, target, opened_on FROM v2.dudao_cases")
    with pytest.raises(DudaoError) as err:
        CaseStore.open(path, migrate=False)
    assert err.value.codes == ["store-needs-migration"]
    store = CaseStore.open(path)
    assert store.schema_version == SCHEMA_VERSION
    assert store.verify() == []
    assert store.overdue(d("2023-05-01"))[0].case_id == "C1"
