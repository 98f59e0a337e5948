"""Reading an evaluation dataset: ``measurements`` (one row per target and year)
and, for 优质均衡, ``schools`` (:data:`~dudao.evaluation.national.BALANCED_SCHOOLS`), or
``school_resources`` in a folder whose ``schools`` table is the check's.

The measurement table's fixed columns are ``target`` (评估对象代码), ``year``
(年度) and ``name`` (名称, optional); every other column is a number. Which
numeric columns are needed depends on the indicator set (``IndicatorSet.columns()``).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from dudao.errors import DudaoError, Problem
from dudao.io.tables import load_table, validate_table
from dudao.lazyimports import pd
from dudao.model.tables import Column, TableSpec

BASE_COLUMNS = (
    Column("target", "str", label_zh="评估对象代码"),
    Column("year", "int", required=False, label_zh="年度"),
    Column("name", "str", required=False, label_zh="名称"),
)
SUFFIXES = (".csv", ".xlsx", ".parquet")


def measurement_spec(columns: Collection[str], needed: Collection[str] = ()) -> TableSpec:
    """A spec for a measurement table with these headers; ``needed`` columns are required."""
    fixed = {c.name for c in BASE_COLUMNS} | {c.label_zh for c in BASE_COLUMNS}
    extra = [c for c in columns if c not in fixed and c != ""]
    extra += [c for c in needed if c not in extra]
    return TableSpec(
        "measurements",
        "测量表",
        [*BASE_COLUMNS, *(Column(c, "float", required=c in needed) for c in extra)],
    )


def find_table(folder: Path, stem: str) -> Path | None:
    for suffix in SUFFIXES:
        path = folder / f"{stem}{suffix}"
        if path.exists():
            return path
    return None


def _read_raw(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str).fillna("")
    return pd.read_parquet(path)


def load_measurements(path: Path, needed: Collection[str] = ()) -> pd.DataFrame:
    """Read and validate a measurement table; problems name file, row and column."""
    try:
        raw = _read_raw(path)
    except FileNotFoundError:
        raise DudaoError(Problem("文件不存在", source=str(path), code="missing-file")) from None
    spec = measurement_spec([str(c) for c in raw.columns], needed)
    first = 1 if path.suffix == ".parquet" else 2  # header is row 1 in CSV and Excel
    return validate_table(raw, spec, source=str(path), first_row=first)


def load_dataset(
    folder: Path, needed: Collection[str] = (), *, schools: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(measurements, schools or None) of an evaluation dataset folder."""
    from dudao.evaluation.national import BALANCED_SCHOOLS

    path = find_table(folder, "measurements")
    if path is None:
        raise DudaoError(
            Problem(
                f"文件夹 {folder} 中没有测量表",
                code="missing-file",
                hint="放入 measurements.csv、measurements.xlsx 或 measurements.parquet",
            )
        )
    school_table = None
    if schools:
        # a dataset folder that `dudao check` reads too (dudao synth writes one) keeps the
        # 优质均衡 school table as school_resources: its schools table is the check's
        spath = find_table(folder, "school_resources") or find_table(folder, "schools")
        if spath is None:
            raise DudaoError(
                Problem(
                    f"文件夹 {folder} 中没有学校资源表 schools.csv",
                    code="missing-file",
                    hint=BALANCED_SCHOOLS.describe_headers(),
                )
            )
        school_table = load_table(spath, BALANCED_SCHOOLS)
    return load_measurements(path, needed), school_table
