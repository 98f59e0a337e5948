"""The one cattrs converter that turns YAML/JSON data into model objects and back.

Strict where policy staff make mistakes, lenient where YAML is ambiguous:

* unknown keys are errors (a typo must not silently fall back to a default);
* enums accept the English value or the Chinese label (``kind: 开发区``);
* text fields accept whole numbers (``code: 450100``) but not lists, maps or
  booleans; dates accept ``2020-05-14`` quoted or not, and say why one that does not
  exist (``2023-02-30``) or cannot be meant (before :data:`EARLIEST_DATE`) is refused;
* classes with a ``parse`` classmethod and a canonical ``str`` (文号, citations)
  are written as one string.

>>> from dudao.model.jurisdiction import Jurisdiction
>>> j = converter.structure({"code": 450100, "name": "南宁市", "kind": "地级市",
...                          "parent": "450000"}, Jurisdiction)
>>> j.kind.value, converter.unstructure(j)["kind"]
('prefecture_city', 'prefecture_city')
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from attrs import NOTHING
from cattrs._compat import adapted_fields, is_annotated, is_bare, is_generic
from cattrs._generics import deep_copy_with
from cattrs.cols import homogenous_tuple_structure_factory, is_sequence, list_structure_factory
from cattrs.errors import AttributeValidationNote, ClassValidationError, ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn
from cattrs.gen._consts import already_generating
from cattrs.gen._shared import find_structure_handler

from dudao.model.documents import Citation, DocumentNumber
from dudao.model.labels import LabelledEnum

converter = cattrs.Converter(forbid_extra_keys=True)


def _structure_str(value: Any, _: type) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"应为文本，实际为 {_describe(value)}")


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool):
        raise TypeError(f"应为整数，实际为 {_describe(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    raise TypeError(f"应为整数，实际为 {_describe(value)}")


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, bool):
        raise TypeError(f"应为数值，实际为 {_describe(value)}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise TypeError(f"应为数值，实际为 {_describe(value)}")


def _structure_bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"应为 true 或 false，实际为 {_describe(value)}")


EARLIEST_DATE = dt.date(1900, 1, 1)
"""No date in supervision is earlier: ``0001-01-01`` is a placeholder or a slip, and a
check dated then would reach back past the first day the calendar has."""

_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def date_error(text: str) -> str | None:
    """Why ``text``, written as YYYY-MM-DD, is not a date we accept; None if it is one.

    >>> date_error("2023-02-30")
    "'2023-02-30' 不是实际的日期：2023 年 2 月只有 28 天"
    >>> date_error("2023-13-01"), date_error("2023-03-01")
    ("'2023-13-01' 不是实际的日期：没有 13 月", None)
    """
    found = _YMD.fullmatch(text.strip())
    if found is None:
        return f"'{text}' 不是 YYYY-MM-DD 形式的日期"
    reason = date_reason(*map(int, found.groups()))
    return None if reason is None else f"'{text.strip()}' 不是实际的日期：{reason}"


def date_reason(year: int, month: int, day: int) -> str | None:
    """What is wrong with a year, month and day as a date; None if nothing is."""
    if not 1 <= month <= 12:
        return f"没有 {month} 月"
    if year < EARLIEST_DATE.year:
        return f"早于 {EARLIEST_DATE.year} 年，不可能是督导工作的日期"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{year} 年 {month} 月只有 {last} 天"
    return None


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value < EARLIEST_DATE:
            raise ValueError(date_error(value.isoformat()))
        return value
    if isinstance(value, str):
        problem = date_error(value)
        if problem is None:
            return dt.date.fromisoformat(value.strip())
        if _YMD.fullmatch(value.strip()):  # shaped like a date, but not one
            raise ValueError(problem)
    raise TypeError(f"应为日期（如 2020-05-14），实际为 {_describe(value)}")


def _describe(value: Any) -> str:
    kinds = {bool: "布尔值", int: "整数", float: "数值", str: "文本", list: "列表", dict: "映射"}
    kind = kinds.get(type(value), type(value).__name__)
    text = repr(value) if not isinstance(value, list | dict) else ""
    return f"{kind} {text}".strip()


converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(dt.date, _structure_date)
converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())

# Registered on the base class: LabelledEnum is a str subclass, and cattrs would
# otherwise dispatch its members to the plain-str hooks.
converter.register_structure_hook(
    LabelledEnum, lambda value, t: t.parse(_structure_str(value, str))
)
converter.register_unstructure_hook(LabelledEnum, lambda e: e.value)


def _check_mapping(cls: type[Any]) -> Any:
    # A list or a number where a mapping belongs would otherwise surface as an
    # AttributeError from deep inside cattrs.
    inner: Callable[[Any, Any], Any] = dict_structure_fn(cls)

    def hook(value: Any, _: type) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"应为映射（字段: 值），实际为 {_describe(value)}")
        return inner(value, cls)

    return hook


def _check_sequence(cls: type) -> Any:
    origin = getattr(cls, "__origin__", None)
    make = homogenous_tuple_structure_factory if origin is tuple else list_structure_factory
    inner: Callable[[Any, Any], Any] = make(cls, converter)

    def hook(value: Any, _: type) -> Any:
        if not isinstance(value, list | tuple):
            raise TypeError(f"应为列表（每项以 - 开头），实际为 {_describe(value)}")
        return inner(value, cls)

    return hook


def dict_structure_fn(cls: type[Any]) -> Callable[[Any, Any], Any]:
    """What ``cattrs.gen.make_dict_structure_fn(cls, converter)`` gives, without writing
    and compiling a function per class.

    cattrs generates Python source for each class and compiles it: a plugin load
    structures about a hundred classes, and the compiling was a third of its time
    (~65 ms of ~180 ms per process). This walks the same fields with the same
    handlers and raises the same errors (detailed validation: every field's error,
    each with its :class:`~cattrs.errors.AttributeValidationNote`; unknown keys as
    :class:`~cattrs.errors.ForbiddenExtraKeysError`), a test checks the two agree. A
    class this does not cover (generic, or a field with an ``Annotated`` override)
    gets cattrs' own function.
    """
    if (
        not converter.detailed_validation
        or converter._prefer_attrib_converters
        or getattr(converter, "use_alias", False)
        or is_generic(cls)
        or any(is_generic(b) for b in getattr(cls, "__orig_bases__", ()))
    ):
        return make_dict_structure_fn(cls, converter)
    fields = adapted_fields(cls)
    if any(is_annotated(a.type) for a in fields):  # may carry an override
        return make_dict_structure_fn(cls, converter)
    # the guard cattrs keeps against recursive class graphs (find_structure_handler
    # then binds such a field late, to converter.structure)
    try:
        working = already_generating.working_set
    except AttributeError:
        working = already_generating.working_set = set()
    else:
        if cls in working:
            raise RecursionError()
    working.add(cls)
    try:
        plan: list[tuple[str, str, bool, Callable[..., Any] | None, bool, str, Any]] = []
        for a in fields:
            if not a.init:
                continue
            type_ = a.type
            # as cattrs does it: a Self inside the type means cls
            if is_generic(type_) and not is_bare(type_):  # type: ignore[no-untyped-call]
                type_ = deep_copy_with(type_, {}, cls)
            handler = find_structure_handler(a, type_, converter, False)
            if handler == converter._structure_call:  # cattrs calls the type itself
                handler, one_argument = type_, True
            else:
                one_argument = False
            note = f"Structuring class {cls.__qualname__} @ attribute {a.name}"
            plan.append(
                (
                    a.name,
                    a.alias or a.name,
                    a.default is NOTHING,
                    handler,
                    one_argument,
                    note,
                    type_,
                )
            )
    finally:
        working.discard(cls)
        if not working:
            del already_generating.working_set
    allowed = {name for name, *_ in plan}
    what = "While structuring " + cls.__name__

    def structure(value: Any, _: Any = cls) -> Any:
        res: dict[str, Any] = {}
        errors: list[Exception] = []
        for name, alias, required, handler, one_argument, note, type_ in plan:
            if not required and name not in value:
                continue
            try:
                if handler is None:
                    res[alias] = value[name]
                elif one_argument:
                    res[alias] = handler(value[name])
                else:
                    res[alias] = handler(value[name], type_)
            except Exception as e:
                e.__notes__ = [
                    *getattr(e, "__notes__", []),
                    AttributeValidationNote(note, name, type_),
                ]
                errors.append(e)
        unknown = set(value.keys()) - allowed
        if unknown:
            errors.append(ForbiddenExtraKeysError("", cls, unknown))
        if errors:
            raise ClassValidationError(what, errors, cls)
        try:
            return cls(**res)
        except Exception as exc:
            raise ClassValidationError(what, [exc], cls) from exc

    return structure


converter.register_structure_hook_factory(attrs.has, _check_mapping)
converter.register_structure_hook_factory(is_sequence, _check_sequence)


def register_text_type(cls: type[Any]) -> None:
    """Read and write ``cls`` as one string through ``cls.parse`` and ``str``."""
    converter.register_structure_hook(cls, lambda value, _: cls.parse(_structure_str(value, str)))
    converter.register_unstructure_hook(cls, str)


register_text_type(DocumentNumber)
register_text_type(Citation)
