"""A dataset: what ``dudao check`` reads — the facts of one area on the ground.

A dataset folder holds ``dataset.yaml`` (:class:`DatasetInfo`), optional
``committees.yaml`` and ``jurisdictions.yaml`` (units such as townships that
neither the national divisions nor the plugins have), and tables named after
their kind (``schools.csv``, ``inspectors.parquet``, ``zones.xlsx`` …; see
``dudao.model.tables.TABLES``). Bulk data stays columnar: the tables are pandas
DataFrames.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from dudao.lazyimports import pd
from dudao.model.bodies import Committee
from dudao.model.jurisdiction import Jurisdiction

#: Key of ``DataFrame.attrs`` naming the optional columns a table's file lacked (read as
#: empty); a rule that needs one of them is skipped rather than judging blanks.
ABSENT_COLUMNS = "dudao_absent_columns"


@attrs.frozen
class DatasetInfo:
    """``dataset.yaml``. ``sample: true`` marks data that is illustrative, not real
    (示例数据); every report on it says so."""

    name: str
    scope: str
    as_of: dt.date | None = None
    description: str | None = None
    sample: bool = False


@attrs.frozen
class CommitteesFile:
    """``committees.yaml``."""

    committees: tuple[Committee, ...] = ()


@attrs.define
class Dataset:
    """Loaded dataset. A table the folder lacks is None: rules that need it are skipped
    and say so, rather than treating absent records as zero."""

    info: DatasetInfo
    schools: Any
    inspectors: Any
    zones: Any
    visits: Any = None
    supervisions: Any = None
    filings: Any = None
    meetings: Any = None
    budgets: Any = None
    programmes: Any = None  # stage records of programmes (评估认定项目进展)
    committees: tuple[Committee, ...] | None = None  # None: no committees.yaml
    units: tuple[Jurisdiction, ...] = ()
    source: str | None = None

    def isolated(self) -> Dataset:
        """A copy whose tables one region's rule may read — or even change — without
        changing what any other rule reads. Tables are copied shallowly: with pandas'
        copy-on-write the data stays shared until someone writes to it.

        >>> import pandas as pd
        >>> ds = Dataset(DatasetInfo("示例", "450100"), pd.DataFrame({"x": [1, 2]}), None, None)
        >>> view = ds.isolated()
        >>> view.schools.drop(view.schools.index, inplace=True)
        >>> view.schools = None
        >>> len(ds.schools)
        2
        """
        tables = {
            f.name: table.copy(deep=False)
            for f in attrs.fields(Dataset)
            if isinstance(table := getattr(self, f.name), pd.DataFrame)
        }
        return attrs.evolve(self, **tables)

    def table(self, name: str) -> Any:
        """A table, or ``committees``, by name; None when the dataset lacks it."""
        return getattr(self, name)

    def provides(self, need: str) -> bool:
        """Whether the dataset holds what a rule needs: a table (``"visits"``) or a
        column its file gave (``"supervisions.report_date"``: an optional column the file
        lacks is read as empty, and a dataset that never records it says nothing).

        >>> import pandas as pd
        >>> sup = pd.DataFrame({"date": [], "topic": []})
        >>> sup.attrs[ABSENT_COLUMNS] = ("topic",)
        >>> ds = Dataset(DatasetInfo("示例", "450100"), None, None, None, supervisions=sup)
        >>> ds.provides("supervisions"), ds.provides("supervisions.date")
        (True, True)
        >>> ds.provides("supervisions.topic"), ds.provides("visits")
        (False, False)
        """
        name, _, column = need.partition(".")
        table = self.table(name)
        if table is None or not column:
            return table is not None
        return column in table.columns and column not in table.attrs.get(ABSENT_COLUMNS, ())
