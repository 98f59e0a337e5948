"""Findings: what a rule found about one target, with the numbers and the clause behind it.

At national scale findings are rows of a DataFrame with :data:`FINDING_COLUMNS`;
:class:`Finding` is the row view for explanations and small results.

>>> f = Finding(rule="inspector-staffing", severity=Severity.ERROR,
...             target_kind=TargetKind.JURISDICTION, target="450103", target_name="青秀区",
...             jurisdiction="450103", message="督学不足：应配 30 名，实有 24 名，缺 6 名",
...             message_en="Too few inspectors: 30 required, 24 in post, 6 short",
...             citation="厅发〔2020〕26号 三（一）",
...             evidence={"schools": 150, "required": 30, "actual": 24, "shortfall": 6})
>>> f.severity.label, f.evidence["shortfall"]
('错误', 6)
"""

from __future__ import annotations

from typing import Any

import attrs

from dudao.model.labels import LabelledEnum


class Severity(LabelledEnum):
    """How serious a finding is; ``dudao check`` exits 1 when any is an error."""

    ERROR = ("error", "错误")
    WARNING = ("warning", "警告")
    INFO = ("info", "提示")


class TargetKind(LabelledEnum):
    """What a finding is about."""

    JURISDICTION = ("jurisdiction", "政府/区划")
    SCHOOL = ("school", "学校")
    INSPECTOR = ("inspector", "督学")
    ZONE = ("zone", "责任区")
    COMMITTEE = ("committee", "督导委员会")


#: Columns of a findings frame, in order.
FINDING_COLUMNS = (
    "rule",
    "severity",
    "target_kind",
    "target",
    "target_name",
    "jurisdiction",
    "message",
    "message_en",
    "citation",
    "evidence",
    "plugin",
)


def _severity(value: str | Severity) -> Severity:
    return Severity.parse(value)


def _target_kind(value: str | TargetKind) -> TargetKind:
    return TargetKind.parse(value)


@attrs.frozen
class Finding:
    """One finding. ``jurisdiction`` is the unit it is reported under (a school's
    county, a committee's government); ``evidence`` holds the numbers used."""

    rule: str
    severity: Severity = attrs.field(converter=_severity)
    target_kind: TargetKind = attrs.field(converter=_target_kind)
    target: str
    target_name: str
    jurisdiction: str
    message: str
    message_en: str
    citation: str
    evidence: dict[str, Any] = attrs.field(factory=dict)
    plugin: str | None = None
