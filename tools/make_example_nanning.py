"""Write the example datasets: Nanning's (the Nanning plugin's
``dudao_nanning/examples/nanning``) and the plugin-free one dudao ships
(``src/dudao/examples/yichang``).

The jurisdictions are real county-level units (Nanning's with its development
zones, which the Nanning plugin registers; Yichang's from the national divisions
alone); everything else is sample data (示例数据), designed so that every rule has
both passing and failing targets. The two share one design: each county plays a
*role* (named after the Nanning county first given it: "QX" is the county with the
large school and too few inspectors, "HZ" the one with an unqualified inspector…),
so each deliberate problem, listed in :func:`problems`, lands on the county playing
that role. Tests assert exactly what ``dudao check`` finds. Deterministic: no
randomness.

It also writes Yichang's evaluation example (``src/dudao/examples/yichang_evaluation``,
what ``dudao simulate`` scores with no argument): the Nanning measurements, written by
hand (``src/dudao/examples/nanning_evaluation``), moved onto the Yichang units playing
the same roles, so the designed results (one county passes, one fails a school's
resources, one a veto, one teacher rotation and preschool coverage) hold there too.

Run: .venv/bin/python tools/make_example_nanning.py [nanning|yichang ...]
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dudao.io.yamlio import dump
from dudao.model.bodies import Committee, Membership, Officer
from dudao.model.convert import converter
from dudao.model.dataset import CommitteesFile

ROOT = Path(__file__).parent.parent
AS_OF = dt.date(2023, 3, 1)


@dataclass(frozen=True)
class Region:
    """One example: its city, and each county-level unit as (short name for ids, number
    of schools, role)."""

    key: str
    out: Path
    city: str
    city_name: str
    province: str
    units: dict[str, tuple[str, int, str]]
    committee_note: str
    parameters: str

    def short(self, role: str) -> str:
        """The id prefix of the unit playing ``role``."""
        return next(s for s, _, r in self.units.values() if r == role)

    def code(self, role: str) -> str:
        """The code of the unit playing ``role``."""
        return next(c for c, (_, _, r) in self.units.items() if r == role)

    def has(self, role: str) -> bool:
        return any(r == role for _, _, r in self.units.values())


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

PARAMETERS_NATIONAL = """\
# 示例参数：国家文件没有定义“学生数量较多的学校”，
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

NANNING = Region(
    "nanning",
    ROOT / "plugins" / "nanning" / "src" / "dudao_nanning" / "examples" / "nanning",
    "450100",
    "南宁市",
    "450000",
    {
        "450102": ("XN", 6, "XN"),  # 兴宁区
        "450103": ("QX", 14, "QX"),  # 青秀区
        "450105": ("JN", 7, "JN"),  # 江南区
        "450107": ("XXT", 10, "XXT"),  # 西乡塘区
        "450108": ("LQ", 8, "LQ"),  # 良庆区
        "450109": ("YN", 5, "YN"),  # 邕宁区
        "450110": ("WM", 9, "WM"),  # 武鸣区
        "450123": ("LA", 5, "LA"),  # 隆安县
        "450124": ("MS", 4, "MS"),  # 马山县
        "450125": ("SL", 5, "SL"),  # 上林县
        "450126": ("BY", 8, "BY"),  # 宾阳县
        "450181": ("HZ", 9, "HZ"),  # 横州市
        "450100-gaoxin": ("GX", 3, "GX"),
        "450100-jingkai": ("JK", 3, "JK"),
        "450100-dongmeng": ("DM", 2, "DM"),
    },
    "南宁市及其县（市、区）的教育督导委员会（开发区设教育督导部门，不设委员会）",
    PARAMETERS,
)

# Yichang (湖北省宜昌市): no bundled plugin covers it, so only the national rules apply;
# its 13 county-level units take 13 of Nanning's 15 roles (no development zone: the
# never-supervised role falls to 猇亭区, and nothing is left unfiled, the national
# rules asking for no filing).
YICHANG = Region(
    "yichang",
    ROOT / "src" / "dudao" / "examples" / "yichang",
    "420500",
    "宜昌市",
    "420000",
    {
        "420502": ("XL", 14, "QX"),  # 西陵区
        "420503": ("WJG", 6, "XN"),  # 伍家岗区
        "420504": ("DJ", 7, "JN"),  # 点军区
        "420505": ("XT", 2, "DM"),  # 猇亭区
        "420506": ("YL", 10, "XXT"),  # 夷陵区
        "420525": ("YA", 5, "LA"),  # 远安县
        "420526": ("XS", 4, "MS"),  # 兴山县
        "420527": ("ZG", 5, "SL"),  # 秭归县
        "420528": ("CY", 8, "BY"),  # 长阳土家族自治县
        "420529": ("WF", 8, "LQ"),  # 五峰土家族自治县
        "420581": ("YD", 9, "WM"),  # 宜都市
        "420582": ("DY", 9, "HZ"),  # 当阳市
        "420583": ("ZJ", 5, "YN"),  # 枝江市
    },
    "宜昌市及其县（市、区）的教育督导委员会",
    PARAMETERS_NATIONAL,
)

REGIONS = {r.key: r for r in (NANNING, YICHANG)}
STAGES = ["kindergarten", "primary", "primary", "junior", "kindergarten", "primary", "senior"]


def problems(r: Region) -> dict[str, list[str]]:
    """Every problem placed on purpose: rule → targets that must fail (where the rule
    is in force: upward-reporting and committee-meetings are Guangxi's and Nanning's)."""
    s = r.short
    out = {
        "inspector-staffing": [r.code("QX"), r.code("BY")],  # one short (large school); 宾阳
        "zone-coverage": [f"{s('XXT')}-10", *(f"{s('BY')}-0{i}" for i in (5, 6, 7, 8))],
        "part-time-terms": [f"{s('QX')}-P2", f"{s('XXT')}-P1"],  # four terms; a four-year term
        "inspector-training-hours": [f"{s('WM')}-P1"],  # 32 hours (JN-P1: no record, warning)
        "pre-service-training": [f"{s('LQ')}-I2"],  # trained after taking up the post
        "unqualified-removed": [f"{s('HZ')}-I2"],  # assessed 不合格 in 2021, still serving
        "routine-visits": [
            f"{s(x)}-{n}" for x, n in (("JN", "03"), ("WM", "04"), ("HZ", "07"), ("XXT", "10"))
        ],
        "school-comprehensive-cycle": [f"{s('LA')}-02", f"{s('SL')}-04", f"{s('HZ')}-09"],
        "government-supervised": [r.code("MS"), r.code("DM")],  # last in 2016; never
        "committee-established": [r.code("MS")],  # no committee
        "committee-composition": [r.code("QX")],  # two units missing, one liaison missing
        "upward-reporting": [r.code("SL"), *([r.code("GX")] if r.has("GX") else [])],
        "committee-meetings": [r.city],  # the city committee met only in a special session
        "supervision-funding": [r.code("LA")],  # no 2022 budget line
    }
    return out


def schools(r: Region) -> pd.DataFrame:
    rows = []
    for county, (short, n, _) in r.units.items():
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
    large = f"{r.short('QX')}-02"
    df.loc[df.school_id == large, ["stage", "students"]] = ["junior", 3000]  # a large school
    df.loc[df.school_id == f"{r.short('XXT')}-10", "zone"] = None  # zone-coverage: in no zone
    return df


def zones(s: pd.DataFrame) -> pd.DataFrame:
    z = s.dropna(subset=["zone"]).groupby("zone", as_index=False)["county"].first()
    z["name"] = z["zone"].str.replace("-Z", "第") + "督学责任区"
    return z.rename(columns={"zone": "zone_id"})[["zone_id", "name", "county"]]


def inspectors(r: Region, s: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for county, (short, n, role) in r.units.items():
        need = math.ceil(n / 5)
        zone_ids = sorted(s.loc[s.county == county, "zone"].dropna().unique())
        count = need
        if role == "QX":
            # 13 ordinary schools need ceil(13/5) = 3, the 3,000-student school its own (1:1
            # under the sample threshold in parameters.yaml): 4 required; 1 full-time here
            # plus the two part-time inspectors below make 3, one short
            count = 1
        if role == "BY":
            count = need - 1  # its second zone is left without an inspector
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
        if role in {"QX", "XXT", "WM", "JN"}:
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
    qx = r.short("QX")
    df = pd.concat(
        [
            df,
            pd.DataFrame(
                [
                    {
                        "inspector_id": f"{qx}-P2",
                        "name": f"{qx}兼职督学二",
                        "kind": "part_time",
                        "appointing": r.code("QX"),
                        "term_start": "2021-09-01",
                        "term_end": "2024-08-31",
                        "consecutive_terms": 4,
                        "trained_on": "2012-08-20",
                        "training_hours": 42.0,
                        "zone": f"{qx}-Z2",
                        "assessment_year": 2022,
                        "assessment": "qualified",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    by_id = df.set_index("inspector_id")
    s_ = r.short
    by_id.loc[f"{s_('XXT')}-P1", "term_end"] = "2025-08-31"  # a four-year term
    by_id.loc[f"{s_('WM')}-P1", "training_hours"] = 32.0
    by_id.loc[f"{s_('JN')}-P1", "training_hours"] = None  # no record: a warning
    by_id.loc[f"{s_('LQ')}-I2", ["consecutive_terms", "trained_on"]] = [1, "2021-10-15"]
    by_id.loc[f"{s_('HZ')}-I2", ["assessment_year", "assessment"]] = [2021, "unqualified"]
    return by_id.reset_index()


def visits(r: Region, s: pd.DataFrame, ins: pd.DataFrame) -> pd.DataFrame:
    zoned = s.dropna(subset=["zone"]).loc[
        s.stage.isin(["kindergarten", "primary", "junior", "senior"])
    ]
    by_zone = ins.dropna(subset=["zone"]).groupby("zone")["inspector_id"].first()
    few = {f"{r.short('JN')}-03": 1, f"{r.short('WM')}-04": 1, f"{r.short('HZ')}-07": 0}
    rows = []
    for row in zoned.itertuples():
        n = few.get(row.school_id, 2)
        for k in range(n):
            rows.append(
                {
                    "school_id": row.school_id,
                    "inspector_id": by_zone.get(row.zone),
                    "date": dt.date(2022, 10 + 2 * k, 12).isoformat(),
                }
            )
    return pd.DataFrame(rows)


def supervisions(r: Region, s: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, row in enumerate(s.itertuples()):
        year = 2018 + i % 5
        if row.school_id == f"{r.short('LA')}-02":
            year = 2017
        if row.school_id == f"{r.short('HZ')}-09":
            year = 2016
        if row.school_id == f"{r.short('SL')}-04":
            continue
        rows.append(
            {
                "supervision_id": f"SCH-{row.school_id}",
                "kind": "comprehensive",
                "body": row.county if "-" not in row.county else r.city,
                "target_kind": "school",
                "target": row.school_id,
                "date": dt.date(year, 5, 10).isoformat(),
            }
        )
    for j, (county, (_, _, role)) in enumerate(r.units.items()):
        if role == "DM":
            continue
        year = 2016 if role == "MS" else 2019 + j % 4
        rows.append(
            {
                "supervision_id": f"GOV-{county}",
                "kind": "comprehensive" if j % 2 else "special",
                "body": r.city,
                "target_kind": "government",
                "target": county,
                "date": dt.date(year, 11, 3).isoformat(),
            }
        )
    rows.append(
        {
            "supervision_id": f"GOV-{r.city}",
            "kind": "comprehensive",
            "body": r.province,
            "target_kind": "government",
            "target": r.city,
            "date": "2021-10-20",
        }
    )
    return pd.DataFrame(rows)


def filings(r: Region) -> pd.DataFrame:
    rows = []
    for county, (_, _, role) in r.units.items():
        if role == "GX":
            continue
        filed = "2022-04-20" if role == "SL" else "2022-04-06"
        rows.append({"jurisdiction": county, "kind": "plan", "year": 2022, "filed_on": filed})
        rows.append(
            {"jurisdiction": county, "kind": "result", "year": 2021, "filed_on": "2022-01-15"}
        )
    return pd.DataFrame(rows)


def meetings(r: Region) -> pd.DataFrame:
    rows = [{"jurisdiction": r.city, "kind": "special", "date": "2022-08-02"}]
    rows += [
        {"jurisdiction": c, "kind": "regular", "date": "2022-06-15"}
        for c in r.units
        if "-" not in c
    ]
    return pd.DataFrame(rows)


def budgets(r: Region) -> pd.DataFrame:
    rows = [{"jurisdiction": r.city, "year": y, "amount": 120.0} for y in (2022, 2023)]
    for county, (_, _, role) in r.units.items():
        if "-" in county:
            continue
        for year in (2022, 2023):
            if role == "LA" and year == 2022:
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


def committees(r: Region) -> list[Committee]:
    def make(code: str, name: str, units: list[str], missing_liaison: set[str]) -> Committee:
        members = tuple(
            Membership(u, None if u in missing_liaison else f"{u}联络员") for u in units
        )
        host = units[3]
        return Committee(
            code,
            name,
            Officer("分管教育工作的副市长" if code == r.city else "分管教育工作的副县（区）长"),
            (Officer("政府副秘书长"), Officer("教育局局长")),
            members,
            host,
            Officer("总督学"),
            (Officer("副总督学"),),
        )

    out = [make(r.city, f"{r.city_name}人民政府教育督导委员会", CITY_UNITS, set())]
    from dudao.io.divisions import load_divisions

    names = {u.code: u.name for u in load_divisions()}
    for county, (_, _, role) in r.units.items():
        if "-" in county or role == "MS":
            continue
        units = list(COUNTY_UNITS)
        liaison_gap: set[str] = set()
        if role == "QX":
            units = [u for u in units if u not in {"县体育局", "县残联"}]
            liaison_gap = {units[5]}
        out.append(make(county, f"{names[county]}人民政府教育督导委员会", units, liaison_gap))
    return out


def write(r: Region) -> None:
    """Write every generated file of ``r`` (``dataset.yaml`` is written by hand)."""
    r.out.mkdir(parents=True, exist_ok=True)
    (r.out / "parameters.yaml").write_text(r.parameters, encoding="utf-8")
    s = schools(r)
    ins = inspectors(r, s)
    tables = {
        "schools": s,
        "zones": zones(s),
        "inspectors": ins,
        "visits": visits(r, s, ins),
        "supervisions": supervisions(r, s),
        "filings": filings(r),
        "meetings": meetings(r),
        "budgets": budgets(r),
    }
    for name, frame in tables.items():
        frame.to_csv(r.out / f"{name}.csv", index=False)
    data = converter.unstructure(CommitteesFile(tuple(committees(r))))
    (r.out / "committees.yaml").write_text(
        f"# 示例数据：{r.committee_note}。\n" + dump(data),
        encoding="utf-8",
    )
    print(f"wrote {', '.join(f'{k} {len(v)}' for k, v in tables.items())} to {r.out}")


#: The evaluation example written by hand, and where each region's copy goes.
EVALUATION_SOURCE = ROOT / "src" / "dudao" / "examples" / "nanning_evaluation"
EVALUATION_OUT = {"yichang": ROOT / "src" / "dudao" / "examples" / "yichang_evaluation"}


def write_evaluation(r: Region, out: Path) -> None:
    """Nanning's evaluation example on ``r``'s units: each Nanning county's rows (its
    measurements, its schools) go to the unit playing its role, with that unit's code
    and name; every value is copied as written."""
    from dudao.io.divisions import divisions_hierarchy

    h = divisions_hierarchy()
    moved = {code: r.code(role) for code, (_, _, role) in NANNING.units.items() if r.has(role)}
    names = {h.get(a).name: h.get(b).name for a, b in moved.items() if a in h}
    out.mkdir(parents=True, exist_ok=True)
    for name, code_column, text_columns in (
        ("measurements", "target", ("name",)),
        ("schools", "county", ("school_id", "name")),
    ):
        frame = pd.read_csv(EVALUATION_SOURCE / f"{name}.csv", dtype=str, keep_default_na=False)
        old = frame[code_column]
        frame[code_column] = old.map(moved)
        assert frame[code_column].notna().all(), f"{name}: a county with no role in {r.key}"
        for column in text_columns:
            frame[column] = [
                _renamed(text, before, moved[before], names)
                for text, before in zip(frame[column], old, strict=True)
            ]
        frame.to_csv(out / f"{name}.csv", index=False)
    print(f"wrote the evaluation example to {out}")


def _renamed(text: str, code: str, new_code: str, names: dict[str, str]) -> str:
    """``text`` naming a Nanning county (by code or name) naming ``new_code``'s instead."""
    text = text.replace(code, new_code)
    for before, after in names.items():
        text = text.replace(before, after)
    return text


def main(argv: list[str]) -> None:
    for key in argv or list(REGIONS):
        write(REGIONS[key])
        if key in EVALUATION_OUT:
            write_evaluation(REGIONS[key], EVALUATION_OUT[key])


if __name__ == "__main__":
    main(sys.argv[1:])
