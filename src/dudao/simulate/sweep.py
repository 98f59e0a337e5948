"""Sweeps: reforms × seeds × runs of the dynamic model, on local processes or Dask.

A sweep is cut into tasks (one scenario, one seed, a block of runs). Each task's
inputs are computed once, in this process, from the scenario and the reform
(:meth:`DynamicInputs.from_scenario`), so a worker needs neither the dataset nor
the plugins. Executors:

* ``"local"`` (default): a pool of local processes
  (:class:`concurrent.futures.ProcessPoolExecutor`);
* ``"dask"``: a ``dask.distributed`` :class:`~distributed.LocalCluster`, or the
  cluster at ``scheduler="tcp://host:8786"``;
* an executor you already hold: a ``concurrent.futures.Executor`` or a
  ``distributed.Client``.

Every executor goes through the same submit/as-completed loop and each run draws
from its own seed (:func:`dudao.simulate.dynamic.generators`), so the results are
identical whatever the executor, the number of workers or the block size.

With ``out``, every finished task is written at once to
``out/tasks/<scenario>-s<seed>-r<first>-<last>-<fingerprint>.parquet``; running
the same sweep again (after an interruption) reads those files and runs only the
tasks missing. The fingerprint hashes the task's inputs, so a changed reform or
dataset never reuses stale results.

>>> from dudao.simulate.dynamic import DynamicInputs
>>> inputs = {"baseline": DynamicInputs.build(codes=["A"], schools=[10], inspectors=[2],
...                                           ratio=[5], cycle=[5])}
>>> result = run_sweep(inputs, seeds=[1], runs=4, years=2, executor="serial", progress=False)
>>> result.frame.groupby("scenario")["run"].nunique().to_dict()
{'baseline': 4}
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.lazyimports import pd
from dudao.model.jurisdiction import Level
from dudao.simulate.dynamic import DynamicInputs, simulate, summarize, totals
from dudao.simulate.reform import NATION, Reform

BASELINE = "baseline"


@attrs.frozen
class Task:
    """One block of runs of one scenario and seed."""

    scenario: str
    seed: int
    first: int
    last: int  # exclusive
    years: int
    inputs: DynamicInputs = attrs.field(repr=False)

    @property
    def key(self) -> str:
        return (
            f"{self.scenario}-s{self.seed}-r{self.first:06d}-{self.last:06d}"
            f"-y{self.years}-{self.inputs.fingerprint()}"
        )


def run_task(task: Task) -> pd.DataFrame:
    """Run one task (this is what a worker executes)."""
    frame = simulate(
        task.inputs, seed=task.seed, runs=range(task.first, task.last), years=task.years
    )
    frame.insert(0, "seed", task.seed)
    frame.insert(0, "scenario", task.scenario)
    return frame


@attrs.frozen
class SweepResult:
    """Every run's yearly metrics (``frame``) and, per scenario and year, the mean with
    its 95% interval (``summary``)."""

    frame: pd.DataFrame
    resumed: int = 0  # tasks read back from disk instead of run

    @property
    def summary(self) -> pd.DataFrame:
        """Per scenario, year, group and metric (see :func:`summarize`)."""
        return summarize(self.frame)

    @property
    def total(self) -> pd.DataFrame:
        """The same over all groups together (intervals of the sums)."""
        return summarize(totals(self.frame))


def grid(
    name: str,
    axes: Mapping[str, Sequence[Any]],
    *,
    scope: str = NATION,
    title: str | None = None,
) -> list[Reform]:
    """One reform per combination of parameter values (a Cartesian grid).

    >>> [r.name for r in grid("ratio", {"inspector.schools_per_inspector": [4, 6]})]
    ['ratio-inspector.schools_per_inspector=4', 'ratio-inspector.schools_per_inspector=6']
    """
    keys = list(axes)
    out = []
    for combo in itertools.product(*(axes[k] for k in keys)):
        label = ",".join(f"{k}={v}" for k, v in zip(keys, combo, strict=True))
        reform = Reform(f"{name}-{label}", f"{title or name}：{label}")
        for k, v in zip(keys, combo, strict=True):
            reform = reform.set_parameter(k, v, scope=scope)
        out.append(reform)
    return out


# ---------------------------------------------------------------- executors

#: ``submit(fn, arg)``: a future (``concurrent.futures`` or ``distributed``) of ``fn(arg)``.
Submit = Callable[[Callable[[Any], Any], Any], Any]
#: ``as_completed(futures)``: the futures as they finish.
AsCompleted = Callable[[list[Any]], Iterable[Any]]


class _Serial:
    """Runs each task when submitted (doctests, debugging): no processes."""

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        future.set_result(fn(arg))
        return future


def _is_dask_client(obj: Any) -> bool:
    return type(obj).__name__ == "Client" and type(obj).__module__.startswith("distributed")


#: Dask settings for the workers of a local cluster (issue 16: Dask was slower than
#: local processes). Tasks of the dynamic model are Python loops allocating NumPy arrays:
#:
#: * the worker's statistical profiler samples the running task's stack every 10 ms
#:   (for the dashboard's profile page): tasks ran about 1.6 times as long;
#: * distributed starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, so glibc hands
#:   freed memory back to the system at once and maps it again for the next array:
#:   200 runs on one worker took 7.6 s with it, 4.8 s without (4.4 s on a local process).
#:   A sweep's cluster lives only as long as the sweep, so memory kept for reuse is
#:   returned when it ends.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


def local_cluster(workers: int) -> Any:
    """A Dask LocalCluster for sweeps: ``workers`` processes of one thread each (the
    model holds the GIL), no fixed dashboard port, :data:`LOCAL_CLUSTER_CONFIG`."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # workers read it when they start
        return LocalCluster(  # type: ignore[no-untyped-call]  # unannotated __init__
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # no fixed port: other clusters may hold 8787
        )


@contextlib.contextmanager
def executor_for(
    executor: Any = "local",
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: str = "20s",
) -> Iterator[tuple[Submit, AsCompleted]]:
    """``(submit, as_completed)`` for the executor asked for; owned pools are closed on
    exit, executors passed in are left open. ``timeout``: for reaching a scheduler."""
    if scheduler is not None and executor == "local":
        executor = "dask"
    if executor == "serial":
        serial = _Serial()
        yield serial.submit, cf.as_completed
        return
    if executor == "local":
        pool = cf.ProcessPoolExecutor(max_workers=workers or os.cpu_count())
        try:
            yield pool.submit, cf.as_completed
        except BaseException:  # Ctrl-C or a failed task: do not run the queued tasks
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown()
        return
    if executor == "dask":
        try:
            from distributed import Client
        except ImportError:
            raise DudaoError(
                Problem(
                    "没有安装 dask.distributed",
                    code="missing-dependency",
                    hint="pip install 'dudao[sim]'",
                )
            ) from None
        if scheduler and scheduler != "local":
            try:
                # distributed leaves Client and LocalCluster's __init__ unannotated
                client = Client(scheduler, timeout=timeout)  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError, ValueError) as exc:
                raise DudaoError(
                    Problem(
                        f"无法连接 Dask 调度器 {scheduler}：{exc}",
                        code="scheduler-unreachable",
                        hint="检查地址与端口，如 tcp://10.0.0.5:8786；不给 --scheduler 则在本机",
                    )
                ) from None
            with client, executor_for(client) as pair:
                yield pair
            return
        cluster = local_cluster(workers or os.cpu_count() or 1)
        with (
            cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]  # unannotated __init__
            executor_for(client) as pair,
        ):
            yield pair
        return
    if _is_dask_client(executor):
        from distributed import as_completed

        yield _DaskSubmit(executor), as_completed
        return
    if isinstance(executor, cf.Executor):
        yield executor.submit, cf.as_completed
        return
    raise DudaoError(
        Problem(
            f"未知的执行方式 {executor!r}",
            code="bad-executor",
            hint="可选：local（本机多进程）、dask（本机 Dask 集群）、serial，或 --scheduler 地址",
        )
    )


class _DaskSubmit:
    """``submit(fn, arg)`` on a Dask client (which :func:`_task_submitter` scatters to)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __call__(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        return self.client.submit(fn, arg, pure=False)


#: A task without its inputs: (scenario, seed, first, last, years).
_Key = tuple[str, int, int, int, int]

#: The inputs of a sweep's scenarios in a local worker process, installed once when the
#: worker starts (:func:`_keep`), so that a task sends five numbers, not the inputs.
_KEPT: dict[str, DynamicInputs] = {}


def _keep(inputs: Mapping[str, DynamicInputs]) -> None:
    _KEPT.clear()
    _KEPT.update(inputs)


def _key(task: Task) -> _Key:
    return (task.scenario, task.seed, task.first, task.last, task.years)


def _run_kept(key: _Key) -> pd.DataFrame:
    return run_task(Task(*key, inputs=_KEPT[key[0]]))


def _run_with(key: _Key, inputs: DynamicInputs) -> pd.DataFrame:
    return run_task(Task(*key, inputs=inputs))


@contextlib.contextmanager
def _task_submitter(
    executor: Any, workers: int | None, scheduler: str | None, inputs: Mapping[str, DynamicInputs]
) -> Iterator[tuple[Callable[[Task], Any], AsCompleted]]:
    """``(submit(task), as_completed)``: each scenario's inputs reach a worker once — local
    processes get them when they start, Dask workers by one broadcast scatter — and a task
    carries only its key. Other executors get each task whole."""
    if executor == "local" and scheduler is None:
        pool = cf.ProcessPoolExecutor(
            max_workers=workers or os.cpu_count(), initializer=_keep, initargs=(dict(inputs),)
        )
        try:
            yield (lambda t: pool.submit(_run_kept, _key(t))), cf.as_completed
        except BaseException:  # Ctrl-C or a failed task: do not run the queued tasks
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown()
        return
    with executor_for(executor, workers=workers, scheduler=scheduler) as (submit, completed):
        if isinstance(submit, _DaskSubmit):
            client = submit.client
            refs = {n: client.scatter(i, broadcast=True, hash=False) for n, i in inputs.items()}
            yield (
                (lambda t: client.submit(_run_with, _key(t), refs[t.scenario], pure=False)),
                completed,
            )
            return
        yield (lambda t: submit(run_task, t)), completed


# ------------------------------------------------------------------- sweeps


def tasks_for(
    inputs: Mapping[str, DynamicInputs],
    *,
    seeds: Sequence[int],
    runs: int,
    years: int,
    block: int,
) -> list[Task]:
    return [
        Task(name, seed, first, min(first + block, runs), years, inp)
        for name, inp in inputs.items()
        for seed in seeds
        for first in range(0, runs, block)
    ]


def run_sweep(
    inputs: Mapping[str, DynamicInputs],
    *,
    seeds: Sequence[int] = (0,),
    runs: int = 100,
    years: int = 10,
    executor: Any = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    block: int = 50,
    out: str | Path | None = None,
    progress: bool = True,
) -> SweepResult:
    """Run every scenario's inputs × seeds × ``runs`` runs of ``years`` years."""
    if runs < 1 or years < 1 or block < 1:
        raise DudaoError(
            Problem(
                "runs、years 与 block 都须为正整数",
                code="bad-option",
                hint="如 --runs 100 --years 10",
            )
        )
    tasks = tasks_for(inputs, seeds=seeds, runs=runs, years=years, block=block)
    folder = Path(out) / "tasks" if out is not None else None
    frames: dict[str, pd.DataFrame] = {}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for t in tasks:
            path = folder / f"{t.key}.parquet"
            if path.exists():
                frames[t.key] = pd.read_parquet(path)
    resumed = len(frames)
    todo = [t for t in tasks if t.key not in frames]

    def done(task: Task, frame: pd.DataFrame) -> None:
        frames[task.key] = frame
        if folder is not None:  # write-then-rename: a killed sweep leaves no half file
            tmp = folder / f".{task.key}.tmp"
            frame.to_parquet(tmp, index=False)
            tmp.replace(folder / f"{task.key}.parquet")

    if todo:
        pool = _task_submitter(executor, workers, scheduler, inputs)
        with _progress(progress, len(tasks), resumed) as advance, pool as (submit, completed):
            futures = {submit(t): t for t in todo}
            for future in completed(list(futures)):
                done(futures[future], future.result())
                advance()
    frame = pd.concat([frames[t.key] for t in tasks], ignore_index=True)
    return SweepResult(frame, resumed)


def sweep(
    scenario: Any,
    reforms: Sequence[Reform] = (),
    *,
    level: Level | str | None = None,
    findings: pd.DataFrame | None = None,
    **options: Any,
) -> SweepResult:
    """The baseline and each reform of ``scenario`` through :func:`run_sweep`
    (``options``: seeds, runs, years, executor, workers, scheduler, block, out,
    progress). ``findings`` gives the open problems at the start: a findings table,
    or a comparison's (its ``scenario`` column picks each scenario's own)."""

    def own(name: str) -> pd.DataFrame | None:
        if findings is None or "scenario" not in findings:
            return findings
        return findings[findings["scenario"] == name]

    inputs = {BASELINE: DynamicInputs.from_scenario(scenario, level=level, findings=own(BASELINE))}
    for r in reforms:
        inputs[r.name] = DynamicInputs.from_scenario(scenario, r, level=level, findings=own(r.name))
    return run_sweep(inputs, **options)


@contextlib.contextmanager
def _progress(show: bool, total: int, completed: int) -> Iterator[Callable[[], None]]:
    if not show:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("模拟运行", total=total, completed=completed)
        yield lambda: bar.advance(task)
