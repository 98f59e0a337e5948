"""A region's indicator set written as changes to another set (``extends``).

Instead of copying the national set, a region states what it changes, indicator by
indicator, each change with its own citation::

    id: quality_balanced            # same id: governs inside the region instead
    extends: quality_balanced       # the set it builds on (resolved outside the region)
    title: 南宁市县域义务教育优质均衡发展督导评估
    cite: 南府督委办〔2022〕7号 三
    since: 2022-03-17
    add:                            # new indicators, each naming its dimension
      - {dimension: government, id: teaching_research, name: ..., measure: ..., points: 1,
         scoring: {kind: threshold, op: ">=", value: 1}}
    replace:                        # a base indicator of the same id, written anew
      - {id: social_recognition, name: ..., measure: ..., points: 1, scoring: ...}
    remove: [q9b_difference]        # indicators, count sub-items (a.b), vetoes, dimensions
    adjust:                         # fields of a base indicator, sub-item (a.b) or veto
      - {id: government_items.g07_special_funding, value: 8000, cite: ...}
      - {id: social_recognition, points: 2}
    dimensions: [...]               # whole new dimensions
    vetoes: [...]                   # further veto items
    grades: [...]                   # replaces the base grades when given
    bonus_cap: 5

Resolution is by scope and date like every entry (:func:`resolve_indicator_set`):
the set the extension builds on is the version governing just outside the
extension's scope (or, for a different id, the version governing its scope) on
the evaluation date. Every indicator of the result carries its citation: the
base's clause where unchanged, the region's where changed. Changes that do not
fit the base (replacing an id the base lacks, adding one it has) are errors
naming the extension's file, line and field.

>>> import datetime as dt
>>> from dudao.plugins.manager import load_plugins
>>> from dudao.evaluation.model import parse_indicator_set
>>> ext = parse_indicator_set('''
... id: preschool_universal
... extends: preschool_universal
... title: 示例：提高毛入园率要求
... sample: true
... adjust:
...   - {id: gross_enrolment, value: 0.9}
... ''')
>>> base = load_plugins(autoload=False).law_book().resolve(
...     "indicator_set", "preschool_universal", "450103", dt.date(2024, 1, 1)).value
>>> merged = ext.apply(base)
>>> [i.scoring.describe() for i in merged.indicators() if i.id == "gross_enrolment"]
['≥ 0.9（示例参数）']
>>> ext = parse_indicator_set(
...     "id: x\\nextends: preschool_universal\\nsample: true\\nreplace:\\n"
...     "  - {id: nope, name: 无, measure: a, points: 1,"
...     " scoring: {kind: threshold, op: '>=', value: 1}}\\n", "x.yaml")
>>> ext.apply(base)
Traceback (most recent call last):
...
dudao.errors.DudaoError: replace[0].id: 基础指标体系 preschool_universal 中没有指标 'nope'...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from dudao.errors import DudaoError, PathStep, Problem
from dudao.evaluation.model import (
    Bonus,
    Comparison,
    Count,
    Dimension,
    Grade,
    Indicator,
    IndicatorSet,
    Scoring,
    SubItem,
    Threshold,
    _check_indicator,
    check_standard,
    validate_indicator_set,
)
from dudao.law.book import Entry, LawBook
from dudao.law.contributions import Contribution
from dudao.law.entries import Validity
from dudao.law.kinds import Kind
from dudao.model.convert import converter
from dudao.model.documents import Citation

BONUS = "bonus"  # the dimension name for adding a bonus item


@attrs.frozen
class Addition(Indicator):
    """A new indicator and the dimension it joins (a base or new dimension id, or
    ``bonus`` for a 专项加分 item)."""

    dimension: str = attrs.field(kw_only=True)


@attrs.frozen
class Adjustment:
    """Changes to one base item, keeping what is not said. ``id`` is an indicator,
    ``indicator.item`` for a sub-item of a count indicator, or a veto."""

    id: str
    cite: Citation | None = None
    sample: bool = False
    points: float | None = None
    value: float | None = None
    param: str | None = None
    op: Comparison | None = None
    min: int | None = None
    required: bool | None = None
    scoring: Scoring | None = None
    name: str | None = None
    note: str | None = None


@attrs.frozen
class IndicatorSetExtension:
    """An indicator set written as changes to the set ``extends`` (module docstring)."""

    id: str
    extends: str
    cite: Citation | None = None
    title: str | None = None
    scope: str = "000000"
    since: dt.date | None = None
    until: dt.date | None = None
    target: str | None = None
    sample: bool = False
    description: str | None = None
    add: tuple[Addition, ...] = ()
    replace: tuple[Indicator, ...] = ()
    remove: tuple[str, ...] = ()
    adjust: tuple[Adjustment, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    vetoes: tuple[SubItem, ...] = ()
    grades: tuple[Grade, ...] | None = None
    bonus_cap: float | None = None
    total: float | None = None
    columns_zh: dict[str, str] = attrs.field(factory=dict)

    @property
    def validity(self) -> Validity:
        return Validity(self.since, self.until)

    def contribution(self, source: str | None = None, line: int | None = None) -> Contribution:
        """The extension as a contribution of kind ``indicator_set`` (merged with its
        base when resolved)."""
        return Contribution.of(Kind.INDICATOR_SET, self, self.title or self.id, source, line)

    def problems(self) -> list[Problem]:
        """Checks that need no base: a citation, no id changed twice."""
        out = []
        if self.cite is None and not self.sample:
            out.append(
                Problem(
                    f"指标体系 {self.id} 的调整缺少依据（cite）",
                    path=("cite",),
                    code="invalid-indicator-set",
                    hint="写明地区文件的文号和条款；示例数据写 sample: true",
                )
            )
        for key, items in (("add", self.add), ("replace", self.replace)):
            for i, ind in enumerate(items):
                out += _check_indicator(ind, (key, i))
                sc = ind.scoring
                if isinstance(sc, Threshold):
                    out += check_standard(sc, (key, i, "scoring"))
                elif isinstance(sc, Count):
                    for j, item in enumerate(sc.items):
                        out += check_standard(item, (key, i, "scoring", "items", j))
        for i, veto in enumerate(self.vetoes):
            out += check_standard(veto, ("vetoes", i))
        for i, adj in enumerate(self.adjust):
            if adj.value is not None and adj.param is not None:
                out.append(_no("value 与 param 只能写一个", path=("adjust", i, "value")))
        seen: dict[str, tuple[PathStep, ...]] = {}
        for path, ident in [
            *((("add", i, "id"), a.id) for i, a in enumerate(self.add)),
            *((("replace", i, "id"), r.id) for i, r in enumerate(self.replace)),
            *((("remove", i), r) for i, r in enumerate(self.remove)),
            *((("adjust", i, "id"), a.id) for i, a in enumerate(self.adjust)),
        ]:
            if ident in seen:
                out.append(
                    Problem(
                        f"'{ident}' 被改动了两次",
                        path=path,
                        code="invalid-indicator-set",
                        hint="每个指标在 add、replace、remove、adjust 中只出现一次",
                    )
                )
            seen[ident] = path
        return out

    # ----------------------------------------------------------------- merging
    def apply(self, base: IndicatorSet) -> IndicatorSet:
        """The merged set; problems carry paths into this extension's file."""
        merged, problems = self._merge(base)
        if problems:
            raise DudaoError(problems)
        assert merged is not None
        wrong = validate_indicator_set(merged)
        if wrong:
            raise DudaoError(
                [
                    Problem(
                        f"按 {self.id} 调整 {base.id} 后：{p.message}",
                        code=p.code,
                        hint=p.hint,
                    )
                    for p in wrong
                ]
            )
        return merged

    def _merge(self, base: IndicatorSet) -> tuple[IndicatorSet | None, list[Problem]]:
        problems: list[Problem] = []

        def bad(message: str, path: tuple[PathStep, ...], hint: str | None = None) -> None:
            problems.append(Problem(message, path=path, hint=hint, code="invalid-extension"))

        own = self.cite
        # unchanged indicators keep the base's clause even when they relied on the set's
        dims = [(d, [_cited(i, base.cite) for i in d.indicators]) for d in base.dimensions]
        bonus = [_cited(i, base.cite) for i in base.bonus.items] if base.bonus else []
        vetoes = [_cited_item(v, base.cite) for v in base.vetoes]

        def where(ident: str) -> tuple[list[Any], int] | None:
            for _, inds in dims:
                for k, ind in enumerate(inds):
                    if ind.id == ident:
                        return inds, k
            for k, ind in enumerate(bonus):
                if ind.id == ident:
                    return bonus, k
            return None

        for i, ident in enumerate(self.remove):
            parent, _, sub = ident.partition(".")
            if sub:
                found = where(parent)
                ind = found[0][found[1]] if found else None
                if found is None or ind is None or not isinstance(ind.scoring, Count):
                    bad(f"基础指标体系 {base.id} 中没有计数指标 '{parent}'", ("remove", i))
                    continue
                items = tuple(it for it in ind.scoring.items if it.id != sub)
                if len(items) == len(ind.scoring.items):
                    bad(f"指标 {parent} 没有子项 '{sub}'", ("remove", i))
                    continue
                scoring = attrs.evolve(
                    ind.scoring, items=items, min=min(ind.scoring.min, len(items))
                )
                found[0][found[1]] = attrs.evolve(ind, scoring=scoring)
                continue
            found = where(ident)
            if found is not None:
                del found[0][found[1]]
            elif any(v.id == ident for v in vetoes):
                vetoes = [v for v in vetoes if v.id != ident]
            elif any(d.id == ident for d, _ in dims):
                dims = [(d, inds) for d, inds in dims if d.id != ident]
            else:
                bad(
                    f"基础指标体系 {base.id} 中没有 '{ident}'，无法删除",
                    ("remove", i),
                    "可删除指标、计数子项（指标.子项）、否决项或维度",
                )

        for i, ind in enumerate(self.replace):
            found = where(ind.id)
            if found is None:
                bad(
                    f"基础指标体系 {base.id} 中没有指标 '{ind.id}'，不能替换",
                    ("replace", i, "id"),
                    "新增指标请写在 add 中",
                )
                continue
            found[0][found[1]] = _cited(ind, own)

        for d in self.dimensions:
            if any(b.id == d.id for b, _ in dims):
                bad(
                    f"基础指标体系 {base.id} 已有维度 '{d.id}'",
                    ("dimensions", self.dimensions.index(d), "id"),
                    "在已有维度中新增指标请写在 add 中，并写 dimension",
                )
                continue
            dims.append((attrs.evolve(d, points=None), [_cited(x, own) for x in d.indicators]))

        for i, add in enumerate(self.add):
            if where(add.id) is not None:
                bad(
                    f"基础指标体系 {base.id} 已有指标 '{add.id}'",
                    ("add", i, "id"),
                    "替换已有指标请写在 replace 中，只改个别字段请用 adjust",
                )
                continue
            ind = _cited(
                Indicator(**{f.name: getattr(add, f.name) for f in attrs.fields(Indicator)}), own
            )
            if add.dimension == BONUS:
                bonus.append(ind)
                continue
            target = next((inds for d, inds in dims if d.id == add.dimension), None)
            if target is None:
                bad(
                    f"没有维度 '{add.dimension}'",
                    ("add", i, "dimension"),
                    "可选：" + "、".join([d.id for d, _ in dims] + [BONUS]),
                )
                continue
            target.append(ind)

        for i, adj in enumerate(self.adjust):
            if self.sample and adj.cite is None:  # a sample extension lends no citation
                adj = attrs.evolve(adj, sample=True)
            problems += [
                p.located(path=("adjust", i, *p.path))
                for p in _adjust(adj, base.id, where, vetoes, own)
            ]

        known = {v.id for v in vetoes}
        for i, veto in enumerate(self.vetoes):
            if veto.id in known:
                bad(f"基础指标体系 {base.id} 已有否决项 '{veto.id}'", ("vetoes", i, "id"))
                continue
            vetoes.append(_cited_item(veto, own))

        if problems:
            return None, problems
        cap = self.bonus_cap if self.bonus_cap is not None else base.bonus_cap
        return (
            IndicatorSet(
                id=self.id,
                title=self.title or base.title,
                dimensions=tuple(
                    attrs.evolve(d, indicators=tuple(inds), points=None) for d, inds in dims
                ),
                grades=self.grades if self.grades is not None else base.grades,
                cite=own or base.cite,
                scope=self.scope,
                since=self.since,
                until=self.until,
                target=self.target or base.target,
                total=self.total,
                bonus=Bonus(cap, tuple(bonus)) if bonus or self.bonus_cap is not None else None,
                vetoes=tuple(vetoes),
                sample=self.sample or base.sample,
                description=self.description or base.description,
                columns_zh={**base.columns_zh, **self.columns_zh},
            ),
            [],
        )


def _cited(ind: Indicator, cite: Citation | None) -> Indicator:
    """The indicator with its clause spelt out (a sample value lends no citation)."""
    if ind.cite is not None or cite is None or ind.sample or getattr(ind.scoring, "sample", False):
        return ind
    return attrs.evolve(ind, cite=cite)


def _cited_item(item: SubItem, cite: Citation | None) -> SubItem:
    if item.cite is not None or cite is None or item.sample:
        return item
    return attrs.evolve(item, cite=cite)


def _adjust(
    adj: Adjustment,
    base_id: str,
    where: Any,
    vetoes: list[SubItem],
    own: Citation | None,
) -> list[Problem]:
    """Apply one adjustment in place; problems have paths inside the adjustment."""
    cite = adj.cite or own
    parent, _, sub = adj.id.partition(".")
    found = where(parent)
    if sub or found is None:
        # a sub-item of a count indicator, or a veto
        if sub:
            ind = found[0][found[1]] if found else None
            if ind is None or not isinstance(ind.scoring, Count):
                return [_no(f"基础指标体系 {base_id} 中没有计数指标 '{parent}'")]
            items = list(ind.scoring.items)
            k = next((j for j, it in enumerate(items) if it.id == sub), None)
            if k is None:
                return [_no(f"指标 {parent} 没有子项 '{sub}'")]
        else:
            k = next((j for j, v in enumerate(vetoes) if v.id == adj.id), None)
            if k is None:
                return [
                    _no(
                        f"基础指标体系 {base_id} 中没有指标或否决项 '{adj.id}'",
                        "新增请写在 add 或 vetoes 中；计数指标的子项写成 指标.子项",
                    )
                ]
            items = vetoes
        wrong = _only(adj, ("value", "param", "op", "name", "note"), "子项或否决项")
        if wrong:
            return wrong
        item = items[k]
        changes: dict[str, Any] = _standard_changes(adj)
        item = attrs.evolve(item, **changes, cite=cite if cite else item.cite)
        items[k] = attrs.evolve(item, sample=adj.sample or (item.sample and "value" not in changes))
        if sub:
            assert found is not None
            ind = found[0][found[1]]
            found[0][found[1]] = attrs.evolve(
                ind, scoring=attrs.evolve(ind.scoring, items=tuple(items))
            )
        return []
    ind = found[0][found[1]]
    changes = {}
    if adj.points is not None:
        changes["points"] = adj.points
    if adj.required is not None:
        changes["required"] = adj.required
    if adj.name is not None:
        changes["name"] = adj.name
    if adj.note is not None:
        changes["note"] = adj.note
    scoring = ind.scoring
    if adj.scoring is not None:
        scoring = adj.scoring
    if adj.value is not None or adj.param is not None or adj.op is not None:
        if not isinstance(scoring, Threshold):
            return [
                _no(
                    f"指标 {ind.id} 不是 threshold 指标，不能只改 value/param/op",
                    "改计数子项写 指标.子项；改整个计分方式写 scoring",
                    ("value",),
                )
            ]
        scoring = attrs.evolve(scoring, **_standard_changes(adj), sample=adj.sample)
    if adj.min is not None:
        if not isinstance(scoring, Count):
            return [_no(f"指标 {ind.id} 不是 count 指标，不能改 min", path=("min",))]
        scoring = attrs.evolve(scoring, min=adj.min)
    changes["scoring"] = scoring
    new = attrs.evolve(ind, **changes, sample=adj.sample or ind.sample)
    found[0][found[1]] = attrs.evolve(new, cite=cite) if cite else new
    return []


def _standard_changes(adj: Adjustment) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if adj.value is not None:
        changes |= {"value": adj.value, "param": None}
    if adj.param is not None:
        changes |= {"param": adj.param, "value": None}
    if adj.op is not None:
        changes["op"] = adj.op
    return changes


def _only(adj: Adjustment, allowed: Iterable[str], what: str) -> list[Problem]:
    fields = ("points", "min", "required", "scoring")
    extra = [f for f in fields if f not in allowed and getattr(adj, f) is not None]
    return [_no(f"{what}不能调整 {f}", path=(f,)) for f in extra]


def _no(message: str, hint: str | None = None, path: tuple[PathStep, ...] = ("id",)) -> Problem:
    return Problem(message, path=path, hint=hint, code="invalid-extension")


# ------------------------------------------------------------------ resolution


def resolve_indicator_set(
    law: LawBook, set_id: str, code: str, as_of: dt.date
) -> IndicatorSet | None:
    """The indicator set ``set_id`` governing ``code`` on ``as_of``, extensions applied
    down the chain; None when no version is in force there."""
    entry = law.resolve(Kind.INDICATOR_SET, set_id, code, as_of)
    return None if entry is None else materialise(law, entry, as_of)


def materialise(
    law: LawBook, entry: Entry, as_of: dt.date, _seen: tuple[tuple[str, str], ...] = ()
) -> IndicatorSet:
    """An ``indicator_set`` entry as a full set: an extension merged onto its base.
    Problems name the extension's file, line and field."""
    value = entry.value
    if isinstance(value, IndicatorSet):
        return value
    ext: IndicatorSetExtension = value
    key = (entry.id, entry.scope)
    if key in _seen:
        raise DudaoError(Problem(f"指标体系 {entry.id} 的 extends 形成循环", code="extends-cycle"))
    base_entry = _base(law, ext, entry.id, entry.scope, as_of)
    if base_entry is None:
        raise DudaoError(
            _locate(
                Problem(
                    f"{as_of} 在 {entry.scope} 之外没有可继承的指标体系 '{ext.extends}'",
                    path=("extends",),
                    code="unknown-base",
                    hint="可选：" + "、".join(law.ids(Kind.INDICATOR_SET)),
                ),
                entry,
            )
        )
    base = materialise(law, base_entry, as_of, (*_seen, key))
    try:
        return ext.apply(base)
    except DudaoError as exc:
        raise DudaoError([_locate(p, entry) for p in exc.problems]) from None


def _base(
    law: LawBook, ext: IndicatorSetExtension, set_id: str, scope: str, as_of: dt.date
) -> Entry | None:
    """The entry ``ext`` (set ``set_id`` at ``scope``) builds on."""
    h = law.hierarchy
    if ext.extends != set_id:
        return law.resolve(Kind.INDICATOR_SET, ext.extends, scope, as_of)
    # the same id: the version governing just outside the extension's scope
    found = None
    for e in law.versions(Kind.INDICATOR_SET, set_id):  # shallow → deep
        if e.scope != scope and e.validity.in_force(as_of) and h.contains(e.scope, scope):
            found = e
    return found


def _locate(problem: Problem, entry: Entry) -> Problem:
    from dudao.evaluation.programmes import locate

    return locate(problem, entry.origin.source, entry.origin.line)


def extension_problems(
    ext: IndicatorSetExtension, law: LawBook, as_of: dt.date | None = None
) -> list[Problem]:
    """What is wrong with ``ext`` against the base it would extend at its scope on
    ``as_of`` (default: its ``since``, else today), with paths into its file (for
    ``dudao validate``)."""
    day = as_of or ext.since or dt.date.today()
    scope = ext.scope if ext.scope in law.hierarchy else "000000"
    if scope == "000000":  # a file read on its own: its plugin's scope is unknown
        base_entry = law.resolve(Kind.INDICATOR_SET, ext.extends, scope, day)
    else:
        base_entry = _base(law, ext, ext.id, scope, day)
    if base_entry is None:
        return [
            Problem(
                f"{day} 在 {scope} 之外没有可继承的指标体系 '{ext.extends}'",
                path=("extends",),
                code="unknown-base",
                hint="可选：" + "、".join(law.ids(Kind.INDICATOR_SET)),
            )
        ]
    try:
        ext.apply(materialise(law, base_entry, day))
    except DudaoError as exc:
        return exc.problems
    return []


#: What an indicator-set file holds: a whole set, or changes to one (``extends``).
AnyIndicatorSet = IndicatorSet | IndicatorSetExtension


def _structure_any(value: Any, _: Any) -> IndicatorSet | IndicatorSetExtension:
    if isinstance(value, dict) and "extends" in value:
        return converter.structure(value, IndicatorSetExtension)
    return converter.structure(value, IndicatorSet)


converter.register_structure_hook(AnyIndicatorSet, _structure_any)
