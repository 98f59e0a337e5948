"""What every rule template shares: the fields of a rule written in YAML, its
messages, a number given outright or by a parameter, and the rule object it builds.

A rule written in YAML names a template and fills in its settings::

    - id: qianyuan-annual-task
      template: count-per-period
      title: 完成“千园达标”年度达标任务
      cite: [渭政教督办〔2023〕1号 二]
      since: 2023-02-15
      ...                      # the template's own settings (docs/templates.md)
      message:
        zh: "{year}年通过验收的幼儿园{achieved}所，年度任务{required}所"
        en: "{achieved} kindergartens accepted in {year}, annual task {required}"

A message names evidence columns in braces; nothing else is allowed in the braces
(no attribute access, no format code), so a plugin's text cannot reach into Python.
Numbers print as people write them (:func:`dudao.model.numbers.number`), dates as
``YYYY-MM-DD``, lists joined with 、, a missing value as —.

>>> m = Message("{year} 年召开 {n} 次（{late}）", "{n} in {year}")
>>> m.problems({"year", "n"}, extra={"late"})
[]
>>> m.render({"year": 2023, "n": 2.0, "late": "已到期"})
'2023 年召开 2 次（已到期）'
>>> [p.message for p in Message("{x.__class__}").problems({"x"})]
['消息中的 {x.__class__} 只能写证据字段名（如 {year}）']
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.documents import Citation
from dudao.model.findings import Severity, TargetKind
from dudao.model.numbers import number
from dudao.rules.base import Context, ParamColumn, Rule, row_citations


@attrs.frozen
class Message:
    """A finding's text in Chinese and English, with ``{evidence}`` placeholders."""

    zh: str
    en: str = ""

    def problems(
        self, columns: Iterable[str], extra: Iterable[str] = (), path: tuple[Any, ...] = ()
    ) -> list[Problem]:
        """Placeholders that are not plain evidence names (or derived ``extra`` names)."""
        known = {*columns, *extra}
        out = []
        for lang in ("zh", "en"):
            try:
                parsed = list(string.Formatter().parse(getattr(self, lang)))
            except ValueError as exc:
                out.append(
                    Problem(
                        f"消息格式有误：{exc}",
                        path=(*path, lang),
                        code="bad-message",
                        hint="花括号成对使用，如 {year}；要写花括号本身，写 {{ 和 }}",
                    )
                )
                continue
            for _, name, spec, conversion in parsed:
                if name is None:
                    continue
                if spec or conversion or not name.isidentifier():
                    out.append(
                        Problem(
                            f"消息中的 {{{name}{'!' + conversion if conversion else ''}"
                            f"{':' + spec if spec else ''}}} 只能写证据字段名（如 {{year}}）",
                            path=(*path, lang),
                            code="bad-message",
                            hint="可用的字段：" + "、".join(sorted(known)),
                        )
                    )
                elif name not in known:
                    out.append(
                        Problem(
                            f"消息中的 {{{name}}} 不是本模板的证据字段",
                            path=(*path, lang),
                            code="bad-message",
                            hint="可用的字段：" + "、".join(sorted(known)),
                        )
                    )
        return out

    def render(self, row: Mapping[str, Any], lang: str = "zh") -> str:
        text = getattr(self, lang) or self.zh
        return text.format_map({k: show(v) for k, v in row.items()})


def show(value: Any) -> str:
    """A value as a message shows it."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | np.integer | np.floating):
        return str(number(value))
    if isinstance(value, pd.Timestamp):
        return str(value.date().isoformat())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | np.ndarray):
        return "、".join(show(v) for v in value)
    return str(value)


@attrs.frozen
class Amount:
    """A number given outright (``at_least: 2``) or read from a parameter
    (``at_least: {parameter: creation.qianyuan_annual_target}``)."""

    value: float | None = None
    parameter: str | None = None

    def column(self, ctx: Context, codes: Any, on: dt.date | None = None) -> ParamColumn:
        """Per code, the number in force (a fixed number reads as a one-version column)."""
        if self.parameter is not None:
            return ctx.param_column(self.parameter, codes, on=on)
        n = len(codes)
        return ParamColumn([self.value], [""], [False], np.zeros(n, dtype=np.intp))

    @property
    def parameters(self) -> tuple[str, ...]:
        return (self.parameter,) if self.parameter else ()


#: The default target of most templates: at least one.
ONE = Amount(value=1)


def structure_amount(value: Any, _: type) -> Amount:
    """``2`` or ``{parameter: id}`` (or ``{value: 2}``)."""
    from dudao.model.convert import converter

    if isinstance(value, bool):
        raise DudaoError(Problem("应为数字或 {parameter: 参数编号}", code="invalid-value"))
    if isinstance(value, int | float):
        return Amount(value=float(value))
    if isinstance(value, Mapping):
        out = converter.structure(dict(value), _AmountFields)
        if (out.value is None) == (out.parameter is None):
            raise DudaoError(
                Problem(
                    "须给出 value 或 parameter 之一", code="invalid-value", hint="如 at_least: 1"
                )
            )
        return Amount(value=out.value, parameter=out.parameter)
    raise DudaoError(
        Problem(
            f"应为数字或 {{parameter: 参数编号}}，实际为 {value!r:.40}",
            code="invalid-value",
            hint="如 at_least: 1 或 at_least: {parameter: creation.qianyuan_annual_target}",
        )
    )


@attrs.frozen
class _AmountFields:
    value: float | None = None
    parameter: str | None = None


@attrs.frozen(kw_only=True)
class TemplateSpec:
    """The fields every rule written in YAML has (see the module docstring)."""

    #: The template's name in YAML (set by each template class).
    name: ClassVar[str] = ""
    #: What the template judges, for ``dudao rules`` and the reference.
    summary: ClassVar[str] = ""
    target_kind: ClassVar[TargetKind] = TargetKind.JURISDICTION

    id: str
    template: str
    title: str
    cite: tuple[Citation, ...]
    title_en: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    severity: Severity = Severity.ERROR
    message: Message | None = None

    # ------------------------------------------------------------ per template
    def evidence(self) -> tuple[str, ...]:
        """The evidence columns of each checked row (a message may name them)."""
        return ()

    def derived(self) -> tuple[str, ...]:
        """Names a message may use that are worked out from a row, not evidence."""
        return ()

    def default_message(self) -> Message:
        return Message(self.title, self.title_en)

    def parameters(self) -> tuple[str, ...]:
        """Parameters the rule reads."""
        return ()

    def needs(self) -> tuple[str, ...]:
        """Tables (or ``table.column``) the rule cannot run without."""
        return ()

    def levels(self) -> tuple[Any, ...]:
        return ()

    def message_map(self) -> Mapping[str, Message]:
        """Messages by problem (templates whose rows fail in several ways); ``""``
        is the default."""
        return {"": self.message or self.default_message()}

    def check(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        raise NotImplementedError  # every template defines it

    def derive(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row with the :meth:`derived` names filled in."""
        return row

    def judged_on(self, as_of: dt.date) -> dt.date:
        """The day whose parameters judge a check on ``as_of``."""
        return as_of

    # ------------------------------------------------------------ shared
    def problems(self) -> list[Problem]:
        """What is wrong with the definition beyond its structure."""
        out = []
        for key, message in self.message_map().items():
            path: tuple[Any, ...] = ("message",) if not key else ("messages", key)
            out += message.problems(self.evidence(), self.derived(), path)
        return out

    def build(self) -> TemplateRule:
        """The rule this definition states (raises with every problem found)."""
        wrong = self.problems()
        if wrong:
            raise DudaoError(wrong)
        return TemplateRule(self)


def citations(rule: Rule, n: int, *cites: Any) -> Any:
    """Per row of ``n``: the rule's clauses, then each parameter's not already named."""
    return (
        row_citations(rule.cite, *cites)
        if cites
        else np.full(n, "；".join(rule.cite), dtype=object)
    )


class TemplateRule(Rule):
    """A rule made from a template and a plugin's YAML definition of it."""

    def __init__(self, spec: TemplateSpec) -> None:
        self.spec = spec
        fields = {
            "id": spec.id,
            "title": spec.title,
            "title_en": spec.title_en or spec.title,
            "cite": tuple(str(c) for c in spec.cite),
            "target_kind": spec.target_kind,
            "levels": spec.levels(),
            "severity": spec.severity,
            "since": spec.since,
            "until": spec.until,
            "parameters": spec.parameters(),
            "needs": spec.needs(),
        }
        for key, value in fields.items():  # class attributes of Rule, set per instance
            setattr(self, key, value)

    @property
    def template_name(self) -> str:
        return self.spec.name

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        return self.spec.check(self, ctx, region)

    def judged_on(self, as_of: dt.date, row: dict[str, Any]) -> dt.date:
        return self.spec.judged_on(as_of)

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        messages = self.spec.message_map()
        message = messages.get(str(row.get("problem") or ""), messages[""])
        full = self.spec.derive(dict(row))
        return message.render(full, "zh"), message.render(full, "en")

    def __repr__(self) -> str:
        return f"<Rule {self.id} (模板 {self.spec.name})>"
