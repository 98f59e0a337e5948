"""The measurements ``dudao evaluate`` reads, synthesised for every county (示例数据).

An evaluation dataset (see :mod:`dudao.evaluation.measurements`) has a county
measurement table and, for 优质均衡, a school resource table (``school_resources``)
(:data:`~dudao.evaluation.national.BALANCED_SCHOOLS`). :func:`evaluation_tables` draws
both for the counties of a synthesised dataset:

* ``school_resources``: every primary, junior and combined school (九年一贯制, 完全中学,
  十二年一贯制) of the dataset, its students split by stage part, and the seven
  resources of 教督〔2017〕6号 (优质均衡) as totals: a county's resource level times
  each school's spread around it;
* ``measurements``: one row per county for 2022 with the county-level items of
  优质均衡 (教督〔2017〕6号) and of 学前教育普及普惠 (《县域学前教育普及普惠督导评估办法》),
  普及普惠 rates as children, places and staff counts; most counties meet every item.

About one county in ten misses something (a wide spread of school resources, too
little teacher rotation, too few public kindergarten places), so an evaluation finds
both outcomes everywhere. Every number is sample data, not a statistic of any place;
the table's ``name`` column says so beside each county's name.

The draws use their own generator (``SeedSequence([seed, 2017])``): the check tables
of the same seed are unchanged by them.
"""

from __future__ import annotations

from dudao.lazyimports import np, pd
from dudao.model.hierarchy import Hierarchy

#: Schools whose stage has a primary or junior part, and how their students split.
PARTS = {
    "primary": {"primary": 1.0},
    "junior": {"junior": 1.0},
    "nine_year": {"primary": 0.65, "junior": 0.35},
    "complete_secondary": {"junior": 0.5, "senior": 0.5},
    "twelve_year": {"primary": 0.5, "junior": 0.25, "senior": 0.25},
}

#: Each resource per weighted student at a county level of 1 (sample rates): a quarter
#: above the higher of the primary standard and the junior one over 1.1 (a junior
#: student weighs 1.1), so an ordinary school meets all seven (教督〔2017〕6号).
RATES = {
    "teachers_above_degree": 0.060,
    "key_teachers": 0.0125,
    "pe_arts_teachers": 0.0113,
    "teaching_area": 6.6,
    "sports_area": 11.6,
    "equipment_value": 2850.0,
    "multimedia_rooms": 0.0288,
}

#: A county meeting every county-level item of both sets (the Nanning example's 青秀区).
MEETS = {
    "gov_layout": 1, "gov_same_standards": 1, "gov_music_art_rooms": 1,
    "oversize_schools": 0, "oversize_classes": 0, "gov_small_school_funding": 1,
    "special_funding_per_student": 6500, "teacher_pay_ratio": 1.02, "training_360_rate": 1.0,
    "gov_staffing_allocation": 1, "rotation_rate": 0.12, "rotation_key_share": 0.25,
    "teacher_cert_rate": 1.0, "zoned_admission_primary": 1.0, "zoned_admission_junior": 0.97,
    "quality_hs_quota_share": 0.55, "left_behind_care": 1, "migrant_public_share": 0.9,
    "junior_graduates": 2880, "junior_transfers_in": 60, "junior_transfers_out": 40,
    "junior_entrants": 2950, "junior_deaths": 2, "disabled_enrolment_rate": 0.97,
    "q_charter_it": 1, "training_budget_share_min": 0.05, "q_it_use": 1,
    "q_moral_education": 1, "q_curriculum": 1, "q_no_overload": 1, "monitoring_level": 3,
    "monitoring_difference": 0.12, "social_recognition": 0.91, "exam_admission_cases": 0,
    "school_choice_violations": 0, "key_schools": 0, "key_classes": 0,
    "major_safety_accidents": 0, "data_falsification": 0, "population_3_5": 12000,
    "children": 10800, "public_children": 5900, "affordable_private_children": 3300,
    "outdoor_area": 48000, "activity_room_area": 90000, "building_area": 120000,
    "classes": 360, "compliant_classes": 340, "full_time_teachers": 760, "staff": 900,
    "certified_staff": 900,
}  # fmt: skip

YEAR = 2022
SAMPLE_NOTE = "（示例数据）"


def evaluation_tables(
    seed: int, schools: pd.DataFrame, hierarchy: Hierarchy
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(measurements, schools) of an evaluation dataset for the counties of ``schools``
    (a synthesised ``schools`` table; ``hierarchy`` names the counties).

    >>> s = pd.DataFrame({"school_id": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
    ...                   "county": ["450103"] * 3, "students": [600, 900, 300],
    ...                   "stage": ["primary", "nine_year", "kindergarten"]})
    >>> from dudao.io.divisions import divisions_hierarchy
    >>> m, r = evaluation_tables(1, s, divisions_hierarchy())
    >>> m[["target", "name", "year"]].values.tolist()
    [['450103', '青秀区（示例数据）', 2022]]
    >>> r[["school_id", "stage", "primary_students", "junior_students"]].values.tolist()
    [['a', 'primary', 600, 0], ['b', 'nine_year', 585, 315]]
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2017]))
    stage = schools["stage"].astype(str).to_numpy()
    keep = np.isin(stage, list(PARTS))
    table = schools.loc[keep, ["school_id", "name", "county", "stage"]].reset_index(drop=True)
    table = table.astype({"county": str, "stage": str, "school_id": str, "name": str})
    students = schools["students"].to_numpy()[keep].astype(np.int64)
    stage = stage[keep]
    n = len(table)
    part_students = {}
    for part in ("primary", "junior", "senior"):
        share = np.array([PARTS[s].get(part, 0.0) for s in PARTS])
        at = pd.Index(list(PARTS)).get_indexer(stage)
        part_students[part] = np.floor(students * share[at]).astype(np.int64)
    # what floor() left over goes to the first part, so the parts add up to the school
    first = np.where(part_students["primary"] > 0, "primary", "junior")
    rest = students - sum(part_students.values())
    for part in ("primary", "junior"):
        part_students[part] = part_students[part] + np.where(first == part, rest, 0)

    codes = pd.Index(sorted(set(table["county"])), dtype=object)
    county = codes.get_indexer(table["county"])
    k = len(codes)
    level = rng.uniform(1.05, 1.5, k)
    # about one county in twenty spreads its resources widely: its CVs exceed the limits
    spread = np.where(rng.random(k) < 0.05, 0.45, 0.06)
    quality = np.clip(level[county] * rng.normal(1.0, spread[county]), 0.2, None)
    # weighted as split_combined weighs a combined school's parts (1 : 1.1 : 1.32)
    weighted = part_students["primary"] + 1.1 * part_students["junior"]
    weighted = weighted + 1.32 * part_students["senior"]
    for part in ("primary", "junior", "senior"):
        table[f"{part}_students"] = part_students[part]
    table["teaching_point"] = 0
    for name, rate in RATES.items():
        noise = rng.uniform(0.9, 1.1, n)
        table[name] = np.round(weighted * rate * quality * noise, 1)

    measures = pd.DataFrame({c: np.full(k, v, dtype=float) for c, v in MEETS.items()})
    # sizes vary; rates stay those of a county that meets every item
    size = rng.uniform(0.3, 3.0, k)
    for column in (
        "junior_graduates", "junior_transfers_in", "junior_transfers_out", "junior_entrants",
        "population_3_5", "children", "public_children", "affordable_private_children",
        "outdoor_area", "activity_room_area", "building_area", "classes", "compliant_classes",
        "full_time_teachers", "staff", "certified_staff",
    ):  # fmt: skip
        measures[column] = np.round(measures[column] * size)
    measures["social_recognition"] = np.round(rng.uniform(0.86, 0.97, k), 3)
    # one county in twenty rotates too few teachers; one in twenty has too few public places
    few_rotations = rng.random(k) < 0.05
    measures.loc[few_rotations, "rotation_rate"] = 0.06
    few_public = rng.random(k) < 0.05
    measures.loc[few_public, "public_children"] = np.round(
        measures.loc[few_public, "children"] * 0.3
    )
    names = [(hierarchy.get(c).name if c in hierarchy else c) + SAMPLE_NOTE for c in codes]
    head = pd.DataFrame({"target": codes.to_numpy(), "year": YEAR, "name": names})
    return pd.concat([head, measures], axis=1), table
