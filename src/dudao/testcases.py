"""YAML test cases policy staff can read and write: a small dataset, a date, and
what dudao should find — findings, work-plan status, evaluation scores.

``dudao test PATH`` runs them; pytest collects ``tests/cases/*.yaml`` through the
plugin in :mod:`dudao.pytest_plugin`. A case file::

    name: 县（市、区）未在4月9日前报送工作要点
    as_of: 2022-05-01
    dataset:                      # a folder (relative to this file), or inline:
      scope: "450100"
      tables:
        filings:
          - {jurisdiction: "450103", kind: plan, year: 2022, filed_on: 2022-04-01}
      parameters: []              # optional: the dataset's own (sample) values
    rules: [upward-reporting]     # optional: only these rules
    expect:
      findings:                   # every finding listed, none missing, none extra
        - {rule: upward-reporting, target: "450102", severity: error}
      plan: {nanning-2022/filing: not_met}
      scores: {set: ..., units: {"450102": {grade: 合格}}}

>>> import textwrap, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "case.yaml").write_text(textwrap.dedent('''
...     name: 责任区没有督学
...     as_of: 2023-03-01
...     dataset:
...       scope: "450108"
...       tables:
...         schools: [{school_id: S1, name: 一小, stage: primary, ownership: public,
...                    students: 600, county: "450108", zone: Z1}]
...         zones: [{zone_id: Z1, name: 一区, county: "450108"}]
...     rules: [zone-coverage]
...     expect:
...       findings: [{rule: zone-coverage, target: S1, message: 没有在任的责任督学}]
...     '''), encoding="utf-8")
>>> from dudao.plugins.manager import load_plugins
>>> result = run_case(folder / "case.yaml", load_plugins(autoload=False))
>>> result.passed, result.failures
(True, [])
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from functools import reduce
from pathlib import Path
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.io import yamlio
from dudao.io.dataset import LoadedDataset, absent_table, check_references, dataset_parameters
from dudao.io.tables import validate_table
from dudao.law.book import LawBook
from dudao.law.contributions import Contributor
from dudao.law.kinds import Kind
from dudao.law.parameters import Parameter, known_parameter_ids, parameter_law
from dudao.lazyimports import pd
from dudao.model.bodies import Committee
from dudao.model.convert import converter
from dudao.model.dataset import Dataset, DatasetInfo
from dudao.model.findings import Severity
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Jurisdiction, Level
from dudao.model.tables import TABLES
from dudao.plans.status import TaskStatus, measure_loaded
from dudao.rules.base import Context
from dudao.rules.engine import run_rules


@attrs.frozen
class InlineDataset:
    """A dataset written inside the case: rows as in ``docs/datasets.md``."""

    scope: str
    name: str = "测试用例数据集"
    tables: dict[str, list[dict[str, Any]]] = attrs.Factory(dict)
    committees: tuple[Committee, ...] | None = None
    units: tuple[Jurisdiction, ...] = ()
    #: the dataset's own parameter values, as in a dataset's ``parameters.yaml``
    parameters: tuple[Parameter, ...] = ()


def _structure_dataset(value: Any, _: Any) -> str | InlineDataset:
    if isinstance(value, str):
        return value
    return converter.structure(value, InlineDataset)


converter.register_structure_hook(str | InlineDataset, _structure_dataset)


def _optional_severity(value: str | Severity | None) -> Severity | None:
    return None if value is None else Severity.parse(value)


@attrs.frozen
class ExpectedFinding:
    """A finding the case expects; fields left out are not compared. ``message``
    is a part of the Chinese message; ``evidence`` a subset of the evidence."""

    rule: str
    target: str
    severity: Severity | None = attrs.field(default=None, converter=_optional_severity)
    jurisdiction: str | None = None
    message: str | None = None
    evidence: dict[str, Any] = attrs.Factory(dict)

    def matches(self, row: dict[str, Any]) -> bool:
        if (row["rule"], str(row["target"])) != (self.rule, self.target):
            return False
        if self.severity is not None and row["severity"] != self.severity.value:
            return False
        if self.jurisdiction is not None and row["jurisdiction"] != self.jurisdiction:
            return False
        if self.message is not None and self.message not in row["message"]:
            return False
        evidence = row.get("evidence") or {}
        return all(_same(evidence.get(k), v) for k, v in self.evidence.items())

    def describe(self) -> str:
        parts = [f"{self.rule} {self.target}"]
        if self.severity is not None:
            parts.append(self.severity.label)
        if self.message:
            parts.append(f"“{self.message}”")
        return " ".join(parts)


@attrs.frozen
class ExpectedScores:
    """Scores of an indicator set: per unit, any of ``score``, ``total``, ``grade``,
    ``rank``, ``vetoed``."""

    set: str
    units: dict[str, dict[str, Any]]


@attrs.frozen
class Expect:
    findings: tuple[ExpectedFinding, ...] | None = None
    plan: dict[str, str] | None = None
    scores: ExpectedScores | None = None


@attrs.frozen
class TestCase:
    """One case file."""

    __test__ = False  # not a pytest class, despite the name

    name: str
    as_of: dt.date
    dataset: str | InlineDataset
    expect: Expect
    description: str | None = None
    rules: tuple[str, ...] | None = None
    #: rows of the measurement table for ``expect.scores`` (``target`` + measures)
    measurements: tuple[dict[str, Any], ...] = ()


@attrs.frozen
class CaseResult:
    path: str
    name: str
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


def find_cases(paths: Iterable[str | Path]) -> list[Path]:
    """Case files: the files given, and the test cases among the YAML files under the
    folders given (:func:`is_case_file`: a plugin's data files are not cases)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = [f for f in sorted(p.rglob("*.yaml")) if is_case_file(f, p)]
            if not found:
                raise DudaoError(
                    Problem(
                        "文件夹中没有测试用例",
                        source=str(p),
                        code="no-cases",
                        hint="用例放在 cases 文件夹中（如 tests/cases/*.yaml），"
                        "或是含 dataset 与 expect 的 YAML 文件",
                    )
                )
            out += found
        elif p.exists():
            out.append(p)
        else:
            raise DudaoError(Problem(f"找不到 {p}", code="missing-file"))
    return out


def is_case_file(path: Path, root: Path | None = None) -> bool:
    """Whether a YAML file is a test case: it lies in a folder named ``cases`` (below
    ``root``, when given: tests/cases/**), or it is a mapping with ``dataset`` and
    ``expect``. pytest and ``dudao test`` collect these and nothing else, as pytest
    collects test_*.py: a plugin's parameters or a dataset's files are not cases."""
    if path.suffix != ".yaml" or not path.is_file():
        return False
    try:
        folders = path.relative_to(root.parent).parts[:-1] if root else path.parent.parts
    except ValueError:  # a file outside ``root``
        folders = path.parent.parts
    if "cases" in folders:
        return True
    try:
        data = yamlio.read(path).data
    except DudaoError:  # not a case: a broken case outside cases/ cannot be told apart
        return False
    return isinstance(data, dict) and {"dataset", "expect"} <= data.keys()


def load_case(path: Path) -> tuple[TestCase, yamlio.YamlDocument]:
    doc = yamlio.read(path)
    return yamlio.structure(doc, TestCase), doc


def run_case(path: str | Path, plugins: Any) -> CaseResult:
    """Run one case file; a broken file raises :class:`DudaoError` naming its line."""
    path = Path(path)
    case, doc = load_case(path)
    ds, hierarchy, law = _dataset(case, doc, path, plugins)
    failures: list[str] = []
    if case.expect.findings is not None:
        ctx = Context(ds, hierarchy, law, case.as_of, plugins.member_units)
        only = set(case.rules) if case.rules else None
        found = run_rules(ctx, only=only).findings
        failures += _compare_findings(case.expect.findings, found)
    if case.expect.plan:
        failures += _compare_plan(case, ds, hierarchy, law, plugins, doc)
    if case.expect.scores is not None:
        failures += _compare_scores(case, ds.info.scope, law, doc)
    return CaseResult(doc.source, case.name, failures)


def run_cases(paths: Iterable[str | Path], plugins: Any) -> Iterator[CaseResult | DudaoError]:
    """Each case's result, or the error that stopped it (a broken case file)."""
    for path in find_cases(paths):
        try:
            yield run_case(path, plugins)
        except DudaoError as exc:
            yield exc


# ------------------------------------------------------------------- the dataset


def _dataset(
    case: TestCase, doc: yamlio.YamlDocument, path: Path, plugins: Any
) -> tuple[Dataset, Hierarchy, LawBook]:
    if isinstance(case.dataset, str):
        from dudao.io.dataset import load_dataset

        folder = (path.parent / case.dataset).resolve()
        if not folder.is_dir():
            raise DudaoError(
                doc.locate(
                    Problem(
                        f"数据集文件夹 {case.dataset} 不存在",
                        path=("dataset",),
                        code="missing-file",
                        hint="路径相对于本用例文件",
                    )
                )
            )
        ds, hierarchy = load_dataset(folder, plugins.hierarchy())
        return (
            ds,
            hierarchy,
            plugins.law_book(
                hierarchy,
                extra=dataset_parameters(
                    folder, ds, hierarchy, known_parameter_ids(plugins.law_book())
                ),
            ),
        )
    inline = case.dataset
    unknown = [n for n in inline.tables if n not in TABLES]
    if unknown:
        raise DudaoError(
            doc.locate(
                Problem(
                    f"未知的表 {'、'.join(unknown)}",
                    path=("dataset", "tables", unknown[0]),
                    code="unknown-table",
                    hint="可用的表：" + "、".join(TABLES),
                )
            )
        )
    hierarchy = plugins.hierarchy()
    if inline.units:
        origins = {
            u.code: (doc.source, doc.line_of(("dataset", "units", i)))
            for i, u in enumerate(inline.units)
        }
        hierarchy = hierarchy.extend(inline.units, origins=origins)
    if inline.scope not in hierarchy:
        raise DudaoError(
            doc.locate(
                Problem(
                    f"未知的区划代码 {inline.scope}",
                    path=("dataset", "scope"),
                    code="unknown-code",
                )
            )
        )
    tables: dict[str, Any] = {}
    # the checks a dataset folder gets: units inside the scope, codes that exist (county
    # columns naming county-level units), then references between tables
    problems = [
        doc.locate(
            Problem(
                f"{u.code} {u.name} 不在数据集范围 {inline.scope} 之内",
                path=("dataset", "units", i),
                code="out-of-scope",
            )
        )
        for i, u in enumerate(inline.units)
        if not hierarchy.contains(inline.scope, u.code)
    ]
    known = set(hierarchy.codes())
    counties = {u.code for u in hierarchy if u.level is Level.COUNTY}
    for name in TABLES:
        rows = inline.tables.get(name)
        if rows is None:  # not given: recorded as such, so rules needing it do not run
            tables[name] = absent_table(name)
            continue
        try:
            tables[name] = _table(name, rows, doc, known, counties)
        except DudaoError as exc:
            problems += exc.problems
    if problems:
        raise DudaoError(problems)
    info = DatasetInfo(name=inline.name, scope=inline.scope, as_of=case.as_of, sample=True)
    fields = {f.name for f in attrs.fields(Dataset)}
    ds = LoadedDataset(
        info=info,
        committees=inline.committees,
        units=inline.units,
        source=doc.source,
        tables_given=frozenset(inline.tables),
        **{k: v for k, v in tables.items() if k in fields},
    )
    problems = [_inline_row(p, doc) for p in check_references(ds, _NO_FOLDER, hierarchy)]
    if problems:
        raise DudaoError(problems)
    entries = parameter_law(
        Contributor("dataset", inline.scope),
        [
            (param, doc.source, doc.line_of(("dataset", "parameters", i)))
            for i, param in enumerate(inline.parameters)
        ],
        hierarchy,
        known=known_parameter_ids(plugins.law_book()),
    )
    return ds, hierarchy, plugins.law_book(hierarchy, extra=entries)


#: No folder: the inline tables have no files (problems name the table, then
#: :func:`_inline_row` points them at the YAML lines).
_NO_FOLDER = Path("/nonexistent/inline-dataset")


def _table(
    name: str,
    rows: list[dict[str, Any]],
    doc: yamlio.YamlDocument,
    known: set[str] | None = None,
    counties: set[str] | None = None,
) -> pd.DataFrame:
    spec = TABLES[name]
    if not rows:
        return spec.empty()
    columns = list(dict.fromkeys(k for r in rows for k in r))
    frame = pd.DataFrame([[_cell(r.get(c)) for c in columns] for r in rows], columns=columns)
    try:
        return validate_table(
            frame,
            spec,
            source=doc.source,
            first_row=1,
            known_codes=known,
            county_codes=counties,
        )
    except DudaoError as exc:
        # rows of an inline table are YAML list items: point at their lines
        raise DudaoError([_inline_row(p, doc, name) for p in exc.problems]) from None


def _inline_row(p: Problem, doc: yamlio.YamlDocument, table: str | None = None) -> Problem:
    """A table problem (numbering rows from 1) at the YAML line of its row."""
    table = table or str(p.source)
    index = (p.row or 1) - 1
    return attrs.evolve(
        p,
        source=doc.source,
        row=None,
        line=doc.line_of(("dataset", "tables", table, index)),
        path=("dataset", "tables", table, index, *p.path),
    )


def _cell(value: Any) -> Any:
    """Cells as a file would hold them: dates and numbers as text are both fine."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ------------------------------------------------------------------- comparing


def _compare_findings(expected: Iterable[ExpectedFinding], found: pd.DataFrame) -> list[str]:
    rows = found.to_dict("records")
    left = list(range(len(rows)))
    failures = []
    for e in expected:
        hit = next((i for i in left if e.matches(rows[i])), None)
        if hit is None:
            failures.append(f"缺少预期的问题：{e.describe()}")
        else:
            left.remove(hit)
    for i in left:
        r = rows[i]
        label = Severity.parse(r["severity"]).label
        failures.append(f"多出未预期的问题：{r['rule']} {r['target']} {label}：{r['message']}")
    return failures


def _compare_plan(
    case: TestCase,
    ds: Dataset,
    hierarchy: Hierarchy,
    law: LawBook,
    plugins: Any,
    doc: yamlio.YamlDocument,
) -> list[str]:
    assert case.expect.plan is not None
    failures = []
    by_plan: dict[str, dict[str, tuple[str, str]]] = {}
    for key, status in case.expect.plan.items():
        plan_id, _, task = key.partition("/")
        if not task:
            raise DudaoError(
                doc.locate(
                    Problem(
                        f"'{key}' 应写成 工作要点编号/任务编号",
                        path=("expect", "plan", key),
                        code="invalid-value",
                        hint="如 nanning-2022/work-rules 或 nanning-2022/一/work-rules",
                    )
                )
            )
        try:
            wanted = TaskStatus.parse(status)
        except ValueError as exc:
            raise DudaoError(
                doc.locate(Problem(str(exc), path=("expect", "plan", key), code="invalid-value"))
            ) from None
        by_plan.setdefault(plan_id, {})[task] = (key, wanted.value)
    for plan_id, tasks in by_plan.items():
        report = measure_loaded(ds, hierarchy, law, plugins, plan=plan_id, as_of=case.as_of)
        plan = report.plans[0][0]
        got = {r.task.key: r for r in report.results}
        for task, (key, want) in tasks.items():
            result = got[plan.task(task).key]
            if result.status.value != want:
                failures.append(
                    f"工作要点 {key}：预期“{TaskStatus.parse(want).label}”，"
                    f"实际“{result.status.label}”（{result.reason}）"
                )
    return failures


def _compare_scores(
    case: TestCase, scope: str, law: LawBook, doc: yamlio.YamlDocument
) -> list[str]:
    from dudao.evaluation.extend import materialise
    from dudao.evaluation.score import evaluate

    expected = case.expect.scores
    assert expected is not None
    if not case.measurements:
        raise DudaoError(
            doc.locate(
                Problem(
                    "预期了得分，但没有给出 measurements（测量数据）",
                    path=("expect", "scores"),
                    code="missing-field",
                    hint="在用例顶层写 measurements: [{target: '450102', 指标列: 值, …}]",
                )
            )
        )
    # the set governing the units evaluated: resolved at their lowest common ancestor
    targets = {str(m.get("target")) for m in case.measurements}
    if targets and all(t in law.hierarchy for t in targets):
        scope = reduce(lambda a, b: law.hierarchy.lca(a, b).code, sorted(targets))
    entry = law.resolve(Kind.INDICATOR_SET, expected.set, scope, case.as_of)
    if entry is None:
        raise DudaoError(
            doc.locate(
                Problem(
                    f"指标体系 {expected.set} 在 {case.as_of} 对 {scope} 无效或不存在",
                    path=("expect", "scores", "set"),
                    code="unknown-set",
                    hint="可选：" + "、".join(law.ids(Kind.INDICATOR_SET)),
                )
            )
        )
    table = pd.DataFrame(list(case.measurements))
    table["target"] = table["target"].astype(str)
    # a region's set may extend another or read thresholds from parameters
    indicator_set = materialise(law, entry, case.as_of)
    ev = evaluate(
        indicator_set,
        table,
        source=f"{doc.source} measurements",
        law=law,
        as_of=case.as_of,
        scope=scope,
    )
    scores = ev.scores.assign(target=ev.scores["target"].astype(str)).set_index("target")
    failures = []
    for unit, fields in expected.units.items():
        if unit not in scores.index:
            failures.append(f"得分：measurements 中没有 {unit}")
            continue
        row = scores.loc[unit]
        for field, want in fields.items():
            got = row.get(field)
            if not _same(got, want):
                failures.append(f"得分 {unit} {field}：预期 {want}，实际 {_plain(got)}")
    return failures


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _same(got: Any, want: Any) -> bool:
    got = _plain(got)
    if isinstance(want, dt.date) and got is not None:
        # YAML reads 2022-04-09 as a date; evidence holds dates as text or timestamps
        return str(got)[:10] == want.isoformat()
    if isinstance(want, float | int) and not isinstance(want, bool) and got is not None:
        try:
            return math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=1e-9)
        except (TypeError, ValueError):
            return False
    if isinstance(want, str) and not isinstance(got, str) and got is not None:
        return str(got) == want
    return bool(got == want)
