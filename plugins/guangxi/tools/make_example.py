"""Write the Guangxi example dataset (plugins/guangxi/src/dudao_guangxi/example/).

Real divisions (the autonomous region, its 14 cities and 111 counties), invented
records (示例数据). Most units comply; each problem in :data:`PROBLEMS` is placed on
purpose so that `dudao check`, `dudao plan status` and `dudao evaluate` show Guangxi's
rules, plan targets and indicator sets at work, some met and some not. The tests read
:data:`PROBLEMS` and :data:`PLAN_NOT_MET`, so the data and the expectations cannot drift.

    .venv/bin/python plugins/guangxi/tools/make_example.py
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "dudao_guangxi" / "example"
REGION = "450000"

# 14 设区市 and 111 县（市、区）: GB/T 2260 codes as shipped in dudao/data/divisions.csv.
CITIES = ["450100", "450200", "450300", "450400", "450500", "450600", "450700"]
CITIES += ["450800", "450900", "451000", "451100", "451200", "451300", "451400"]

# Where the problems are (rule → targets with an error). Everything else passes.
PROBLEMS: dict[str, set[str]] = {
    # 二（一）: the region's committee names no 副总督学
    "region-committee-leadership": {"450000"},
    # 二（一）: 上思县 has no committee
    "committee-established": {"450621"},
    # 二（一）（二）: 桂林市's committee lacks 市体育局; 右江区 gives no liaisons
    "committee-composition": {"450300", "451002"},
    # 二（二）: 来宾市 filed no 2022 plan; 崇左市 no results of its 2022 supervision
    "city-upward-reporting": {"451300", "451400"},
    # 二（二）: 隆林各族自治县 filed no 2022 plan
    "upward-reporting": {"451031"},
    # 三（三）: 凭祥市 has no 2022 supervision budget
    "supervision-funding": {"451481"},
    # 《教育督导条例》 第十四条: 西林县 last supervised by its city in 2017
    "government-supervised": {"451030"},
    # 三（一）1:5 — 七星区 has 9 schools and 1 inspector
    "inspector-staffing": {"450305"},
    # 二（四）: one school of 玉州区 in no zone
    "zone-coverage": {"YZ-06"},
    # 二（四）five-year cycle: a school of 右江区 last comprehensively supervised in 2017
    "school-comprehensive-cycle": {"YJ-03"},
    # 《教育督导条例》 第十四条: one visit only in the spring 2023 semester
    "routine-visits": {"QX-04"},
    # 三（一）: trained after taking up the post
    "pre-service-training": {"YZ-I2"},
    # 三（一）: assessed unqualified in 2022, still serving
    "unqualified-removed": {"YJ-I2"},
    # 教督〔2016〕2号 第二十一条: 30 hours
    "inspector-training-hours": {"QX-I1"},
    # 2023 八: the higher vocational college of 右江区 has no record
    "vocational-evaluation-participation": {"YJ-08"},
}

#: guangxi-2023 tasks the example leaves not met (everything measurable else is met).
PLAN_NOT_MET = {
    "一/reform-management",  # committee-established
    "一/reform-coordination",  # committee-composition
    "二/rectify-2021-counties",  # 10 counties without a rectification record
    "三/zone-inspectors-double-reduction",  # zone-coverage
    "四/balanced-provincial",  # no 自治区督导评估 of 优质均衡 yet
    "五/school-supervision",  # school-comprehensive-cycle
    "五/evaluation-training",  # 防城港市 held no training
    "六/national-monitoring",  # 凭祥市 took no part
    "七/inspector-staffing",
    "七/inspector-assessment",  # unqualified-removed
    "七/inspector-fee-measures",  # not issued
    "七/zone-inspector-management",  # routine-visits
    "七/training-system",  # inspector-training-hours
    "七/training-zone-inspectors",  # class not held
    "八/vocational-participation",
    "九/system-quality-evaluation",  # still being built
    "九/system-quality-monitoring",
    "十/fees-supervision",  # 七星区 held one, the region none (topic fees, body 450000)
}

CITY_MEMBERS = [
    "市委组织部", "市委宣传部", "市发展改革委", "市教育局", "市科技局", "市工业和信息化局",
    "市民宗委", "市公安局", "市财政局", "市人力资源社会保障局", "市自然资源局",
    "市住房城乡建设局", "市农业农村局", "市卫生健康委", "市应急管理局", "市市场监管局",
    "市体育局", "团市委", "市妇联", "市残联",
]  # fmt: skip
COUNTY_MEMBERS = [
    "县委组织部", "县委宣传部", "县发展改革局", "县教育局", "县科技局", "县工业和信息化局",
    "县民宗局", "县公安局", "县财政局", "县人力资源社会保障局", "县自然资源局",
    "县住房城乡建设局", "县农业农村局", "县卫生健康局", "县应急管理局", "县市场监管局",
    "县体育局", "团县委", "县妇联", "县残联",
]  # fmt: skip
DISTRICT_MEMBERS = [
    "区委组织部", "区委宣传部", "区发展改革局", "区教育局", "区科技局", "区工业和信息化局",
    "区民宗局", "区公安分局", "区财政局", "区人力资源社会保障局", "区自然资源局",
    "区住房城乡建设局", "区农业农村局", "区卫生健康局", "区应急管理局", "区市场监管局",
    "区体育局", "共青团区委", "区妇联", "区残联",
]  # fmt: skip
REGION_MEMBERS = [
    "自治区党委组织部", "自治区党委宣传部", "自治区发展改革委", "自治区教育厅", "自治区科技厅",
    "自治区工业和信息化厅", "自治区民宗委", "自治区公安厅", "自治区财政厅",
    "自治区人力资源社会保障厅", "自治区自然资源厅", "自治区住房城乡建设厅", "自治区农业农村厅",
    "自治区卫生健康委", "自治区应急厅", "自治区市场监管局", "自治区体育局", "共青团广西区委",
    "自治区妇联", "自治区残联",
]  # fmt: skip

# The three counties with schools, inspectors and zones: 七星区 (桂林), 玉州区 (玉林),
# 右江区 (百色) — none in Nanning, whose own plugin adds rules for its city.
#: Nanning's development zones (from the nanning plugin, which builds on this one): they
#: answer to 南宁市, file their plans with it and are supervised by it.
NANNING_ZONES = ["450100-gaoxin", "450100-jingkai", "450100-dongmeng"]

SCHOOL_COUNTIES = {"450305": "QX", "450902": "YZ", "451002": "YJ"}


def divisions() -> tuple[dict[str, tuple[str, str, str]], list[str]]:
    """Guangxi's units from the shipped divisions: code → (name, kind, parent); counties."""
    path = Path(__file__).resolve().parents[3] / "src" / "dudao" / "data" / "divisions.csv"
    units = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.reader(f):
            if row[0].startswith("45"):
                units[row[0]] = (row[1], row[2], row[3])
    counties = [c for c, (_, _, parent) in units.items() if parent in CITIES]
    return units, counties


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (OUT / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(["" if v is None else v for v in r] for r in rows)


def committees(units: dict, counties: list[str]) -> None:
    rows = [
        [
            REGION,
            "广西壮族自治区人民政府教育督导委员会",
            "分管教育工作的副主席",
            "协助分管教育工作的副秘书长；自治区教育厅厅长",
            "自治区教育厅",
            "总督学",
            "",  # no 副总督学: region-committee-leadership
        ]
    ]
    members = [[REGION, m, f"{m}联络员"] for m in REGION_MEMBERS]
    for code in CITIES + counties:
        if code in PROBLEMS["committee-established"]:
            continue
        name, kind, _ = units[code]
        if code in CITIES or kind == "county_city":
            names, head, office = CITY_MEMBERS, "副市长", "市教育局"
        elif kind == "district":
            names, head, office = DISTRICT_MEMBERS, "副区长", "区教育局"
        else:
            names, head, office = COUNTY_MEMBERS, "副县长", "县教育局"
        # cities have a 副秘书长; counties' nearest post is 政府办公室副主任
        vice = "政府副秘书长；市教育局局长" if code in CITIES else f"政府办公室副主任；{office}局长"
        rows.append(
            [code, f"{name}人民政府教育督导委员会", f"分管教育工作的{head}", vice, office,
             "总督学", "副总督学"]
        )  # fmt: skip
        for m in names:
            if code == "450300" and m == "市体育局":
                continue  # 桂林市: a member unit missing
            liaison = None if code == "451002" else f"{m}联络员"  # 右江区: no liaisons
            members.append([code, m, liaison])
    write(
        "committees",
        ["jurisdiction", "name", "chair", "vice_chairs", "office_host", "chief_inspector",
         "deputy_chief_inspectors"],
        rows,
    )  # fmt: skip
    write("committee_members", ["jurisdiction", "unit", "liaison"], members)


def filings_budgets(counties: list[str]) -> None:
    filings = []
    for code in CITIES + counties:
        if code not in PROBLEMS["upward-reporting"] | {"451300"}:
            filings.append([code, "plan", 2022, "2022-03-30"])  # before Nanning's 04-09
        if code in CITIES and code != "451400":
            filings.append([code, "result", 2022, "2023-01-20"])
    filings += [[code, "plan", 2022, "2022-03-30"] for code in NANNING_ZONES]
    write("filings", ["jurisdiction", "kind", "year", "filed_on"], filings)
    budgets = [
        [code, 2022, 60.0 if code == REGION else 20.0]
        for code in [REGION, *CITIES, *counties]
        if code not in PROBLEMS["supervision-funding"]
    ]
    write("budgets", ["jurisdiction", "year", "amount"], budgets)


def schools_and_people() -> tuple[list[list[object]], list[str]]:
    schools, zones, inspectors, visits = [], [], [], []
    stages = ["kindergarten", "primary", "primary", "junior", "nine_year", "senior"]
    for county, p in SCHOOL_COUNTIES.items():
        n = 9 if p == "QX" else 8
        for i in range(1, n + 1):
            sid = f"{p}-{i:02d}"
            stage = stages[(i - 1) % len(stages)]
            if p == "YZ" and i == 8:
                stage = "secondary_vocational"
            if p == "YJ" and i in (7, 8):
                stage = "secondary_vocational" if i == 7 else "higher_vocational"
            # 七星区 has one zone (and one inspector) for its 9 schools
            zone = "QX-Z1" if p == "QX" else f"{p}-Z{1 + (i - 1) // 5}"
            if sid in PROBLEMS["zone-coverage"]:
                zone = None
            # 玉州区's second school is "学生数量较多" under the sample threshold (1:1)
            students = 3200 if sid == "YZ-02" else 600 + 37 * i
            schools.append([sid, f"{p}示例学校{i:02d}", stage, "public", students, county, zone])
            if stage != "higher_vocational":  # 中职 lie in zones too
                # a school in no zone was still visited; the record names no inspector
                inspector = zone and zone.replace("-Z", "-I")
                dates = ["2023-03-15"] if sid in PROBLEMS["routine-visits"] else []
                visits += [[sid, inspector, d] for d in dates or ["2023-03-15", "2023-05-20"]]
        for z in (1,) if p == "QX" else (1, 2):
            zones.append([f"{p}-Z{z}", f"{p}第{z}督学责任区", county])
        # 七星区 has a single inspector for 9 schools (needs 2): inspector-staffing
        for k in (1,) if p == "QX" else (1, 2):
            iid = f"{p}-I{k}"
            trained = "2021-10-01" if iid in PROBLEMS["pre-service-training"] else "2021-08-20"
            hours = 30.0 if iid in PROBLEMS["inspector-training-hours"] else 44.0
            assessed = "unqualified" if iid in PROBLEMS["unqualified-removed"] else "qualified"
            inspectors.append(
                [iid, f"{p}督学{k}", "full_time", county, "2021-09-01", None, 1, trained, hours,
                 f"{p}-Z{k}", 2022, assessed]
            )  # fmt: skip
    # 玉州区: 7 schools at 1:5 plus its large school at 1:1 need 3 inspectors; the third is
    # a part-time inspector appointed in 2023
    inspectors.append(
        ["YZ-P1", "YZ兼职督学", "part_time", "450902", "2023-09-01", "2026-08-31", 1,
         "2023-08-20", 40.0, "YZ-Z2", None, None]
    )  # fmt: skip
    # Nanning's own rule city-inspector-renewal wants the city's fifth-term inspectors
    for k in (1, 2):
        inspectors.append(
            [f"NN-I{k}", f"南宁市督学{k}", "part_time", "450100", "2022-06-01", "2025-05-31",
             1, "2022-05-20", 44.0, None, None, None]
        )  # fmt: skip
    write(
        "schools",
        ["school_id", "name", "stage", "ownership", "students", "county", "zone"],
        schools,
    )
    write("zones", ["zone_id", "name", "county"], zones)
    write(
        "inspectors",
        ["inspector_id", "name", "kind", "appointing", "term_start", "term_end",
         "consecutive_terms", "trained_on", "training_hours", "zone", "assessment_year",
         "assessment"],
        inspectors,
    )  # fmt: skip
    write("visits", ["school_id", "inspector_id", "date"], visits)
    return schools, [s[0] for s in schools]


def supervisions(units: dict, counties: list[str], schools: list[list[object]]) -> None:
    """Every supervision; ``topic`` (督导事项) is given for special ones where known, so the
    2023 plan's special-supervision tasks (三, 十) count by topic and organising body."""
    rows = []
    n = 0

    def add(
        kind: str, body: str, target_kind: str, target: str, date: str, topic: str | None = None
    ) -> None:
        nonlocal n
        n += 1
        rows.append([f"GX-S{n:04d}", kind, body, target_kind, target, date, topic])

    for city in CITIES:  # the region's annual comprehensive supervision covers every city
        add("comprehensive", REGION, "government", city, "2022-10-15")
    for county in counties:  # cities' 2021 "双减" supervision of each county (西林县: 2017)
        parent = units[county][2]
        old = county in PROBLEMS["government-supervised"]
        topic = "large_classes" if old else "double_reduction"
        add("special", parent, "government", county, f"{2017 if old else 2021}-11-10", topic)
    for zone in NANNING_ZONES:
        add("special", "450100", "government", zone, "2021-11-10", "double_reduction")
    for city in CITIES:  # each city's own 2022 supervision, whose results it reports; no topic
        add("special", city, "government", next(c for c in counties if units[c][2] == city),
            "2022-06-01")  # fmt: skip
    for sid, *_rest in schools:
        county = _rest[4]
        year = 2017 if sid in PROBLEMS["school-comprehensive-cycle"] else 2021
        add("comprehensive", county, "school", sid, f"{year}-04-{10 + len(rows) % 15:02d}")
    # 2023 special supervisions (plan items 三 and 十): 玉林市 on "双减" and the region on
    # teacher pay and preschool education meet their tasks; the only fees supervision is
    # 七星区's own and the region's safety supervision is on another topic, so
    # 十/fees-supervision is not met (PLAN_NOT_MET).
    add("special", "450900", "government", "450902", "2023-04-25", "double_reduction")
    add("special", "450305", "school", "QX-02", "2023-06-20", "fees")
    add("special", REGION, "government", "450902", "2023-07-10", "safety")
    add("special", REGION, "government", "451002", "2023-09-12", "teacher_pay")
    add("special", REGION, "government", "450305", "2023-10-09", "preschool")
    write(
        "supervisions",
        ["supervision_id", "kind", "body", "target_kind", "target", "date", "topic"],
        rows,
    )


def programmes(counties: list[str], school_ids: list[str]) -> None:
    rows: list[list[object]] = []

    def add(unit: str, programme: str, stage: str, date: str, note: str | None = None) -> None:
        rows.append([unit, programme, stage, "true", date, note])

    for city in CITIES:
        add(city, "duty_evaluation", "evaluation", "2023-06-20", "2022年度")
        add(city, "duty_rectification", "completed", "2023-05-10", "2021年度")
        if city != "450600":  # 防城港市: no training (五/evaluation-training)
            add(city, "county_quality_evaluation", "training", "2023-08-15")
    for i, county in enumerate(counties):
        add(county, "duty_evaluation", "evaluation", "2023-07-10", "2022年度")
        if i % 11 != 5:  # 10 counties without a rectification record
            add(county, "duty_rectification", "completed", "2023-05-10", "2021年度")
        add(county, "county_quality_evaluation", "work_plan", "2023-09-01")
        if county != "451481":  # 凭祥市 did not take part (六/national-monitoring)
            add(county, "quality_monitoring", "participation", "2023-05-25")
    for stage, date in (("self_assessment", "2023-03-20"), ("city_review", "2023-05-15"),
                        ("provincial_assessment", "2023-09-10"),
                        ("national_application", "2023-11-20")):  # fmt: skip
        add("450305", "universal_preschool", stage, date)
    add("450902", "universal_preschool", "self_assessment", "2023-04-12")
    add("451002", "quality_balanced", "self_assessment", "2023-06-05")
    add("451002", "quality_balanced", "city_review", "2023-10-18")
    for p in ("county_quality_evaluation", "kindergarten_care_quality", "compulsory_school_quality",
              "senior_school_quality", "principal_term_evaluation"):  # fmt: skip
        add(REGION, p, "launched", "2023-04-18")
    add(REGION, "region_measures", "preschool_site_meeting", "2023-05-16")
    add(REGION, "region_measures", "balanced_launch_meeting", "2023-06-08")
    add(REGION, "region_measures", "monitoring_results_notice", "2023-07-01")
    add(REGION, "region_measures", "zone_inspection_cases", "2023-11-01")
    add(REGION, "inspector_training", "admin_cadres", "2023-06-12")
    add(REGION, "inspector_training", "backbone_inspectors", "2023-08-21")
    for p in ("system_duty_evaluation", "system_universal_preschool", "system_quality_balanced"):
        add(REGION, p, "in_use", "2023-10-30")
    for p in ("system_quality_evaluation", "system_quality_monitoring"):
        add(REGION, p, "building", "2023-10-30")
    add("450300", "third_party_pilot", "pilot", "2023-05-01")
    add("450302", "monitoring_use_zone", "pilot", "2023-05-01")
    for sid in ("YZ-08", "YJ-07"):  # YJ-08 has none (vocational-evaluation-participation)
        add(sid, "vocational_evaluation", "participation", "2023-04-03")
    write("programmes", ["unit", "programme", "stage", "passed", "date", "note"], rows)


def measurements() -> None:
    """One row per evaluated government for 2022: gx_duty_evaluation and gx_teacher_pay."""
    header = ["target", "year", "name", "planning", "coordination", "equity",
              "school_standards", "investment", "fund_management", "teacher_avg_pay",
              "civil_servant_avg_pay", "safety", "poverty_projects", "double_reduction",
              "pay_guarantee_mechanism", "pay_adjustment_mechanism"]  # fmt: skip
    rows = [
        ["450300", 2022, "桂林市", 92, 90, 94, 91, 93, 95, 98600, 97800, 96, 90, 92, 1, 1],
        ["451000", 2022, "百色市", 85, 82, 80, 84, 83, 86, 91200, 90900, 85, 88, 78, 1, 1],
        ["450305", 2022, "七星区", 88, 86, 90, 85, 87, 89, 99500, 99100, 90, 84, 86, 1, 1],
        ["450902", 2022, "玉州区", 72, 70, 75, 68, 66, 71, 88400, 88000, 74, 70, 62, 1, 0],
        ["451002", 2022, "右江区", 80, 78, 82, 79, 75, 77, 86900, 89300, 83, 85, 81, 1, 1],
        ["451031", 2022, "隆林各族自治县", 58, 55, 60, 52, 50, 57, 80100, 79900, 61, 66, 48, 0, 0],
    ]
    write("measurements", header, rows)


SAMPLE_PARAMETERS = """\
# 示例参数：厅发〔2020〕26号 三（一）“部分学生数量较多的学校可按 1：1 的比例配备”，“较多”没有定义。
# 为演示 1:1 的计算，本示例数据集给出一个示例数值（玉州区一所 3200 人的学校按 1:1），
# 不是任何文件的规定。
parameters:
  - id: inspector.large_school_students
    title: 可按 1:1 配备督学的“学生数较多的学校”的在校生数下限
    unit: 人
    values:
      - value: 3000
        sample: true
        note: 示例数值，仅用于本示例数据集
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "parameters.yaml").write_text(SAMPLE_PARAMETERS, encoding="utf-8")
    units, counties = divisions()
    assert len(counties) == 111, len(counties)
    committees(units, counties)
    filings_budgets(counties)
    schools, school_ids = schools_and_people()
    supervisions(units, counties, schools)
    programmes(counties, school_ids)
    measurements()


if __name__ == "__main__":
    main()
