"""A case's next allowed steps as forms: Chinese labels and choices, not field names.

Each step's form is made from its payload class (:data:`PAYLOAD_TYPE`): a date is a
date input, yes/no a choice of 是/否, a labelled enumeration a choice of its
Chinese labels, a list of enumeration members a set of check boxes, a list of texts
a text area with one item per line. :func:`read_form` turns a submitted form back
into the payload's data; the workflow checks it as it checks the command line's.

>>> from dudao.workflow.steps import Step
>>> [f.label for f in step_fields(Step.SUPERVISION_ORDER)]
['期限', '主管部门', '原因', '连带责任']
>>> [c.label for c in step_fields(Step.SUPERVISION_ORDER)[2].choices]
['整改不及时', '整改不到位']
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.model.labels import LabelledEnum
from dudao.workflow.steps import EXPLICIT_FIELDS, PAYLOAD_TYPE, Step, field_label

#: Longer explanations beside some fields (what an official is asked to state).
HELP = {
    "deadline": "整改须在此日期前完成；逾期可升级（督办单、约谈、通报、问责）",
    "supervising_department": "承担监督责任的主管部门（整改不力负连带责任）",
    "invitees": "每行一个单位，如 市纪委监委",
    "issues": "每行一项问题",
    "requirements": "每行一项整改要求",
    "participants": "每行一个单位",
    "record_filed_with": "每行一个单位",
    "recipients": "每行一个通报对象",
    "published": "结果是否向社会公开",
}


@attrs.frozen
class Choice:
    value: str
    label: str


@attrs.frozen
class Field:
    """One input of a step's form."""

    name: str
    label: str
    kind: str  # date | bool | choice | multi | lines | text
    required: bool
    choices: tuple[Choice, ...] = ()
    default: str = ""
    help: str = ""


def _enum(t: Any) -> type[LabelledEnum] | None:
    return t if isinstance(t, type) and issubclass(t, LabelledEnum) else None


def _field(step: Step, attr: Any, hint: Any) -> Field:
    name = attr.name
    optional = False
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) and type(None) in args:
        optional = True
        hint = next(a for a in args if a is not type(None))
        args = typing.get_args(hint)
    no_default = attr.default is attrs.NOTHING
    explicit = name in EXPLICIT_FIELDS.get(step, ())
    required = (no_default or explicit) and not optional
    default = attr.default if not no_default else None
    label = field_label(name)
    text = HELP.get(name, "")
    if hint is dt.date:
        return Field(name, label, "date", required, help=text)
    if hint is bool:
        # an explicit field has no preset answer: the official must state it
        shown = "" if explicit or default is None else ("true" if default else "false")
        choices: tuple[Choice, ...] = (Choice("true", "是"), Choice("false", "否"))
        return Field(name, label, "bool", required, choices, shown, text)
    enum = _enum(hint)
    if enum is not None:
        shown = "" if explicit or default is None else str(default.value)
        choices = tuple(Choice(m.value, m.label) for m in enum)
        return Field(name, label, "choice", required, choices, shown, text)
    if typing.get_origin(hint) is tuple:
        inner = _enum(args[0]) if args else None
        if inner is not None:
            choices = tuple(Choice(m.value, m.label) for m in inner)
            return Field(name, label, "multi", required, choices, help=text)
        return Field(name, label, "lines", required, help=text or "每行一项")
    return Field(name, label, "text", required, default=str(default or ""), help=text)


@functools.cache
def step_fields(step: Step) -> list[Field]:
    """The inputs of ``step``'s form, in the payload's order."""
    cls = PAYLOAD_TYPE[step]
    hints = typing.get_type_hints(cls)
    return [_field(step, a, hints[a.name]) for a in attrs.fields(cls)]


def read_form(
    step: Step, form: Mapping[str, Any], multi: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """The payload data of a submitted form (``multi``: the lists of check boxes).

    Missing required answers are reported together, each naming its field in Chinese.
    """
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    for f in step_fields(step):
        raw = form.get(f.name)
        text = raw.strip() if isinstance(raw, str) else ""
        if f.kind == "multi":
            picked = [v for v in multi.get(f.name, ()) if v in {c.value for c in f.choices}]
            if picked:
                data[f.name] = picked
            elif f.required:
                problems.append(_missing(f))
            continue
        if f.kind == "lines":
            items = [line.strip() for line in text.splitlines() if line.strip()]
            if items:
                data[f.name] = items
            elif f.required:
                problems.append(_missing(f))
            continue
        if not text:
            if f.required:
                problems.append(_missing(f))
            continue
        if f.kind == "bool":
            if text not in ("true", "false"):
                problems.append(
                    Problem(f"“{f.label}”应选 是 或 否", path=(f.name,), code="bad-field")
                )
                continue
            data[f.name] = text == "true"
        elif f.kind == "choice":
            if text not in {c.value for c in f.choices}:
                problems.append(
                    Problem(
                        f"“{f.label}”的取值不在可选项中",
                        path=(f.name,),
                        code="bad-field",
                        hint="可选：" + "、".join(c.label for c in f.choices),
                    )
                )
                continue
            data[f.name] = text
        elif f.kind == "date":
            try:
                data[f.name] = dt.date.fromisoformat(text).isoformat()
            except ValueError:
                problems.append(
                    Problem(
                        f"“{f.label}”不是有效日期",
                        path=(f.name,),
                        code="bad-date",
                        hint="如 2023-06-30",
                    )
                )
        else:
            data[f.name] = text
    if problems:
        raise DudaoError(problems)
    return data


def _missing(f: Field) -> Problem:
    return Problem(f"请填写“{f.label}”", path=(f.name,), code="missing-field")
