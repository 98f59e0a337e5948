"""Benchmark the case store: append and replay 1,000,000 events, and ``overdue``
over 100,000 open cases.

    .venv/bin/python benchmarks/bench_cases.py [--events 1000000] [--store PATH]

Each case gets 10 events (立案 … 督办单), so 1,000,000 events are 100,000 open
cases with a pending deadline, about a quarter of them overdue at the as-of date.
Appends go in batches of ``--batch`` events per transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from dudao.store import CaseStore
from dudao.workflow import (
    Event,
    Feedback,
    FeedbackMode,
    Interview,
    Opened,
    RectificationOrdered,
    RectificationReported,
    Reinspected,
    Step,
    SupervisionOrder,
)

ACTOR = "督导室"
INVITEES = ("纪委监委", "组织部", "绩效办")


def case_events(i: int) -> list[Event]:
    cid = f"B{i:07d}"
    target = f"45{i % 10000:04d}"
    start = dt.date(2023, 1, 1) + dt.timedelta(days=i % 200)

    def day(n: int) -> dt.date:
        return start + dt.timedelta(days=n)

    def e(step: Step, n: int, payload: object) -> Event:
        return Event(cid, step, day(n), ACTOR, target, payload=payload)

    return [
        e(Step.OPENED, 0, Opened()),
        e(Step.FEEDBACK, 5, Feedback(FeedbackMode.MEETING, INVITEES)),
        e(Step.RECTIFICATION_ORDERED, 5, RectificationOrdered(day(60))),
        e(Step.RECTIFICATION_REPORTED, 50, RectificationReported()),
        e(Step.REINSPECTED, 70, Reinspected(False)),
        e(Step.SUPERVISION_ORDER, 71, SupervisionOrder(day(100), "教育局")),
        e(Step.RECTIFICATION_REPORTED, 90, RectificationReported()),
        e(Step.REINSPECTED, 110, Reinspected(False)),
        e(Step.INTERVIEW, 111, Interview(day(150), ("纪委监委", "组织部"))),
        e(Step.RECTIFICATION_REPORTED, 120, RectificationReported()),
    ][: 10 - (i % 2)]  # odd cases stop after the 约谈: their deadline is pending


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=20_000)
    ap.add_argument("--store")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = args.store or str(Path(tmp.name) / "bench.db")
    store = CaseStore.open(path)
    print(f"store  : {store.engine.url.render_as_string(hide_password=True)}")

    total = 0
    batch: list[Event] = []
    i = 0
    t_build = t_append = cpu_append = 0.0
    while total < args.events:
        t0 = time.perf_counter()
        while len(batch) < args.batch and total + len(batch) < args.events:
            batch += case_events(i)
            i += 1
        t1 = time.perf_counter()
        c1 = time.process_time()
        store.append_many(batch)
        t2 = time.perf_counter()
        cpu_append += time.process_time() - c1
        t_build += t1 - t0
        t_append += t2 - t1
        total += len(batch)
        batch = []
    print(
        f"append : {total:>9,} events, {i:,} cases in {t_append:6.1f} s "
        f"= {total / t_append:>8,.0f} events/s (building events: {t_build:.1f} s; "
        f"CPU {cpu_append:.1f} s = {total / cpu_append:,.0f} events per CPU second)"
    )

    t0 = time.perf_counter()
    c0 = time.process_time()
    n_states = n_events = 0
    for state in store.replay_all():
        n_states += 1
        n_events += state.count
    t1 = time.perf_counter()
    cpu = time.process_time() - c0
    print(
        f"replay : {n_events:>9,} events, {n_states:,} cases in {t1 - t0:6.1f} s "
        f"= {n_events / (t1 - t0):>8,.0f} events/s (CPU {cpu:.1f} s)"
    )

    open_cases = len(store.cases(closed=False))
    as_of = dt.date(2023, 9, 1)
    t0 = time.perf_counter()
    rows = store.overdue(as_of)
    t1 = time.perf_counter()
    print(
        f"overdue: {open_cases:,} open cases, {len(rows):,} overdue as of {as_of} "
        f"in {1000 * (t1 - t0):.0f} ms"
    )
    size = Path(path).stat().st_size / 1e6 if Path(path).exists() else 0
    print(f"store  : {size:.0f} MB")


if __name__ == "__main__":
    main()
