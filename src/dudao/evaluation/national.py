"""The national county indicator sets and the school-level step of 优质均衡.

The sets are YAML files in ``dudao/data/national/indicator_sets/``:

* ``quality_balanced``: 县域义务教育优质均衡发展督导评估 (教督〔2017〕6号), county level;
* ``quality_balanced.school.primary`` / ``.junior``: its seven per-school resource
  indicators with the primary and junior standards (≥6 of 7 met);
* ``preschool_universal``: 县域学前教育普及普惠督导评估 (2020).

For 优质均衡 the county table is derived from a school table
(:data:`BALANCED_SCHOOLS`): combined schools are split into stage parts
(:func:`dudao.evaluation.stats.split_combined`), each part is scored against its
stage's seven standards, and per county and stage come the student-weighted CV
of each indicator (``cv_primary_<item>``, ``cv_junior_<item>``) and the number of
parts failing the 6-of-7 rule (``schools_unmet_primary``, ``schools_unmet_junior``).

>>> for id in sorted(national_sets()):
...     print(id)
preschool_universal
quality_balanced
quality_balanced.school.junior
quality_balanced.school.primary
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from dudao.evaluation.model import Count, IndicatorSet, load_indicator_set
from dudao.evaluation.score import Evaluation, evaluate
from dudao.evaluation.stats import grouped_cv, split_combined
from dudao.law.book import LawBook
from dudao.lazyimports import np, pd
from dudao.model.schools import Stage
from dudao.model.tables import Column, TableSpec

FOLDER = Path(__file__).resolve().parent.parent / "data" / "national" / "indicator_sets"

RESOURCES = (
    "teachers_above_degree",
    "key_teachers",
    "pe_arts_teachers",
    "teaching_area",
    "sports_area",
    "equipment_value",
    "multimedia_rooms",
)

#: The school table of 优质均衡 (``schools.csv`` of an evaluation dataset).
BALANCED_SCHOOLS = TableSpec(
    "schools",
    "优质均衡学校资源表",
    [
        Column("school_id", "str", unique=True, label_zh="学校代码"),
        Column("name", "str", required=False, label_zh="学校名称"),
        Column("county", "str", label_zh="县级区划代码", categorical=True),
        Column("stage", "enum", enum=Stage, label_zh="学段"),
        Column("primary_students", "int", required=False, ge=0, default=0, label_zh="小学在校生数"),
        Column("junior_students", "int", required=False, ge=0, default=0, label_zh="初中在校生数"),
        Column("senior_students", "int", required=False, ge=0, default=0, label_zh="高中在校生数"),
        Column("teaching_point", "int", required=False, ge=0, default=0, label_zh="是否教学点"),
        Column("teachers_above_degree", "float", ge=0, label_zh="高于规定学历教师数"),
        Column("key_teachers", "float", ge=0, label_zh="县级以上骨干教师数"),
        Column("pe_arts_teachers", "float", ge=0, label_zh="体育艺术专任教师数"),
        Column("teaching_area", "float", ge=0, label_zh="教学及辅助用房面积"),
        Column("sports_area", "float", ge=0, label_zh="体育运动场馆面积"),
        Column("equipment_value", "float", ge=0, label_zh="教学仪器设备值"),
        Column("multimedia_rooms", "float", ge=0, label_zh="网络多媒体教室数"),
    ],
)

STAGES = ("primary", "junior")
#: Column prefixes of the 优质均衡 county set that :func:`evaluate_quality_balanced`
#: derives from the school table: a measurement table need not carry them.
DERIVED_PREFIXES = ("cv_primary_", "cv_junior_", "schools_unmet_")
MIN_TEACHING_POINT_STUDENTS = 50  # 教学点不足 50 人不纳入资源配置指标


@cache
def national_sets() -> dict[str, IndicatorSet]:
    """Every national indicator set by id."""
    out = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        s = load_indicator_set(path)
        out[s.id] = s
    return out


def school_parts(schools: pd.DataFrame) -> pd.DataFrame:
    """Stage parts that count for the resource indicators.

    Special-education, vocational and senior-only schools have no primary or
    junior part and drop out; teaching points under 50 students are excluded.
    """
    parts = split_combined(schools, RESOURCES, stages=STAGES)
    if "teaching_point" in parts:
        small = (parts["teaching_point"].to_numpy() > 0) & (
            parts["students"].to_numpy() < MIN_TEACHING_POINT_STUDENTS
        )
        parts = parts.loc[~small].reset_index(drop=True)
    return parts


def score_schools(parts: pd.DataFrame, stage: str) -> Evaluation:
    """The 6-of-7 rule for every part of ``stage``."""
    s = national_sets()[f"quality_balanced.school.{stage}"]
    mine = (parts["part"] == stage).to_numpy(dtype=bool)
    # each column filtered as it is held (text stays Arrow text: no object round trip)
    table = pd.DataFrame({c: parts[c].array[mine] for c in ("school_id", "students", *RESOURCES)})
    return evaluate(s, table.rename(columns={"school_id": "target"}), source="schools")


def balanced_county_measures(schools: pd.DataFrame) -> pd.DataFrame:
    """Per county: the 14 CVs and the counts of parts failing the 6-of-7 rule.

    Index: county code. Columns ``cv_<stage>_<item>``, ``schools_<stage>``,
    ``schools_unmet_<stage>``. A county without parts of a stage has NaN CVs for
    it, which do not meet the ≤ limit: the set then fails that county.
    """
    # county codes as integers once: half a million strings are slow to compare
    codes, uniques = pd.factorize(schools["county"], sort=True)
    k = len(uniques)
    parts = school_parts(schools.assign(_county=codes))
    out = pd.DataFrame(index=pd.Index(np.asarray(uniques, dtype=object).astype(str), name="county"))
    for stage in STAGES:
        ev = score_schools(parts, stage)
        table = ev.set.indicators()[0]
        assert isinstance(table.scoring, Count)
        values, _ = ev.items[table.id]
        mine = (parts["part"] == stage).to_numpy(dtype=bool)
        county = parts["_county"].to_numpy()[mine]
        frame = values.assign(_county=county, students=parts["students"].to_numpy()[mine])
        cv = grouped_cv(frame, list(values.columns), "students", "_county")
        cv = cv.reindex(range(k))
        for c in values.columns:
            out[f"cv_{stage}_{c}"] = cv[c].to_numpy()
        met = ev.met[table.id].to_numpy()
        out[f"schools_{stage}"] = np.bincount(county, minlength=k)
        out[f"schools_unmet_{stage}"] = np.bincount(county, weights=~met, minlength=k).astype(
            np.int64
        )
    return out


def evaluate_quality_balanced(
    schools: pd.DataFrame,
    counties: pd.DataFrame,
    s: IndicatorSet | None = None,
    *,
    law: LawBook | None = None,
    as_of: dt.date | None = None,
) -> Evaluation:
    """优质均衡 for every county of ``counties`` (target, year, county-level columns),
    the resource part derived from ``schools``; ``s`` is the county set to score with
    (default: the national one; pass a region's version resolved from the law book).
    ``law`` and ``as_of`` resolve thresholds written as parameters."""
    derived = balanced_county_measures(schools)
    key = counties["target"].astype(str).rename("_county")
    table = counties.join(key).join(derived, on="_county").drop(columns="_county")
    return evaluate(s or national_sets()["quality_balanced"], table, law=law, as_of=as_of)
