"""Write the bundled Nanning example dataset (src/dudao/examples/nanning).

The jurisdictions are Nanning's real county-level units and development zones;
everything else is sample data (示例数据), designed so that every rule has both
passing and failing targets. Each deliberate problem is listed in PROBLEMS below
and in the dataset's README, so tests can assert exactly what ``dudao check``
finds. Deterministic: no randomness.

Run: .venv/bin/python tools/make_example_nanning.py
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from dudao.io.yamlio import dump
from dudao.model.bodies import Committee, Membership, Officer
from dudao.model.convert import converter
from dudao.model.dataset import CommitteesFile

OUT = Path(__file__).parent.parent / "src" / "dudao" / "examples" / "nanning"
AS_OF = dt.date(2023, 3, 1)

# county-level unit → (short name for ids, number of schools)
UNITS = {
    "450102": ("XN", 6),  # 兴宁区
    "450103": ("QX", 14),  # 青秀区
    "450105": ("JN", 7),  # 江南区
    "450107": ("XXT", 10),  # 西乡塘区
    "450108": ("LQ", 8),  # 良庆区
    "450109": ("YN", 5),  # 邕宁区
    "450110": ("WM", 9),  # 武鸣区
    "450123": ("LA", 5),  # 隆安县
    "450124": ("MS", 4),  # 马山县
    "450125": ("SL", 5),  # 上林县
    "450126": ("BY", 8),  # 宾阳县
    "450181": ("HZ", 9),  # 横州市
    "450100-gaoxin": ("GX", 3),
    "450100-jingkai": ("JK", 3),
    "450100-dongmeng": ("DM", 2),
}
STAGES = ["kindergarten", "primary", "primary", "junior", "kindergarten", "primary", "senior"]

#: Every problem placed on purpose: rule → targets that must fail.
PROBLEMS = {
    "inspector-staffing": ["450103", "450126"],  # 青秀区 one short (with its large school), 宾阳县
    "zone-coverage": [
        "XXT-10",
        "BY-05",
        "BY-06",
        "BY-07",
        "BY-08",
    ],  # no zone; zone without inspector
    "part-time-terms": ["QX-P2", "XXT-P1"],  # four consecutive terms; a four-year term
    "inspector-training-hours": ["WM-P1"],  # 32 hours (and JN-P1 has no record: a warning)
    "pre-service-training": ["LQ-I2"],  # trained after taking up the post
    "unqualified-removed": ["HZ-I2"],  # assessed 不合格 in 2021, still serving
    "routine-visits": ["JN-03", "WM-04", "HZ-07", "XXT-10"],  # one, one, none; no zone, no visits
    "school-comprehensive-cycle": ["LA-02", "SL-04", "HZ-09"],  # 2017, never, 2016
    "government-supervised": ["450124", "450100-dongmeng"],  # last in 2016; never
    "committee-established": ["450124"],  # 马山县 has no committee
    "committee-composition": ["450103"],  # 青秀区: two units missing, one liaison missing
    "upward-reporting": ["450125", "450100-gaoxin"],  # late (04-20); not filed
    "committee-meetings": ["450100"],  # the city committee met only in a special session
    "supervision-funding": ["450123"],  # 隆安县 has no 2022 budget line
}


def schools() -> pd.DataFrame:
    rows = []
    for county, (short, n) in UNITS.items():
        zones = 2 if n > 6 else 1
        for i in range(1, n + 1):
            stage = STAGES[(i - 1) % len(STAGES)]
            students = {"kindergarten": 280, "primary": 1200, "junior": 1500, "senior": 2200}[stage]
            students += 37 * i
            zone = f"{short}-Z{1 + (i - 1) * zones // n}"
            rows.append(
                {
                    "school_id": f"{short}-{i:02d}",
                    "name": f"{short}示例学校{i:02d}",
                    "stage": stage,
                    "ownership": "private" if i % 6 == 0 else "public",
                    "students": students,
                    "county": county,
                    "zone": zone,
                }
            )
    df = pd.DataFrame(rows)
    df.loc[df.school_id == "QX-02", ["stage", "students"]] = ["junior", 3000]  # a large school
    df.loc[df.school_id == "XXT-10", "zone"] = None  # zone-coverage: in no zone
    return df


def zones(s: pd.DataFrame) -> pd.DataFrame:
    z = s.dropna(subset=["zone"]).groupby("zone", as_index=False)["county"].first()
    z["name"] = z["zone"].str.replace("-Z", "第") + "督学责任区"
    return z.rename(columns={"zone": "zone_id"})[["zone_id", "name", "county"]]


def inspectors(s: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for county, (short, n) in UNITS.items():
        need = math.ceil(n / 5)
        zone_ids = sorted(s.loc[s.county == county, "zone"].dropna().unique())
        count = need
        if county == "450103":
            # 13 ordinary schools need ceil(13/5) = 3, the 3,000-student school its own (1:1
            # under the sample threshold in parameters.yaml): 4 required; 1 full-time here
            # plus the two part-time inspectors below make 3, one short
            count = 1
        if county == "450126":
            count = need - 1  # 宾阳县: its second zone is left without an inspector
        for i in range(1, count + 1):
            rows.append(
                {
                    "inspector_id": f"{short}-I{i}",
                    "name": f"{short}督学{i}",
                    "kind": "full_time",
                    "appointing": county,
                    "term_start": "2021-09-01",
                    "term_end": None,
                    "consecutive_terms": 1 + i % 2,
                    "trained_on": "2021-08-20",
                    "training_hours": 44.0,
                    "zone": zone_ids[(i - 1) % len(zone_ids)],
                    "assessment_year": 2022,
                    "assessment": "qualified",
                }
            )
        # one part-time inspector per urban district, in its first zone
        if short in {"QX", "XXT", "WM", "JN"}:
            rows.append(
                {
                    "inspector_id": f"{short}-P1",
                    "name": f"{short}兼职督学",
                    "kind": "part_time",
                    "appointing": county,
                    "term_start": "2021-09-01",
                    "term_end": "2024-08-31",
                    "consecutive_terms": 2,
                    "trained_on": "2018-08-20",
                    "training_hours": 40.0,
                    "zone": zone_ids[0],
                    "assessment_year": 2022,
                    "assessment": "excellent",
                }
            )
    df = pd.DataFrame(rows)
    df = pd.concat(
        [
            df,
            pd.DataFrame(
                [
                    {
                        "inspector_id": "QX-P2",
                        "name": "QX兼职督学二",
                        "kind": "part_time",
                        "appointing": "450103",
                        "term_start": "2021-09-01",
                        "term_end": "2024-08-31",
                        "consecutive_terms": 4,
                        "trained_on": "2012-08-20",
                        "training_hours": 42.0,
                        "zone": "QX-Z2",
                        "assessment_year": 2022,
                        "assessment": "qualified",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    by_id = df.set_index("inspector_id")
    by_id.loc["XXT-P1", "term_end"] = "2025-08-31"  # a four-year term
    by_id.loc["WM-P1", "training_hours"] = 32.0
    by_id.loc["JN-P1", "training_hours"] = None  # no record: a warning
    by_id.loc["LQ-I2", ["consecutive_terms", "trained_on"]] = [1, "2021-10-15"]
    by_id.loc["HZ-I2", ["assessment_year", "assessment"]] = [2021, "unqualified"]
    return by_id.reset_index()


def visits(s: pd.DataFrame, ins: pd.DataFrame) -> pd.DataFrame:
    zoned = s.dropna(subset=["zone"]).loc[
        s.stage.isin(["kindergarten", "primary", "junior", "senior"])
    ]
    by_zone = ins.dropna(subset=["zone"]).groupby("zone")["inspector_id"].first()
    rows = []
    for row in zoned.itertuples():
        n = {"JN-03": 1, "WM-04": 1, "HZ-07": 0}.get(row.school_id, 2)
        for k in range(n):
            rows.append(
                {
                    "school_id": row.school_id,
                    "inspector_id": by_zone.get(row.zone),
                    "date": dt.date(2022, 10 + 2 * k, 12).isoformat(),
                }
            )
    return pd.DataFrame(rows)


def supervisions(s: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, row in enumerate(s.itertuples()):
        year = 2018 + i % 5
        if row.school_id in {"LA-02"}:
            year = 2017
        if row.school_id in {"HZ-09"}:
            year = 2016
        if row.school_id == "SL-04":
            continue
        rows.append(
            {
                "supervision_id": f"SCH-{row.school_id}",
                "kind": "comprehensive",
                "body": row.county if "-" not in row.county else "450100",
                "target_kind": "school",
                "target": row.school_id,
                "date": dt.date(year, 5, 10).isoformat(),
            }
        )
    for j, county in enumerate(UNITS):
        if county == "450100-dongmeng":
            continue
        year = 2016 if county == "450124" else 2019 + j % 4
        rows.append(
            {
                "supervision_id": f"GOV-{county}",
                "kind": "comprehensive" if j % 2 else "special",
                "body": "450100",
                "target_kind": "government",
                "target": county,
                "date": dt.date(year, 11, 3).isoformat(),
            }
        )
    rows.append(
        {
            "supervision_id": "GOV-450100",
            "kind": "comprehensive",
            "body": "450000",
            "target_kind": "government",
            "target": "450100",
            "date": "2021-10-20",
        }
    )
    return pd.DataFrame(rows)


def filings() -> pd.DataFrame:
    rows = []
    for county in UNITS:
        if county == "450100-gaoxin":
            continue
        filed = "2022-04-20" if county == "450125" else "2022-04-06"
        rows.append({"jurisdiction": county, "kind": "plan", "year": 2022, "filed_on": filed})
        rows.append(
            {"jurisdiction": county, "kind": "result", "year": 2021, "filed_on": "2022-01-15"}
        )
    return pd.DataFrame(rows)


def meetings() -> pd.DataFrame:
    rows = [{"jurisdiction": "450100", "kind": "special", "date": "2022-08-02"}]
    rows += [
        {"jurisdiction": c, "kind": "regular", "date": "2022-06-15"} for c in UNITS if "-" not in c
    ]
    return pd.DataFrame(rows)


def budgets() -> pd.DataFrame:
    rows = [{"jurisdiction": "450100", "year": y, "amount": 120.0} for y in (2022, 2023)]
    for county in UNITS:
        if "-" in county:
            continue
        for year in (2022, 2023):
            if county == "450123" and year == 2022:
                continue
            rows.append({"jurisdiction": county, "year": year, "amount": 30.0})
    return pd.DataFrame(rows)


CITY_UNITS = [
    "市委组织部",
    "市委宣传部",
    "市发展改革委",
    "市教育局",
    "市科技局",
    "市工业和信息化局",
    "市民宗委",
    "市公安局",
    "市财政局",
    "市人力资源社会保障局",
    "市自然资源局",
    "市住房城乡建设局",
    "市农业农村局",
    "市卫生健康委",
    "市应急管理局",
    "市市场监管局",
    "市体育局",
    "团市委",
    "市妇联",
    "市残联",
]


COUNTY_UNITS = [
    "县委组织部",
    "县委宣传部",
    "县发展改革局",
    "县教育局",
    "县科技局",
    "县工业和信息化局",
    "县民宗局",
    "县公安局",
    "县财政局",
    "县人力资源社会保障局",
    "县自然资源局",
    "县住房城乡建设局",
    "县农业农村局",
    "县卫生健康局",
    "县应急管理局",
    "县市场监管局",
    "县体育局",
    "团县委",
    "县妇联",
    "县残联",
]


def committees() -> list[Committee]:
    def make(code: str, name: str, units: list[str], missing_liaison: set[str]) -> Committee:
        members = tuple(
            Membership(u, None if u in missing_liaison else f"{u}联络员") for u in units
        )
        host = units[3]
        return Committee(
            code,
            name,
            Officer("分管教育工作的副市长" if code == "450100" else "分管教育工作的副县（区）长"),
            (Officer("政府副秘书长"), Officer("教育局局长")),
            members,
            host,
            Officer("总督学"),
            (Officer("副总督学"),),
        )

    out = [make("450100", "南宁市人民政府教育督导委员会", CITY_UNITS, set())]
    from dudao.io.divisions import load_divisions

    names = {u.code: u.name for u in load_divisions()}
    for county in UNITS:
        if "-" in county or county == "450124":
            continue
        units = list(COUNTY_UNITS)
        liaison_gap: set[str] = set()
        if county == "450103":
            units = [u for u in units if u not in {"县体育局", "县残联"}]
            liaison_gap = {units[5]}
        out.append(make(county, f"{names[county]}人民政府教育督导委员会", units, liaison_gap))
    return out


PARAMETERS = """\
# 示例参数：南宁的文件没有定义“学生数量较多的学校”（厅发〔2020〕26号 三（一）可按 1：1 配备督学），
# 这里为演示 1:1 的计算给出一个示例数值，标注 sample，不是任何文件的规定。
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
    (OUT / "parameters.yaml").write_text(PARAMETERS, encoding="utf-8")
    s = schools()
    ins = inspectors(s)
    tables = {
        "schools": s,
        "zones": zones(s),
        "inspectors": ins,
        "visits": visits(s, ins),
        "supervisions": supervisions(s),
        "filings": filings(),
        "meetings": meetings(),
        "budgets": budgets(),
    }
    for name, frame in tables.items():
        frame.to_csv(OUT / f"{name}.csv", index=False)
    data = converter.unstructure(CommitteesFile(tuple(committees())))
    (OUT / "committees.yaml").write_text(
        "# 示例数据：南宁市及其县（市、区）的教育督导委员会（开发区设教育督导部门，不设委员会）。\n"
        + dump(data),
        encoding="utf-8",
    )
    print(f"wrote {', '.join(f'{k} {len(v)}' for k, v in tables.items())} to {OUT}")


if __name__ == "__main__":
    main()
