"""Every kind of YAML file, corrupted the same dozen ways (a NUL byte, nesting 5,000
deep, an alias bomb, an impossible date, a tab, a duplicate key, GBK, ...): each must
give exit 2 naming the file, the line and, where there is one, the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings

from .conftest import impossible_dates, nanning_example, refused, run

pytestmark = pytest.mark.regional
pytest.importorskip(
    "dudao_nanning", reason="需要地区插件（仅安装核心时跳过） / needs the regional plugins"
)
EXAMPLE = nanning_example()

ROOT = Path(__file__).resolve().parents[2]
REFORM = ROOT / "docs" / "examples" / "reforms" / "ratio_1_4_guangxi.yaml"


def _smallest(pattern: str) -> Path:
    return min(ROOT.glob(pattern), key=lambda p: (p.stat().st_size, str(p)))


#: plugin file kinds (``dudao validate --kind``): the smallest file of each a plugin has
PLUGIN_FILES = {
    "plugin": ROOT / "plugins/nanning/src/dudao_nanning/data/plugin.yaml",
    "member-units": _smallest("plugins/*/src/*/data/member_units.yaml"),
    "parameters": _smallest("plugins/*/src/*/data/parameters/*.yaml"),
    "rules": _smallest("plugins/*/src/*/data/rules/*.yaml"),
    "indicator-set": _smallest("plugins/*/src/*/data/indicator_sets/*.yaml"),
    "accountability": _smallest("plugins/*/src/*/data/accountability.yaml"),
    "plan": _smallest("plugins/*/src/*/data/plans/*.yaml"),
    "programme": _smallest("plugins/*/src/*/data/programmes/*.yaml"),
}

COMMITTEE = """\
jurisdiction: '450103'
name: 青秀区人民政府教育督导委员会
chair: {post: 分管教育工作的副区长}
members:
  - unit: 区教育局
"""

CASE = """\
name: 县区按时报送工作要点
as_of: 2022-05-01
dataset:
  scope: "450100"
  tables:
    filings:
      - {jurisdiction: "450102", kind: plan, year: 2022, filed_on: 2022-04-06}
rules: [committee-established]
expect:
  findings: []
"""

UNITS = """\
units:
  - code: '450103001'
    name: 某街道
    kind: 街道
    parent: '450103'
"""


def _run_dataset(dataset: Path, path: Path) -> Result:
    return run("check", dataset)


def _run_case(dataset: Path, path: Path) -> Result:
    return run("test", path)


def _run_reform(dataset: Path, path: Path) -> Result:
    return run("simulate", dataset, "--reform", path, "--runs", "1", "--years", "0", "--quiet")


def _validate(kind: str) -> Callable[[Path, Path], Result]:
    return lambda dataset, path: run("validate", "--kind", kind, path)


#: name → (file name, valid text, how to run it, (line, field) of a date in it or None)
KINDS: dict[str, tuple[str, str, Callable[[Path, Path], Result], tuple[int, str] | None]] = {
    "dataset.yaml": (
        "dataset.yaml",
        (EXAMPLE / "dataset.yaml").read_text(encoding="utf-8"),
        _run_dataset,
        (3, "as_of"),
    ),
    "committees.yaml": (
        "committees.yaml",
        (EXAMPLE / "committees.yaml").read_text(encoding="utf-8"),
        _run_dataset,
        None,
    ),
    "parameters.yaml": (
        "parameters.yaml",
        (EXAMPLE / "parameters.yaml")
        .read_text(encoding="utf-8")
        .replace("      - value: 3000\n", "      - value: 3000\n        since: 2020-01-01\n"),
        _run_dataset,
        (9, "parameters[0].values[0].since"),
    ),
    "dataset-jurisdictions.yaml": ("jurisdictions.yaml", UNITS, _run_dataset, None),
    "test-case": ("case.yaml", CASE, _run_case, (2, "as_of")),
    "reform": (
        "reform.yaml",
        REFORM.read_text(encoding="utf-8") + "    since: 2024-01-01\n",
        _run_reform,
        (10, "parameters[0].since"),
    ),
    "committee": ("committee.yaml", COMMITTEE, _validate("committee"), None),
    # the plugins' own units are installed already: a copy would define them twice
    "jurisdictions": ("jurisdictions.yaml", UNITS, _validate("jurisdictions"), None),
}
for _kind, _path in PLUGIN_FILES.items():
    _text = _path.read_text(encoding="utf-8")
    _date = re.search(r"^[ -]*(\w+): (\d{4}-\d{2}-\d{2})[ \t]*(#.*)?$", _text, re.M)
    KINDS[_kind] = (
        _path.name,
        _text,
        _validate(_kind),
        (_text.count("\n", 0, _date.start()) + 1, _date.group(1)) if _date else None,
    )


def _place(tmp_path: Path, dataset: Path, kind: str, text: str | bytes) -> Path:
    """Write the file where its kind is read from: into the dataset, or beside it."""
    name, _, how, _ = KINDS[kind]
    folder = dataset if how is _run_dataset else tmp_path
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _lines(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1)


BOMB = "bomb:\n" + "".join(
    f"  {n}: &{n} [{', '.join([f'*{p}' if p else 'lol'] * 9)}]\n"
    for p, n in zip(["", "a", "b", "c", "d", "e", "f"], "abcdefg", strict=True)
)


def _corrupt(how: str, text: str) -> tuple[str | bytes, int | None, str]:
    """The corrupted file, the line the message must name (None: any) and its words."""
    n = _lines(text)
    top = re.search(r"^(\w+):", text, re.M)
    assert top is not None
    if how == "nul":
        first, rest = text.split("\n", 1)
        return f"{first}\n\x00{rest}", 2, "U+0000"
    if how == "control-character":
        first, rest = text.split("\n", 1)
        return f"{first}\n\x07{rest}", 2, "U+0007"
    if how == "nested-5000-deep":
        return text + "deep: " + "[" * 5000 + "]" * 5000 + "\n", n + 1, "嵌套超过"
    if how == "nested-in-blocks":
        deep = "".join("  " * i + f"k{i}:\n" for i in range(150)) + "  " * 150 + "x: 1\n"
        return text + deep, None, "嵌套超过"
    if how == "alias-bomb":
        return text + BOMB, n + 6, "别名（*锚点）层层展开后超过"
    if how == "alias-cycle":
        return text + "loop: &loop [1, *loop]\n", n + 1, "引用了它自身"
    if how == "duplicate-key":
        return text + f"{top.group(1)}: again\n", n + 1, f"键 '{top.group(1)}' 重复"
    if how == "unknown-field":
        return text + "nmae: x\n", n + 1, "未知字段 'nmae'"
    if how == "tab-indent":
        at = re.search(r"^( +)\S", text, re.M)
        if at is None:
            return text + "extra:\n\t- x\n", n + 2, "YAML 语法错误"
        line = text.count("\n", 0, at.start()) + 1
        return text[: at.start()] + "\t" + text[at.end() - 1 :], line, "YAML 语法错误"
    if how == "unclosed-quote":
        return text + 'extra: "abc\n', None, "YAML 语法错误"
    if how == "gbk":
        return (text + "extra: 督导\n").encode("gbk", "replace"), None, "不是 UTF-8 编码"
    if how == "a-list":
        return "- a\n- b\n", 1, "应为映射"
    if how == "empty":
        return "", None, "文件是空的"
    raise AssertionError(how)


CORRUPTIONS = [
    "nul",
    "control-character",
    "nested-5000-deep",
    "nested-in-blocks",
    "alias-bomb",
    "alias-cycle",
    "duplicate-key",
    "unknown-field",
    "tab-indent",
    "unclosed-quote",
    "gbk",
    "a-list",
    "empty",
]


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_uncorrupted_file_is_accepted(tmp_path: Path, dataset: Path, kind: str) -> None:
    """Each corruption below is then the one thing wrong."""
    _, text, how, _ = KINDS[kind]
    result = how(dataset, _place(tmp_path, dataset, kind, text))
    assert result.exit_code in (0, 1), result.output  # 1: the check found problems


@pytest.mark.parametrize("corruption", CORRUPTIONS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_corrupted_yaml_file(tmp_path: Path, dataset: Path, kind: str, corruption: str) -> None:
    _, text, how, _ = KINDS[kind]
    bad, line, words = _corrupt(corruption, text)
    path = _place(tmp_path, dataset, kind, bad)
    where = f"{path}:{line}" if line is not None else str(path)
    refused(how(dataset, path), where, words)


DATES = [
    ("2023-02-30", "'2023-02-30' 不是实际的日期：2023 年 2 月只有 28 天"),
    ("2023-13-45", "'2023-13-45' 不是实际的日期：没有 13 月"),
    ("0001-01-01", "'0001-01-01' 不是实际的日期：早于 1900 年"),
    ("'2024-02-30'", "'2024-02-30' 不是实际的日期：2024 年 2 月只有 29 天"),
]


@pytest.mark.parametrize(("date", "words"), DATES, ids=[d for d, _ in DATES])
@pytest.mark.parametrize("kind", [k for k, v in KINDS.items() if v[3] is not None])
def test_an_impossible_date(
    tmp_path: Path, dataset: Path, kind: str, date: str, words: str
) -> None:
    _, text, how, (line, field) = KINDS[kind]  # type: ignore[misc]
    lines = text.split("\n")
    lines[line - 1] = re.sub(r"\d{4}-\d{2}-\d{2}", date, lines[line - 1], count=1)
    path = _place(tmp_path, dataset, kind, "\n".join(lines))
    refused(how(dataset, path), f"{path}:{line} ", f"{field}: {words}")


def test_an_impossible_date_in_an_inline_table(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(CASE.replace("filed_on: 2022-04-06", "filed_on: 2022-02-30"), "utf-8")
    refused(
        run("test", path),
        f"{path}:7 dataset.tables.filings[0].filed_on: ",
        "报送日期 '2022-02-30' 不是实际的日期",
    )


@given(value=impossible_dates())
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_impossible_check_date_in_dataset_yaml(dataset: Path, value: str) -> None:
    path = dataset / "dataset.yaml"
    text = (EXAMPLE / "dataset.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("as_of: 2023-03-01", f"as_of: '{value}'"), encoding="utf-8")
    refused(run("check", dataset), f"{path}:3 as_of: ")
