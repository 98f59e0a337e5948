"""Who evaluates whom: from the hierarchy, with townships where a region turns them on.

厅发〔2020〕26号 二（三）: the province evaluates its prefectures, a prefecture its
counties (and each its own departments); the nation evaluates provinces. A county
evaluates its townships only where ``evaluation.township_evaluation`` is in force
(岳阳: 《岳阳市2023年教育督导工作要点》 5, 推动乡镇（街道办事处）政府履行教育职责评价).

>>> import datetime as dt
>>> from dudao.plugins.manager import load_plugins
>>> plugins = load_plugins()
>>> h = plugins.hierarchy()
>>> evaluators(["450103", "450100", "450000"], h, plugins.law_book(h), dt.date(2023, 6, 1))
['450100', '450000', '000000']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Level

TOWNSHIP_EVALUATION = "evaluation.township_evaluation"


def evaluators(
    targets: Iterable[str], hierarchy: Hierarchy, law: LawBook, day: dt.date
) -> list[str | None]:
    """The code of the government that evaluates each target on ``day``; None where no
    one does (an unknown code, the nation, a township outside township evaluation)."""
    out: list[str | None] = []
    for code in targets:
        if code not in hierarchy:
            out.append(None)
            continue
        entry = law.resolve(Kind.PARAMETER, TOWNSHIP_EVALUATION, code, day)
        township = bool(entry.value) if entry is not None else False
        unit = hierarchy.evaluator(code, township_evaluation=township)
        out.append(unit.code if unit is not None else None)
    return out


#: said when no document in force states who evaluates whom for a unit
HIERARCHY_BASIS = "按行政层级由上级政府评价"


def evaluator_basis(evaluator: str, law: LawBook, day: dt.date, set_cite: str | None = None) -> str:
    """Why ``evaluator`` evaluates the targets of an evaluation.

    A county-level evaluator evaluates townships, which happens only where a region
    says so: the citation of the ``evaluation.township_evaluation`` value in force
    there (岳阳 2023: 《岳阳市2023年教育督导工作要点》 5). Above that, the document of
    the evaluation itself says who evaluates (``set_cite``, the indicator set's
    citation: a county's duty evaluation in 岳阳 cites item 4, not the townships' item
    5; 优质均衡 cites its national measures, not 厅发〔2020〕26号 二（三）); without it,
    the hierarchy itself — never another evaluation's or another region's document.

    >>> from dudao.plugins.manager import load_plugins
    >>> plugins = load_plugins()
    >>> law = plugins.law_book()
    >>> day = dt.date(2023, 6, 1)
    >>> evaluator_basis("610500", law, day), evaluator_basis("430624", law, day)
    ('按行政层级由上级政府评价', '《岳阳市2023年教育督导工作要点》 5')
    >>> evaluator_basis("430600", law, day, "《岳阳市2023年教育督导工作要点》 4")
    '《岳阳市2023年教育督导工作要点》 4'
    """
    h = law.hierarchy
    if evaluator in h and h.get(evaluator).level is Level.COUNTY:
        entry = law.resolve(Kind.PARAMETER, TOWNSHIP_EVALUATION, evaluator, day)
        if entry is not None and entry.value and entry.cite:
            return entry.citation_text()
        return HIERARCHY_BASIS
    return set_cite or HIERARCHY_BASIS
