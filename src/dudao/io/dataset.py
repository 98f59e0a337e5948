"""Loading a dataset folder, with every problem reported before anything runs.

>>> from dudao.examples import example_path
>>> from dudao.plugins.manager import load_plugins
>>> ds, h = load_dataset(example_path("nanning"), load_plugins().hierarchy())
>>> ds.info.scope, h.get(ds.info.scope).name
('450100', '南宁市')
"""

from __future__ import annotations

import contextlib
import gc
from collections import deque
from collections.abc import Collection, Iterator, Mapping
from functools import cached_property, partial
from itertools import count, repeat
from operator import attrgetter
from pathlib import Path
from types import MemberDescriptorType
from typing import Any, TypeVar, cast

import attrs

from dudao.errors import DudaoError, Problem
from dudao.io import yamlio
from dudao.io.tables import load_table, reading_ahead
from dudao.law.book import Entry
from dudao.law.contributions import Contributor
from dudao.law.parameters import ParametersFile, parameter_law
from dudao.lazyimports import np, pd
from dudao.model.bodies import Committee, Membership, Officer
from dudao.model.dataset import CommitteesFile, Dataset, DatasetInfo
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import (
    Jurisdiction,
    JurisdictionKind,
    JurisdictionsFile,
    Level,
    code_form,
)
from dudao.model.tables import COMMITTEE_MEMBERS, COMMITTEES, TABLES, UNITS, positions_in

SUFFIXES = (".csv", ".tsv", ".xlsx", ".parquet")
#: Any table may be absent (a dataset of programme records has no schools): the dataset
#: records it (:meth:`LoadedDataset.provides`), rules that need it are not run and say
#: so, and nothing refers to it. These are then read as tables without rows (rules that
#: read them without saying they need them must not fail); any other absent table is None.
EMPTY_IF_ABSENT = ("schools", "inspectors")
#: Columns naming a unit that may also lie above the dataset's scope: the province
#: appoints inspectors and organises supervisions inside a city.
MAY_BE_ABOVE_SCOPE = {("inspectors", "appointing"), ("supervisions", "body")}


@attrs.define
class LoadedDataset(Dataset):
    """A dataset that knows which of its tables it was given: an absent table, even one
    read as a table without rows, provides nothing, so rules that need it are not run
    rather than finding every school without a zone."""

    tables_given: frozenset[str] = frozenset()

    def provides(self, need: str) -> bool:
        """:meth:`Dataset.provides`, and False for a table the dataset was not given.

        >>> from dudao.model.tables import INSPECTORS, SCHOOLS
        >>> info = DatasetInfo("示例", "450100")
        >>> ds = LoadedDataset(info, SCHOOLS.empty(), INSPECTORS.empty(), None,
        ...                    tables_given=frozenset({"schools"}))
        >>> ds.provides("schools"), ds.provides("inspectors"), ds.provides("zones")
        (True, False, False)
        """
        table = need.partition(".")[0]
        if table in TABLES and table not in self.tables_given:
            return False
        return super().provides(need)


def absent_table(name: str) -> pd.DataFrame | None:
    """What stands for a table a dataset was not given (see :data:`EMPTY_IF_ABSENT`)."""
    return TABLES[name].empty() if name in EMPTY_IF_ABSENT else None


def _find_table(folder: Path, name: str) -> Path | None:
    found = [folder / f"{name}{s}" for s in SUFFIXES if (folder / f"{name}{s}").exists()]
    if len(found) > 1:
        raise DudaoError(
            Problem(
                f"表 {name} 有多个文件：{'、'.join(p.name for p in found)}",
                source=str(folder),
                code="ambiguous-table",
                hint="每种表只保留一个文件",
            )
        )
    return found[0] if found else None


def load_dataset(
    folder: str | Path, hierarchy: Hierarchy, *, pause_collector: bool = False
) -> tuple[Dataset, Hierarchy]:
    """Read a dataset folder; return it and the hierarchy extended by its units.

    Raises :class:`DudaoError` with every problem found (YAML errors with lines,
    table errors with rows, references to unknown schools, zones, inspectors).
    ``pause_collector`` pauses Python's cycle collector while loading (a process-wide
    switch, so only a caller that owns the process — the command line — opts in).
    """
    folder = Path(folder)
    if not (folder / "dataset.yaml").exists():
        raise DudaoError(
            Problem(
                "不是数据集文件夹：缺少 dataset.yaml",
                source=str(folder),
                code="not-a-dataset",
                hint="数据集是一个文件夹，含 dataset.yaml 与 schools.csv 等表格",
            )
        )
    info = yamlio.load(folder / "dataset.yaml", DatasetInfo)
    if info.scope not in hierarchy:
        doc = yamlio.read(folder / "dataset.yaml")
        raise DudaoError(
            doc.locate(
                Problem(f"未知的区划代码 '{info.scope}'", path=("scope",), code="unknown-code")
            )
        )
    with (
        reading_dataset_ahead(folder),
        collector_paused() if pause_collector else contextlib.nullcontext(),
    ):
        return _load(folder, info, hierarchy)


def reading_dataset_ahead(folder: str | Path) -> contextlib.AbstractContextManager[None]:
    """Decode the dataset's Parquet tables on a background thread, in the order
    :func:`load_dataset` reads them, while the caller goes on (see
    :func:`~dudao.io.tables.reading_ahead`). ``load_dataset`` does it itself; a caller
    with other work first — the command line loads its plugins — enters it earlier
    so that the decoding overlaps that work too. Nothing is read from a folder that
    is not a dataset."""
    folder = Path(folder)
    if not (folder / "dataset.yaml").is_file():
        return contextlib.nullcontext()
    names = [UNITS.name, COMMITTEES.name, COMMITTEE_MEMBERS.name, *TABLES]
    return reading_ahead(p for p in map(partial(_table_if_any, folder), names) if p is not None)


@contextlib.contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """Python's cycle collector paused: loading makes tens of thousands of units,
    committees and memberships that live on, and each growth of the heap by a quarter
    would walk every object alive (a tenth of a second on a national dataset, finding
    next to nothing); what cyclic garbage loading leaves is collected once it is done.
    ``freeze``: what is alive at the end is never walked again (:func:`gc.freeze`; its
    cyclic garbage is never collected), for a process that ends soon after."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        gc.enable()


def _table_if_any(folder: Path, name: str) -> Path | None:
    """:func:`_find_table`, None where it finds a problem (reported when the table is read)."""
    try:
        return _find_table(folder, name)
    except DudaoError:
        return None


def _load(folder: Path, info: DatasetInfo, hierarchy: Hierarchy) -> tuple[Dataset, Hierarchy]:
    problems: list[Problem] = []
    units, origins = _read_units(folder)
    if units:
        hierarchy = hierarchy.extend(units, origins=origins)
        inside = hierarchy.contains_many(info.scope, [u.code for u in units])
        for unit in (u for u, ok in zip(units, inside, strict=True) if not ok):
            where, line = origins[unit.code]
            problems.append(
                Problem(
                    f"{unit.code} {unit.name} 不在数据集范围 {info.scope} 之内",
                    source=where,
                    line=line,
                    code="out-of-scope",
                )
            )
    known = set(hierarchy.codes())
    committees = _read_committees(folder, hierarchy, known)
    # the tree's levels, which the rules read too, rather than each unit's kind
    counties = {u.code for u in hierarchy.subtree_at_levels(hierarchy.root.code, [Level.COUNTY])[0]}
    tables: dict[str, pd.DataFrame | None] = {}
    given: set[str] = set()
    for name, spec in TABLES.items():
        path = _find_table(folder, name)
        if path is None:
            tables[name] = absent_table(name)
            continue
        given.add(name)
        try:
            tables[name] = load_table(path, spec, known_codes=known, county_codes=counties)
        except DudaoError as exc:
            problems += exc.problems
            tables[name] = None
    if problems:
        raise DudaoError(problems)
    dataset = LoadedDataset(
        info=info,
        committees=committees,
        units=tuple(units),
        source=str(folder),
        tables_given=frozenset(given),
        **tables,
    )
    problems += check_references(dataset, folder, hierarchy)
    if problems:
        raise DudaoError(problems)
    return dataset, hierarchy


def _yaml_or_table(folder: Path, name: str) -> tuple[Path | None, Path | None]:
    """``name.yaml`` (hand-written) or a ``name`` table (bulk), never both."""
    yaml_file = folder / f"{name}.yaml"
    table_file = _find_table(folder, name)
    if yaml_file.exists() and table_file is not None:
        raise DudaoError(
            Problem(
                f"{name} 既有 {yaml_file.name} 又有表格文件 {table_file.name}",
                source=str(folder),
                code="ambiguous-table",
                hint="只保留其中一种",
            )
        )
    return (yaml_file if yaml_file.exists() else None), table_file


def _read_units(folder: Path) -> tuple[list[Jurisdiction], Mapping[str, tuple[str, int | None]]]:
    """Units the dataset adds: ``jurisdictions.yaml`` by hand, or a table for bulk."""
    yaml_file, table_file = _yaml_or_table(folder, UNITS.name)
    if yaml_file is not None:
        doc = yamlio.read(yaml_file)
        units = list(yamlio.structure(doc, JurisdictionsFile).units)
        origins = {u.code: (doc.source, doc.line_of(("units", i))) for i, u in enumerate(units)}
        return units, origins
    if table_file is None:
        return [], {}
    df = load_table(table_file, UNITS)
    first = 1 if table_file.suffix == ".parquet" else 2
    units = units_from_table(df)
    return units, _TableRows(str(table_file), units, first)


class _TableRows(Mapping[str, tuple[str, int]]):
    """Each of a jurisdictions table's units' (file, row), found when a problem names one:
    the 37,861 pairs of a national dataset are not made for the case of an error."""

    def __init__(self, source: str, units: list[Jurisdiction], first: int) -> None:
        self._source, self._units, self._first = source, units, first

    @cached_property
    def _rows(self) -> dict[str, int]:
        codes = map(attrgetter("code"), self._units)
        return dict(zip(codes, count(self._first), strict=False))  # a code twice: its last

    def __getitem__(self, code: str) -> tuple[str, int]:
        return self._source, self._rows[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def units_from_table(df: pd.DataFrame) -> list[Jurisdiction]:
    """Rows of the jurisdictions table as units."""
    codes = df["code"].astype(object).tolist()
    names = df["name"].astype(object).tolist()
    kinds = _kinds(df["kind"])
    parents = df["parent"].astype(object).tolist()
    units = None
    if _digit_codes(df["code"]) or all(_valid_code(c) for c in codes):
        # Every code has a valid form (the check Jurisdiction's validator makes) and every
        # kind is parsed: the units are made without running both again for tens of
        # thousands of townships
        columns = {"code": codes, "name": names, "kind": kinds, "parent": parents}
        units = _made_field_by_field(Jurisdiction, columns)
    if units is None:  # Jurisdiction's own validation says what is wrong
        units = [Jurisdiction(*row) for row in zip(codes, names, kinds, parents, strict=True)]
    return units


def _digit_codes(column: pd.Series) -> bool:
    """Whether every code is 6 or 9 ASCII digits, so valid (as :func:`_valid_code` finds),
    told by one pass of pyarrow over an Arrow-backed column, not a Python call per code;
    False when it cannot be told."""
    data = getattr(column.array, "_pa_array", None)
    if data is None or data.null_count:
        return False
    import pyarrow.compute as pc

    return bool(pc.all(pc.match_substring_regex(data, r"^(?:[0-9]{6}|[0-9]{9})$")).as_py())


def _valid_code(code: object) -> bool:
    """``code_form(code) != "invalid"``, told without its regular expressions for a code of
    6 or 9 digits (``\\d`` and ``str.isdecimal`` both mean Unicode's decimal digits)."""
    if isinstance(code, str) and code.isdecimal() and len(code) in (6, 9):
        return True
    return code_form(code) != "invalid"  # as Jurisdiction's own check


def _kinds(column: pd.Series) -> list[JurisdictionKind]:
    """Each row's kind, each distinct value parsed once (a categorical: its categories
    the rows use)."""
    if isinstance(column.dtype, pd.CategoricalDtype) and column.notna().all():
        at = np.asarray(column.cat.codes)
        parsed = np.empty(len(column.cat.categories), dtype=object)
        for i in np.unique(at).tolist():
            parsed[i] = JurisdictionKind.parse(column.cat.categories[i])
        return cast(list[JurisdictionKind], parsed[at].tolist())
    values = column.astype(object).tolist()
    kind_of = {k: JurisdictionKind.parse(k) for k in set(values)}  # validated: a few distinct
    return list(map(kind_of.__getitem__, values))


def _read_committees(
    folder: Path, hierarchy: Hierarchy, known: set[str] | None = None
) -> tuple[Committee, ...] | None:
    """``committees.yaml`` by hand, or the committees and committee_members tables for bulk;
    None when the dataset has neither (rules that need committees are then skipped).
    ``known``: the hierarchy's codes, where the caller has them as a set already."""
    yaml_file, table_file = _yaml_or_table(folder, COMMITTEES.name)
    if yaml_file is not None:
        return yamlio.load(yaml_file, CommitteesFile).committees
    if table_file is None:
        return None
    if known is None:
        known = set(hierarchy.codes())
    committees = load_table(table_file, COMMITTEES, known_codes=known)
    members_file = _find_table(folder, COMMITTEE_MEMBERS.name)
    members = (
        load_table(members_file, COMMITTEE_MEMBERS, known_codes=known)
        if members_file is not None
        else COMMITTEE_MEMBERS.empty()
    )
    return committees_from_tables(committees, members)


def _posts(text: object) -> tuple[Officer, ...]:
    """``职务：姓名；职务`` → officers (the name after a full-width colon is optional)."""
    if not isinstance(text, str) or not text:
        return ()
    out = []
    for part in filter(None, (p.strip() for p in text.split("；"))):
        post, _, name = part.partition("：")
        out.append(Officer(post.strip(), name.strip() or None))
    return tuple(out)


def committees_from_tables(
    committees: pd.DataFrame, members: pd.DataFrame
) -> tuple[Committee, ...]:
    """Committees from one row each plus their member units (one row per membership)."""
    # grouped by the jurisdictions' category codes, not their texts (63,000 of them)
    jurisdiction = pd.Categorical(members["jurisdiction"])
    order = np.argsort(jurisdiction.codes, kind="stable")
    codes = jurisdiction.codes[order]
    unit = pd.Categorical(members["unit"])  # a few names: each row takes its category's
    units = np.append(np.asarray(unit.categories, dtype=object), np.nan)[unit.codes[order]]
    liaisons = members["liaison"].to_numpy(dtype=object, na_value=None)[order]
    # every membership once, in committee order; each committee takes its slice
    everyone = _memberships(units.tolist(), liaisons.tolist())
    rows = committees.astype(object)
    wanted = jurisdiction.categories.get_indexer(rows["jurisdiction"])
    wanted[wanted < 0] = len(jurisdiction.categories)  # no members: a code no row has
    starts = np.searchsorted(codes, wanted, "left").tolist()
    ends = np.searchsorted(codes, wanted, "right").tolist()
    out = []
    # each distinct text parsed once: committees share titles (区教育局局长, 总督学)
    posts: dict[object, tuple[Officer, ...]] = {}

    def officers(text: object) -> tuple[Officer, ...]:
        found = posts.get(text) if isinstance(text, str) else ()
        if found is None:
            found = posts[text] = _posts(text)
        return found

    for row, lo, hi in zip(rows.itertuples(index=False), starts, ends, strict=True):
        memberships = tuple(everyone[lo:hi])
        chair = officers(row.chair)
        chief = officers(row.chief_inspector)
        out.append(
            Committee(
                jurisdiction=row.jurisdiction,
                name=row.name,
                chair=chair[0] if chair else None,
                vice_chairs=officers(row.vice_chairs),
                members=memberships,
                office_host=row.office_host if isinstance(row.office_host, str) else None,
                chief_inspector=chief[0] if chief else None,
                deputy_chief_inspectors=officers(row.deputy_chief_inspectors),
            )
        )
    return tuple(out)


def _memberships(units: list[str], liaisons: list[str | None]) -> list[Membership]:
    """``Membership(unit, liaison)`` of each pair, made field by field (a national dataset
    has 63,000) where Membership has just these fields, neither converted nor validated."""
    fields = attrs.fields(Membership)
    if any(f.converter is not None or f.validator is not None for f in fields):
        return [Membership(u, lz) for u, lz in zip(units, liaisons, strict=True)]
    made = _made_field_by_field(Membership, {"unit": units, "liaison": liaisons})
    return made if made is not None else [Membership(*m) for m in zip(units, liaisons, strict=True)]


_T = TypeVar("_T")


def _made_field_by_field(cls: type[_T], fields: dict[str, list[Any]]) -> list[_T] | None:
    """Instances of a slotted attrs class with exactly ``fields``, each field's values set
    on all of them at once by its slot, in C loops: no Python runs per instance (what
    ``cls(...)`` costs tens of thousands of times over). The caller has done what the
    class's converters and validators would do. None when ``cls`` is not such a class."""
    slots = [cls.__dict__.get(name) for name in fields]
    if tuple(f.name for f in attrs.fields(cast(Any, cls))) != tuple(fields) or not all(
        isinstance(slot, MemberDescriptorType) for slot in slots
    ):
        return None
    n = len(next(iter(fields.values()), []))
    made: list[_T] = list(map(object.__new__, repeat(cls, n)))
    for slot, values in zip(slots, fields.values(), strict=True):
        deque(map(cast(MemberDescriptorType, slot).__set__, made, values), maxlen=0)
    return made


def committees_to_tables(committees: tuple[Committee, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inverse of :func:`committees_from_tables` (for writing bulk datasets)."""

    def posts(officers: tuple[Officer | None, ...]) -> str | None:
        text = [f"{o.post}：{o.name}" if o.name else o.post for o in officers if o]
        return "；".join(text) or None

    rows = [
        {
            "jurisdiction": c.jurisdiction,
            "name": c.name,
            "chair": posts((c.chair,)),
            "vice_chairs": posts(c.vice_chairs),
            "office_host": c.office_host,
            "chief_inspector": posts((c.chief_inspector,)),
            "deputy_chief_inspectors": posts(c.deputy_chief_inspectors),
        }
        for c in committees
    ]
    members = [
        {"jurisdiction": c.jurisdiction, "unit": m.unit, "liaison": m.liaison}
        for c in committees
        for m in c.members
    ]
    return (
        pd.DataFrame(rows, columns=COMMITTEES.names),
        pd.DataFrame(members, columns=COMMITTEE_MEMBERS.names),
    )


def _unknown(values: pd.Series, known: pd.Index | pd.Series) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if len(categories) == len(known) and categories.equals(pd.Index(known)):
            # the ids are the very categories (the visits' schools): none is unknown
            return np.zeros(len(values), dtype=bool)
    present: np.ndarray = values.notna().to_numpy()
    return present & (positions_in(values, known) < 0)


def check_references(ds: LoadedDataset, folder: Path, hierarchy: Hierarchy) -> list[Problem]:
    """Rows that point at a school, zone or inspector the dataset does not have, or at a
    unit outside the dataset's scope (rules would silently pass them by); each problem
    names the table file in ``folder`` and its rows. Run by :func:`load_dataset`, and
    by :mod:`dudao.testcases` on a test case's inline tables."""
    found: list[Problem] = []

    def report(table: str, column: str, bad: np.ndarray, values: pd.Series, **how: Any) -> None:
        found.extend(_problems(folder, table, column, bad, values, **how))

    def refs(
        table: str, column: str, values: pd.Series, to: str, what: str, only: Any = True
    ) -> None:
        """``values`` name rows of the table ``to`` (its first column): checked when the
        dataset has that table (without it there is nothing to refer to); ``only``: the
        rows that refer to it (the column itself is looked up, not a masked copy, so a
        rule joining the same column later finds the lookup done)."""
        if not ds.provides(to):
            return
        known = ds.table(to)[TABLES[to].columns[0].name]
        label = TABLES[table].label_zh
        report(
            table,
            column,
            _unknown(values, known) & only,
            values,
            message=f"{label}表引用了不存在的{what} '{{value}}'（{{rows}}）",
            code="unknown-reference",
            hint=f"检查{what}编号，或在对应的表中补上该{what}",
        )

    # a unit column's values and their positions in the tree, where found already
    looked_up: dict[tuple[str, str], tuple[pd.Series, np.ndarray]] = {}
    refs("schools", "zone", ds.schools["zone"], "zones", "责任区")
    refs("inspectors", "zone", ds.inspectors["zone"], "zones", "责任区")
    if ds.visits is not None:
        refs("visits", "school_id", ds.visits["school_id"], "schools", "学校")
        refs("visits", "inspector_id", ds.visits["inspector_id"], "inspectors", "督学")
    if ds.supervisions is not None:
        on_schools = ds.supervisions["target_kind"] == "school"
        targets = ds.supervisions["target"]
        refs("supervisions", "target", targets, "schools", "学校", on_schools.to_numpy())
        # a government is a unit: a code the tree knows (schools are checked above)
        governments = targets.where(ds.supervisions["target_kind"] == "government")
        at = hierarchy.positions(governments)
        looked_up["supervisions", "target"] = governments, at
        report(
            "supervisions",
            "target",
            governments.notna().to_numpy() & (at < 0),
            governments,
            message="督导活动表的对象 '{value}' 不是已知的区划代码（{rows}）",
            code="unknown-code",
            hint="对象类别为政府时，对象代码是被督导的区划代码，如 450102",
        )
    scope = ds.info.scope
    above = {u.code for u in hierarchy.ancestors(scope)}
    lo, hi = hierarchy.span(scope)
    where = f"{scope} {hierarchy.get(scope).name}"
    for table, column in _UNIT_COLUMNS:
        frame = ds.table(table)
        if frame is None:
            continue
        values, pos = looked_up.get((table, column), (frame[column], None))
        if (table, column) == ("programmes", "unit") and ds.provides("schools"):
            # a unit is a code, or else a school (without schools it cannot be told)
            values = values.where(_unknown(values, ds.schools["school_id"]))
            pos = hierarchy.positions(values)
            report(
                table,
                column,
                values.notna().to_numpy() & (pos < 0),
                values,
                message="评估认定项目进展表的单位 '{value}' 既不是已知的区划代码，"
                "也不是学校表中的学校代码（{rows}）",
                code="unknown-reference",
                hint="单位写区划代码（县级项目）或学校代码（学校项目）",
            )
        if pos is None:
            pos = hierarchy.positions(values)  # once: whether known, and whether inside
        known = pos >= 0
        inside = (pos >= lo) & (pos < hi)
        if (table, column) in MAY_BE_ABOVE_SCOPE:
            inside |= _isin(values, above)
        label = TABLES[table][column].label
        report(
            table,
            column,
            known & ~inside,
            values,
            message=f"{label} '{{value}}'（{{name}}）不在数据集范围 {where} 之内（{{rows}}）",
            code="out-of-scope",
            hint="数据集只包括范围之内的单位：删去这些行、更正代码，或在 dataset.yaml 中扩大 scope",
            names=hierarchy,
        )
    return found


#: Columns naming a unit, checked to lie inside the dataset's scope.
_UNIT_COLUMNS = [
    ("schools", "county"),
    ("zones", "county"),
    ("inspectors", "appointing"),
    ("supervisions", "body"),
    ("supervisions", "target"),
    ("filings", "jurisdiction"),
    ("meetings", "jurisdiction"),
    ("budgets", "jurisdiction"),
    ("programmes", "unit"),
]


def _isin(values: pd.Series, codes: set[str]) -> np.ndarray:
    return cast(np.ndarray, values.isin(codes).to_numpy(dtype=bool, na_value=False))


def _problems(
    folder: Path,
    table: str,
    column: str,
    bad: np.ndarray,
    values: pd.Series,
    *,
    message: str,
    code: str,
    hint: str,
    names: Hierarchy | None = None,
) -> list[Problem]:
    """One problem per distinct bad value (the first 20), naming its first row and
    listing up to five; ``message`` is formatted with ``value``, ``rows`` and ``name``."""
    if not bad.any():
        return []
    path = _find_table(folder, table)
    first_row = 2 if path is not None and path.suffix != ".parquet" else 1
    rows = np.flatnonzero(bad)
    cells = values.to_numpy(dtype=object)[rows]
    problems = []
    for value in pd.unique(cells)[:20]:
        at = rows[cells == value]
        shown = "、".join(str(r + first_row) for r in at[:5]) + ("…" if len(at) > 5 else "")
        name = names.get(value).name if names is not None else ""
        problems.append(
            Problem(
                message.format(value=value, rows=f"第 {shown} 行", name=name),
                source=str(path) if path else table,
                row=int(at[0]) + first_row,
                path=(column,),
                code=code,
                hint=hint,
            )
        )
    return problems


def dataset_parameters(
    folder: Path, ds: Dataset, hierarchy: Hierarchy, known: Collection[str] | None = None
) -> list[Entry]:
    """A dataset's own ``parameters.yaml``: scenario or sample values inside its scope,
    shown with the origin ``dataset``, built like every contribution. One that states
    an id a plugin states at the same scope on the same days is a conflict; with
    ``known`` (:func:`~dudao.law.parameters.known_parameter_ids`), an id nothing states
    or reads is an error at its line."""
    path = folder / "parameters.yaml"
    if not path.exists():
        return []
    doc = yamlio.read(path)
    params = yamlio.structure(doc, ParametersFile).parameters
    return parameter_law(
        Contributor("dataset", ds.info.scope),
        [(p, doc.source, doc.line_of(("parameters", i))) for i, p in enumerate(params)],
        hierarchy,
        known=known,
    )
