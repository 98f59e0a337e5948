"""A plugin made of YAML files only — what policy staff write.

A region's package points its entry point at a :class:`YamlPlugin` over its
data folder::

    # dudao_nanning/plugin.py
    from pathlib import Path
    from dudao.plugins.yaml_plugin import YamlPlugin

    plugin = YamlPlugin(Path(__file__).parent / "data")

The folder holds ``plugin.yaml`` (required) and any of the files listed in
:data:`dudao.plugins.files.FILE_KINDS`. Files are read on first use.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from dudao.evaluation.model import IndicatorSet, load_indicator_set
from dudao.evaluation.programmes import Programme
from dudao.io import yamlio
from dudao.law.parameters import Parameter, ParametersFile
from dudao.model.bodies import MemberUnit
from dudao.model.jurisdiction import Jurisdiction
from dudao.plans.model import WorkPlan
from dudao.plugins.files import JurisdictionsFile, MemberUnitsFile
from dudao.plugins.info import PluginInfo, Sourced
from dudao.plugins.markers import hookimpl
from dudao.rules.statements import RulesFile, RuleStatement
from dudao.workflow.situations import AccountabilityFile, AccountabilitySituation


def display_path(path: Path) -> str:
    """A path as users should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class YamlPlugin:
    """Implements the hooks by reading YAML files from ``folder``."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        # Parsed once: the law book and member-unit catalogue are built many times.
        self._cache: dict[str, list[Sourced[Any]]] = {}
        self._sets: list[Sourced[IndicatorSet]] | None = None
        self._plans: list[Sourced[WorkPlan]] | None = None

    def __repr__(self) -> str:
        return f"YamlPlugin({display_path(self.folder)!r})"

    def _read(self, filename: str) -> yamlio.YamlDocument | None:
        path = self.folder / filename
        if not path.exists():
            return None
        doc = yamlio.read(path)
        return yamlio.YamlDocument(doc.data, doc.node, display_path(path))

    def _items(self, filename: str, cls: type, field: str = "units") -> list[Sourced[Any]]:
        if filename not in self._cache:
            doc = self._read(filename)
            if doc is None:
                return []
            parsed = yamlio.structure(doc, cls)
            self._cache[filename] = [
                Sourced(item, doc.source, doc.line_of((field, i)))
                for i, item in enumerate(getattr(parsed, field))
            ]
        return list(self._cache[filename])

    @property
    def manifest(self) -> str:
        """Where the plugin says who it is, as users should see the path."""
        return display_path(self.folder / "plugin.yaml")

    @cached_property
    def info(self) -> PluginInfo:
        doc = self._read("plugin.yaml")
        if doc is None:
            raise FileNotFoundError(f"{display_path(self.folder)} 中缺少 plugin.yaml")
        return yamlio.structure(doc, PluginInfo)

    @hookimpl
    def dudao_plugin_info(self) -> PluginInfo:
        return self.info

    @hookimpl
    def dudao_jurisdictions(self) -> list[Sourced[Jurisdiction]]:
        return self._items("jurisdictions.yaml", JurisdictionsFile)

    @hookimpl
    def dudao_member_units(self) -> list[Sourced[MemberUnit]]:
        return self._items("member_units.yaml", MemberUnitsFile)

    def _topic_files(self, stem: str) -> list[str]:
        """``stem.yaml`` and every ``stem/*.yaml``: one file per topic keeps them short."""
        folder = self.folder / stem
        return [f"{stem}.yaml"] + [f"{stem}/{p.name}" for p in sorted(folder.glob("*.yaml"))]

    @hookimpl
    def dudao_parameters(self) -> list[Sourced[Parameter]]:
        """``parameters.yaml`` and ``parameters/*.yaml``."""
        return [
            item
            for f in self._topic_files("parameters")
            for item in self._items(f, ParametersFile, "parameters")
        ]

    @hookimpl
    def dudao_rule_statements(self) -> list[Sourced[RuleStatement]]:
        """``rules.yaml`` and ``rules/*.yaml``."""
        return [
            item for f in self._topic_files("rules") for item in self._items(f, RulesFile, "rules")
        ]

    @hookimpl
    def dudao_indicator_sets(self) -> list[Sourced[IndicatorSet]]:
        """``indicator_sets/*.yaml``, one set per file (checked as they are read)."""
        if self._sets is None:
            self._sets = [
                Sourced(load_indicator_set(path), display_path(path), 1)
                for path in sorted((self.folder / "indicator_sets").glob("*.yaml"))
            ]
        return list(self._sets)

    @hookimpl
    def dudao_accountability_situations(self) -> list[Sourced[AccountabilitySituation]]:
        """``accountability.yaml``."""
        return self._items("accountability.yaml", AccountabilityFile, "situations")

    @hookimpl
    def dudao_work_plans(self) -> list[Sourced[WorkPlan]]:
        """``plans/*.yaml``, one work plan per file (checked as they are read)."""
        if self._plans is None:
            paths = sorted((self.folder / "plans").glob("*.yaml"))
            self._plans = [
                Sourced(yamlio.load(p, WorkPlan, validate=WorkPlan.problems), display_path(p), 1)
                for p in paths
            ]
        return list(self._plans)

    @hookimpl
    def dudao_programmes(self) -> list[Sourced[Programme]]:
        """``programmes/*.yaml``, one programme per file."""
        out = []
        for path in sorted((self.folder / "programmes").glob("*.yaml")):
            key = f"programmes/{path.name}"
            if key not in self._cache:
                doc = self._read(key)
                assert doc is not None
                self._cache[key] = [Sourced(yamlio.structure(doc, Programme), doc.source, 1)]
            out += self._cache[key]
        return out
