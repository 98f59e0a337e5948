"""A plugin made of YAML files — what policy staff write.

A region's package needs no Python: its entry point names the package, and the
package's ``data/`` folder is the plugin::

    # pyproject.toml
    [project.entry-points.dudao]
    nanning = "dudao_nanning"

The folder holds ``plugin.yaml`` (required) and the files of :data:`LAYOUT`. A
file or folder of YAML that is not part of the layout, or a file that cannot be
read, is a problem that leaves the plugin out (nothing written is silently
ignored). ``rules/*.yaml`` holds adoptions of existing rules and rules written from
templates (``template: count-per-period`` …, :mod:`dudao.rules.templates`); rules no
template can state live in a Python module that ``plugin.yaml`` names
(``rules: dudao_nanning.rules``; the module's ``RULES`` list).
"""

from __future__ import annotations

import difflib
import importlib
import os
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from dudao.errors import DudaoError, Problem
from dudao.evaluation.model import IndicatorSet, load_indicator_set
from dudao.evaluation.programmes import Programme
from dudao.io import yamlio
from dudao.law.parameters import Parameter, ParametersFile
from dudao.model.bodies import MemberUnit, MemberUnitsFile
from dudao.model.jurisdiction import Jurisdiction, JurisdictionsFile
from dudao.plans.model import WorkPlan
from dudao.plugins.info import PluginInfo, Sourced
from dudao.plugins.markers import hookimpl
from dudao.rules.base import Rule
from dudao.rules.statements import RuleStatement
from dudao.rules.templates import RuleFile
from dudao.workflow.situations import AccountabilityFile, AccountabilitySituation


def display_path(path: Path) -> str:
    """A path as users should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(_cwd()))
    except ValueError:
        return str(path)


_CWD: tuple[str, Path] | None = None


def _cwd() -> Path:
    """The working directory, resolved (once per directory the process is in)."""
    global _CWD
    here = os.getcwd()
    if _CWD is None or _CWD[0] != here:
        _CWD = (here, Path(here).resolve())
    return _CWD[1]


#: The plugin folder's layout: single files, and folders of one item per file.
FILES = (
    "plugin.yaml",
    "jurisdictions.yaml",
    "member_units.yaml",
    "parameters.yaml",
    "rules.yaml",
    "accountability.yaml",
)
FOLDERS = ("parameters", "rules", "indicator_sets", "plans", "programmes")
LAYOUT = FILES + tuple(f"{f}/*.yaml" for f in FOLDERS)


def layout_problems(folder: Path) -> list[Problem]:
    """YAML in ``folder`` that the layout does not read, one problem each."""
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.suffix not in (".yaml", ".yml") or any(p.startswith(".") for p in rel.parts):
            continue
        top = rel.parts[0]
        ok = (len(rel.parts) == 1 and top in FILES) or (
            len(rel.parts) == 2 and top in FOLDERS and path.suffix == ".yaml"
        )
        if not ok:
            close = difflib.get_close_matches(str(rel), LAYOUT, n=1, cutoff=0.5)
            out.append(
                Problem(
                    f"插件文件夹中的 {rel} 不会被读取",
                    source=display_path(path),
                    code="unknown-plugin-file",
                    hint=(f"是否应为 {close[0]}？" if close else "")
                    + "插件文件夹可包含："
                    + "、".join(LAYOUT),
                )
            )
    return out


def folder_plugin(package: ModuleType | str) -> YamlPlugin:
    """The plugin an installed package's ``data/`` folder holds (what an entry point
    naming the package loads)."""
    module = importlib.import_module(package) if isinstance(package, str) else package
    here = Path(module.__file__ or "").parent
    for folder in (here / "data", here):
        if (folder / "plugin.yaml").is_file():
            return YamlPlugin(folder)
    raise DudaoError(
        Problem(
            f"包 {module.__name__} 中没有 plugin.yaml（应在 {display_path(here / 'data')} 下）",
            code="no-manifest",
            hint="入口点指向的包应有 data/plugin.yaml；dudao new-plugin 生成完整的结构",
        )
    )


class YamlPlugin:
    """Implements the hooks by reading YAML files from ``folder``."""

    def __init__(self, folder: Path | str, *, check_layout: bool = True) -> None:
        self.folder = Path(folder)
        self.check_layout = check_layout  # off only where the caller reports the layout
        # Parsed once: the law book and member-unit catalogue are built many times.
        self._cache: dict[str, list[Sourced[Any]]] = {}
        self._sets: list[Sourced[IndicatorSet]] | None = None
        self._plans: list[Sourced[WorkPlan]] | None = None
        self._rule_files: tuple[list[Sourced[RuleStatement]], list[Sourced[Rule]]] | None = None
        self._resolved: dict[Path, Path] = {}  # each folder resolved once (see _shown)

    def __repr__(self) -> str:
        return f"YamlPlugin({display_path(self.folder)!r})"

    def _shown(self, path: Path) -> str:
        """``display_path(path)`` for a file of the plugin, resolving each folder once:
        resolving a path reads every folder above it, a hundred files over again."""
        if path.is_symlink():  # the file itself may lead elsewhere
            return display_path(path)
        folder = self._resolved.get(path.parent)
        if folder is None:
            folder = self._resolved[path.parent] = path.parent.resolve()
        try:
            return str((folder / path.name).relative_to(_cwd()))
        except ValueError:
            return str(path)

    def _read(self, filename: str) -> yamlio.YamlDocument | None:
        path = self.folder / filename
        if not path.exists():
            return None
        doc = yamlio.read(path)
        return yamlio.YamlDocument(doc.data, doc.node, self._shown(path))

    def _items(self, filename: str, cls: type, field: str = "units") -> list[Sourced[Any]]:
        if filename not in self._cache:
            doc = self._read(filename)
            if doc is None:
                return []
            parsed: Any = yamlio.structure(doc, cls)
            self._cache[filename] = [
                Sourced(item, doc.source, doc.line_of((field, i)))
                for i, item in enumerate(getattr(parsed, field))
            ]
        return list(self._cache[filename])

    @property
    def manifest(self) -> str:
        """Where the plugin says who it is, as users should see the path."""
        return self._shown(self.folder / "plugin.yaml")

    @cached_property
    def info(self) -> PluginInfo:
        doc = self._read("plugin.yaml")
        if doc is None:
            raise DudaoError(
                Problem(
                    f"{display_path(self.folder)} 中缺少 plugin.yaml",
                    code="no-manifest",
                    hint="dudao new-plugin 生成完整的插件结构",
                )
            )
        problems = layout_problems(self.folder) if self.check_layout else []
        if problems:
            raise DudaoError(problems)
        return yamlio.structure(doc, PluginInfo)

    @hookimpl
    def dudao_plugin_info(self) -> PluginInfo:
        return self.info

    @hookimpl
    def dudao_rules(self) -> Iterable[Rule | Sourced[Rule]]:
        """The rules written from templates in ``rules.yaml`` and ``rules/*.yaml``, then
        the ``RULES`` of the module ``plugin.yaml`` names in ``rules`` (if any)."""
        return [*self.template_rules(), *self._module_rules()]

    def template_rules(self) -> list[Sourced[Rule]]:
        """The rules written from templates, each built and checked as loading does (a
        problem anywhere is raised with every other, located at file:line)."""
        return list(self._rules_yaml()[1])

    def _rules_yaml(self) -> tuple[list[Sourced[RuleStatement]], list[Sourced[Rule]]]:
        if self._rule_files is None:
            statements: list[Sourced[RuleStatement]] = []
            rules: list[Sourced[Rule]] = []
            problems: list[Problem] = []
            for filename in self._topic_files("rules"):
                doc = self._read(filename)
                if doc is None:
                    continue
                try:
                    parsed = yamlio.structure(doc, RuleFile)
                except DudaoError as exc:
                    problems += exc.problems
                    continue
                for i, statement in parsed.statements():
                    statements.append(Sourced(statement, doc.source, doc.line_of(("rules", i))))
                for i, spec in parsed.definitions():
                    try:
                        rule = spec.build()
                    except DudaoError as exc:
                        problems += [
                            doc.locate(p.located(path=("rules", i, *p.path))) for p in exc.problems
                        ]
                        continue
                    rules.append(Sourced(rule, doc.source, doc.line_of(("rules", i))))
            if problems:
                raise DudaoError(problems)
            self._rule_files = (statements, rules)
        return self._rule_files

    def _module_rules(self) -> list[Rule]:
        if self.info.rules is None:
            return []

        def bad(message: str, hint: str) -> DudaoError:
            return DudaoError(
                Problem(
                    message,
                    source=self.manifest,
                    path=("rules",),
                    code="bad-rules-module",
                    hint=hint,
                )
            )

        try:
            module = importlib.import_module(self.info.rules)
        except ImportError as exc:
            raise bad(
                f"plugin.yaml 的 rules 指向的模块 {self.info.rules} 无法导入：{exc}",
                "写成已安装的 Python 模块名，如 dudao_nanning.rules",
            ) from None
        rules = getattr(module, "RULES", None)
        if rules is None:
            raise bad(f"模块 {self.info.rules} 没有 RULES 列表", "在模块中写 RULES = [规则实例, …]")
        return list(rules)

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
        """The adoptions in ``rules.yaml`` and ``rules/*.yaml``."""
        return list(self._rules_yaml()[0])

    @hookimpl
    def dudao_indicator_sets(self) -> list[Sourced[IndicatorSet]]:
        """``indicator_sets/*.yaml``, one set per file (checked as they are read)."""
        if self._sets is None:
            self._sets = [
                Sourced(load_indicator_set(path), self._shown(path), 1)
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
                Sourced(yamlio.load(p, WorkPlan, validate=WorkPlan.problems), self._shown(p), 1)
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
