"""Each scenario's inputs reach a worker once (local processes: when the worker starts;
Dask: one broadcast scatter) and a task carries only its key: the results are those of
tasks that carry their inputs whole."""

from __future__ import annotations

import pickle

import pytest

from dudao.simulate.dynamic import DynamicInputs
from dudao.simulate.sweep import _key, run_sweep, tasks_for

pytest.importorskip("distributed")

# two scenarios whose results differ: a worker that mixed up their inputs would show
INPUTS = {
    "baseline": DynamicInputs.build(
        codes=["A", "B"], schools=[40, 90], inspectors=[6, 15], ratio=[5, 5], cycle=[5, 5]
    ),
    "ratio-3": DynamicInputs.build(
        codes=["A", "B"], schools=[40, 90], inspectors=[6, 15], ratio=[3, 3], cycle=[5, 5]
    ),
}
OPTIONS = dict(seeds=[1, 2], runs=6, years=3, block=2, progress=False)


def test_local_workers_keep_the_inputs_and_agree_with_a_serial_run() -> None:
    serial = run_sweep(INPUTS, executor="serial", **OPTIONS).frame
    local = run_sweep(INPUTS, executor="local", workers=2, **OPTIONS).frame
    assert local.equals(serial)
    required = serial.groupby("scenario")["required"].sum()
    assert required["ratio-3"] > required["baseline"]  # the scenarios did differ


def test_dask_workers_get_the_inputs_by_scatter_and_agree() -> None:
    serial = run_sweep(INPUTS, executor="serial", **OPTIONS).frame
    on_dask = run_sweep(INPUTS, executor="dask", workers=1, **OPTIONS).frame
    assert on_dask.equals(serial)


def test_a_task_sent_to_a_worker_is_its_key_only() -> None:
    big = DynamicInputs.build(
        codes=[f"{i:06d}" for i in range(3000)],
        schools=[100] * 3000,
        inspectors=[20] * 3000,
        ratio=[5] * 3000,
        cycle=[5] * 3000,
    )
    task = tasks_for({"baseline": big}, seeds=[1], runs=10, years=2, block=5)[0]
    assert len(pickle.dumps(task)) > 100_000  # what each task used to carry
    assert len(pickle.dumps(_key(task))) < 100
