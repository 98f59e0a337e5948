"""Loading a dataset folder, with every problem reported before anything runs.

>>> from dudao.examples import example_path
>>> from dudao.plugins.manager import load_plugins
>>> ds, h = load_dataset(example_path("nanning"), load_plugins().hierarchy())
>>> ds.info.scope, h.get(ds.info.scope).name
('450100', '南宁市')
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dudao.errors import DudaoError, Problem
from dudao.io import yamlio
from dudao.io.tables import TABLES, TableSpec, load_table
from dudao.model.dataset import CommitteesFile, Dataset, DatasetInfo
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Level

SUFFIXES = (".csv", ".tsv", ".xlsx", ".parquet")
REQUIRED_TABLES = ("schools", "inspectors", "zones")


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


def load_dataset(folder: str | Path, hierarchy: Hierarchy) -> tuple[Dataset, Hierarchy]:
    """Read a dataset folder; return it and the hierarchy extended by its units.

    Raises :class:`DudaoError` with every problem found (YAML errors with lines,
    table errors with rows, references to unknown schools, zones, inspectors).
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
    problems: list[Problem] = []
    info = yamlio.load(folder / "dataset.yaml", DatasetInfo)
    if info.scope not in hierarchy:
        doc = yamlio.read(folder / "dataset.yaml")
        raise DudaoError(
            doc.locate(
                Problem(f"未知的区划代码 '{info.scope}'", path=("scope",), code="unknown-code")
            )
        )
    units_file = folder / "jurisdictions.yaml"
    if units_file.exists():
        from dudao.plugins.files import JurisdictionsFile  # file kinds live with the plugins

        doc = yamlio.read(units_file)
        units = yamlio.structure(doc, JurisdictionsFile).units
        origins = {u.code: (doc.source, doc.line_of(("units", i))) for i, u in enumerate(units)}
        hierarchy = hierarchy.extend(units, origins=origins)
        for i, unit in enumerate(units):
            if not hierarchy.contains(info.scope, unit.code):
                problems.append(
                    doc.locate(
                        Problem(
                            f"{unit.code} {unit.name} 不在数据集范围 {info.scope} 之内",
                            path=("units", i),
                            code="out-of-scope",
                        )
                    )
                )
    else:
        units = ()
    committees: tuple | None = None
    if (folder / "committees.yaml").exists():
        committees = yamlio.load(folder / "committees.yaml", CommitteesFile).committees

    known = set(hierarchy.codes())
    counties = {u.code for u in hierarchy if u.level is Level.COUNTY}
    tables: dict[str, pd.DataFrame | None] = {}
    for name, spec in TABLES.items():
        path = _find_table(folder, name)
        if path is None:
            tables[name] = spec.empty() if name in REQUIRED_TABLES else None
            continue
        try:
            tables[name] = load_table(path, spec, known_codes=known, county_codes=counties)
        except DudaoError as exc:
            problems += exc.problems
            tables[name] = None
    if problems:
        raise DudaoError(problems)
    dataset = Dataset(
        info=info, committees=committees, units=tuple(units), source=str(folder), **tables
    )
    problems += _references(dataset, folder)
    if problems:
        raise DudaoError(problems)
    return dataset, hierarchy


def _unknown(values: pd.Series, known: pd.Index | pd.Series) -> np.ndarray:
    present = values.notna().to_numpy()
    return present & ~values.isin(known).to_numpy()


def _references(ds: Dataset, folder: Path) -> list[Problem]:
    """Rows that point at a school, zone or inspector the dataset does not have."""
    checks: list[tuple[str, str, pd.Series, pd.Series, str]] = [
        ("schools", "zone", ds.schools["zone"], ds.zones["zone_id"], "责任区"),
        ("inspectors", "zone", ds.inspectors["zone"], ds.zones["zone_id"], "责任区"),
    ]
    if ds.visits is not None:
        checks += [
            ("visits", "school_id", ds.visits["school_id"], ds.schools["school_id"], "学校"),
            (
                "visits",
                "inspector_id",
                ds.visits["inspector_id"],
                ds.inspectors["inspector_id"],
                "督学",
            ),
        ]
    if ds.supervisions is not None:
        on_schools = ds.supervisions["target_kind"] == "school"
        checks.append(
            (
                "supervisions",
                "target",
                ds.supervisions["target"].where(on_schools),
                ds.schools["school_id"],
                "学校",
            )
        )
    problems = []
    for table, column, values, known, what in checks:
        bad = _unknown(values, known)
        if not bad.any():
            continue
        spec: TableSpec = TABLES[table]
        path = _find_table(folder, table)
        first_row = 2 if path is not None and path.suffix != ".parquet" else 1
        rows = np.flatnonzero(bad)
        for value in pd.unique(values.to_numpy()[rows])[:20]:
            at = rows[values.to_numpy()[rows] == value]
            shown = "、".join(str(r + first_row) for r in at[:5]) + ("…" if len(at) > 5 else "")
            problems.append(
                Problem(
                    f"{spec.label_zh}表引用了不存在的{what} '{value}'（第 {shown} 行）",
                    source=str(path) if path else table,
                    row=int(at[0]) + first_row,
                    path=(column,),
                    code="unknown-reference",
                    hint=f"检查{what}编号，或在对应的表中补上该{what}",
                )
            )
    return problems
