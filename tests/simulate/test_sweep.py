"""Sweeps on real executors: a local process pool and a dask.distributed LocalCluster."""

from __future__ import annotations

import concurrent.futures as cf
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.simulate.dynamic import DynamicInputs
from dudao.simulate.reform import Reform
from dudao.simulate.sweep import executor_for, grid, run_sweep, sweep
from dudao.testing import share_of_examples

distributed = pytest.importorskip("distributed")

INPUTS = {
    "baseline": DynamicInputs.build(
        codes=["A", "B", "C"],
        groups=["g1", "g1", "g2"],
        schools=[40, 90, 25],
        inspectors=[6, 15, 5],
        ratio=[5, 5, 5],
        cycle=[5, 5, 5],
        open_findings=[3, 8, 1],
    ),
    "ratio-4": DynamicInputs.build(
        codes=["A", "B", "C"],
        groups=["g1", "g1", "g2"],
        schools=[40, 90, 25],
        inspectors=[6, 15, 5],
        ratio=[4, 4, 4],
        cycle=[5, 5, 5],
        open_findings=[3, 8, 1],
    ),
}


@pytest.fixture(scope="module")
def dask_client():
    """A real LocalCluster: two in-process workers, closed after the module."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    client = distributed.Client(cluster, timeout="30s")
    yield client
    client.close(timeout=10)
    cluster.close(timeout=10)


@pytest.fixture(scope="module")
def pool():
    with cf.ProcessPoolExecutor(max_workers=2) as executor:
        yield executor


@share_of_examples(0.1, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    runs=st.integers(1, 12),
    years=st.integers(1, 4),
    block=st.integers(1, 7),
)
def test_same_seed_same_result_on_every_executor(
    dask_client, pool, seed, runs, years, block
) -> None:
    options = dict(seeds=[seed], runs=runs, years=years, progress=False)
    local = run_sweep(INPUTS, executor=pool, block=block, **options).frame
    on_dask = run_sweep(INPUTS, executor=dask_client, block=max(1, block - 1), **options).frame
    serial = run_sweep(INPUTS, executor="serial", block=runs, **options).frame
    assert local.equals(on_dask) and local.equals(serial)
    assert len(local) == 2 * runs * years * 2  # scenarios × runs × years × groups


def test_resume_reads_finished_tasks_and_runs_only_the_rest(tmp_path: Path) -> None:
    options = dict(seeds=[1, 2], runs=6, years=2, block=3, progress=False, executor="serial")
    first = run_sweep(INPUTS, out=tmp_path, **options)
    files = sorted((tmp_path / "tasks").glob("*.parquet"))
    assert first.resumed == 0 and len(files) == 2 * 2 * 2  # scenarios × seeds × blocks
    # an interrupted sweep: one task lost, one kept but marked so we can tell it was reused
    files[0].unlink()
    marked = pd.read_parquet(files[1]).assign(schools=-1)
    marked.to_parquet(files[1], index=False)
    again = run_sweep(INPUTS, out=tmp_path, **options)
    assert again.resumed == len(files) - 1
    assert (again.frame["schools"] == -1).sum() == len(marked)
    restored = pd.read_parquet(files[0])
    assert len(restored) and restored["schools"].min() > 0
    # other inputs under the same name never reuse those files
    changed = {"baseline": INPUTS["ratio-4"]}
    assert run_sweep(changed, out=tmp_path, **options).resumed == 0


@pytest.mark.regional
def test_sweep_from_a_scenario_with_a_local_cluster(nanning, tmp_path: Path) -> None:
    reforms = grid("ratio", {"inspector.schools_per_inspector": [3]}, scope="450000")
    result = sweep(
        nanning,
        reforms,
        seeds=[5],
        runs=4,
        years=2,
        executor="dask",
        workers=1,
        block=2,
        progress=False,
        out=tmp_path,
    )
    names = ["baseline", "ratio-inspector.schools_per_inspector=3"]
    assert sorted(result.frame["scenario"].unique()) == names
    year1 = result.frame[result.frame["year"] == 1].groupby("scenario")["required"].mean()
    assert year1[names[1]] > year1["baseline"]
    summary = result.summary
    assert {"mean", "ci_low", "ci_high", "p2_5", "p97_5"} <= set(summary.columns)
    same = sweep(nanning, reforms, seeds=[5], runs=4, years=2, executor="serial",
                 block=4, progress=False)  # fmt: skip
    assert same.frame.equals(result.frame)


def test_bad_options_are_reported() -> None:
    with pytest.raises(DudaoError, match="正整数"):
        run_sweep(INPUTS, runs=0, progress=False)
    with pytest.raises(DudaoError, match="未知的执行方式"):
        run_sweep(INPUTS, runs=1, years=1, executor="cloud", progress=False)
    assert Reform("x").empty


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    with (
        pytest.raises(DudaoError, match=r"无法连接 Dask 调度器 tcp://127\.0\.0\.1:9"),
        executor_for("dask", scheduler="tcp://127.0.0.1:9", timeout="1s"),
    ):
        pass


class Breaks(cf.Executor):
    """Runs tasks as they are submitted; the third one fails (an interrupted sweep)."""

    def __init__(self) -> None:
        self.count = 0

    def submit(self, fn, /, *args, **kwargs):
        self.count += 1
        future: cf.Future = cf.Future()
        if self.count == 3:
            future.set_exception(KeyboardInterrupt())
        else:
            future.set_result(fn(*args, **kwargs))
        return future


def test_an_interrupted_sweep_resumes_where_it_stopped(tmp_path: Path) -> None:
    options = dict(seeds=[4], runs=8, years=2, block=2, progress=False)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(INPUTS, out=tmp_path, executor=Breaks(), **options)
    finished = len(list((tmp_path / "tasks").glob("*.parquet")))
    assert finished < 2 * 4  # the failed task, at least, is missing
    assert not list((tmp_path / "tasks").glob(".*.tmp"))
    resumed = run_sweep(INPUTS, out=tmp_path, executor="serial", **options)
    assert resumed.resumed == finished
    clean = run_sweep(INPUTS, executor="serial", **options)
    assert resumed.frame.equals(clean.frame)
