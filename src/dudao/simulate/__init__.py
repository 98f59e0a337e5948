"""Policy simulation: scenarios, reforms, static comparisons and Monte Carlo sweeps.

The pieces, one module each:

* :mod:`~dudao.simulate.scenario`: a dataset, the plugins in force and a date;
* :mod:`~dudao.simulate.reform`: named sets of changes to parameters, rules and
  indicator sets, in YAML or Python, applied without touching the baseline;
* :mod:`~dudao.simulate.compare`: baseline vs reforms as tidy DataFrames;
* :mod:`~dudao.simulate.dynamic`: the yearly model, one seeded stream per run;
* :mod:`~dudao.simulate.sweep`: reforms × seeds × runs on local processes or Dask;
* :mod:`~dudao.simulate.plots`: PNG and SVG charts.

See ``docs/simulation.md``. The functions named like their modules (``compare``,
``sweep``) are not re-exported here: that would hide the modules themselves.
"""

from dudao.simulate.compare import Comparison
from dudao.simulate.dynamic import DynamicInputs, simulate, summarize
from dudao.simulate.reform import Reform, load_reform, load_reforms
from dudao.simulate.scenario import EvaluationData, Scenario, sample_parameter
from dudao.simulate.sweep import SweepResult, grid, run_sweep

__all__ = [
    "Comparison",
    "DynamicInputs",
    "EvaluationData",
    "Reform",
    "Scenario",
    "SweepResult",
    "grid",
    "load_reform",
    "load_reforms",
    "run_sweep",
    "sample_parameter",
    "simulate",
    "summarize",
]
