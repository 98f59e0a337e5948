"""Peer benchmark: the same supervision computations in OpenFisca and in a bare NumPy kernel.

Computations (per county, over all schools of the national-size dataset):
  - inspectors required at 1:5 and the shortfall against actual inspectors;
  - the student-weighted coefficient of variation of one per-student indicator.
The dataset is read from a Parquet/CSV schools table when given (columns: county,
students, value), else generated with a fixed seed at national size.
Prints one JSON line of timings (seconds, best of N) so that dudao can be timed on
the same data in the same run.

Run (in a venv with openfisca-core 46): python openfisca_peer.py [--schools 520000 --counties 2850]
    or  python openfisca_peer.py --schools-table schools.parquet --counties-table counties.parquet

From /work/shared/bench/openfisca_peer.py (the model unchanged); main() here times every
repeat (read, build, calculate) and writes the peer's shortfalls and CVs (--results) for
benchmarks/bench_peer.py to compare with dudao's. Not part of dudao: it runs in a virtual
environment of its own that bench_peer.py creates.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from openfisca_core import periods
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

School = build_entity(key="school", plural="schools", label="school", is_person=True)
County = build_entity(
    key="county",
    plural="counties",
    label="county",
    roles=[{"key": "member", "plural": "members", "label": "member"}],
)


class students(Variable):
    value_type = float
    entity = School
    definition_period = periods.DateUnit.YEAR
    label = "students"


class value(Variable):
    value_type = float
    entity = School
    definition_period = periods.DateUnit.YEAR
    label = "per-student indicator value"


class inspectors(Variable):
    value_type = float
    entity = County
    definition_period = periods.DateUnit.YEAR
    label = "actual inspectors"


class inspectors_required(Variable):
    value_type = float
    entity = County
    definition_period = periods.DateUnit.YEAR
    label = "inspectors required"

    def formula(county, period, parameters):
        ratio = parameters(period).inspector_ratio
        return np.ceil(county.nb_persons() / ratio)


class shortfall(Variable):
    value_type = float
    entity = County
    definition_period = periods.DateUnit.YEAR
    label = "inspector shortfall"

    def formula(county, period):
        return np.maximum(county("inspectors_required", period) - county("inspectors", period), 0)


class weighted_mean(Variable):
    value_type = float
    entity = County
    definition_period = periods.DateUnit.YEAR
    label = "student-weighted mean"

    def formula(county, period):
        p = county.members("students", period)
        x = county.members("value", period)
        return county.sum(p * x) / county.sum(p)


class cv(Variable):
    value_type = float
    entity = County
    definition_period = periods.DateUnit.YEAR
    label = "coefficient of variation"

    def formula(county, period):
        p = county.members("students", period)
        x = county.members("value", period)
        m = county("weighted_mean", period)
        dev = x - county.project(m)
        s = np.sqrt(county.sum(p * dev * dev) / county.sum(p))
        return s / m


def system() -> TaxBenefitSystem:
    tbs = TaxBenefitSystem([School, County])
    for v in (students, value, inspectors, inspectors_required, shortfall, weighted_mean, cv):
        tbs.add_variable(v)
    node = ParameterNode(
        "",
        data={
            "inspector_ratio": {"description": "schools per inspector", "values": {"2020-05-14": 5}}
        },
    )
    tbs.parameters = node
    return tbs


def data(n_schools: int, n_counties: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    county = np.sort(rng.integers(0, n_counties, n_schools))
    students = rng.integers(20, 2500, n_schools).astype(float)
    value = rng.gamma(4.0, 1.5, n_schools)
    counts = np.bincount(county, minlength=n_counties)
    insp = np.floor(counts / rng.uniform(4.0, 7.0, n_counties))
    return county, students, value, insp


def run_openfisca(county, students, value, insp):
    tbs = system()
    period = "2023"
    n_c = len(insp)
    t0 = time.perf_counter()
    b = SimulationBuilder()
    b.create_entities(tbs)
    b.declare_person_entity("school", [f"s{i}" for i in range(len(county))])
    inst = b.declare_entity("county", [f"c{i}" for i in range(n_c)])
    b.join_with_persons(inst, [f"c{i}" for i in county], ["member"] * len(county))
    sim = b.build(tbs)
    sim.set_input("students", period, students)
    sim.set_input("value", period, value)
    sim.set_input("inspectors", period, insp)
    t1 = time.perf_counter()
    sf = sim.calculate("shortfall", period)
    c = sim.calculate("cv", period)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, sf, c


def run_numpy(county, students, value, insp, ratio=5):
    t0 = time.perf_counter()
    n_c = len(insp)
    n = np.bincount(county, minlength=n_c)
    sf = np.maximum(np.ceil(n / ratio) - insp, 0)
    p = np.bincount(county, students, n_c)
    m = np.bincount(county, students * value, n_c) / p
    d = value - m[county]
    c = np.sqrt(np.bincount(county, students * d * d, n_c) / p) / m
    return time.perf_counter() - t0, sf, c


def read_tables(schools_path: str, counties_path: str | None):
    """County positions, students, values and inspectors per county from files.

    Only counties that have schools are kept: OpenFisca assigns members wrongly when
    a declared group has none."""
    import pandas as pd

    def read(path):
        return pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)

    s = read(schools_path)
    codes, uniq = pd.factorize(s["county"].astype(str), sort=True)
    insp = np.zeros(len(uniq))
    if counties_path:
        c = read(counties_path).assign(county=lambda d: d["county"].astype(str))
        insp = c.set_index("county")["inspectors"].reindex(uniq).fillna(0).to_numpy(float)
    return (codes, s["students"].to_numpy(float), s["value"].to_numpy(float), insp)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", type=int, default=520_000)
    ap.add_argument("--counties", type=int, default=2_850)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--schools-table", help="Parquet/CSV with columns county, students, value")
    ap.add_argument("--counties-table", help="Parquet/CSV with columns county, inspectors")
    ap.add_argument("--results", help="write shortfall and cv per county here (.npz)")
    a = ap.parse_args()
    times = {
        "openfisca_read_s": [],
        "openfisca_build_s": [],
        "openfisca_calc_s": [],
        "numpy_kernel_s": [],
    }
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        if a.schools_table:
            county, st, val, insp = read_tables(a.schools_table, a.counties_table)
            a.schools, a.counties = len(county), len(insp)
        else:
            county, st, val, insp = data(a.schools, a.counties)
        times["openfisca_read_s"].append(time.perf_counter() - t0)
        b, c, sf1, cv1 = run_openfisca(county, st, val, insp)
        times["openfisca_build_s"].append(b)
        times["openfisca_calc_s"].append(c)
        t, sf2, cv2 = run_numpy(county, st, val, insp)
        times["numpy_kernel_s"].append(t)
    assert np.allclose(sf1, sf2) and np.allclose(cv1, cv2, rtol=1e-5), "peer and kernel disagree"
    if a.results:
        np.savez(a.results, shortfall=np.asarray(sf1), cv=np.asarray(cv1))
    print(json.dumps({"schools": a.schools, "counties": a.counties, **times}))


if __name__ == "__main__":
    main()
