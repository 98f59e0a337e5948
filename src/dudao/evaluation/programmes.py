"""Programmes (评估认定项目): what a unit works through, stage by stage.

A programme is a scoped, dated, cited entry (kind ``programme``): 优质均衡
(``quality_balanced``), 普及普惠 (``universal_preschool``), a province's school
evaluation … It has an id, a Chinese title, its citation, its own ordered
stages (by default 县级自评 → 市级复核 → 省级评估 → 国家认定) and, optionally, the
indicator set its stages score with. Plugins contribute programmes through the
``dudao_programmes`` hook; a YAML plugin writes one per file in
``programmes/*.yaml``::

    id: universal_preschool
    title: 县域学前教育普及普惠督导评估
    cite: 《县域学前教育普及普惠督导评估办法》
    indicator_set: preschool_universal
    stages:
      - {id: self_assessment, name: 县级自评}
      - {id: city_review, name: 市级初核}
      - {id: provincial_assessment, name: 省级督导评估}
      - {id: national_recognition, name: 国家审核认定}

A dataset records how units progress in its ``programmes`` table (columns
``unit``, ``programme``, ``stage``, ``passed``, ``date``, ``note``);
:func:`programme_problems` checks each row against the programme in force for
its unit and :func:`programme_status` gives each unit's current stage.

>>> p = Programme("demo", "示例项目", cite="教督〔2017〕6号")
>>> [s.name for s in p.stages]
['县级自评', '市级复核', '省级评估', '国家认定']
>>> p.stage("市级复核").id, p.stage("city_review").name
('city_review', '市级复核')
>>> Programme("x", "无依据").problems()[0].message
'项目 x 缺少依据（cite）'
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.book import Entry, LawBook
from dudao.law.contributions import Contribution
from dudao.law.entries import Validity
from dudao.law.kinds import Kind
from dudao.lazyimports import np, pd
from dudao.model.documents import Citation


def _citation(value: Any) -> Citation | None:
    if value is None or isinstance(value, Citation):
        return value
    return Citation.parse(str(value))


@attrs.frozen
class Stage:
    """One stage of a programme: a stable English id and the Chinese name users see."""

    id: str
    name: str
    cite: Citation | None = attrs.field(default=None, converter=_citation)
    note: str | None = None

    @property
    def label(self) -> str:
        return self.name


#: 县级自评 → 市级复核 → 省级评估 → 国家认定 (the 优质均衡 path; domain-facts (c)).
DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage("self_assessment", "县级自评"),
    Stage("city_review", "市级复核"),
    Stage("provincial_assessment", "省级评估"),
    Stage("national_recognition", "国家认定"),
)


@attrs.frozen
class Programme:
    """One programme as a plugin states it; ``scope`` defaults to the plugin's.

    ``target`` is the level of the units that take part (``county``, ``school`` …);
    ``indicator_set`` the id of the set its evaluations use, if any.
    """

    id: str
    title: str
    cite: Citation | None = attrs.field(default=None, converter=_citation)
    scope: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    stages: tuple[Stage, ...] = DEFAULT_STAGES
    indicator_set: str | None = None
    target: str = "county"
    title_en: str | None = None
    description: str | None = None
    sample: bool = False
    note: str | None = None

    @property
    def validity(self) -> Validity:
        return Validity(self.since, self.until)

    def stage(self, text: str) -> Stage:
        """The stage named by its id or its Chinese name; a clear error otherwise."""
        for s in self.stages:
            if text in (s.id, s.name):
                return s
        names = [s.id for s in self.stages] + [s.name for s in self.stages]
        close = difflib.get_close_matches(str(text), names, n=1)
        raise DudaoError(
            Problem(
                f"项目 {self.id}（{self.title}）没有阶段 '{text}'",
                code="unknown-stage",
                hint=(f"是否是 '{close[0]}'？" if close else "")
                + "可选："
                + " → ".join(f"{s.name}（{s.id}）" for s in self.stages),
            )
        )

    def problems(self) -> list[Problem]:
        """What is wrong with the programme as written (paths for locating lines)."""
        out = []
        if self.cite is None and not self.sample:
            out.append(
                Problem(
                    f"项目 {self.id} 缺少依据（cite）",
                    path=("cite",),
                    code="uncited-programme",
                    hint="写明文号或《办法》名称；示例数据写 sample: true",
                )
            )
        if not self.stages:
            out.append(Problem(f"项目 {self.id} 至少需要一个阶段", path=("stages",)))
        ids = Counter(s.id for s in self.stages)
        names = Counter(s.name for s in self.stages)
        for i, s in enumerate(self.stages):
            if ids[s.id] > 1 or names[s.name] > 1:
                out.append(
                    Problem(
                        f"阶段 '{s.id}'（{s.name}）重复",
                        path=("stages", i),
                        code="duplicate-stage",
                        hint="每个阶段的 id 与名称都须唯一",
                    )
                )
        return out

    def contribution(self, source: str | None = None, line: int | None = None) -> Contribution:
        """The programme as a contribution of kind ``programme`` at its own scope (None:
        the contributor's)."""
        return Contribution.of(Kind.PROGRAMME, self, self.title, source, line)


def locate(problem: Problem, source: str | None, line: int | None) -> Problem:
    """``problem`` at the line of its field path in the YAML file ``source`` when that
    file can be read, else at ``line`` (the item's own)."""
    if source and problem.path and Path(source).is_file():
        try:
            from dudao.io import yamlio

            return yamlio.read(source).locate(problem)
        except DudaoError:
            pass
    return problem.located(source=source, line=line)


def set_problems(programme: Programme, sets: Iterable[str]) -> list[Problem]:
    """The programme's indicator set, if it names one, must be a known set id."""
    known = sorted(sets)
    if programme.indicator_set is None or programme.indicator_set in known:
        return []
    close = difflib.get_close_matches(programme.indicator_set, known, n=1)
    return [
        Problem(
            f"项目 {programme.id} 使用的指标体系 '{programme.indicator_set}' 不存在",
            path=("indicator_set",),
            code="unknown-set",
            hint=(f"是否是 '{close[0]}'？" if close else "") + "可选：" + "、".join(known),
        )
    ]


# ------------------------------------------------------------------ records


def _place(
    records: pd.DataFrame, law: LawBook, on: dt.date, scope: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Entry], np.ndarray, np.ndarray]:
    """Per row: unit, programme, stage text, and (an index into the returned entries)
    the programme version governing the unit on the record's date (``on`` for an
    undated record) and the stage's place in it (-1: none). A record is read by the
    version in force when it was made, so a 2022 stage of a programme a region
    restated for 2022 only stays valid in a later dataset; one whose stage that
    version lacks is read by the version in force on ``on`` (history entered in
    today's vocabulary). A unit that is not a jurisdiction code lies in ``scope``."""
    units = records["unit"].astype(object).to_numpy()
    pids = records["programme"].astype(object).to_numpy()
    stages = records["stage"].astype(object).to_numpy()
    h = law.hierarchy
    pos = h.positions(units)
    pos = np.where(pos >= 0, pos, h.positions([scope])[0])
    if "date" in records.columns:
        dated = pd.to_datetime(records["date"], errors="coerce").to_numpy("datetime64[D]")
        days = np.where(np.isnat(dated), np.datetime64(on, "D"), dated)
    else:
        days = np.full(len(records), np.datetime64(on, "D"))
    known = set(law.ids(Kind.PROGRAMME))
    versions: list[Entry] = []
    version = np.full(len(records), -1, dtype=np.intp)
    rank = np.full(len(records), -1, dtype=np.intp)

    def place(rows: np.ndarray, on_days: np.ndarray, pid: str) -> None:
        """Version and stage rank of ``rows`` as read on ``on_days``."""
        # every version, shallow to deep: a deeper scope in force on the day wins
        for entry in sorted(law.versions(Kind.PROGRAMME, pid), key=lambda e: h.depth(e.scope)):
            lo, hi = h.span(entry.scope)
            v = entry.validity
            hit = (pos[rows] >= lo) & (pos[rows] < hi)
            if v.since is not None:
                hit &= on_days >= np.datetime64(v.since, "D")
            if v.until is not None:
                hit &= on_days <= np.datetime64(v.until, "D")
            if hit.any():
                version[rows[hit]] = len(versions)
                versions.append(entry)
        for k in pd.unique(version[rows]):
            if k < 0:
                continue
            mine = rows[version[rows] == k]
            prog = versions[k].value
            order = {st.id: j for j, st in enumerate(prog.stages)}
            order |= {st.name: j for j, st in enumerate(prog.stages)}
            rank[mine] = pd.Series(stages[mine]).map(order).fillna(-1).to_numpy(dtype=np.intp)

    for pid in pd.unique(pids):
        if pid not in known:
            continue
        rows = np.flatnonzero(pids == pid)
        place(rows, days[rows], pid)
        # a record written later in the vocabulary in force on the dataset's date
        # (history entered retrospectively) is read by that version instead
        again = rows[rank[rows] < 0]
        if len(again):
            before = version[again].copy(), rank[again].copy()
            place(again, np.full(len(again), np.datetime64(on, "D")), pid)
            lost = rank[again] < 0
            version[again[lost]], rank[again[lost]] = before[0][lost], before[1][lost]
    return units, pids, stages, versions, version, rank


def _rows(rows: np.ndarray, first_row: int) -> str:
    return "、".join(str(r + first_row) for r in rows[:5]) + ("…" if len(rows) > 5 else "")


def programme_problems(
    records: pd.DataFrame,
    law: LawBook,
    on: dt.date,
    *,
    source: str = "programmes",
    first_row: int = 2,
    scope: str = "000000",
) -> list[Problem]:
    """Rows of a ``programmes`` table naming a programme or stage that was not in force
    for their unit on the record's date (``on``, the dataset's date, for an undated
    record): one problem per distinct mistake,
    naming its first row and listing the others. A unit that is not a jurisdiction
    code (a school) is taken to lie in ``scope``."""
    problems: list[Problem] = []
    known = law.ids(Kind.PROGRAMME)
    units, pids, stages, versions, version, rank = _place(records, law, on, scope)
    for pid in pd.unique(pids):
        rows = np.flatnonzero(pids == pid)
        if pid in known:
            continue
        close = difflib.get_close_matches(str(pid), known, n=1)
        problems.append(
            Problem(
                f"未知的项目 '{pid}'（第 {_rows(rows, first_row)} 行）",
                source=source,
                row=int(rows[0]) + first_row,
                path=("programme",),
                code="unknown-programme",
                hint=(f"是否是 '{close[0]}'？" if close else "")
                + "已登记的项目："
                + "、".join(known),
            )
        )
    outside = np.flatnonzero((version < 0) & np.isin(pids, known))
    for pid in pd.unique(pids[outside]):
        rows = outside[pids[outside] == pid]
        where = "、".join(
            f"{e.scope} {e.validity.describe()}" for e in law.versions(Kind.PROGRAMME, pid)
        )
        shown = "、".join(str(u) for u in pd.unique(units[rows])[:5])
        problems.append(
            Problem(
                f"项目 {pid} 在记录日期不适用于 {shown}（第 {_rows(rows, first_row)} 行；"
                f"该项目的范围与有效期：{where}）",
                source=source,
                row=int(rows[0]) + first_row,
                path=("programme",),
                code="programme-not-in-force",
                hint="检查单位代码和日期，或由管辖该单位的插件登记此项目",
            )
        )
    bad = np.flatnonzero((version >= 0) & (rank < 0))
    keys = pd.Series(list(zip(version[bad], stages[bad], strict=True)), dtype=object)
    for key in pd.unique(keys)[:20]:
        rows = bad[(keys == key).to_numpy()]
        try:
            versions[key[0]].value.stage(key[1])
        except DudaoError as exc:
            problems += [
                p.located(
                    source=source,
                    row=int(rows[0]) + first_row,
                    path=("stage",),
                    message=f"{p.message}（第 {_rows(rows, first_row)} 行）",
                )
                for p in exc.problems
            ]
    return sorted(problems, key=lambda p: p.row or 0)


def check_dataset_programmes(ds: Any, law: LawBook, on: dt.date) -> None:
    """A loaded dataset's ``programmes`` table (if any) against the programmes in force:
    every unknown programme or stage is an error naming the file and row."""
    if getattr(ds, "programmes", None) is None:
        return
    source, first = "programmes", 2
    if ds.source is not None:
        for suffix in (".csv", ".tsv", ".xlsx", ".parquet"):
            path = Path(ds.source) / f"programmes{suffix}"
            if path.exists():
                source, first = str(path), 1 if suffix == ".parquet" else 2
                break
    problems = programme_problems(
        ds.programmes, law, on, source=source, first_row=first, scope=ds.info.scope
    )
    if problems:
        raise DudaoError(problems)


STATUS_COLUMNS = (
    "unit",
    "programme",
    "title",
    "stage",
    "stage_name",
    "passed",
    "date",
    "status",
    "next_stage",
    "note",
)


def programme_status(
    records: pd.DataFrame,
    law: LawBook,
    on: dt.date,
    programme: str | None = None,
    *,
    scope: str = "000000",
) -> pd.DataFrame:
    """Per unit and programme, the latest record up to ``on`` and what it means:
    ``status`` 已认定 / 进行中 / <阶段>未通过 / <阶段>待定, and the next stage.

    Records are ordered by date, then by stage order (several on one day).
    """
    df = records
    if programme is not None:
        df = df[(df["programme"].astype(object) == programme).to_numpy()]
    dates = pd.to_datetime(df["date"]).to_numpy()
    df = df[dates <= np.datetime64(on)].reset_index(drop=True)
    units, pids, _, versions, version, rank = _place(df, law, on, scope)
    # rows not in force or with an unknown stage are programme_problems' to report
    keep = np.flatnonzero((version >= 0) & (rank >= 0))
    day = df["date"].to_numpy()[keep]
    order = np.lexsort((rank[keep], day, pids[keep].astype(str), units[keep].astype(str)))
    rows = keep[order]
    last = np.ones(len(rows), dtype=bool)  # the last row of each (unit, programme)
    if len(rows) > 1:
        same = (units[rows][1:] == units[rows][:-1]) & (pids[rows][1:] == pids[rows][:-1])
        last[:-1] = ~same
    passed_col = df["passed"].to_numpy(dtype=object, na_value=None)
    note_col = (
        df["note"].to_numpy(dtype=object, na_value=None)
        if "note" in df
        else np.full(len(df), None, dtype=object)
    )
    chosen = rows[last]
    days = pd.DatetimeIndex(df["date"].to_numpy()[chosen]).date  # in bulk: iloc per row is slow
    out = []
    for r, day_r in zip(chosen, days, strict=True):
        prog: Programme = versions[version[r]].value
        i = int(rank[r])
        stage = prog.stages[i]
        passed = None if passed_col[r] is None else bool(passed_col[r])
        if passed is None:
            status, nxt = f"{stage.name}待定", stage
        elif not passed:
            status, nxt = f"{stage.name}未通过", stage
        elif i + 1 == len(prog.stages):
            status = "已认定" if stage.name.endswith("认定") else f"{stage.name}已通过"
            nxt = None
        else:
            status, nxt = "进行中", prog.stages[i + 1]
        note = note_col[r]
        out.append(
            {
                "unit": units[r],
                "programme": pids[r],
                "title": prog.title,
                "stage": stage.id,
                "stage_name": stage.name,
                "passed": passed,
                "date": day_r,
                "status": status,
                "next_stage": nxt.name if nxt else None,
                "note": None
                if note is None or (isinstance(note, float) and np.isnan(note))
                else str(note),
            }
        )
    return pd.DataFrame(out, columns=list(STATUS_COLUMNS), dtype=object)  # None stays None
