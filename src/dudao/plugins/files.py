"""The kinds of YAML file a plugin folder holds, with the class each structures into.

``dudao schema KIND`` exports a JSON Schema for each kind so editors can check
files as policy staff type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from dudao.evaluation.extend import AnyIndicatorSet
from dudao.evaluation.programmes import Programme
from dudao.evaluation.schema import indicator_set_schema
from dudao.io.schema import json_schema
from dudao.law.parameters import ParametersFile
from dudao.model.bodies import Committee, MemberUnitsFile
from dudao.model.dataset import CommitteesFile, DatasetInfo
from dudao.model.jurisdiction import JurisdictionsFile
from dudao.plans.model import WorkPlan
from dudao.plugins.info import PluginInfo
from dudao.rules.templates import RuleFile
from dudao.rules.templates.schema import rule_file_schema
from dudao.workflow.situations import AccountabilityFile


@attrs.frozen
class FileKind:
    name: str
    filename: str
    cls: type
    title: str
    #: a schema builder for classes msgspec cannot describe (default: json_schema(cls))
    builder: Callable[[], dict[str, Any]] | None = None

    def schema(self) -> dict[str, Any]:
        return self.builder() if self.builder else json_schema(self.cls)


FILE_KINDS: dict[str, FileKind] = {
    k.name: k
    for k in [
        FileKind("plugin", "plugin.yaml", PluginInfo, "插件清单：名称、管辖范围、依据文件"),
        FileKind("jurisdictions", "jurisdictions.yaml", JurisdictionsFile, "插件补充的行政单位"),
        FileKind("member-units", "member_units.yaml", MemberUnitsFile, "督导委员会成员单位名录"),
        FileKind("committee", "committee.yaml", Committee, "一级政府的教育督导委员会"),
        FileKind("parameters", "parameters.yaml", ParametersFile, "参数：带日期和引用的数值与设置"),
        FileKind(
            "rules",
            "rules.yaml",
            RuleFile,
            "规则：采用或停用已有规则，或按模板写本地规则（docs/templates.md）",
            rule_file_schema,
        ),
        FileKind(
            "indicator-set",
            "indicator_sets.yaml",
            AnyIndicatorSet,  # type: ignore[arg-type]  # a whole set or an extension
            "指标体系（indicator_sets/ 下一个文件一个）",
            indicator_set_schema,
        ),
        FileKind(
            "accountability",
            "accountability.yaml",
            AccountabilityFile,
            "问责情景：情形、问责方式、是否直接问责、依据",
        ),
        FileKind("plan", "plans.yaml", WorkPlan, "工作要点（plans/ 下一个文件一个年度）"),
        FileKind(
            "programme", "programmes.yaml", Programme, "评估认定项目（programmes/ 下一个文件一个）"
        ),
        FileKind("dataset", "dataset.yaml", DatasetInfo, "数据集说明：名称、范围、检查日期"),
        FileKind("committees", "committees.yaml", CommitteesFile, "数据集中的督导委员会"),
    ]
}
