"""The jurisdiction hierarchy: a single rooted tree of :class:`Jurisdiction`.

Invariants, checked when a hierarchy is built (every violation is reported, not
just the first, each as a :class:`~dudao.errors.Problem` with a stable code):

* ``duplicate-code``: every code appears once;
* ``unknown-parent``: every parent is in the tree;
* ``no-root`` / ``multiple-roots``: exactly one unit has no parent;
* ``cycle``: following parents from any unit reaches the root;
* ``level-not-descending``: a child's level is strictly below its parent's;
* ``code-prefix``: a code agrees with its parent's code —
  a prefecture ``XXYY00`` and a county ``XXYYZZ`` share ``XX`` / ``XXYY`` with the
  province / prefecture above; a township's 9-digit code starts with its county's
  code; a development zone's id starts with its parent's code. Documented
  exceptions: county-level units directly under a province are allowed when the
  province is a municipality (北京市东城区 110101) or the county's code has ``90``
  in digits 3–4, GB/T 2260's mark for 省直辖县级行政单位 (仙桃市 429004,
  济源市 419001, 海南 4690xx, 新疆 6590xx); a township under a development zone
  shares the zone's prefecture (first 4 digits).

Queries are answered from precomputed ``parent``/``depth`` maps and an Euler
tour (entry/exit index per node), so ``contains`` is O(1), ``descendants`` is a
slice, and the lowest common ancestor walks parents — networkx's general LCA is
far too slow to call in a loop (``../shared/reference/conventions.md`` §4).

>>> from dudao.model.jurisdiction import Jurisdiction as J, NATION
>>> h = Hierarchy([
...     NATION,
...     J("450000", "广西壮族自治区", "autonomous_region", "000000"),
...     J("450100", "南宁市", "prefecture_city", "450000"),
...     J("450103", "青秀区", "district", "450100"),
...     J("450108", "良庆区", "district", "450100"),
...     J("450300", "桂林市", "prefecture_city", "450000"),
... ])
>>> [j.name for j in h.path("450103")]
['中华人民共和国', '广西壮族自治区', '南宁市', '青秀区']
>>> h.contains("450100", "450108"), h.contains("450100", "450300")
(True, False)
>>> h.lca("450103", "450300").name
'广西壮族自治区'
>>> h.supervisor("450103").name
'南宁市'
"""

from __future__ import annotations

import difflib
import operator
from collections import ChainMap
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import cached_property
from itertools import repeat
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import networkx as nx

from dudao.errors import DudaoError, Problem
from dudao.lazyimports import np, pd
from dudao.model.jurisdiction import (
    Jurisdiction,
    JurisdictionKind,
    Level,
    code_form,
    zone_prefix,
)

#: The depth of each kind's level (0: the nation), looked up once per unit.
_DEPTH = {kind: kind.level.depth for kind in JurisdictionKind}
_KIND = operator.attrgetter("kind")

#: Where a unit came from, for error messages: (file, line), either may be None.
SourceLine = tuple[str | None, int | None]


def _form(code: str) -> str:
    """:func:`code_form`, told without its regular expressions for a code of 6 or 9
    digits (``\\d`` and ``str.isdecimal`` both mean Unicode's decimal digits), as almost
    every unit's is: a national dataset checks 37,861 townships and their counties."""
    if isinstance(code, str) and code.isdecimal():
        if len(code) == 6:
            return "gb2260"
        if len(code) == 9:
            return "township"
    return code_form(code)


def _prefix_problem(unit: Jurisdiction, parent: Jurisdiction) -> str | None:
    """Why ``unit``'s code does not agree with ``parent``'s, or None if it does."""
    code, pcode = unit.code, parent.code
    form, pform = _form(code), _form(pcode)
    if form == "zone":
        if zone_prefix(code) != pcode:
            return f"开发区代码 {code} 的前缀应为上级代码 {pcode}"
        return None
    if form == "township":
        ok = code[:4] == pcode[:4] if pform == "zone" else code[:6] == pcode
        return None if ok else f"乡镇代码 {code} 应以上级代码 {pcode[:6]} 开头"
    if pform != "gb2260":
        return f"{code} 不能隶属于 {pcode}"
    if parent.level is Level.NATIONAL:
        return None if code.endswith("0000") else f"省级代码 {code} 应以 0000 结尾"
    if unit.level is Level.PREFECTURE:
        ok = code[:2] == pcode[:2] and code[4:] == "00"
        return None if ok else f"地市级代码 {code} 应为 {pcode[:2]}XX00"
    if parent.level is Level.PREFECTURE:
        return None if code[:4] == pcode[:4] else f"县级代码 {code} 应以 {pcode[:4]} 开头"
    if parent.level is Level.PROVINCE:
        if code[:2] != pcode[:2]:
            return f"县级代码 {code} 应以 {pcode[:2]} 开头"
        if parent.kind is JurisdictionKind.MUNICIPALITY or code[2:4] == "90":
            return None
        return (
            f"县级单位 {code} 直属于省级单位 {pcode}，但既非直辖市辖区，"
            "也不是省直辖县级单位（代码第3–4位为 90）"
        )
    return f"{code} 不能隶属于 {pcode}"


def _sibling_order(codes: list[str]) -> list[str]:
    """Codes as siblings are ordered: GB/T 2260 units first, then development zones
    (their ids sort oddly); of the valid code forms, only a zone's id holds a "-"."""
    ordered = sorted(codes)
    zones = [c for c in ordered if "-" in c]
    return [c for c in ordered if "-" not in c] + zones if zones else ordered


class Hierarchy:
    """A validated tree of jurisdictions with fast structural queries.

    Build it from units in any order; ``origins`` maps a code to the file and
    line it came from so that errors can say where to fix it. Raises
    :class:`~dudao.errors.DudaoError` listing every violated invariant.
    """

    _root: str
    _children: dict[str, tuple[str, ...]]  # only units that have children
    _order: list[str]  # codes in pre-order
    _enter: dict[str, int]  # each code's position in ``_order``
    _exit: list[int]  # by position: where the unit's subtree ends in ``_order``
    _depth: list[int]  # by position: distance from the root

    def __init__(
        self,
        units: Iterable[Jurisdiction],
        *,
        origins: Mapping[str, SourceLine] | None = None,
    ) -> None:
        self._build({}, None, units, dict(origins or {}))

    def _build(
        self,
        valid: dict[str, Jurisdiction],
        base: Hierarchy | None,
        units: Iterable[Jurisdiction],
        origins: Mapping[str, SourceLine],
    ) -> None:
        """Add ``units`` to ``valid`` (the units of ``base``, a tree already checked and
        indexed; or none) and check what the new ones bring: units already checked
        cannot break an invariant among themselves, so extending a tree of thousands
        checks only the units added, and indexes them into ``base``'s order."""
        self._origins = origins
        self._units = dict(valid)
        problems: list[Problem] = []
        given = units if isinstance(units, list | tuple) else list(units)
        incoming = {unit.code: unit for unit in given}
        if len(incoming) == len(given) and incoming.keys().isdisjoint(self._units):
            self._units.update(incoming)  # no code repeats: every unit is added
            added = list(given)
        else:
            added = []
            for unit in given:
                if unit.code in self._units:
                    problems.append(self._duplicate(self._units[unit.code], unit))
                    continue
                self._units[unit.code] = unit
                added.append(unit)
        problems += self._check_structure(added, None if base is None else base._root)
        if problems:
            raise DudaoError(problems)
        self._index(added, base)

    # ----------------------------------------------------------- validation
    def _problem(self, code: str, message: str, kind: str, hint: str | None = None) -> Problem:
        source, line = self._origins.get(code, (None, None))
        return Problem(message, source=source, line=line, hint=hint, code=kind)

    def _duplicate(self, first: Jurisdiction, second: Jurisdiction) -> Problem:
        where = self._origins.get(first.code, (None, None))
        seen = f"{where[0]}:{where[1]}" if where[0] else "先前的定义"
        return self._problem(
            second.code,
            f"区划代码 {second.code} 重复：“{second.name}”与“{first.name}”（{seen}）",
            "duplicate-code",
            "每个区划代码只能定义一次；若是插件补充的单位，请删去重复的一处",
        )

    def _check_structure(self, added: list[Jurisdiction], root: str | None) -> list[Problem]:
        """Problems the units ``added`` bring (``root``: the root of the units checked
        before them, if any)."""
        units = self._units
        found: list[Problem] = []  # each unit's, after the tree's below
        roots: list[Jurisdiction] = []
        get, depth_of = units.get, _DEPTH
        for unit in added:
            if unit.parent is None:
                roots.append(unit)
                continue
            parent = get(unit.parent)
            if parent is None:
                found.append(
                    self._problem(
                        unit.code,
                        f"{unit.code} {unit.name} 的上级 {unit.parent} 不存在",
                        "unknown-parent",
                        self._suggest(unit.parent),
                    )
                )
                continue
            if depth_of[unit.kind] <= depth_of[parent.kind]:
                found.append(
                    self._problem(
                        unit.code,
                        f"{unit.code} {unit.name}（{unit.level.label}）不能隶属于同级或更低级的 "
                        f"{parent.code} {parent.name}（{parent.level.label}）",
                        "level-not-descending",
                        "检查 kind 与 parent 是否填错",
                    )
                )
            code, pcode = unit.code, parent.code
            if len(code) == 9 and len(pcode) == 6 and code.startswith(pcode) and code.isdecimal():
                continue  # a township of its county's code, as almost all are: no call
            why = _prefix_problem(unit, parent)
            if why:
                found.append(self._problem(unit.code, why, "code-prefix", "检查代码或上级是否填错"))
        problems: list[Problem] = []
        if root is not None and roots:
            roots.insert(0, units[root])
        if not roots and root is None:
            problems.append(
                Problem(
                    "层级中没有根节点（每个单位都有上级）",
                    code="no-root",
                    hint="根节点（通常是国家 000000）的 parent 应为空",
                )
            )
        elif len(roots) > 1:
            names = "、".join(f"{u.code} {u.name}" for u in roots[:10])
            problems.append(
                Problem(
                    f"层级应只有一个根节点，现有 {len(roots)} 个：{names}",
                    code="multiple-roots",
                    hint="为这些单位填写 parent",
                )
            )
        problems += found
        if problems:
            # a cycle is impossible where levels strictly descend along every parent
            # link, so it is looked for only when something else is already wrong
            problems += self._find_cycles([u.code for u in added])
        return problems

    def _find_cycles(self, added: list[str]) -> list[Problem]:
        # Colour walk over parent pointers: O(n), reports each cycle once. Units checked
        # before reach the root, so a walk ends at the first of them it meets.
        state: dict[str, int] = {}  # 1 = on current path, 2 = done
        new = set(added)
        problems = []
        for start in added:
            path: list[str] = []
            code: str | None = start
            while code in new and state.get(code) is None:
                state[code] = 1
                path.append(code)
                code = self._units[code].parent
            if code is not None and state.get(code) == 1:
                cycle = path[path.index(code) :]
                names = " → ".join(f"{c} {self._units[c].name}" for c in [*cycle, code])
                problems.append(
                    self._problem(
                        code, f"上级关系成环：{names}", "cycle", "至少改正其中一个单位的 parent"
                    )
                )
            for c in path:
                state[c] = 2
        return problems

    def _suggest(self, code: str) -> str:
        # 0.8: at most one differing character in a 6-digit code counts as a typo
        close = difflib.get_close_matches(code, self._units.keys(), n=3, cutoff=0.8)
        if close:
            return "是否是：" + "、".join(f"{c} {self._units[c].name}" for c in close)
        return "检查代码是否正确，或先加载提供该单位的插件"

    # ------------------------------------------------------------- indexing
    def _index(self, added: list[Jurisdiction], base: Hierarchy | None) -> None:
        """Children, pre-order, depths and Euler-tour intervals. Extending ``base``, its
        children lists are kept and only the ``added`` units are sorted among them; the
        walk takes the children of a unit all at once where none has children of its
        own (a county's townships), so a tree of tens of thousands of leaves is not
        walked one unit at a time."""
        units = self._units
        children: dict[str, tuple[str, ...]] = {} if base is None else dict(base._children)
        new: dict[str, list[str]] = {}  # the added units by parent, in sibling order
        for code in _sibling_order([u.code for u in added]):
            parent = units[code].parent
            if parent is not None:
                kids = new.get(parent)
                if kids is None:
                    new[parent] = [code]
                else:
                    kids.append(code)
        for parent, kids in new.items():
            before = children.get(parent)
            children[parent] = tuple(_sibling_order([*before, *kids]) if before else kids)
        self._children = children
        if base is not None:
            self._root = base._root
        else:
            self._root = next(u.code for u in added if u.parent is None)
        # in pre-order: each unit's code, the end of its subtree's span and its depth
        order: list[str] = []
        exits: list[int] = []
        depths: list[int] = []

        def visit(code: str, d: int) -> None:
            # recursion is shallow: levels strictly descend, so a tree is at most 5 deep
            at = len(order)
            order.append(code)
            exits.append(at + 1)
            depths.append(d)
            kids = children.get(code)
            if kids is not None:
                if children.keys().isdisjoint(kids):  # leaves only: all at once
                    order.extend(kids)
                    exits.extend(range(at + 2, at + 2 + len(kids)))
                    depths.extend([d + 1] * len(kids))
                else:
                    for kid in kids:
                        visit(kid, d + 1)
                exits[at] = len(order)

        visit(self._root, 0)
        self._order = order
        self._enter = dict(zip(order, range(len(order)), strict=True))
        self._exit = exits  # by position in ``order``, as ``_depth``: no dict per unit
        self._depth = depths

    # -------------------------------------------------------------- queries
    @property
    def root(self) -> Jurisdiction:
        return self._units[self._root]

    def __len__(self) -> int:
        return len(self._units)

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def __iter__(self) -> Iterator[Jurisdiction]:
        """Units in pre-order (parents before children, siblings by code)."""
        return (self._units[c] for c in self._order)

    def get(self, code: str) -> Jurisdiction:
        """The unit with this code; a clear error naming close matches otherwise."""
        try:
            return self._units[code]
        except KeyError:
            raise DudaoError(
                Problem(f"未知的区划代码 '{code}'", code="unknown-code", hint=self._suggest(code))
            ) from None

    __getitem__ = get

    def origin(self, code: str) -> SourceLine:
        """The (file, line) a unit was defined at, if known."""
        return self._origins.get(code, (None, None))

    def parent(self, code: str) -> Jurisdiction | None:
        p = self.get(code).parent
        return None if p is None else self._units[p]

    def children(self, code: str) -> tuple[Jurisdiction, ...]:
        self.get(code)
        return tuple(self._units[c] for c in self._children.get(code, ()))

    def depth(self, code: str) -> int:
        """Distance from the root (0 for the root)."""
        self.get(code)
        return self._depth[self._enter[code]]

    def ancestors(self, code: str) -> tuple[Jurisdiction, ...]:
        """Units above ``code``, nearest first."""
        out = []
        p = self.get(code).parent
        while p is not None:
            out.append(self._units[p])
            p = self._units[p].parent
        return tuple(out)

    def path(self, code: str) -> tuple[Jurisdiction, ...]:
        """Units from the root down to ``code`` inclusive."""
        return (*reversed(self.ancestors(code)), self.get(code))

    def descendants(self, code: str) -> tuple[Jurisdiction, ...]:
        """Units strictly below ``code``, in pre-order."""
        self.get(code)
        lo = self._enter[code]
        lo, hi = lo + 1, self._exit[lo]
        return tuple(self._units[c] for c in self._order[lo:hi])

    def subtree_codes(self, code: str) -> tuple[str, ...]:
        """Codes of ``code`` and everything below it, in pre-order."""
        self.get(code)
        lo = self._enter[code]
        return tuple(self._order[lo : self._exit[lo]])

    def subtree_at_levels(
        self, code: str, levels: Collection[Level]
    ) -> tuple[list[Jurisdiction], np.ndarray]:
        """Units of ``levels`` in ``code``'s subtree, in pre-order, and their positions
        (as :meth:`positions` gives them): one vectorised pass over the levels.

        >>> from dudao.model.jurisdiction import NATION, Jurisdiction as J
        >>> h = Hierarchy([NATION, J("450000", "广西", "autonomous_region", "000000"),
        ...                J("450100", "南宁市", "prefecture_city", "450000")])
        >>> units, at = h.subtree_at_levels("000000", [Level.PREFECTURE])
        >>> [u.name for u in units], at.tolist()
        (['南宁市'], [2])
        """
        lo, hi = self.span(code)
        wanted = np.array([self._level_number[lv] for lv in set(levels)], dtype=np.int8)
        at = lo + np.flatnonzero(np.isin(self._levels[lo:hi], wanted))
        units, order = self._units, self._order
        return [units[order[i]] for i in at.tolist()], at

    @cached_property
    def _level_number(self) -> dict[Level, int]:
        return {lv: i for i, lv in enumerate(Level)}

    @cached_property
    def _levels(self) -> np.ndarray:
        """Each unit's level (its number in :class:`Level`), in pre-order."""
        number = {kind: self._level_number[kind.level] for kind in JurisdictionKind}
        kinds = map(_KIND, map(self._units.__getitem__, self._order))  # no Python per unit
        return np.fromiter(map(number.__getitem__, kinds), dtype=np.int8, count=len(self._order))

    def subtree(self, code: str) -> Hierarchy:
        """A hierarchy of ``code`` and everything below it, rooted at ``code``."""
        codes = self.subtree_codes(code)
        units = [self._units[c] for c in codes]
        root = units[0]
        units[0] = Jurisdiction(root.code, root.name, root.kind, None)
        return Hierarchy(units, origins={c: self._origins[c] for c in codes if c in self._origins})

    def contains(self, scope: str, code: str) -> bool:
        """True when ``code`` is ``scope`` or lies below it. O(1)."""
        self.get(scope)
        self.get(code)
        lo = self._enter[scope]
        return lo <= self._enter[code] < self._exit[lo]

    def contains_many(self, scope: str, codes: Collection[str] | pd.Series) -> np.ndarray:
        """Vectorised :meth:`contains` over many codes; unknown codes give False.

        Codes repeat heavily (half a million schools, a few thousand counties), so
        only the distinct values are looked up; a categorical column is used as is.
        """
        self.get(scope)
        pos = self.positions(codes)
        lo = self._enter[scope]
        hi = self._exit[lo]
        return (pos >= lo) & (pos < hi)

    def span(self, code: str) -> tuple[int, int]:
        """Pre-order interval ``[enter, exit)`` of ``code``'s subtree: a unit lies below
        ``code`` exactly when its :meth:`positions` value falls in it."""
        self.get(code)
        lo = self._enter[code]
        return lo, self._exit[lo]

    def spans(self, codes: Collection[str] | pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised :meth:`span`: ``(lo, hi)`` of each code's subtree, ``(-1, -1)`` for
        an unknown or missing code.

        >>> from dudao.model.jurisdiction import NATION, Jurisdiction as J
        >>> h = Hierarchy([NATION, J("450000", "广西", "autonomous_region", "000000")])
        >>> [x.tolist() for x in h.spans(["450000", "999999", "000000"])]
        [[1, -1, 0], [2, -1, 2]]
        """
        lo = self.positions(codes)
        return lo, np.where(lo >= 0, self._exits[lo], -1)

    @cached_property
    def _exits(self) -> np.ndarray:
        return np.array(self._exit, dtype=np.int64)

    def positions(self, codes: Collection[str] | pd.Series) -> np.ndarray:
        """Pre-order index of each code (-1 when unknown), for vectorised subtree tests."""
        categorical = isinstance(getattr(codes, "dtype", None), pd.CategoricalDtype)
        if (len(codes) <= 64 and not categorical) or not isinstance(
            codes, pd.Series | pd.Index | np.ndarray
        ):
            # Python's objects (a dataset's 37,861 units' codes) or a few codes (a parameter's
            # units): straight from the dict, in one C loop, not hashed again by pandas
            each = map(self._enter.get, codes, repeat(-1))
            return np.fromiter(each, dtype=np.intp, count=len(codes))
        if isinstance(codes, pd.Series) and categorical:
            found, distinct = np.asarray(codes.array.codes), codes.array.categories
            if len(distinct) > 4096:
                # many categories, of which the rows may use few (a table's government
                # targets among half a million school codes): only those are looked up
                used = np.flatnonzero(np.bincount(found + 1, minlength=len(distinct) + 1)[1:])
                if len(used) * 2 < len(distinct):
                    where = np.full(len(distinct) + 1, -1, dtype=np.intp)  # the last: missing
                    where[used] = self._positions.get_indexer(
                        pd.Index(distinct[used], dtype=object)
                    )
                    return cast(np.ndarray, where[found])
        else:
            found, distinct = pd.factorize(codes)  # a text column stays in its own dtype
        where = self._positions.get_indexer(pd.Index(distinct, dtype=object))
        return np.where(found >= 0, where[found], -1)

    @cached_property
    def _positions(self) -> pd.Index:
        # object dtype, looked up with object keys: a pandas text index looked up with
        # object keys rebuilds its hash table on every call (15 ms on 40,000 codes)
        return pd.Index(np.array(self._order, dtype=object), dtype=object)

    def lca(self, a: str, b: str) -> Jurisdiction:
        """Lowest common ancestor by walking parents from the deeper unit."""
        self.get(a)
        self.get(b)
        da, db = self._depth[self._enter[a]], self._depth[self._enter[b]]
        while da > db:
            a, da = self._units[a].parent, da - 1  # type: ignore[assignment]
        while db > da:
            b, db = self._units[b].parent, db - 1  # type: ignore[assignment]
        while a != b:
            a, b = self._units[a].parent, self._units[b].parent  # type: ignore[assignment]
        return self._units[a]

    def at_level(self, level: Level, within: str | None = None) -> tuple[Jurisdiction, ...]:
        """Units of one level, optionally only those under ``within``."""
        units: Iterable[Jurisdiction] = (
            self if within is None else (self.get(within), *self.descendants(within))
        )
        return tuple(u for u in units if u.level is level)

    def ancestor_at(self, code: str, level: Level) -> Jurisdiction | None:
        """The unit of ``level`` on the path to ``code`` (``code`` itself included)."""
        return next((u for u in self.path(code) if u.level is level), None)

    def find(self, name: str) -> tuple[Jurisdiction, ...]:
        """Units with exactly this Chinese name (names repeat: 城关镇, 市辖区 …)."""
        return tuple(u for u in self if u.name == name)

    # ---------------------------------------------------------- governance
    def supervisor(self, code: str) -> Jurisdiction | None:
        """The government whose supervision body supervises ``code``.

        《教育督导条例》 第十四条: governments at county level and above supervise the
        government one level below; a development zone answers to the government
        that manages it. The root has no supervisor.
        """
        return self.parent(code)

    def evaluator(self, code: str, *, township_evaluation: bool = False) -> Jurisdiction | None:
        """Who evaluates ``code``'s performance of its education duties (履行教育职责评价).

        厅发〔2020〕26号 二（三）: the province evaluates its prefectures and the
        prefecture its counties (development zones included); the nation evaluates
        provinces. Townships are evaluated by their county only where a region
        turns that on (岳阳市2023年教育督导工作要点 5).
        """
        unit = self.get(code)
        if unit.level is Level.TOWNSHIP and not township_evaluation:
            return None
        return self.parent(code)

    def evaluated_by(
        self, code: str, *, township_evaluation: bool = False
    ) -> tuple[Jurisdiction, ...]:
        """The units that ``code`` evaluates (the inverse of :meth:`evaluator`)."""
        return tuple(
            kid
            for kid in self.children(code)
            if self.evaluator(kid.code, township_evaluation=township_evaluation) is not None
        )

    # --------------------------------------------------------- composition
    def extend(
        self, units: Iterable[Jurisdiction], *, origins: Mapping[str, SourceLine] | None = None
    ) -> Hierarchy:
        """A new hierarchy with more units (e.g. those a plugin contributes).

        ``origins`` is read only when a problem or :meth:`origin` names a unit: a dict is
        copied, any other mapping (a dataset's rows, found on demand) is kept as given and
        must not change. This tree's origins are looked up behind it, not copied. Nothing
        to add: this very tree (a copy would be built and checked all over again)."""
        units = list(units)
        if not units:
            return self
        extended = Hierarchy.__new__(Hierarchy)
        added = dict(origins) if isinstance(origins, dict) else origins
        # read only, which ChainMap's typing (mutable mappings) does not say
        chain = ChainMap(cast(Any, added), cast(Any, self._origins)) if added else self._origins
        extended._build(self._units, self, units, chain)
        return extended

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The tree as a networkx DiGraph (edges parent → child, node attr ``unit``).

        Built on first use; the query methods above do not need it.
        """
        import networkx as nx  # only here: importing it costs 0.2 s on every run

        g = nx.DiGraph()
        g.add_nodes_from((c, {"unit": u}) for c, u in self._units.items())
        g.add_edges_from((u.parent, c) for c, u in self._units.items() if u.parent is not None)
        return g

    def codes(self) -> list[str]:
        """All codes in pre-order."""
        return list(self._order)
