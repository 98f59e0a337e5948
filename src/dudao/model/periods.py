"""Periods the seeds speak of — the work-point year, the judged year, a cycle, a
semester — each with one meaning, used by every rule template.

The five seeds set annual tasks ("完成2023年度既定达标任务", 渭政教督办〔2023〕1号 二;
"2023 年度高中阶段学校网络和实地督导评估", 《岳阳市2023年教育督导工作要点》 6（三）) and
give no day, so:

``year_end(year)``
    A task of a year is due on that year's 31 December (the last day of "年度").
``judged_year(as_of)``
    A task "in year Y" can be failed only once Y is over: the judged year is the last
    calendar year whose 31 December has come by ``as_of`` — the as-of year itself on
    its 31 December, else the year before. Checking on 2023-12-31 (a plan's deadline)
    or in 2024 both judge 2023.
``work_year(as_of)``
    The year whose work points are under way on ``as_of`` (its calendar year): a task
    of that year may still be done until :func:`year_end`; before then a shortfall is
    progress, from then on a failure (:func:`is_due`).
``cycle_years(last, years)``
    A cycle of ``years`` years (每N年一轮) ending with the year ``last``.
``deadline(value, year)``
    A due date as a plugin writes it: ``"04-09"`` (that day of the work year),
    ``"2022-12-31"`` or a YAML date (that day), ``"year-end"`` (31 December).
``semester(as_of)``
    The last semester that ended before ``as_of``. Convention (示例约定: no seed
    fixes the dates): the autumn semester runs 1 September – 31 January, the spring
    one 1 February – 31 July.

>>> judged_year(dt.date(2023, 12, 31)), judged_year(dt.date(2024, 3, 1))
(2023, 2023)
>>> judged_year(dt.date(2023, 6, 30))
2022
>>> year_end(2023), work_year(dt.date(2023, 6, 30))
(datetime.date(2023, 12, 31), 2023)
>>> is_due(dt.date(2023, 12, 30), year_end(2023)), is_due(dt.date(2023, 12, 31), year_end(2023))
(False, True)
>>> cycle_years(2023, 5)
(2019, 2023)
>>> deadline("04-09", 2022), deadline("year-end", 2022), deadline(None, 2022)
(datetime.date(2022, 4, 9), datetime.date(2022, 12, 31), None)
>>> semester(dt.date(2023, 3, 1))
(datetime.date(2022, 9, 1), datetime.date(2023, 1, 31))
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

__all__ = [
    "cycle_years",
    "deadline",
    "is_due",
    "judged_year",
    "semester",
    "work_year",
    "year_end",
    "year_start",
]


def year_start(year: int) -> dt.date:
    """1 January of ``year``."""
    return dt.date(year, 1, 1)


def year_end(year: int) -> dt.date:
    """The day a task of ``year`` is due: its 31 December."""
    return dt.date(year, 12, 31)


def judged_year(as_of: dt.date) -> int:
    """The last calendar year whose 31 December has come by ``as_of``."""
    return as_of.year if as_of >= year_end(as_of.year) else as_of.year - 1


def work_year(as_of: dt.date) -> int:
    """The year whose work points are under way on ``as_of``."""
    return as_of.year


def is_due(as_of: dt.date, due: dt.date) -> bool:
    """Whether a task due on ``due`` is judged as failed when not done by ``as_of``
    (on the due day itself it is)."""
    return as_of >= due


def cycle_years(last: int, years: int) -> tuple[int, int]:
    """(first, last) year of a cycle of ``years`` years ending with ``last``."""
    if years < 1:
        raise ValueError(f"a cycle lasts at least one year, not {years}")
    return last - years + 1, last


def semester(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """(first, last day) of the last semester that ended before ``as_of``."""
    spring_end = dt.date(as_of.year, 7, 31)
    autumn_end = dt.date(as_of.year, 1, 31)
    if as_of > spring_end:
        return dt.date(as_of.year, 2, 1), spring_end
    if as_of > autumn_end:
        return dt.date(as_of.year - 1, 9, 1), autumn_end
    return dt.date(as_of.year - 1, 2, 1), dt.date(as_of.year - 1, 7, 31)


_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def deadline(value: Any, year: int) -> dt.date | None:
    """The day a due date ``value`` falls on for the work year ``year`` (None when
    unset); a value that is no date raises ``ValueError`` with the accepted forms."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if text == "year-end":
        return year_end(year)
    found = _MONTH_DAY.match(text)
    try:
        if found:
            return dt.date(year, int(found[1]), int(found[2]))
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(
        f"期限 {value!r} 不是日期：写“月-日”（如 04-09）、“年-月-日”（如 2022-12-31）或 year-end"
    )
