"""Documents an education supervision office sends, built from the library's results.

Each builder takes what the application layer (:mod:`dudao.api`) or the case store
returned — nothing is recomputed here — and arranges it as a :class:`Document`:

* :func:`supervision_report`: 督导报告 of a unit from a check (findings by severity,
  each with the 文号 and clause it breaks) and/or evaluations (优质均衡, 普及普惠 …);
  厅发〔2020〕26号 二（七）: every supervision ends in a report made public;
* :func:`supervision_order`: 督办单 from a case's 督办 event (二（九）: 整改不到位、
  不及时 → 督办单, 限期整改; the supervising department answers for it);
* :func:`rectification_notice`: 整改通知书 from a case's 下达整改 event (二（八）);
* :func:`plan_progress`: progress on the work plans (工作要点) in force for a unit.

Who signs: the supervising government's education supervision committee office
(its name from the dataset's committees, else the usual name of that office);
who receives: the unit's government (a development zone's 管理委员会).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dudao.errors import DudaoError, Problem
from dudao.model.findings import Severity
from dudao.model.jurisdiction import JurisdictionKind
from dudao.model.numbers import number as format_number
from dudao.report.document import (
    SAMPLE_MARK,
    SAMPLE_NOTE,
    Document,
    DocumentKind,
    Section,
    Table,
    document_date,
)
from dudao.workflow.machine import CaseState
from dudao.workflow.steps import Event, Step

if TYPE_CHECKING:
    from dudao.evaluation.score import Evaluation
    from dudao.model.dataset import Dataset
    from dudao.model.hierarchy import Hierarchy
    from dudao.plans.status import PlanReport
    from dudao.plugins.manager import LoadedPlugin
    from dudao.rules.engine import CheckResult
    from dudao.store.cases import CaseRecord

__all__ = [
    "committee_office",
    "government",
    "known_offices",
    "placeholder_number",
    "plan_progress",
    "rectification_notice",
    "supervision_order",
    "supervision_report",
]

#: Findings are reported most serious first.
_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


# ------------------------------------------------------------------ names
def _unit_name(hierarchy: Hierarchy | None, code: str) -> str:
    if hierarchy is not None and code in hierarchy:
        return hierarchy.get(code).name
    return code


def government(hierarchy: Hierarchy | None, code: str) -> str:
    """The government of ``code`` as a document addresses it: 青秀区人民政府; a
    development zone's 管理委员会; the nation's 国务院; an unknown code as it is.

    >>> from dudao.plugins.manager import load_plugins
    >>> h = load_plugins().hierarchy()
    >>> government(h, "450103"), government(h, "450100-dongmeng")
    ('青秀区人民政府', '广西—东盟经济技术开发区管理委员会')
    """
    if hierarchy is None or code not in hierarchy:
        return code
    unit = hierarchy.get(code)
    if unit.kind is JurisdictionKind.NATION:
        return "国务院"
    if unit.kind is JurisdictionKind.DEVELOPMENT_ZONE:
        return f"{unit.name}管理委员会"
    return f"{unit.name}人民政府"


_OFFICE = "教育督导委员会办公室"


def known_offices(plugins: Iterable[LoadedPlugin], hierarchy: Hierarchy) -> dict[str, str]:
    """Committee offices named as issuers of the plugins' documents, by the code of
    their unit: 南宁市人民政府教育督导委员会办公室 (南府督委办〔2022〕7号) for 450100.
    An issuer is matched to the unit of that name inside the plugin's scope (渭南's
    plugin also names 蒲城县's office, which forwarded its plan); the nation's office
    to the root.

    >>> from dudao.plugins.manager import load_plugins
    >>> plugins = load_plugins()
    >>> offices = known_offices(plugins, plugins.hierarchy())
    >>> offices["450100"], offices["000000"]
    ('南宁市人民政府教育督导委员会办公室', '国务院教育督导委员会办公室')
    """
    out: dict[str, str] = {}
    for p in plugins:
        info = p.info
        if not p.ok or info is None or info.scope not in hierarchy:
            continue
        for d in info.documents:
            for issuer in d.issuer.split("、"):
                if not issuer.endswith(_OFFICE):
                    continue
                if issuer.startswith("国务院"):
                    out.setdefault(hierarchy.root.code, issuer)
                    continue
                name = issuer.split("人民政府")[0]
                units = [u for u in hierarchy.find(name) if hierarchy.contains(info.scope, u.code)]
                if len(units) == 1:
                    out.setdefault(units[0].code, issuer)
    return out


def committee_office(
    hierarchy: Hierarchy | None,
    code: str,
    dataset: Dataset | None = None,
    offices: Mapping[str, str] | None = None,
) -> str:
    """The office of ``code``'s education supervision committee (the body that signs
    supervision documents): the committee's name in the dataset + 办公室, else the
    office the plugins name (:func:`known_offices`), else the usual name
    (厅发〔2020〕26号 二（一）: 三级人民政府设立教育督导委员会).

    >>> committee_office(None, "450000")
    '450000人民政府教育督导委员会办公室'
    """
    if dataset is not None:
        for c in dataset.committees or ():
            if c.jurisdiction == code and c.name:
                return f"{c.name}办公室"
    if offices and code in offices:
        return offices[code]
    if hierarchy is not None and code in hierarchy:
        unit = hierarchy.get(code)
        if unit.kind is JurisdictionKind.NATION:
            return "国务院教育督导委员会办公室"
        if unit.kind is JurisdictionKind.DEVELOPMENT_ZONE:
            return f"{unit.name}教育督导部门"
        return f"{unit.name}人民政府教育督导委员会办公室"
    return f"{code}人民政府教育督导委员会办公室"


def placeholder_number(year: int) -> str:
    """A 文号 to be replaced when the office registers the document: ××〔2023〕×号
    (printed with （示例） after it)."""
    return f"××〔{year}〕×号"


def _supervisor(hierarchy: Hierarchy, code: str) -> str | None:
    parent = hierarchy.supervisor(code) if code in hierarchy else None
    return None if parent is None else parent.code


def _text(value: Any) -> str:
    """A value from data as text ('' for None/NaN)."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _check_unit(hierarchy: Hierarchy, unit: str, scope: str | None) -> None:
    """``unit`` must be a known unit inside the dataset's scope: a report on a unit
    the data does not cover would read as if nothing were wrong there."""
    if unit not in hierarchy:
        try:
            hierarchy.get(unit)
        except DudaoError as exc:  # the unknown-code error, with close matches
            raise DudaoError([p.located(path=("--unit",)) for p in exc.problems]) from None
    if scope and scope in hierarchy and not hierarchy.contains(scope, unit):
        raise DudaoError(
            Problem(
                f"{_unit_name(hierarchy, unit)}（{unit}）不在数据集的范围"
                f"{_unit_name(hierarchy, scope)}（{scope}）之内",
                path=("--unit",),
                code="unit-outside-dataset",
                hint="给出数据集范围内的单位，或换用包含该单位的数据集",
            )
        )


# ------------------------------------------------------------------ 督导报告
def _rule_titles(check: CheckResult) -> dict[str, str]:
    return {r.rule: r.title for r in check.runs}


#: Findings listed one by one under each rule in the body; the rest are counted there
#: and listed in the attachment.
BODY_LIMIT = 10
#: Rows of the attachment: past it the table ends with a note of how many are left out
#: (a province's report on a national check would otherwise run to thousands of pages).
TABLE_LIMIT = 2000


def _findings_section(
    check: CheckResult, unit: str, body_limit: int = BODY_LIMIT, table_limit: int = TABLE_LIMIT
) -> tuple[Section, Table, dict[str, int]]:
    """The 发现的问题 section (by severity, then rule), the attachment listing the
    findings, and the counts by severity."""
    h = check.hierarchy
    codes = set(h.subtree_codes(unit)) if unit in h else {unit}
    frame = check.findings
    frame = frame[frame["jurisdiction"].astype(str).isin(codes)]
    titles = _rule_titles(check)
    counts = {s.value: int((frame["severity"] == s.value).sum()) for s in _SEVERITY_ORDER}
    severity_sections = []
    rows: list[tuple[str, ...]] = []
    for severity in _SEVERITY_ORDER:
        part = frame[frame["severity"] == severity.value]
        if not len(part):
            continue
        rule_sections = []
        for rule, group in part.groupby("rule", sort=False):
            citations = "；".join(dict.fromkeys(_text(c) for c in group["citation"] if _text(c)))
            shown = group.iloc[:body_limit]
            lines = [
                f"{_text(r.target_name) or _text(r.target)}（{_text(r.target)}）："
                f"{_text(r.message)}。"
                for r in shown.itertuples()
            ]
            if len(group) > len(shown):
                lines.append(f"……另有 {len(group) - len(shown)} 项，详见附件。")
            title = titles.get(str(rule), str(rule))
            heading = f"{title}（依据：{citations or '未注明'}；共 {len(group)} 项）"
            rule_sections.append(Section(heading, tuple(lines)))
            room = table_limit - len(rows)
            for r in group.iloc[: max(room, 0)].itertuples():
                rows.append(
                    (
                        str(len(rows) + 1),
                        f"{_text(r.target_name)}（{_text(r.target)}）",
                        _unit_name(h, _text(r.jurisdiction)),
                        _text(r.message),
                        severity.label,
                        _text(r.citation),
                    )
                )
        severity_sections.append(
            Section(f"{severity.label}级问题（{len(part)} 项）", children=tuple(rule_sections))
        )
    if not severity_sections:
        section = Section("发现的问题", ("本次检查未发现问题。",))
    else:
        section = Section("发现的问题", children=tuple(severity_sections))
    total = sum(counts.values())
    note = None
    if not rows:
        note = "本次检查未发现问题。"
    elif total > len(rows):
        note = (
            f"共 {total} 项，本表列出前 {len(rows)} 项；完整清单可用 "
            "dudao check --format xlsx 导出。"
        )
    table = Table(
        "督导发现问题清单",
        ("序号", "对象", "所属单位", "问题", "程度", "依据"),
        tuple(rows),
        note=note,
        sample=check.dataset.info.sample,
        widths=(0.8, 2.2, 1.4, 4.0, 0.8, 2.2),
    )
    return section, table, counts


def _evaluation_parts(
    ev: Evaluation, unit: str, hierarchy: Hierarchy | None, sample: bool = False
) -> tuple[Section, Table, bool] | None:
    """One evaluation's section and score table for ``unit`` and the units below it,
    and whether any of them falls short (an unmet indicator, a veto, a required
    indicator failed); None when the evaluation has no target there."""
    scores = ev.scores
    targets = scores["target"].astype(str)
    codes = (
        set(hierarchy.subtree_codes(unit))
        if hierarchy is not None and unit in hierarchy
        else {unit}
    )
    here = scores[targets.isin(codes)]
    if not len(here):
        return None
    s = ev.set
    cite = str(s.cite) if s.cite else "未注明"
    paragraphs: list[str] = []
    children: list[Section] = []
    rows: list[tuple[str, ...]] = []
    any_sample = False
    short = False
    for r in here.sort_values([c for c in ("rank", "target") if c in here]).itertuples():
        target = str(r.target)
        name = _text(getattr(r, "name", "")) or _unit_name(hierarchy, target)
        expl = ev.explain(target, getattr(r, "year", None))
        notes = []
        if r.vetoed:
            notes.append("一票否决")
        if r.required_failed:
            notes.append("必达指标未达标")
        short = short or bool(notes)
        year = getattr(r, "year", None)
        year_text = f"{_text(year)}年" if year is not None and _text(year) else ""
        paragraphs.append(
            f"{name}（{target}）{year_text}得分 {format_number(expl.score)} / "
            f"{format_number(expl.max_points)}，总分 {format_number(expl.total)}，"
            f"等级“{_text(r.grade)}”，排名第 {_text(r.rank)} 位"
            + (f"（{'、'.join(notes)}）" if notes else "")
            + "。"
        )
        unmet = [line for line in expl.lines if not line.met and line.max_points is not None]
        if unmet:
            short = True
            items = []
            for line in unmet:
                value = "缺少数据" if line.value is None else format_number(line.value)
                mark = (
                    f"（{SAMPLE_MARK}参数）" if line.sample and SAMPLE_MARK not in line.rule else ""
                )
                basis = f"（依据：{line.cite}）" if line.cite else ""
                items.append(f"{line.name}：值 {value}，标准 {line.rule}{mark}，未达标{basis}。")
            children.append(Section(f"{name}未达标的指标", tuple(items)))
        for line in expl.lines:
            if line.max_points is None and line.section.count("/"):
                continue  # a sub-item: its indicator's line says it
            any_sample = any_sample or line.sample
            rows.append(
                (
                    name,
                    line.section,
                    line.name,
                    "缺少数据" if line.value is None else format_number(line.value),
                    line.rule
                    + (
                        f"（{SAMPLE_MARK}）" if line.sample and SAMPLE_MARK not in line.rule else ""
                    ),
                    "" if line.points is None else format_number(line.points),
                    "达标" if line.met else "未达标",
                    line.cite,
                )
            )
    section = Section(f"{s.title}（依据：{cite}）", tuple(paragraphs), children=tuple(children))
    table = Table(
        f"{s.title}得分明细",
        ("对象", "维度", "指标", "值", "标准", "得分", "结果", "依据"),
        tuple(rows),
        note=f"标有“{SAMPLE_MARK}”的标准为示例参数，非官方数据。" if any_sample else None,
        sample=any_sample or sample,
        widths=(1.2, 1.2, 3.2, 0.9, 1.8, 0.7, 0.8, 1.6),
    )
    return section, table, short


def supervision_report(
    unit: str,
    *,
    check: CheckResult | None = None,
    evaluations: Sequence[Evaluation] = (),
    hierarchy: Hierarchy | None = None,
    issuer: str | None = None,
    number: str | None = None,
    date: dt.date | None = None,
    sample: bool | None = None,
    body_limit: int = BODY_LIMIT,
    table_limit: int = TABLE_LIMIT,
    offices: Mapping[str, str] | None = None,
) -> Document:
    """The 督导报告 of ``unit`` (and the units below it) from a check and/or
    evaluations, addressed to the unit's government and signed by its supervisor's
    committee office. ``number``: the 文号 (default: a placeholder marked 示例);
    ``date``: the 成文日期 (default: the check's as-of date, else today);
    ``sample``: default from the dataset (and true for bundled examples);
    ``body_limit``/``table_limit``: findings listed per rule in the body / in all
    in the attachment (the rest are counted); ``offices``: committee offices by unit
    code (:func:`known_offices`), for the signer where the dataset names none.

    >>> from dudao import api
    >>> from dudao.examples import example_path
    >>> result = api.check(example_path("nanning"), api.load_plugins())
    >>> doc = supervision_report("450103", check=result)
    >>> doc.title, doc.recipients
    ('关于青秀区教育督导情况的督导报告', ('青秀区人民政府',))
    >>> doc.issuer, doc.shown_number
    ('南宁市人民政府教育督导委员会办公室', '××〔2023〕×号（示例）')
    """
    if check is None and not evaluations:
        raise DudaoError(
            Problem(
                "督导报告需要检查结果或评估结果",
                code="report-no-content",
                hint="给出数据集（检查）或 --set 指标体系（评估）",
            )
        )
    h = hierarchy or (check.hierarchy if check is not None else None)
    if h is not None:
        _check_unit(h, unit, check.dataset.info.scope if check is not None else None)
    day = date or (check.as_of if check is not None else dt.date.today())
    dataset = check.dataset if check is not None else None
    is_sample = sample if sample is not None else bool(dataset is not None and dataset.info.sample)
    name = _unit_name(h, unit)
    above = _supervisor(h, unit) if h is not None else None
    signer = issuer or committee_office(h, above or unit, dataset, offices)
    basis = _step_basis(check, unit, Step.REPORTED, day)
    rectify_basis = _step_basis(check, unit, Step.RECTIFICATION_ORDERED, day)
    sections: list[Section] = []
    attachments: list[Table] = []
    opening = []
    problems = False  # anything to rectify
    if check is not None:
        section, table, counts = _findings_section(check, unit, body_limit, table_limit)
        ran = len({r.rule for r in check.runs if r.skipped is None and r.checked})
        checked = sum(r.checked for r in check.runs if r.skipped is None)
        total = sum(counts.values())
        problems = total > 0
        scope = dataset.info.scope if dataset is not None else None
        whole = scope is None or scope == unit  # the run's figures are the dataset's
        opening.append(
            f"根据{basis}的规定，{signer}依据现行教育督导规则，对{name}截至"
            f"{document_date(check.as_of)}的教育督导数据进行了检查。现将督导情况报告如下。"
        )
        where = (
            name if not (h is not None and unit in h and h.children(unit)) else f"{name}及所属单位"
        )
        facts = [
            f"本次检查适用规则 {ran} 条"
            + (f"，检查对象 {checked} 个（次）" if whole else "")
            + f"。{where}发现问题 {total} 项，"
            f"其中错误级 {counts['error']} 项、警告级 {counts['warning']} 项、"
            f"提示级 {counts['info']} 项。"
        ]
        if dataset is not None:
            facts.append(
                f"检查所用数据集：{dataset.info.name}"
                + (f"（范围：{_unit_name(h, scope)}）" if scope and not whole else "")
                + "。"
            )
        if is_sample:
            facts.append(f"{SAMPLE_NOTE}。")
        sections.append(Section("基本情况", tuple(facts)))
        sections.append(section)
        attachments.append(table)
    else:
        opening.append(
            f"根据{basis}的规定，{signer}对{name}开展了督导评估。现将督导评估情况报告如下。"
        )
    ev_sections = []
    for ev in evaluations:
        parts = _evaluation_parts(ev, unit, h, is_sample)
        if parts is None:
            continue
        ev_sections.append(parts[0])
        attachments.append(parts[1])
        problems = problems or parts[2]
    if evaluations and not ev_sections:
        ev_sections.append(Section("评估情况", (f"评估数据中没有{name}（{unit}）及其下级单位。",)))
    if ev_sections:
        sections.append(Section("督导评估结果", children=tuple(ev_sections)))
    if not problems:
        sections.append(
            Section(
                "工作要求",
                (
                    f"本次督导未发现问题。请{government(h, unit)}继续按照有关规定，"
                    "做好教育督导各项工作。",
                ),
            )
        )
    else:
        sections.append(_rectification_section(government(h, unit), rectify_basis, signer))
    return Document(
        kind=DocumentKind.SUPERVISION_REPORT,
        title=f"关于{name}教育督导情况的督导报告",
        issuer=signer,
        date=day,
        recipients=(government(h, unit),),
        number=number or placeholder_number(day.year),
        number_sample=number is None,
        opening=tuple(opening),
        sections=tuple(sections),
        attachments=tuple(attachments),
        sample=is_sample,
        notes=(("此件按规定向社会公开", SAMPLE_NOTE) if is_sample else ("此件按规定向社会公开",)),
        masthead=f"{signer}文件",
    )


def _rectification_section(recipient: str, basis: str, signer: str) -> Section:
    return Section(
        "整改要求",
        (
            f"请{recipient}根据{basis}的规定，对本报告所列问题逐项研究，"
            "明确责任单位和整改时限，在规定期限内完成整改，并将整改情况书面报告"
            f"{signer}。",
            "整改不到位、不及时的，将按规定发送督办单，并视情况采取约谈、通报、问责等措施。",
        ),
    )


def _step_basis(check: CheckResult | None, unit: str, step: Step, day: dt.date) -> str:
    """The document and clause a step acts under for ``unit`` on ``day``: the law the
    check applied (a region's ``workflow.<step>.basis``), else the national one."""
    from dudao.workflow.policy import LawBookPolicies, default_policy

    procedure = CaseState(opened_on=day).procedure
    if check is not None and check.law is not None:
        policy = LawBookPolicies(check.law).policy(unit, day, procedure)
    else:
        policy = default_policy(procedure)
    return str(policy.citation(step, day))


# ------------------------------------------------------------------ cases
def _last(events: Sequence[Event], step: Step) -> Event | None:
    found = [e for e in events if e.step is step]
    return found[-1] if found else None


def _problems(events: Sequence[Event]) -> list[str]:
    """The problems a case is about: what it was opened on and what feedback named."""
    out: list[str] = []
    opened = _last(events, Step.OPENED)
    if opened is not None:
        p = opened.payload
        if p.summary:
            out.append(p.summary)
        elif p.reference:
            out.append(f"{p.source.label} {p.reference}")
        if p.severe is not None:
            out.append(p.severe.label)
    for e in events:
        if e.step is Step.FEEDBACK:
            out += [i for i in e.payload.issues if i not in out]
    return out


def _process_table(events: Sequence[Event], hierarchy: Hierarchy | None) -> Table:
    rows: list[tuple[str, ...]] = []
    for e in events:
        deadline = e.deadline
        rows.append(
            (
                str(e.seq or len(rows) + 1),
                document_date(e.date),
                e.step.label,
                e.actor,
                "" if deadline is None else document_date(deadline),
                str(e.citation) if e.citation else "",
            )
        )
    return Table(
        "案件办理过程",
        ("序号", "日期", "环节", "办理单位", "期限", "依据"),
        tuple(rows),
        widths=(0.7, 1.9, 1.1, 2.8, 1.9, 2.4),
    )


def _case_event(record: CaseRecord, step: Step, what: str, how: str) -> Event:
    event = _last(record.events, step)
    if event is None:
        raise DudaoError(
            Problem(
                f"案件 {record.case_id} 没有“{step.label}”记录，无法生成{what}",
                code="case-no-step",
                path=("case", record.case_id),
                hint=how,
            )
        )
    return event


def supervision_order(
    record: CaseRecord,
    *,
    hierarchy: Hierarchy | None = None,
    number: str | None = None,
    sample: bool = False,
) -> Document:
    """The 督办单 of a case: from its latest 督办 event — the issuing body (the
    event's actor, the level above), the unit it goes to (the case's target), the
    problems (what the case was opened on and the feedback named), why (整改不及时/
    不到位), the new deadline, the supervising department and its joint liability,
    and the clause it acts under (the event's citation)."""
    e = _case_event(
        record,
        Step.SUPERVISION_ORDER,
        "督办单",
        f"先记录督办：dudao cases advance {record.case_id} 督办 --set 期限=YYYY-MM-DD "
        "--set 主管部门=… --set 原因=整改不及时",
    )
    p = e.payload
    target = government(hierarchy, e.target)
    cite = str(e.citation) if e.citation else "有关规定"
    before = _last(record.events[: record.events.index(e)], Step.RECTIFICATION_ORDERED)
    problems = _problems(record.events)
    ordered = ""
    if before is not None:
        ordered = (
            f"{e.actor}于{document_date(before.date)}下达整改要求，"
            f"整改期限为{document_date(before.payload.deadline)}。"
        )
    sections = [
        Section("督办事项", _numbered(problems) or ("见本案督导报告和反馈意见所列问题。",)),
        Section(
            "督办原因",
            (f"{ordered}经核查，你单位{p.reason.label}。",),
        ),
        Section(
            "督办要求",
            (
                f"请你单位于{document_date(p.deadline)}前完成整改，并将整改情况书面报告{e.actor}。",
                f"{p.supervising_department}作为主管部门，承担监督责任，督促指导你单位落实整改意见"
                + ("；整改不力的，负连带责任。" if p.joint_liability else "。"),
                "逾期仍未整改到位的，将按规定约谈有关负责人，并视情况予以通报、问责。",
            ),
        ),
    ]
    if before is not None and before.payload.requirements:
        sections.insert(1, Section("原整改要求", _numbered(before.payload.requirements)))
    return Document(
        kind=DocumentKind.SUPERVISION_ORDER,
        title="教育督导督办单",
        issuer=e.actor,
        date=e.date,
        recipients=(target,),
        number=number or placeholder_number(e.date.year),
        number_sample=number is None,
        opening=(f"根据{cite}的规定，对你单位整改工作进行督办（案件编号：{record.case_id}）。",),
        sections=tuple(sections),
        closing=("特此督办。",),
        attachments=(_process_table(record.events, hierarchy),),
        sample=sample,
        notes=(SAMPLE_NOTE,) if sample else (),
        copied_to=(p.supervising_department,),
    )


def _numbered(texts: Sequence[str]) -> tuple[str, ...]:
    """Items as paragraphs numbered 1. 2. … (one item: no number)."""
    if len(texts) == 1:
        return (_sentence(texts[0]),)
    return tuple(f"{i}.{_sentence(t)}" for i, t in enumerate(texts, start=1))


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "；", "！", "？")) else f"{text}。"


def rectification_notice(
    record: CaseRecord,
    *,
    hierarchy: Hierarchy | None = None,
    number: str | None = None,
    sample: bool = False,
) -> Document:
    """The 整改通知书 of a case: from its latest 下达整改 event — the problems, the
    requirements, the deadline and the clause it acts under."""
    e = _case_event(
        record,
        Step.RECTIFICATION_ORDERED,
        "整改通知书",
        f"先记录下达整改：dudao cases advance {record.case_id} 下达整改 --set 期限=YYYY-MM-DD",
    )
    p = e.payload
    cite = str(e.citation) if e.citation else "有关规定"
    problems = _problems(record.events[: record.events.index(e) + 1])
    sections = [
        Section(
            "存在的问题",
            _numbered(problems) or ("见督导报告和反馈意见所列问题。",),
        ),
        Section(
            "整改要求",
            _numbered(p.requirements)
            or ("针对上述问题逐项制定整改措施，明确责任单位、责任人和完成时限。",),
        ),
        Section(
            "整改期限",
            (
                f"请于{document_date(p.deadline)}前完成整改，并将整改情况书面报告{e.actor}。",
                "整改不到位、不及时的，将发送督办单，要求限期整改。",
            ),
        ),
    ]
    return Document(
        kind=DocumentKind.RECTIFICATION_NOTICE,
        title="教育督导整改通知书",
        issuer=e.actor,
        date=e.date,
        recipients=(government(hierarchy, e.target),),
        number=number or placeholder_number(e.date.year),
        number_sample=number is None,
        opening=(
            f"根据{cite}的规定，现将督导发现的问题和整改要求通知如下（案件编号：{record.case_id}）。",
        ),
        sections=tuple(sections),
        closing=("特此通知。",),
        attachments=(_process_table(record.events[: record.events.index(e) + 1], hierarchy),),
        sample=sample,
        notes=(SAMPLE_NOTE,) if sample else (),
    )


# ------------------------------------------------------------------ work plans
def plan_progress(
    report: PlanReport,
    unit: str | None = None,
    *,
    issuer: str | None = None,
    number: str | None = None,
    date: dt.date | None = None,
    sample: bool | None = None,
    offices: Mapping[str, str] | None = None,
) -> Document:
    """The progress report on the work plans measured in ``report``
    (:func:`dudao.api.measure_plans`) for ``unit`` (default: the dataset's scope),
    signed by the unit's committee office and sent to the office above it."""
    h = report.hierarchy
    ds = report.dataset
    code = unit or ds.info.scope or h.root.code
    _check_unit(h, code, ds.info.scope)
    day = date or report.as_of
    is_sample = sample if sample is not None else ds.info.sample
    name = _unit_name(h, code)
    signer = issuer or committee_office(h, code, ds, offices)
    above = _supervisor(h, code)
    counts = report.counts()
    from dudao.plans.status import TaskStatus

    sections: list[Section] = []
    rows: list[tuple[str, ...]] = []
    facts = [
        f"截至{document_date(report.as_of)}，纳入统计的工作任务 {len(report.results)} 项，其中"
        + "、".join(f"{s.label} {counts[s.value]} 项" for s in TaskStatus)
        + "。"
    ]
    if is_sample:
        facts.append(f"{SAMPLE_NOTE}。")
    sections.append(Section("总体情况", tuple(facts)))
    for plan, scope in report.plans:
        results = [r for r in report.results if r.plan == plan.id]
        items = []
        for item in plan.items:
            tasks = [r for r in results if r.task.item == item.number]
            if not tasks:
                continue
            by_status = {st: [r for r in tasks if r.status is st] for st in TaskStatus}
            lines = [
                f"本项任务 {len(tasks)} 项，其中"
                + "、".join(f"{st.label} {len(by_status[st])} 项" for st in TaskStatus)
                + "。"
            ]
            shown = [r for r in tasks if r.status is not TaskStatus.NOT_MEASURABLE]
            for i, r in enumerate(shown, start=1):
                lead = f"{r.task.lead}牵头；" if r.task.lead else ""
                lines.append(
                    f"{i}.{_sentence(r.task.text).rstrip('。')}（{lead}期限"
                    f"{document_date(r.deadline)}）：{r.status.label}。{_sentence(r.reason)}"
                )
            if by_status[TaskStatus.NOT_MEASURABLE]:
                lines.append(
                    ("另有 " if shown else "")
                    + f"{len(by_status[TaskStatus.NOT_MEASURABLE])} 项任务无法度量"
                    "（没有可度量的标准或缺少数据），逐项说明见附件。"
                )
            for r in tasks:
                rows.append(
                    (
                        str(len(rows) + 1),
                        f"{item.number}/{r.task.id}",
                        r.task.text,
                        r.task.lead or "",
                        document_date(r.deadline),
                        r.status.label,
                        r.reason,
                    )
                )
            items.append(Section(f"{item.title}", tuple(lines)))
        scope_text = "" if scope == code else f"，统计范围：{_unit_name(h, scope)}"
        sections.append(
            Section(
                f"《{plan.title}》（{plan.cite}{scope_text}）落实情况",
                children=tuple(items),
            )
        )
    sections.append(
        Section(
            "下一步工作",
            (
                "对“未达成”的任务，逐项分析原因，明确责任单位和完成时限；对“未到期”的任务，"
                "按期限跟踪推进；对“无法度量”的任务，补充报送相关数据或佐证材料。",
            ),
        )
    )
    year = report.plans[0][0].year if report.plans else report.as_of.year
    return Document(
        kind=DocumentKind.PLAN_PROGRESS,
        title=f"关于{name}{year}年教育督导工作要点落实进展情况的报告",
        issuer=signer,
        date=day,
        recipients=(committee_office(h, above, ds, offices),) if above else (),
        number=number or placeholder_number(day.year),
        number_sample=number is None,
        opening=(f"现将{name}{year}年教育督导工作要点落实进展情况报告如下。",),
        sections=tuple(sections),
        attachments=(
            Table(
                "工作任务落实情况一览表",
                ("序号", "任务", "内容", "牵头单位", "期限", "状态", "说明"),
                tuple(rows),
                sample=is_sample,
                widths=(0.8, 1.5, 3.0, 1.6, 1.3, 0.8, 3.0),
            ),
        ),
        sample=is_sample,
        notes=(SAMPLE_NOTE,) if is_sample else (),
    )
