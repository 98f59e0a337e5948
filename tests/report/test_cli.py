"""``dudao report``: each kind of document from the command line, and its errors located."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli import cli

from .conftest import need_pdf_tools


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _docx_text(path: Path) -> str:
    import docx

    d = docx.Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


@pytest.mark.regional
def test_supervision_report_docx(tmp_path: Path) -> None:
    out = tmp_path / "青秀区督导报告.docx"
    code, stdout, err = run(
        "report", "supervision", "nanning", "--unit", "450103", "--out", str(out)
    )
    assert code == 0, err
    assert "督导报告已写入" in stdout and "示例" in stdout
    assert zipfile.is_zipfile(out)
    text = _docx_text(out)
    assert "关于青秀区教育督导情况的督导报告" in text and "青秀区人民政府：" in text


@pytest.mark.regional
def test_official_fonts_are_named_in_the_docx(tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    out = tmp_path / "r.docx"
    code, _, err = run(
        "report",
        "supervision",
        "nanning",
        "--unit",
        "450103",
        "--official-fonts",
        "--out",
        str(out),
    )
    assert code == 0, err
    d = docx.Document(str(out))
    fonts = {
        r._element.rPr.rFonts.get(qn("w:eastAsia"))
        for p in d.paragraphs
        for r in p.runs
        if r._element.rPr is not None
    }
    assert "仿宋_GB2312" in fonts and "Noto Serif CJK SC" not in fonts


@pytest.mark.regional
def test_supervision_report_with_evaluations_and_a_number(tmp_path: Path) -> None:
    """马山县 in the evaluation example: 普惠性幼儿园覆盖率 0.75 < 0.8 and 公办园在园幼儿
    占比 0.444 < 0.5, so 8 of 10 points and 不达标 (measurements.csv)."""
    out = tmp_path / "r.docx"
    code, _, err = run(
        "report", "supervision", "nanning", "--unit", "450124", "--set", "preschool_universal",
        "--number", "南府督〔2023〕5号", "--as-of", "2024-12-31", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    text = _docx_text(out)
    assert "南府督〔2023〕5号" in text and "南府督〔2023〕5号（示例）" not in text
    assert "县域学前教育普及普惠督导评估（依据：《县域学前教育普及普惠督导评估办法》）" in text
    assert "马山县（450124）2024年得分 8 / 10" in text and "等级“不达标”" in text
    assert "普惠性幼儿园覆盖率：值 0.75，标准 ≥ 0.8，未达标" in text
    assert "2024年12月31日" in text


def test_supervision_report_evaluates_dudao_s_example_by_default(tmp_path: Path) -> None:
    """No DATASET and no --measurements: 宜昌市 and its evaluation data, as dudao check
    and dudao simulate (it took Nanning's measurements, about none of Yichang's units).
    兴山县 plays 马山县's part: 8 of 10 points, 不达标 (yichang_evaluation/README.md)."""
    out = tmp_path / "r.docx"
    code, stdout, err = run(
        "report", "supervision", "--unit", "420526", "--set", "preschool_universal",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert "示例" in stdout
    text = _docx_text(out)
    assert "关于兴山县教育督导情况的督导报告" in text
    assert "兴山县（420526）2024年得分 8 / 10" in text and "等级“不达标”" in text
    assert "普惠性幼儿园覆盖率：值 0.75，标准 ≥ 0.8，未达标" in text


def test_supervision_report_measurements_by_example_name_or_the_dataset_s_own(
    tmp_path: Path,
) -> None:
    from dudao.examples import FOLDER, example_path

    out = tmp_path / "r.docx"
    args = ("report", "supervision", "--unit", "420503", "--set", "quality_balanced")
    code, _, err = run(*args, "--measurements", "yichang", "--out", str(out))
    assert code == 0, err
    assert "伍家岗区（420503）2024年得分 6 / 7" in _docx_text(out)
    # a dataset folder of one's own: its measurements.csv, else --measurements is asked for
    folder = tmp_path / "own"
    shutil.copytree(example_path(), folder)
    code, _, err = run(*args[:2], str(folder), *args[2:], "--out", str(out))
    assert code == 2 and "--measurements" in err and "没有 measurements.csv" in err, err
    evaluation = FOLDER / "yichang_evaluation"
    shutil.copy(evaluation / "measurements.csv", folder / "measurements.csv")
    # beside the check's schools.csv, 优质均衡's school table is school_resources
    shutil.copy(evaluation / "schools.csv", folder / "school_resources.csv")
    code, _, err = run(*args[:2], str(folder), *args[2:], "--out", str(out))
    assert code == 0, err
    assert "伍家岗区（420503）2024年得分 6 / 7" in _docx_text(out)
    code, _, err = run(*args, "--measurements", str(tmp_path / "nowhere"), "--out", str(out))
    assert code == 2 and "--measurements" in err and "不存在" in err, err


@pytest.mark.regional
def test_plan_progress_docx(tmp_path: Path) -> None:
    out = tmp_path / "plan.docx"
    code, _, err = run("report", "plan", "nanning", "--out", str(out))
    assert code == 0, err
    text = _docx_text(out)
    assert "关于南宁市2023年教育督导工作要点落实进展情况的报告" in text
    assert "广西壮族自治区人民政府教育督导委员会办公室：" in text  # sent to the office above
    assert "《2023年广西壮族自治区教育督导工作要点》（桂教督委办〔2023〕11号）落实情况" in text
    assert "工作任务落实情况一览表" in text


def test_case_documents(case_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "notice.docx"
    code, _, err = run(
        "report",
        "整改通知书",
        "--case",
        "C1",
        "--store",
        str(case_store),
        "--sample",
        "--out",
        str(out),
    )
    assert code == 0, err
    text = _docx_text(out)
    assert "教育督导整改通知书" in text and "青秀区人民政府：" in text
    assert "请于2023年5月31日前完成整改" in text
    assert "1.补足专职督学 1 名。" in text and "2.更换连任超过 3 届的兼职督学。" in text
    assert "示例数据" in text


def test_supervision_order_pdf(case_store: Path, tmp_path: Path) -> None:
    need_pdf_tools()
    out = tmp_path / "order.pdf"
    code, _, err = run(
        "report", "order", "--case", "C1", "--store", str(case_store), "--out", str(out)
    )
    assert code == 0, err
    assert out.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("args", "where", "what"),
    [
        (("report", "memo", "--out", "x.pdf"), "KIND", "不认识的文档类型 'memo'"),
        pytest.param(("report", "supervision", "nanning", "--unit", "450200", "--out", "x.pdf"),
                     "--unit", "柳州市（450200）不在数据集的范围南宁市（450100）之内",
                     marks=pytest.mark.regional),
        pytest.param(("report", "supervision", "nanning", "--unit", "459999", "--out", "x.pdf"),
                     "--unit", "未知的区划代码 '459999'", marks=pytest.mark.regional),
        (("report", "supervision", "nanning", "--out", "x.txt"), "--out", "无法从文件名 'x.txt' 判断输出格式"),
        (("report", "supervision", "--format", "pdf", "--out", "x.docx"), "--out", "不一致"),
        (("report", "plan", "--year", "2023", "--as-of", "2023-03-01", "--out", "x.pdf"), "--year",
         "只能给一个"),
        (("report", "order", "--out", "x.pdf"), "--case", "生成督办单需要 --case"),
        (("report", "order", "--case", "C1", "--store", "nowhere.db", "--out", "x.pdf"), "--store",
         "案件库文件 'nowhere.db' 不存在"),
        pytest.param(("report", "supervision", "nanning", "--set", "no_such_set", "--out", "x.pdf"),
                     "--set", "没有 id 为 'no_such_set' 的指标体系", marks=pytest.mark.regional),
    ],
)  # fmt: skip
def test_errors_are_located(
    args: tuple[str, ...], where: str, what: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, err = run(*args)
    assert code == 2, (stdout, err)
    assert where in err and what in err, err
    assert "Traceback" not in err and not list(tmp_path.glob("x.*"))
    assert not (tmp_path / "nowhere.db").exists()  # a mistyped store is not created


def test_case_documents_need_their_step(case_store: Path, tmp_path: Path) -> None:
    from dudao.store import CaseStore

    from .conftest import OFFICE

    db = tmp_path / "c.db"
    import datetime as dt

    with CaseStore.open(db) as store:
        store.open_case("450103", dt.date(2023, 3, 1), actor=OFFICE, case_id="C9")
    code, _, err = run(
        "report", "order", "--case", "C9", "--store", str(db), "--out", str(tmp_path / "o.docx")
    )
    assert code == 2
    assert (
        "案件 C9 没有“督办单”记录，无法生成督办单" in err and "dudao cases advance C9 督办" in err
    )


def test_help_is_chinese_and_cheap() -> None:
    code, out, _ = run("report", "--help")
    assert code == 0 and "督导报告" in out and "整改通知书" in out and "--unit" in out
    import subprocess
    import sys

    # the document libraries load when a document is written, not for --help
    probe = (
        "import sys; from dudao.cli import cli; from click.testing import CliRunner; "
        "CliRunner().invoke(cli, ['report', '--help']); "
        "print(sorted(m for m in ('docx', 'weasyprint', 'matplotlib') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
