"""``dudao report``: the documents an office sends, as .docx or PDF (GB/T 9704 layout)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from dudao.cli.lawstatus import LawStatus
from dudao.cli.options import dataset_folder, evaluation_folder, example_named
from dudao.cli.output import parse_date, stdout
from dudao.errors import DudaoError, Problem

KINDS = {
    "supervision": "督导报告",
    "order": "督办单",
    "rectification": "整改通知书",
    "plan": "工作要点落实进展报告",
}
#: Chinese names accepted for KIND as well
ALIASES = {
    "督导报告": "supervision",
    "督办单": "order",
    "督办": "order",
    "整改通知书": "rectification",
    "整改通知": "rectification",
    "工作要点": "plan",
    "进展报告": "plan",
}


def _kind(value: str) -> str:
    text = value.strip()
    kind = ALIASES.get(text, text)
    if kind not in KINDS:
        choices = "、".join(f"{k}（{v}）" for k, v in KINDS.items())
        raise DudaoError(
            Problem(
                f"不认识的文档类型 '{value}'",
                path=("KIND",),
                code="bad-kind",
                hint=f"可选：{choices}",
            )
        )
    return kind


def _needs(option: str, value: object, kind: str, hint: str) -> None:
    if value is None or value == ():
        raise DudaoError(
            Problem(
                f"生成{KINDS[kind]}需要 {option}",
                path=(option,),
                code="missing-option",
                hint=hint,
            )
        )


def _store_location(store: str) -> str:
    """A SQLAlchemy URL as it is; a file path must exist (reading a document must not
    create an empty store where a path was mistyped)."""
    if "://" in store or Path(store).is_file():
        return store
    raise DudaoError(
        Problem(
            f"案件库文件 '{store}' 不存在",
            source=store,
            path=("--store",),
            code="no-store",
            hint="给出 dudao cases 使用的案件库（--store 或环境变量 DUDAO_STORE）",
        )
    )


def _measurements(given: str | None, dataset: str | None, folder: Path) -> Path:
    """The evaluation data of a supervision report's ``--set``: ``--measurements`` (a
    folder or an example's name); else the data that goes with the example DATASET
    names (none: dudao's own, 宜昌市); else the dataset folder's own measurements."""
    from dudao.evaluation.measurements import find_table
    from dudao.examples import EVALUATIONS, evaluation_path, example_path

    if given:
        path = evaluation_folder(given)
        if path.is_dir():
            return path
        raise DudaoError(
            Problem(
                f"测量数据文件夹 '{given}' 不存在",
                path=("--measurements",),
                code="missing-file",
                hint="给出含 measurements.csv 的文件夹，或示例名：" + "、".join(EVALUATIONS),
            )
        )
    example = example_named(dataset)
    if example is None:  # a folder: perhaps an example's, given by its path
        for name in EVALUATIONS:
            try:
                if example_path(name).resolve() == folder.resolve():
                    example = name
            except DudaoError:  # an example whose plugin is not installed
                continue
    bundled = evaluation_path(example) if example is not None else None
    if bundled is not None:
        return bundled
    if find_table(folder, "measurements") is not None:
        return folder
    raise DudaoError(
        Problem(
            f"督导报告中的评估（--set）需要测量数据，数据集 {folder} 中没有 measurements.csv",
            path=("--measurements",),
            code="missing-option",
            hint="用 --measurements 给出含 measurements.csv 的文件夹（dudao evaluate 读的那种）",
        )
    )


@click.command("report")
@click.argument("kind")
@click.argument("dataset", required=False)
@click.option("--unit", help="单位区划代码，如 450103（督导报告、进展报告；默认数据集的范围）")
@click.option("--as-of", help="截止日期 YYYY-MM-DD（默认取 dataset.yaml 的 as_of）")
@click.option("--year", type=int, help="年度（等于 --as-of 该年 12 月 31 日）")
@click.option(
    "--set",
    "sets",
    multiple=True,
    help="督导报告中加入的评估：指标体系 id，如 quality_balanced、preschool_universal（可重复）",
)
@click.option(
    "--measurements",
    help="评估用的测量数据文件夹（含 measurements.csv），或示例名 yichang、nanning；"
    "默认：示例数据集用它自带的评估示例数据，其他数据集用其文件夹中的 measurements.csv",
)
@click.option("--case", "case_id", help="案件编号（督办单、整改通知书）")
@click.option(
    "--store",
    envvar="DUDAO_STORE",
    default="dudao-cases.db",
    show_default=True,
    help="案件库：SQLite 文件路径或 SQLAlchemy URL（也可用环境变量 DUDAO_STORE）",
)
@click.option("--plugin", help="进展报告：只统计这个插件的工作要点")
@click.option("--plan", "plan_id", help="进展报告：只统计这一份工作要点（id）")
@click.option("--number", help="文号，如 南府教督〔2023〕5号（默认“××〔年〕×号”并标注示例）")
@click.option("--issuer", help="发文机关（默认上级人民政府教育督导委员会办公室）")
@click.option(
    "--official-fonts",
    is_flag=True,
    default=False,
    help="docx 使用标准规定的字体名（方正小标宋简体、仿宋_GB2312、黑体、楷体_GB2312），"
    "供已安装这些字体的电脑；默认使用免费的 Noto CJK 字体",
)
@click.option("--sample", is_flag=True, default=False, help="案件为示例数据：文中标注“示例”")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "pdf"]),
    help="输出格式（默认取 --out 的扩展名）",
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出文件"
)
def report(
    kind: str,
    dataset: str | None,
    unit: str | None,
    as_of: str | None,
    year: int | None,
    sets: tuple[str, ...],
    measurements: str | None,
    case_id: str | None,
    store: str,
    plugin: str | None,
    plan_id: str | None,
    number: str | None,
    issuer: str | None,
    official_fonts: bool,
    sample: bool,
    fmt: str | None,
    out: Path,
) -> None:
    """生成公文（.docx 或 PDF）：督导报告、督办单、整改通知书、工作要点进展报告。

    版式依 GB/T 9704-2012《党政机关公文格式》。KIND 为

    \b
      supervision    督导报告：DATASET 的检查结果（按严重程度列出问题及文号、条款），
                     可用 --set 加入优质均衡、普及普惠等评估结果
      order          督办单：案件库中 --case 案件的督办记录
      rectification  整改通知书：案件库中 --case 案件的下达整改记录
      plan           工作要点落实进展报告：DATASET 上度量的工作要点进展

    \b
    例：
      dudao report supervision nanning --unit 450103 --out 青秀区督导报告.docx
      dudao report supervision nanning --unit 450100 --set quality_balanced --out 报告.pdf
      dudao report order --case C1 --store cases.db --out 督办单.pdf
      dudao report plan nanning --out 进展报告.docx

    数据为示例数据时，页眉、文号和示例数字旁标注“示例”。
    """
    from dudao.report import documents

    what = _kind(kind)
    suffix = out.suffix.lower().lstrip(".")
    chosen = fmt or suffix or "pdf"
    if chosen not in documents.FORMATS:
        raise DudaoError(
            Problem(
                f"无法从文件名 '{out.name}' 判断输出格式",
                path=("--out",),
                code="bad-format",
                hint="文件名以 .docx 或 .pdf 结尾，或用 --format docx|pdf",
            )
        )
    if fmt and suffix and suffix != fmt:
        raise DudaoError(
            Problem(
                f"--format {fmt} 与文件名 '{out.name}' 的扩展名不一致",
                path=("--out",),
                code="format-mismatch",
                hint=f"文件名改为 {out.stem}.{fmt}，或去掉 --format",
            )
        )
    if as_of is not None and year is not None:
        raise DudaoError(
            Problem("--as-of 与 --year 只能给一个", path=("--year",), code="conflicting-options")
        )
    day = parse_date(as_of) or (dt.date(year, 12, 31) if year is not None else None)

    from dudao.plugins.manager import load_plugins

    plugins = load_plugins()
    if what in ("order", "rectification"):
        _needs("--case", case_id, what, "给出案件编号，如 --case C1（dudao cases list 可查）")
        assert case_id is not None
        from dudao.store import CaseStore

        with CaseStore.open(_store_location(store)) as cases:
            doc = documents.case_document(
                what, cases, case_id, hierarchy=plugins.hierarchy(), number=number, sample=sample
            )
    elif what == "plan":
        folder = dataset_folder(dataset)
        doc = documents.plan_progress_for(
            folder,
            plugins,
            unit,
            as_of=day,
            plugin=plugin,
            plan=plan_id,
            issuer=issuer,
            number=number,
        )
    else:
        folder = dataset_folder(dataset)
        from dudao import api
        from dudao.report.builders import known_offices, supervision_report

        result = api.check(folder, plugins, as_of=day)
        code = unit or result.dataset.info.scope
        _needs("--unit", code, what, "给出单位区划代码，如 --unit 450103")
        assert code is not None
        evaluations = []
        evaluation_sample = False
        if sets:
            from dudao.examples import FOLDER

            data = _measurements(measurements, dataset, folder)
            evaluation_sample = data.resolve().is_relative_to(FOLDER.resolve())
            when = day or result.as_of
            evaluations = [api.evaluate(data, plugins, s, unit=code, as_of=when) for s in sets]
        doc = supervision_report(
            code,
            check=result,
            offices=known_offices(plugins, result.hierarchy),
            evaluations=evaluations,
            issuer=issuer,
            number=number,
            sample=(result.dataset.info.sample or evaluation_sample or sample) or None,
        )
        LawStatus.of(plugins, code, result.as_of).footer()
    documents.write(doc, out, chosen, official_fonts=official_fonts)
    stdout.print(f"{doc.kind.label}已写入 {out}", markup=False, highlight=False)
    if doc.sample:
        stdout.print("注意：示例数据，文中已标注“示例”。", markup=False, highlight=False)
