"""Shared set-up of the document tests: the bundled Nanning example checked once, a
case store with one case taken to a 督办单, and the tools the PDF tests need."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dudao import api
from dudao.examples import example_path
from dudao.rules.engine import CheckResult
from dudao.store import CaseStore
from dudao.workflow import (
    Event,
    Feedback,
    FeedbackMode,
    LawBookPolicies,
    RectificationOrdered,
    Step,
    SupervisionOrder,
)

OFFICE = "南宁市人民政府教育督导委员会办公室"
#: strings a hostile dataset or user could write: each must come out as itself
HOSTILE = ("<script>alert(1)</script>", '=HYPERLINK("http://x.example","点我")', "{{7*7}}")


@pytest.fixture(scope="session")
def nanning() -> Path:
    return example_path("nanning")


@pytest.fixture(scope="session")
def checked(nanning: Path) -> CheckResult:
    return api.check(nanning, api.load_plugins())


def make_case_store(path: Path | str) -> CaseStore:
    """C1: 青秀区, opened 2023-03-01 on its inspector shortfall; written feedback with
    three hostile issues; rectification ordered 2023-03-20 (by 2023-05-31, two
    requirements); 督办单 2023-06-10 (by 2023-07-31, 青秀区教育局, 整改不及时)."""
    store = CaseStore.open(path, policies=LawBookPolicies(api.load_plugins().law_book()))
    store.open_case(
        "450103",
        dt.date(2023, 3, 1),
        actor=OFFICE,
        case_id="C1",
        summary="督学配备不足：应配 4 名，在任 3 名，缺 1 名",
        citation="厅发〔2020〕26号 三（一）",
    )
    feedback = Feedback(FeedbackMode.WRITTEN, issues=HOSTILE)
    store.append(
        "C1", Event("C1", Step.FEEDBACK, dt.date(2023, 3, 10), OFFICE, "450103", payload=feedback)
    )
    order = RectificationOrdered(
        dt.date(2023, 5, 31), ("补足专职督学 1 名", "更换连任超过 3 届的兼职督学")
    )
    store.append(
        "C1",
        Event(
            "C1", Step.RECTIFICATION_ORDERED, dt.date(2023, 3, 20), OFFICE, "450103", payload=order
        ),
    )
    supervise = SupervisionOrder(dt.date(2023, 7, 31), "青秀区教育局", reason="late")
    store.append(
        "C1",
        Event(
            "C1", Step.SUPERVISION_ORDER, dt.date(2023, 6, 10), OFFICE, "450103", payload=supervise
        ),
    )
    return store


@pytest.fixture(scope="session")
def case_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cases") / "cases.db"
    make_case_store(path).close()
    return path


def need_pdf_tools() -> None:
    """Skip (with the reason) where the PDF cannot be made or inspected."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        pytest.skip(f"WeasyPrint 不可用（pip install 'dudao[documents]' 与 Pango）：{exc}")
    from dudao.io.fonts import has_cjk_font

    if not has_cjk_font("serif"):
        pytest.skip("没有中文字体（apt-get install fonts-noto-cjk）")
    for tool in ("pdffonts", "pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.skip(f"没有 {tool}（apt-get install poppler-utils）")
