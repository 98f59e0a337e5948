"""A deterministic synthetic dataset (合成数据集) over China's real divisions.

:func:`synthesize` draws, from one NumPy ``Generator(seed)``, a dataset for the
real provinces, prefectures and counties under ``scope`` (``000000`` for the
whole country): synthetic townships, schools, responsibility zones, inspectors,
visits, supervisions, filings, meetings, budgets and committees. At ``scale=1``
the nation has ~38,000 townships, 520,000 schools and ~150,000 inspectors.
``scale`` shrinks townships (to at least one per county), schools and what
follows from them; records kept per government (filings, meetings, budgets,
committees) do not shrink, and every staffed zone keeps its 2 full-time and 2–3
part-time inspectors, so very small scales are inspector-rich.
:func:`write_dataset` writes it as a dataset folder that ``dudao check`` reads.

Everything is vectorised (no loop per school) and the same seed, scope and
scale give identical tables and files. County-level draws (townships, schools
per county and stage) are made for the whole country first, so a city's counts
are the same in the city's dataset and in its province's. Most targets comply
with the rules; a few percent of each kind do not (a school outside every zone,
a county short of inspectors, an inspector in a fourth consecutive term, a
late plan…), so a check finds something everywhere. The data are sample data
(``sample: true``): the stage mix and every distribution are synthetic
proportions, not statistics of any real place.

>>> data = synthesize(7, "450100", scale=0.05)
>>> data.info.sample, data.info.scope, str(data.info.as_of)
(True, '450100', '2023-03-01')
>>> sorted(data.tables) == sorted(TABLES)
True
>>> data.tables["schools"].equals(synthesize(7, "450100", scale=0.05).tables["schools"])
True
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import attrs

from dudao.errors import DudaoError, Problem
from dudao.io import yamlio
from dudao.io.dataset import SUFFIXES, committees_to_tables
from dudao.lazyimports import np, pd
from dudao.model.bodies import Committee
from dudao.model.convert import converter
from dudao.model.dataset import ABSENT_COLUMNS, DatasetInfo
from dudao.model.hierarchy import Hierarchy
from dudao.model.tables import COMMITTEE_MEMBERS, COMMITTEES, TABLES, UNITS, TableSpec
from dudao.synth import geography, people, records
from dudao.synth._common import Draw
from dudao.synth.evaluation import evaluation_tables

__all__ = ["AS_OF", "SynthData", "synthesize", "write_dataset"]

AS_OF = dt.date(2023, 3, 1)
"""Default as-of date: in the spring semester, after the 2022 autumn one ended."""


@attrs.frozen
class SynthData:
    """A synthesised dataset in memory.

    ``tables`` maps each name of :data:`dudao.model.tables.TABLES` to a frame with
    exactly that spec's columns and result dtypes; ``townships`` has the columns
    ``code, name, kind, parent`` (the dataset's ``jurisdictions.yaml``).
    """

    info: DatasetInfo
    townships: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    committees: tuple[Committee, ...]
    #: What ``dudao evaluate`` reads (:mod:`dudao.synth.evaluation`): ``measurements``
    #: per county and the 优质均衡 ``school_resources``; sample data.
    evaluation: dict[str, pd.DataFrame] = attrs.field(factory=dict)

    def counts(self) -> dict[str, int]:
        """Rows per table, plus townships and committees."""
        return {
            "townships": len(self.townships),
            **{name: len(df) for name, df in self.tables.items()},
            "committees": len(self.committees),
        }


def synthesize(
    seed: int,
    scope: str = "000000",
    scale: float = 1.0,
    *,
    as_of: dt.date = AS_OF,
    hierarchy: Hierarchy | None = None,
) -> SynthData:
    """Draw a synthetic dataset of ``scope`` (see the module docstring).

    ``hierarchy`` (e.g. ``load_plugins().hierarchy()``) adds the development zones the
    plugins contribute in scope: they are supervised and file plans like a county but
    have no schools. Without it the dataset depends on the shipped divisions only.
    """
    if not scale > 0:
        raise DudaoError(Problem(f"规模须为正数：{scale}", code="bad-scale", hint="如 1 或 0.05"))
    draw = Draw(np.random.default_rng(seed), as_of, float(scale))
    # county-level draws are national and come first, so they do not depend on the scope
    whole = geography.national(draw)
    geography.check_scope(whole.hierarchy, scope)
    geo = whole.within(scope)
    governments = geo.governments(scope)
    supervised = governments + geography.development_zones(hierarchy, scope)
    sch = people.schools(draw, geo)
    ins = people.inspectors(draw, geo, sch, governments)
    tables = {
        "schools": sch.table,
        "inspectors": ins.table,
        "zones": sch.zones,
        "visits": records.visits(draw, sch, ins),
        "supervisions": records.supervisions(draw, geo, sch, supervised),
        "filings": records.filings(draw, supervised),
        "meetings": records.meetings(draw, governments),
        "budgets": records.budgets(draw, governments),
        "programmes": records.programmes(draw, governments),  # drawn last: the rest unchanged
    }
    place = whole.hierarchy.get(scope).name
    info = DatasetInfo(
        name=f"合成数据集：{place}（种子 {seed}，规模 {scale:g}）",
        scope=scope,
        as_of=as_of,
        sample=True,
        description=(
            f"由 dudao.synth 按随机种子 {seed}、规模 {scale:g} 生成的合成数据（示例数据）。"
            "省、市、县为真实区划（GB/T 2260）；乡镇、学校、督学、责任区、督导记录、会议、"
            "经费和督导委员会都是合成的，学段结构、学生数等分布为示意性的合成比例，"
            "不代表任何地区的实际情况。多数对象符合规定，每条规则约有百分之几不符合。"
        ),
    )
    townships = geo.townships[["code", "name", "kind", "parent"]].reset_index(drop=True)
    committees = records.committees(draw, governments)
    measurements, resources = evaluation_tables(seed, sch.table, whole.hierarchy)
    extra = {"measurements": measurements, "school_resources": resources}
    return SynthData(info, townships, tables, committees, extra)


# ---------------------------------------------------------------- writing


def write_dataset(
    data: SynthData, folder: str | Path, format: Literal["parquet", "csv"] = "parquet"
) -> Path:
    """Write ``data`` as a dataset folder: ``dataset.yaml`` and one file per table,
    including the townships (``jurisdictions``) and the committees (``committees`` and
    ``committee_members``), and what ``dudao evaluate`` reads (``measurements`` and
    ``school_resources``), so that every command runs on the folder.

    Parquet keeps the English enum values; CSV writes enum cells as their Chinese
    labels (幼儿园, 公办), as people fill them in. A table file of the same name
    with another suffix is removed, so the folder never holds two versions.
    """
    if format not in ("parquet", "csv"):
        raise DudaoError(
            Problem(f"不支持的格式 '{format}'", code="bad-format", hint="可选 parquet 或 csv")
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    note = "# 合成数据（示例数据），由 dudao.synth 生成，不代表任何地区的实际情况。\n"
    info = _compact(converter.unstructure(data.info))
    (folder / "dataset.yaml").write_text(note + yamlio.dump(info), encoding="utf-8")
    # Bulk structure goes in tables, like the records: a national folder has ~38,000
    # townships and ~3,000 committees, too many to read quickly as YAML.
    committees, members = committees_to_tables(data.committees)
    frames = {
        **data.tables,
        UNITS.name: data.townships,
        COMMITTEES.name: committees,
        COMMITTEE_MEMBERS.name: members,
    }
    for stale_yaml in ("jurisdictions.yaml", "committees.yaml"):
        (folder / stale_yaml).unlink(missing_ok=True)
    for name, df in {**frames, **data.evaluation}.items():
        df = df.drop(columns=list(df.attrs.get(ABSENT_COLUMNS, ())))  # not recorded: no column
        for suffix in SUFFIXES:
            stale = folder / f"{name}{suffix}"
            if suffix != f".{format}" and stale.exists():
                stale.unlink()
        if format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, preserve_index=False)
            pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
        elif name in data.evaluation:  # plain numbers and text, as the evaluation reads them
            df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
        else:
            _for_csv(df, name).to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return folder


def _compact(value: Any) -> Any:
    """Drop null and empty fields: optional fields left out read back the same."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not None and v != [] and v != ()}
    if isinstance(value, list | tuple):
        return [_compact(v) for v in value]
    return value


_SPECS: dict[str, TableSpec] = {
    **TABLES,
    **{t.name: t for t in (UNITS, COMMITTEES, COMMITTEE_MEMBERS)},
}


def _for_csv(df: pd.DataFrame, name: str) -> pd.DataFrame:
    out = df.copy()
    for column in _SPECS[name].columns:
        if column.name not in out:  # an optional column not recorded
            continue
        values = out[column.name]
        if column.type == "enum":
            assert column.enum is not None
            labels = {m.value: m.label for m in column.enum}
            out[column.name] = values.astype(object).map(labels)
        elif column.type == "date":
            out[column.name] = values.dt.strftime("%Y-%m-%d")
    return out
