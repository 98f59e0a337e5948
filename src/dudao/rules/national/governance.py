"""The supervision bodies themselves: a committee at every level of government, complete
in its composition, meeting regularly, funded in the budget, and lower bodies reporting
their annual plans upward.

Sources:

* 中办国办《关于深化新时代教育督导体制机制改革的意见》 (published 2020-02-19; its
  clause numbering could not be verified from a public text, so it is cited by title);
* 《教育督导条例》 第五条 "县级以上人民政府应当将教育督导经费列入财政预算" (checked
  against two public reposts of the full text);
* 厅发〔2020〕26号 二（一） committees at the three levels, chair, vice chairs, member
  units, office in the education department, 总督学; 二（二） plans, major matters and
  results reported upward, a liaison for every member unit; 三（三） funding in the budget;
* 南府督委办〔2022〕7号: the notice asks counties and development zones to file their
  2022 work points by 9 April; 一 at least one regular committee meeting;
* 岳阳市2023年教育督导工作要点 1 (no 文号 printed): funding in the annual budget.

Which units are governments
    Committees, budgets and meetings belong to the people's governments of provinces,
    prefectures and counties. Development zones (开发区) are county-level units but not
    governments: they have an 教育督导部门, not a committee, and no budget of their own in
    the sense of 第五条. They are left out of every rule here except ``upward-reporting``
    (Nanning's notice is addressed to 开发区教育督导部门 too).

Judged year (annual obligations)
    An obligation "in a year" can only be failed once the year is over: a committee may
    still meet in December. ``committee-meetings`` and ``supervision-funding`` therefore
    judge the **last calendar year that ended before the as-of date** (as of 2023-03-01:
    2022; as of 2022-12-31: 2021), and resolve their parameters **as of 31 December of
    that year** — a 2022 work point (``since 2022-01-01``, ``until 2022-12-31``) governs
    what had to happen in 2022, even when checked in 2023. The budget is also judged for
    a finished year, because a budget can still be adjusted during the year.

    ``upward-reporting`` judges the **latest year whose plan is already overdue**: the
    as-of year when a deadline is set for it and has passed (as of 2022-06-01 with
    Nanning's "04-09": 2022), otherwise the previous year (as of 2023-03-01: 2022; with no
    deadline a plan may be filed at any time in its year, so the year is judged once it
    is over). Parameters for the as-of year are resolved as of the as-of date, those for
    the previous year as of its 31 December. See :func:`plan_year`.

    A work plan's task that targets ``committee-meetings`` or ``supervision-funding``
    for a year is judged from the next 1 January (their ``judging_day``), the first day
    on which ``dudao check`` judges that year, so the plan and the check agree.

A target whose parameter is unset (null) is not checked; each row cites the clause that
set its parameter. The helpers :func:`judged_year` and :func:`plan_year` are the
conventions themselves, so tests can pin them down.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from dudao.errors import DudaoError, Problem
from dudao.law.book import Entry, Region
from dudao.law.kinds import Kind
from dudao.lazyimports import np, pd
from dudao.model.bodies import Committee, MemberUnit
from dudao.model.findings import TargetKind
from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind, Level
from dudao.model.numbers import number
from dudao.model.tables import positions_in
from dudao.rules.base import Context, Rule, empty_checks, row_citations
from dudao.rules.national.supervision import dated_between, is_one_of

GOVERNMENT_LEVELS = (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY)
REFORM_OPINIONS = "《关于深化新时代教育督导体制机制改革的意见》"
REFORM_PUBLISHED = dt.date(2020, 2, 19)  # 新华社 2020-02-19 电; the issue date is not verified
ORDINANCE_IN_FORCE = dt.date(2012, 10, 1)  # 《教育督导条例》 施行日期
#: Citation of a row whose only basis is an uncited sample parameter (示例数据).
UNCITED_SAMPLE = "示例参数，无文件依据"

_LEVEL_EN = {Level.PROVINCE: "provincial", Level.PREFECTURE: "prefecture-level"}
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


# ------------------------------------------------------------------- helpers


def governments(ctx: Context, region: Region | None = None) -> list[Jurisdiction]:
    """Province-, prefecture- and county-level governments in the dataset's scope (and
    ``region``): development zones are county-level units without a government."""
    return [
        u
        for u in ctx.units(GOVERNMENT_LEVELS, region)
        if u.kind is not JurisdictionKind.DEVELOPMENT_ZONE
    ]


def government_committees(ctx: Context, region: Region) -> list[Committee]:
    """The dataset's committees of governments in scope and ``region``, in dataset order
    (a body a development zone records as a committee is not checked)."""
    codes = {u.code for u in governments(ctx, region)}
    # the rules that call this need committees: the engine skips them without
    return [c for c in ctx.dataset.committees or () if c.jurisdiction in codes]


def judged_year(as_of: dt.date) -> int:
    """The year an annual obligation is judged for: the last calendar year that ended
    before ``as_of``.

    >>> judged_year(dt.date(2023, 3, 1)), judged_year(dt.date(2022, 12, 31))
    (2022, 2021)
    """
    return as_of.year - 1


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def first_judged_day(day: dt.date) -> dt.date:
    """The first as-of date on which the year of ``day`` is judged: 1 January after it
    (:func:`judged_year` of that date is ``day``'s year).

    >>> first_judged_day(dt.date(2022, 12, 31)), judged_year(dt.date(2023, 1, 1))
    (datetime.date(2023, 1, 1), 2022)
    """
    return dt.date(day.year + 1, 1, 1)


def deadline_in(value: Any, year: int) -> dt.date | None:
    """The date a ``"MM-DD"`` deadline falls on in ``year`` (None when unset).

    >>> deadline_in("04-09", 2022)
    datetime.date(2022, 4, 9)
    """
    if value is None:
        return None
    m = _MONTH_DAY.match(str(value).strip())
    try:
        if m is None:
            raise ValueError
        return dt.date(year, int(m[1]), int(m[2]))
    except ValueError:
        raise DudaoError(
            Problem(
                f"参数 reporting.plan_deadline 的取值 {value!r} 不是 {year} 年中的“月-日”",
                code="bad-parameter",
                hint='写作带引号的“月-日”，如 "04-09"',
            )
        ) from None


def plan_year(as_of: dt.date, deadline_this_year: Any) -> int:
    """The year whose annual plan is judged on ``as_of``: the as-of year once a deadline
    set for it (``"MM-DD"``) has passed — on the deadline day itself there is still
    time — else the previous year, whose plan was due within that year at the latest.

    >>> plan_year(dt.date(2022, 6, 1), "04-09"), plan_year(dt.date(2022, 4, 9), "04-09")
    (2022, 2021)
    >>> plan_year(dt.date(2023, 3, 1), None)
    2022
    """
    due = deadline_in(deadline_this_year, as_of.year)
    return as_of.year if due is not None and due < as_of else as_of.year - 1


def _names(units: Iterable[str]) -> str:
    return "、".join(units)


def _names_en(units: Iterable[str]) -> str:
    return ", ".join(units)


#: The last character of a government's name that its departments' names begin with
#: (南宁市 → 市财政局, 青秀区 → 区体育局, 隆安县 → 县教育局).
_LOCAL_MARKS = ("市", "县", "区", "旗")
_PREFIXES = ("", "共青团")  # 共青团市委: the level's mark after 共青团


def local_name(name: str, unit: MemberUnit | None, at: Jurisdiction) -> str:
    """The body ``name`` (a catalogue name such as 自治区财政厅, or a name as a
    parameter writes it) as the government ``at`` calls its own: the first of the
    unit's names written the way ``at``'s level writes them (市财政局, 区体育局,
    共青团区委), with ``at``'s name in front — 南宁市财政局, 青秀区体育局, 共青团青秀区委.
    A province's committee and a government with no such name keep ``name``.

    >>> from dudao.model.jurisdiction import JurisdictionKind
    >>> qingxiu = Jurisdiction("450103", "青秀区", JurisdictionKind.DISTRICT, "450100")
    >>> sports = MemberUnit("自治区体育局", ("体育局", "市体育局", "区体育局"))
    >>> local_name("自治区体育局", sports, qingxiu)
    '青秀区体育局'
    >>> local_name("区财政局", None, qingxiu), local_name("县税务局", None, qingxiu)
    ('青秀区财政局', '县税务局')
    """
    mark = at.name[-1:]
    if at.level is Level.PROVINCE or mark not in _LOCAL_MARKS or name.startswith(at.name):
        return name
    for alias in (name, *(unit.aliases if unit is not None else ())):
        for prefix in _PREFIXES:
            head = prefix + mark
            if alias.startswith(head) and len(alias) > len(head):
                return prefix + at.name + alias[len(head) :]
    return name


def _canonical(catalogue: dict[str, MemberUnit], name: str) -> str:
    """A unit's catalogue name, reached from its name or any alias; else the text as given."""
    unit = catalogue.get(name.strip())
    return unit.name if unit is not None else name.strip()


def earliest(dates: np.ndarray, group: np.ndarray, where: np.ndarray, n: int) -> np.ndarray:
    """For each group 0 … n - 1, the earliest of ``dates`` (datetime64) among the rows
    where ``where`` is true and ``group`` names it (from 0); NaT where there is none.
    Integer work on a table's columns, where grouping by text took milliseconds."""
    none = np.iinfo(np.int64).max
    first = np.full(n, none, dtype=np.int64)
    np.minimum.at(first, group[where], dates[where].view(np.int64))
    first[first == none] = np.iinfo(np.int64).min  # NaT
    return first.view(dates.dtype)


def _sums(values: np.ndarray, group: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group 0 … n - 1: the sum of its ``values`` (NaN where it has none; missing
    values skipped) and its number of rows, as a pandas groupby gives them."""
    rows = np.bincount(group, minlength=n)
    total = np.bincount(group, weights=np.nan_to_num(values, nan=0.0), minlength=n)
    several = rows[group] > 1
    if several.any():  # pandas adds with compensated summation: its own sums for those
        sums = pd.Series(values[several]).groupby(group[several]).sum()
        total[sums.index.to_numpy()] = sums.to_numpy()
    return np.where(rows > 0, total, np.nan), rows


def _dates(values: Iterable[Any]) -> np.ndarray:
    """Timestamps as ``datetime.date`` (None where missing), for evidence."""
    return np.array(
        [None if v is None or pd.isna(v) else pd.Timestamp(v).date() for v in values], dtype=object
    )


# --------------------------------------------------------- 1 committee established


class CommitteeEstablished(Rule):
    """Every province-, prefecture- and county-level government in scope has an education
    supervision committee (教育督导委员会) in the dataset's ``committees``.

    Development zones are not checked: they have an 教育督导部门, not a committee.

    A dataset without ``committees.yaml`` says nothing about committees: the rule is
    then skipped (and says so) rather than failing every government; an empty file
    does say that none is established. Nationally the basis is the 2020 opinions,
    cited by title (clause not verified); Guangxi adopts the rule under
    厅发〔2020〕26号 二（一）.
    """

    id = "committee-established"
    title = "各级人民政府设立教育督导委员会"
    title_en = "Every government has an education supervision committee"
    cite = (REFORM_OPINIONS,)
    target_kind = TargetKind.JURISDICTION
    levels = GOVERNMENT_LEVELS
    since = REFORM_PUBLISHED
    needs = ("committees",)

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        units = governments(ctx, region)
        counts = Counter(c.jurisdiction for c in ctx.dataset.committees or ())
        codes = np.array([u.code for u in units], dtype=object)
        n = np.array([counts.get(c, 0) for c in codes], dtype=int)
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": n > 0,
                "level": np.array([u.level.value for u in units], dtype=object),
                "committees": n,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        level = Level.parse(row["level"])
        return (
            f"未设立{level.label}人民政府教育督导委员会",
            f"No education supervision committee of the "
            f"{_LEVEL_EN.get(level, 'county-level')} government",
        )


# -------------------------------------------------------- 2 committee composition


class CommitteeComposition(Rule):
    """Each committee has a chair, at least one vice chair, its office in the education
    department, every required member unit, a liaison for every member unit and, where
    required, a chief inspector (总督学). One row per committee lists every missing piece.

    Chair and vice chair are checked wherever the rule runs. The rest follows parameters
    (unset: not checked): ``committee.office_host`` and ``committee.required_member_units``
    are catalogue names (the plugins' member-unit catalogue maps a local counterpart such
    as 市教育局 or 县财政局 to the name in the region's text), ``committee.liaison_required``
    and ``committee.chief_inspector_required`` are true/false. Guangxi reads 二（一）'s
    "各设区市、县（市、区）要比照自治区做法" as extending the whole arrangement — member
    units, office and 总督学 — to city and county committees. A finding names the missing
    bodies as the committee's own government calls them (:func:`local_name`: 南宁市财政局,
    青秀区体育局), not by the region's catalogue names.
    """

    id = "committee-composition"
    title = "教育督导委员会组成完整"
    title_en = "The supervision committee is complete"
    cite = (REFORM_OPINIONS,)
    target_kind = TargetKind.COMMITTEE
    levels = GOVERNMENT_LEVELS
    since = REFORM_PUBLISHED
    parameters = (
        "committee.office_host",
        "committee.required_member_units",
        "committee.liaison_required",
        "committee.chief_inspector_required",
    )
    needs = ("committees",)

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        committees = government_committees(ctx, region)
        columns = (
            "committee",
            "missing",
            "has_chair",
            "vice_chairs",
            "office_host",
            "expected_office_host",
            "missing_units",
            "units_without_liaison",
            "chief_inspector",
            "sample_parameters",
        )
        if not committees:
            return empty_checks(*columns)
        # each parameter resolved for all committees in one pass, not one walk up the
        # tree per committee and parameter
        codes = [c.jurisdiction for c in committees]
        params = [self._entries(ctx, p, codes) for p in self.parameters[:4]]
        # a committee no parameter asks anything more of (nationally: thousands) needs
        # only a chair and a vice chair: those columns are built for every committee at
        # once, and the rows of the others (:meth:`_row`) written over them
        chair = [c.chair is not None for c in committees]
        vice = [len(c.vice_chairs) for c in committees]
        missing = [
            (["chair"] if not h else []) + (["vice_chair"] if not v else [])
            for h, v in zip(chair, vice, strict=True)
        ]
        out: dict[str, list[Any]] = {
            "target": codes,
            "jurisdiction": list(codes),
            "ok": [h and v > 0 for h, v in zip(chair, vice, strict=True)],
            "citation": ["；".join(dict.fromkeys(self.cite))] * len(codes),
            "committee": [c.name for c in committees],
            "missing": missing,
            "has_chair": chair,
            "vice_chairs": vice,
            "office_host": [c.office_host for c in committees],
            "expected_office_host": [None] * len(codes),
            "missing_units": [[] for _ in codes],
            "units_without_liaison": [[] for _ in codes],
            "chief_inspector": [
                c.chief_inspector.post if c.chief_inspector else None for c in committees
            ],
            "sample_parameters": [False] * len(codes),
        }
        for i, entries in enumerate(zip(*params, strict=True)):
            if any(e is not None and e.value for e in entries):
                row = self._row(ctx, committees[i], *entries)
                for k, column in out.items():
                    column[i] = row[k]
        return pd.DataFrame(out)

    @staticmethod
    def _entries(ctx: Context, id: str, codes: list[str]) -> list[Entry | None]:
        """:meth:`Context.param` of ``id`` for each code."""
        versions, which = ctx.law.resolve_many(Kind.PARAMETER, id, codes, ctx.as_of)
        chosen: list[Entry | None] = [*versions, None]
        return [chosen[w] for w in which]

    def _row(
        self,
        ctx: Context,
        c: Committee,
        host: Entry | None,
        required: Entry | None,
        liaison: Entry | None,
        chief: Entry | None,
    ) -> dict[str, Any]:
        code = c.jurisdiction
        applied = [e for e in (host, required, liaison, chief) if e is not None and e.value]
        # the catalogue is only needed to compare unit names (and is not cheap to build)
        catalogue = (
            ctx.member_units(code)
            if any(e is not None and e.value for e in (host, required))
            else {}
        )

        missing: list[str] = []
        if c.chair is None:
            missing.append("chair")
        if not c.vice_chairs:
            missing.append("vice_chair")
        expected = host.value if host is not None and host.value else None
        if expected is not None and (
            not c.office_host
            or _canonical(catalogue, c.office_host) != _canonical(catalogue, expected)
        ):
            missing.append("office_host")
        wanted = [] if required is None or not required.value else required.value
        # the members' names are compared only where some units are required (not
        # nationally: thousands of committees' members)
        present = {_canonical(catalogue, m.unit) for m in c.members} if wanted else set()
        absent = [
            u for u in dict.fromkeys(_canonical(catalogue, w) for w in wanted) if u not in present
        ]
        if absent:
            missing.append("member_units")
        no_liaison = (
            [m.unit for m in c.members_without_liaison()]
            if liaison is not None and liaison.value is True
            else []
        )
        if no_liaison:
            missing.append("liaisons")
        if chief is not None and chief.value is True and c.chief_inspector is None:
            missing.append("chief_inspector")
        # the bodies are named as the committee's own government calls them (青秀区体育局),
        # not by the region's catalogue (自治区体育局)
        unit = ctx.hierarchy.get(code)

        def local(name: str) -> str:
            return local_name(name, catalogue.get(name), unit)

        return {
            "target": code,
            "jurisdiction": code,
            "ok": not missing,
            "citation": "；".join(
                dict.fromkeys([*self.cite, *(e.citation_text() for e in applied if e.cite)])
            ),
            "committee": c.name,
            "missing": missing,
            "has_chair": c.chair is not None,
            "vice_chairs": len(c.vice_chairs),
            "office_host": c.office_host,
            "expected_office_host": None if expected is None else local(expected),
            "missing_units": [local(u) for u in absent],
            "units_without_liaison": no_liaison,
            "chief_inspector": c.chief_inspector.post if c.chief_inspector else None,
            "sample_parameters": any(e.sample for e in applied),
        }

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        zh: list[str] = []
        en: list[str] = []
        missing = row["missing"]
        if "chair" in missing:
            zh.append("未设主任")
            en.append("no chair")
        if "vice_chair" in missing:
            zh.append("未设副主任")
            en.append("no vice chair")
        if "office_host" in missing:
            expected = row["expected_office_host"]
            if row["office_host"]:
                zh.append(f"办公室设在{row['office_host']}，而非{expected}")
                en.append(f"office hosted by {row['office_host']}, not by {expected}")
            else:
                zh.append(f"未明确办公室所在部门（应设在{expected}）")
                en.append(f"no office host given ({expected})")
        if "member_units" in missing:
            units = row["missing_units"]
            zh.append(f"缺成员单位 {len(units)} 个：{_names(units)}")
            en.append(f"{len(units)} member unit(s) missing: {_names_en(units)}")
        if "liaisons" in missing:
            units = row["units_without_liaison"]
            zh.append(f"{len(units)} 个成员单位未设联络员：{_names(units)}")
            en.append(f"{len(units)} member unit(s) without a liaison: {_names_en(units)}")
        if "chief_inspector" in missing:
            zh.append("未设总督学")
            en.append("no chief inspector")
        return (
            "督导委员会组成不完整：" + "；".join(zh),
            "Committee incomplete: " + "; ".join(en),
        )


# ------------------------------------------------------------ 3 upward reporting


class UpwardReporting(Rule):
    """Each county-level unit (development zones included) filed its annual supervision
    plan (年度工作计划 / 工作要点) with the body above it for the judged year, by the
    deadline where one is set.

    厅发〔2020〕26号 二（二）: "下级教育督导机构的年度工作计划、重大事项和督导结果须向上一级
    教育督导机构报告". Only plans are checked: they are due every year, whereas major
    matters and results are reported when they arise. Only county-level units are
    checked (the filings table records what the city receives); a city's own report to
    the province is not.

    ``reporting.plan_required`` (true/false) switches the duty on; ``reporting.plan_deadline``
    ("MM-DD") sets the date by which the plan is due in a year (Nanning 2022: "04-09",
    filing on the day itself is on time). Without a deadline the plan counts if it was
    filed at all by the as-of date. Which year is judged: see :func:`plan_year`. Plans
    recorded as filed after the as-of date are ignored.

    The rule is a template: in force only where a region adopts it (with its own
    clause), and even there it checks nothing where ``reporting.plan_required`` is
    unset. It cites no national clause: no verified
    national text requires annual plans to be filed upward (the 2020 opinions are
    believed to carry the sentence, but no clause could be verified; the 《教育督导条例》
    articles on record do not say it). Guangxi states it with 厅发〔2020〕26号 二（二） in
    its plugin (rules/governance.yaml), which is where that clause is cited.
    """

    id = "upward-reporting"
    title = "下级教育督导机构向上级报告年度工作计划"
    title_en = "Lower supervision bodies file their annual plan upward"
    cite = ()
    # no national clause: in force only where a region adopts it with its own
    template = True
    target_kind = TargetKind.JURISDICTION
    levels = (Level.COUNTY,)
    parameters = ("reporting.plan_required", "reporting.plan_deadline")
    needs = ("filings",)

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("year", "deadline", "filed_on", "problem", "sample_parameters")
        codes = np.array([u.code for u in ctx.units(self.levels, region)], dtype=object)
        if not len(codes):
            return empty_checks(*evidence)
        day = ctx.as_of
        last = year_end(day.year - 1)
        required_now = ctx.param_column(self.parameters[0], codes, on=day)
        required_last = ctx.param_column(self.parameters[0], codes, on=last)
        deadline_now = ctx.param_column(self.parameters[1], codes, on=day)
        deadline_last = ctx.param_column(self.parameters[1], codes, on=last)

        this_year = {v: plan_year(day, v) == day.year for v in set(deadline_now.values)}
        current = np.array([this_year[v] for v in deadline_now.values], dtype=bool)
        year = np.where(current, day.year, day.year - 1)
        required = np.where(current, required_now.values, required_last.values)
        keep = np.array([v is True for v in required], dtype=bool)
        dl_value = np.where(current, deadline_now.values, deadline_last.values)
        dl_cite = np.where(current, deadline_now.cites, deadline_last.cites)
        req_cite = np.where(current, required_now.cites, required_last.cites)
        sample = np.where(current, required_now.sample, required_last.sample) | np.where(
            current, deadline_now.sample, deadline_last.sample
        )
        codes, year, dl_value, dl_cite, req_cite, sample = (
            a[keep] for a in (codes, year, dl_value, dl_cite, req_cite, sample)
        )
        if not len(codes):
            return empty_checks(*evidence)
        deadline = np.array(
            [deadline_in(v, int(y)) for v, y in zip(dl_value, year, strict=True)], dtype=object
        )

        f = ctx.dataset.filings
        # each filing's unit among those checked (-1: another), by integer codes; its
        # plan counts for the year judged there
        unit = positions_in(f["jurisdiction"], pd.Index(codes))
        of_year = f["year"].to_numpy() == np.append(year.astype(int), -1)[unit]
        counted = (
            (unit >= 0)
            & of_year
            & is_one_of(f["kind"], "plan")
            & dated_between(f["filed_on"], None, day)
        )
        filed_on = _dates(earliest(f["filed_on"].to_numpy(), unit, counted, len(codes)))
        has = np.array([d is not None for d in filed_on], dtype=bool)
        late = np.array(
            [
                h and due is not None and got > due
                for h, got, due in zip(has, filed_on, deadline, strict=True)
            ],
            dtype=bool,
        )
        problem = np.select([~has, late], ["missing", "late"], default="")
        cites = np.where([v is not None for v in dl_value], dl_cite, "")
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": problem == "",
                "citation": row_citations(self.cite, req_cite, cites),
                "year": year.astype(int),
                "deadline": deadline,
                "filed_on": filed_on,
                "problem": problem,
                "sample_parameters": sample,
            }
        )

    def judged_on(self, as_of: dt.date, row: dict[str, Any]) -> dt.date:
        # the current year's parameters are read on the as-of date, a past year's on
        # its last day (see check)
        year = int(row["year"])
        return as_of if year == as_of.year else year_end(year)

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        year, deadline = row["year"], row["deadline"]
        if row["problem"] == "late":
            return (
                f"{year} 年度教育督导工作计划逾期报送：{row['filed_on']} 报送，"
                f"应于 {deadline} 前报送",
                f"{year} annual supervision plan filed late: on {row['filed_on']}, "
                f"due by {deadline}",
            )
        if deadline is not None:
            return (
                f"未向上级报送 {year} 年度教育督导工作计划（应于 {deadline} 前报送）",
                f"{year} annual supervision plan not filed upward (due by {deadline})",
            )
        return (
            f"未向上级报送 {year} 年度教育督导工作计划",
            f"{year} annual supervision plan not filed upward",
        )


# ------------------------------------------------------------- 4 regular meetings


class CommitteeMeetings(Rule):
    """Each committee held at least ``committee.min_regular_meetings`` regular meetings
    (例会; special meetings do not count) in the judged year (:func:`judged_year`).

    No national text sets a number, so this is a template: in force only where a region
    adopts it (Nanning, 南府督委办〔2022〕7号 一, in its ``rules/governance.yaml``), and it
    checks only committees whose parameter is set for the judged year; each row cites
    that parameter's clause.
    """

    id = "committee-meetings"
    title = "督导委员会每年至少召开规定次数的例会"
    title_en = "The committee holds the required regular meetings each year"
    cite = ()
    template = True
    target_kind = TargetKind.COMMITTEE
    levels = GOVERNMENT_LEVELS
    parameters = ("committee.min_regular_meetings",)
    needs = ("meetings", "committees")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = (
            "committee",
            "year",
            "regular_meetings",
            "special_meetings",
            "required",
            "sample_parameters",
        )
        committees = government_committees(ctx, region)
        year = judged_year(ctx.as_of)
        codes = np.array([c.jurisdiction for c in committees], dtype=object)
        minimum = ctx.param_column(self.parameters[0], codes, on=year_end(year))
        keep = minimum.is_set
        if not keep.any():
            return empty_checks(*evidence)
        m = ctx.dataset.meetings
        in_year = (m["date"].dt.year == year).to_numpy(dtype=bool, na_value=False)
        # counted by integer code: each meeting's unit among those checked (-1: another
        # unit, or another year); two committees of one unit both see its meetings
        which, checked = pd.factorize(codes[keep])
        at = np.where(in_year, positions_in(m["jurisdiction"], pd.Index(checked)), -1)
        regular, special = (
            np.bincount(
                at[(at >= 0) & (m["kind"] == kind).to_numpy(dtype=bool, na_value=False)],
                minlength=len(checked),
            )[which]
            for kind in ("regular", "special")
        )
        need = minimum.numbers()[keep]
        return pd.DataFrame(
            {
                "target": codes[keep],
                "jurisdiction": codes[keep],
                "ok": regular >= need,
                "citation": [c or UNCITED_SAMPLE for c in minimum.cites[keep]],
                "committee": [c.name for c, k in zip(committees, keep, strict=True) if k],
                "year": year,
                "regular_meetings": regular,
                "special_meetings": special,
                "required": need.astype(int),
                "sample_parameters": minimum.sample[keep],
            }
        )

    def judged_on(self, as_of: dt.date, row: dict[str, Any]) -> dt.date:
        return year_end(int(row["year"]))

    def judging_day(self, period_end: dt.date) -> dt.date:
        """The first as-of date judging the year of ``period_end`` (a plan's task)."""
        return first_judged_day(period_end)

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        held, special, required = (
            number(row[k]) for k in ("regular_meetings", "special_meetings", "required")
        )
        other = f"（另有专题会议 {special} 次，不计入例会）" if row["special_meetings"] else ""
        other_en = (
            f" ({special} special meeting(s), which are not regular meetings)"
            if row["special_meetings"]
            else ""
        )
        return (
            f"{row['year']} 年召开例会 {held} 次{other}，少于规定的 {required} 次",
            f"{held} regular meeting(s) in {row['year']}{other_en}, "
            f"fewer than the {required} required",
        )


# ------------------------------------------------------------------ 5 funding


class SupervisionFunding(Rule):
    """Each government in scope whose ``funding.in_budget_required`` is true for the
    judged year (:func:`judged_year`) has a budget line for supervision work with an
    amount above zero in that year (several rows of one year are added up).

    《教育督导条例》 第五条 "县级以上人民政府应当将教育督导经费列入财政预算" (in force
    2012-10-01); Guangxi restates it in 厅发〔2020〕26号 三（三）, Yueyang's 2023 work points
    in item 1. Development zones are not checked (no government of their own).
    """

    id = "supervision-funding"
    title = "教育督导经费纳入本级财政预算"
    title_en = "Supervision funding is in the government's budget"
    cite = ("《教育督导条例》 第五条",)
    target_kind = TargetKind.JURISDICTION
    levels = GOVERNMENT_LEVELS
    since = ORDINANCE_IN_FORCE
    parameters = ("funding.in_budget_required",)
    needs = ("budgets",)

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("year", "amount", "budget_rows", "sample_parameters")
        codes = np.array([u.code for u in governments(ctx, region)], dtype=object)
        year = judged_year(ctx.as_of)
        required = ctx.param_column(self.parameters[0], codes, on=year_end(year))
        keep = np.array([v is True for v in required.values], dtype=bool)
        if not keep.any():
            return empty_checks(*evidence)
        codes = codes[keep]
        b = ctx.dataset.budgets
        # each budget row's government among those checked (-1: another), by integer codes
        unit = positions_in(b["jurisdiction"], pd.Index(codes))
        at = np.flatnonzero((unit >= 0) & (b["year"].to_numpy() == year))
        amount, rows = _sums(b["amount"].to_numpy(dtype=float)[at], unit[at], len(codes))
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": amount > 0,  # NaN (no row) compares False
                "citation": row_citations(self.cite, required.cites[keep]),
                "year": year,
                "amount": np.where(rows > 0, amount, np.array(None, dtype=object)),
                "budget_rows": rows,
                "sample_parameters": required.sample[keep],
            }
        )

    def judged_on(self, as_of: dt.date, row: dict[str, Any]) -> dt.date:
        return year_end(int(row["year"]))

    def judging_day(self, period_end: dt.date) -> dt.date:
        """The first as-of date judging the year of ``period_end`` (a plan's task)."""
        return first_judged_day(period_end)

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        year = row["year"]
        if not row["budget_rows"]:
            return (
                f"{year} 年度教育督导经费未列入本级财政预算（没有预算记录）",
                f"No supervision funding in the {year} budget (no budget record)",
            )
        return (
            f"{year} 年度本级财政预算中的教育督导经费为 0",
            f"Supervision funding in the {year} budget is zero",
        )
