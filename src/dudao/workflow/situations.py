"""Accountability situations (问责情景): the cases in which a unit is held to account.

A situation is a scoped, dated, cited entry (kind ``accountability_situation``)
contributed by a plugin's ``accountability.yaml``: an id, its Chinese name, the
accountability forms (:class:`~dudao.workflow.steps.AccountabilityForm`) it leads
to, and whether it opens a case straight to 问责 (``direct``), as the second
tier of Guangxi's 厅发〔2020〕26号 二（十四） does (群体性事件、重大安全事故、威胁报复
督导人员; its first tier — 年度目标任务未完成、履职评价不合格、阻挠干扰不配合督导 —
goes through 约谈 and 通报 first, so is not direct). A direct situation names the
:class:`~dudao.workflow.steps.SevereTrigger` the case is opened on, because the
case workflow records the trigger of a direct case. The national measures
(国教督〔2021〕2号) have no direct situations: 问责 follows 调查认定 there.

A region overrides a national situation by stating the same id, or adds its own.

>>> s = AccountabilitySituation("retaliation", "威胁恐吓、打击报复教育督导人员",
...                             forms=("interview",), direct=True, trigger="retaliation",
...                             cite="厅发〔2020〕26号 二（十四）")
>>> s.trigger.label, str(s.cite), s.problems()
('威胁恐吓、打击报复教育督导人员', '厅发〔2020〕26号 二（十四）', [])
>>> AccountabilitySituation("x", "某情景", direct=True).problems()[0].message
'直接问责的情景 x 须给出 trigger（直接进入问责的严重情形之一）'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from dudao.errors import Problem
from dudao.law.entries import Validity
from dudao.model.documents import Citation
from dudao.workflow.steps import AccountabilityForm, SevereTrigger


def _forms(value: Any) -> tuple[AccountabilityForm, ...]:
    items = value if isinstance(value, list | tuple) else (value,)
    return tuple(AccountabilityForm.parse(v) for v in items)


def _citation(value: Any) -> Citation | None:
    return None if value is None else Citation.parse(value)


def _optional_severe_trigger(value: str | SevereTrigger | None) -> SevereTrigger | None:
    return None if value is None else SevereTrigger.parse(value)


@attrs.frozen
class AccountabilitySituation:
    """One 问责情景. ``scope`` defaults to the contributing plugin's scope."""

    id: str
    name: str
    forms: tuple[AccountabilityForm, ...] = attrs.field(default=(), converter=_forms)
    direct: bool = False
    trigger: SevereTrigger | None = attrs.field(default=None, converter=_optional_severe_trigger)
    cite: Citation | None = attrs.field(default=None, converter=_citation)
    scope: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    note: str | None = None

    @property
    def validity(self) -> Validity:
        return Validity(self.since, self.until)

    def problems(self) -> list[Problem]:
        """What makes the situation unusable: a direct one without its trigger, or
        a trigger on a situation that is not direct, or no citation."""
        out = []
        if self.direct and self.trigger is None:
            out.append(
                Problem(
                    f"直接问责的情景 {self.id} 须给出 trigger（直接进入问责的严重情形之一）",
                    path=("trigger",),
                    code="invalid-situation",
                    hint="可选：" + "、".join(t.value for t in SevereTrigger),
                )
            )
        if self.trigger is not None and not self.direct:
            out.append(
                Problem(
                    f"情景 {self.id} 给出了 trigger 却没有 direct: true",
                    path=("direct",),
                    code="invalid-situation",
                )
            )
        if self.cite is None:
            out.append(
                Problem(
                    f"情景 {self.id} 缺少依据（cite）",
                    path=("cite",),
                    code="missing-citation",
                    hint="写明文号和条款，如 厅发〔2020〕26号 二（十四）",
                )
            )
        return out


@attrs.frozen
class AccountabilityFile:
    """``accountability.yaml``: the 问责情景 a plugin states."""

    situations: tuple[AccountabilitySituation, ...] = ()
