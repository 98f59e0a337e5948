"""Nanning's rule that no template states: 南府督委办〔2022〕7号 一 "落实《广西壮族自治区
督学管理办法》，完成第五届市政府督学换届".

``city-inspector-renewal``: by the due date every inspector the city government has
appointed and who is serving then began a term in the renewal year. (五 "建立市管高校
督学责任区" is written from the ``coverage`` template in ``data/rules/zones.yaml``.)

It reads a *due date* parameter (``"YYYY-MM-DD"`` or a YAML date): before it the task
may still be done and the rule checks nothing; from it on, the state on the due date is
judged, so a later check gives the same answer. Where the parameter is unset the rule
does not apply. Vectorised over the inspectors table. In force in Nanning's scope from
2022-01-01, the start of the work points' year.

>>> due_date("2022-12-31"), due_date(None)
(datetime.date(2022, 12, 31), None)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dudao.errors import DudaoError, Problem
from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.findings import TargetKind
from dudao.model.jurisdiction import Level
from dudao.model.tables import positions_in
from dudao.rules.base import Context, Rule, empty_checks, row_citations

SEED = "南府督委办〔2022〕7号"
WORK_POINTS_YEAR_START = dt.date(2022, 1, 1)


def due_date(value: Any, parameter: str = "due") -> dt.date | None:
    """A due-date parameter as a date (None when unset); a bad value is a clear error."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DudaoError(
            Problem(
                f"参数 {parameter} 的取值 {value!r} 不是日期",
                code="bad-parameter",
                hint='写作“年-月-日”，如 "2022-12-31"',
            )
        ) from None


def _due_column(ctx: Context, parameter: str, codes: np.ndarray) -> tuple[np.ndarray, Any]:
    """Per code: the due date in force on the as-of date (None where unset or not yet
    reached), with the parameter column for citations."""
    column = ctx.param_column(parameter, codes)
    due = np.array([due_date(v, parameter) for v in column.values], dtype=object)
    reached = np.array([d is not None and d <= ctx.as_of for d in due], dtype=bool)
    return np.where(reached, due, None), column


class CityInspectorRenewal(Rule):
    """The city government's inspectors serving on the due date all began their term
    in the renewal year (the new, fifth term); a city with none serving fails too.

    Only prefecture-level governments are checked: the sentence names 市政府督学. A city
    of which the dataset records no inspector at all (no current or past term) is not
    checked: the dataset does not cover its inspectors; one with only past terms fails.
    An inspector is the city's when ``appointing`` is the city's own code; serving
    means the term covers the due date. ``consecutive_terms`` does not matter: an
    inspector re-appointed for the new term has a new ``term_start``.
    """

    id = "city-inspector-renewal"
    title = "按期完成市政府督学换届"
    title_en = "The city government's inspectors are renewed for the new term on time"
    cite = (f"{SEED} 一",)
    target_kind = TargetKind.JURISDICTION
    levels = (Level.PREFECTURE,)
    parameters = ("inspector.city_renewal_due", "inspector.city_renewal_term")
    needs = ("inspectors",)
    since = WORK_POINTS_YEAR_START

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("term", "due", "serving", "renewed", "old_term", "problem")
        codes = np.array([u.code for u in ctx.units(self.levels, region)], dtype=object)
        if not len(codes):
            return empty_checks(*evidence)
        due, due_col = _due_column(ctx, self.parameters[0], codes)
        keep = np.array([d is not None for d in due], dtype=bool)
        if not keep.any():
            return empty_checks(*evidence)
        codes, due = codes[keep], due[keep]
        ins = ctx.dataset.inspectors
        # only the inspectors a checked city appointed, found by integer codes: the
        # table is the whole country's in a national check
        city = positions_in(ins["appointing"], pd.Index(codes))
        rows = np.flatnonzero(city >= 0)
        appointing = codes[city[rows]]
        start = ins["term_start"].to_numpy()[rows]
        end = ins["term_end"].to_numpy()[rows]
        # one column per checked city: few cities, many inspectors
        day = pd.to_datetime(pd.Series(due)).to_numpy()
        year_start = pd.to_datetime(pd.Series([dt.date(d.year, 1, 1) for d in due])).to_numpy()
        mine = appointing[:, None] == codes[None, :]
        # a dataset that records no inspector of the city at all (no past term either)
        # does not cover them: not checked, rather than "none serving" (缺表不等于零)
        recorded = mine.any(axis=0)
        if not recorded.any():
            return empty_checks(*evidence)
        codes, due, mine, day, year_start = (
            codes[recorded],
            due[recorded],
            mine[:, recorded],
            day[recorded],
            year_start[recorded],
        )
        keep[np.flatnonzero(keep)[~recorded]] = False
        term = ctx.param_column(self.parameters[1], codes)
        serving = mine & (start[:, None] <= day) & (pd.isna(end)[:, None] | (end[:, None] >= day))
        renewed = serving & (start[:, None] >= year_start)
        n_serving = serving.sum(axis=0)
        n_renewed = renewed.sum(axis=0)
        old = n_serving - n_renewed
        problem = np.select([n_serving == 0, old > 0], ["no-inspectors", "not-renewed"], "")
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": problem == "",
                "citation": row_citations(self.cite, due_col.cites[keep], term.cites),
                "term": term.values,
                "due": due,
                "serving": n_serving,
                "renewed": n_renewed,
                "old_term": old,
                "problem": problem,
                "sample_parameters": due_col.sample[keep] | term.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        term = f"第{_ordinal(row['term'])}届" if row["term"] is not None else "新一届"
        term_en = f"term {row['term']}" if row["term"] is not None else "the new term"
        if row["problem"] == "no-inspectors":
            return (
                f"截至 {row['due']} 没有在任的市政府督学，{term}换届未完成",
                f"No city government inspector serving on {row['due']}: {term_en} not appointed",
            )
        return (
            f"截至 {row['due']} 仍有 {row['old_term']} 名在任市政府督学为上一届聘任"
            f"（在任 {row['serving']} 名，本届聘任 {row['renewed']} 名），{term}换届未完成",
            f"{row['old_term']} of {row['serving']} city inspectors serving on {row['due']} "
            f"are from the previous term: {term_en} renewal not completed",
        )


def _ordinal(n: Any) -> str:
    digits = "零一二三四五六七八九十"
    return digits[n] if isinstance(n, int) and 0 <= n <= 10 else str(n)


RULES: tuple[Rule, ...] = (CityInspectorRenewal(),)
