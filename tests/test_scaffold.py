"""``dudao new-plugin``: the scaffold installs, loads and its test case passes."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dudao.errors import DudaoError
from dudao.plugins.manager import load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.scaffold import check_name, new_plugin
from dudao.testcases import run_cases

HIERARCHY = load_plugins(autoload=False).hierarchy()


def test_the_scaffold_loads_as_a_plugin_and_its_case_passes(tmp_path: Path) -> None:
    out = tmp_path / "dudao-liuzhou"
    new_plugin("liuzhou", "450200", out, HIERARCHY, builds_on=())
    plugins = load_plugins(
        autoload=False, extra={"liuzhou": YamlPlugin(out / "src" / "dudao_liuzhou" / "data")}
    )
    loaded = plugins.get("liuzhou")
    assert loaded.ok and loaded.scope == "450200" and loaded.title == "柳州市"
    plugins.law_book()  # the skeleton files are valid (empty) parameter and rule files
    (result,) = run_cases([out / "tests"], plugins)
    assert not isinstance(result, DudaoError), result
    assert result.passed, result.failures


def _guide_tree() -> set[str]:
    """The files docs/plugins.md says ``dudao new-plugin`` writes: the tree after
    "生成的文件夹", paths rebuilt from its indentation."""
    guide = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text("utf-8")
    after = guide[guide.index("- 生成的文件夹") :]
    block = after[after.index("```\n") + 4 : after.index("\n```", after.index("```\n") + 4)]
    stack: list[tuple[int, str]] = []
    files = set()
    for line in block.splitlines()[1:]:  # the first line is the folder itself
        indent = len(line) - len(line.lstrip())
        name = line.split()[0]
        stack = [(i, n) for i, n in stack if i < indent]
        if name.endswith("/"):
            stack.append((indent, name))
        else:
            files.add("".join(n for _, n in stack) + name)
    return files


def test_the_scaffold_writes_exactly_the_files_the_guide_lists(tmp_path: Path) -> None:
    out = tmp_path / "dudao-liuzhou"
    written = new_plugin("liuzhou", "450200", out, HIERARCHY, builds_on=("guangxi",))
    assert {p.relative_to(out).as_posix() for p in written} == _guide_tree()
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == _guide_tree()


def test_the_scaffolds_own_validate_command_passes(tmp_path: Path) -> None:
    """The README's ``dudao validate src/dudao_NAME/data`` (the whole plugin, as loading
    checks it) finds nothing in a fresh scaffold."""
    from click.testing import CliRunner

    from dudao.cli import cli

    out = tmp_path / "dudao-liuzhou"
    new_plugin("liuzhou", "450200", out, HIERARCHY)
    assert "dudao validate src/dudao_liuzhou/data" in (out / "README.md").read_text("utf-8")
    result = CliRunner().invoke(cli, ["validate", str(out / "src" / "dudao_liuzhou" / "data")])
    assert result.exit_code == 0, result.output


def test_bad_requests_are_refused_together_and_nothing_is_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "existing"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(DudaoError) as err:
        new_plugin("Liu Zhou", "999999", out, HIERARCHY)
    codes = [p.code for p in err.value.problems]
    assert codes == ["invalid-name", "unknown-code", "exists"]
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_the_scaffold_installs_and_dudao_plugins_lists_it(tmp_path: Path) -> None:
    out = tmp_path / "dudao-liuzhou"
    new_plugin("liuzhou", "450200", out, HIERARCHY)
    site = tmp_path / "site"
    # as a policy officer would: pip builds the package (hatchling) in its own
    # isolated environment, so the test venv needs no build tools
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    env = dict(os.environ, PYTHONPATH=str(site))
    shown = subprocess.run(
        [str(Path(sys.executable).parent / "dudao"), "plugins", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    plugins = {p["name"]: p for p in json.loads(shown.stdout)["plugins"]}
    assert plugins["liuzhou"]["error"] is None
    assert plugins["liuzhou"]["distribution"] == "dudao-liuzhou"


# ------------------------------------------------------- hostile names and titles

HOSTILE = [
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "\n",
    "\r\n",
    "\x00",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\ud800",
    '\n[project.scripts]\nx = "os:system"\n',
    "\nscope: '000000'\n",
    '"""\nimport os; os.system("touch PWNED")\n"""',
    "#",
    "{",
    "}",
    "[",
    "]",
    ": ",
    "- ",
    "&a",
    "*a",
    "!!python/object/apply:os.system ['x']",
    "<script>",
    "|",
    "`",
    "*",
    "_",
    "=HYPERLINK(1)",
    "　",
    " ",
    "柳州",
]
TITLES = st.one_of(
    st.text(max_size=70),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=4)), max_size=8).map("".join),
)


def _heading_text(markdown: str) -> str:
    """The text of the README's one level-1 heading, read by a Markdown parser; no
    HTML, link or image anywhere in it."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    heads = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
    assert len(heads) == 1
    children = tokens[heads[0] + 1].children or []
    assert {c.type for c in children} <= {"text"}, children
    assert not any(t.type.startswith("html") for t in tokens)
    return "".join(c.content for c in children)


@given(title=TITLES)
def test_a_hostile_title_is_refused_or_written_as_text_everywhere(title: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p"
        try:
            new_plugin("liuzhou", "450200", out, HIERARCHY, title=title)
        except DudaoError as err:
            event("refused")
            assert err.codes == ["invalid-title"]
            assert not out.exists()
            return
        event("written")
        # accepted: one line of visible text
        assert title.strip() and len(title) <= 60
        assert all(c.isprintable() or unicodedata.category(c) == "Zs" for c in title)
        pkg = out / "src" / "dudao_liuzhou"
        project = tomllib.loads((out / "pyproject.toml").read_text("utf-8"))
        assert project == {
            "build-system": {"requires": ["hatchling>=1.25"], "build-backend": "hatchling.build"},
            "project": {
                "name": "dudao-liuzhou",
                "version": "0.1.0",
                "description": f"dudao 插件：{title}",
                "readme": "README.md",
                "requires-python": ">=3.11",
                "dependencies": ["dudao>=0.1"],
                "entry-points": {"dudao": {"liuzhou": "dudao_liuzhou"}},
            },
            "tool": {
                "hatch": {"build": {"targets": {"wheel": {"packages": ["src/dudao_liuzhou"]}}}}
            },
        }
        manifest = yaml.safe_load((pkg / "data" / "plugin.yaml").read_text("utf-8"))
        assert manifest == {
            "name": "liuzhou",
            "title": title,
            "scope": "450200",
            "builds_on": [],
            "description": "在这里写一两句话：本插件依据哪些文件、管哪些事。",
            "documents": [],
        }
        init = ast.parse((pkg / "__init__.py").read_text("utf-8"))
        assert [type(s) for s in init.body] == [ast.Expr]  # a docstring and nothing else
        assert ast.get_docstring(init, clean=False) == f"dudao 插件：{title}。"
        assert not (pkg / "plugin.py").exists()  # the entry point names the package: no Python
        case = yaml.safe_load((out / "tests/cases/zone_without_inspector.yaml").read_text("utf-8"))
        assert case["dataset"]["scope"] == "450202"
        heading = _heading_text((out / "README.md").read_text("utf-8"))
        assert heading == f"dudao-liuzhou：{title.strip()}（450200）"


def test_a_hostile_title_loads_as_the_plugin_title(tmp_path: Path) -> None:
    title = '柳州"""; import os; os.system("x") \'\'\' [x] = "y" #: |'
    out = tmp_path / "p"
    new_plugin("liuzhou", "450200", out, HIERARCHY, title=title)
    plugin = YamlPlugin(out / "src" / "dudao_liuzhou" / "data")
    loaded = load_plugins(autoload=False, extra={"liuzhou": plugin}).get("liuzhou")
    assert loaded.ok and loaded.title == title


@given(name=st.one_of(st.text(max_size=35), st.sampled_from(["liuzhou\n", "a b", "../x", "x"])))
def test_only_names_that_are_identifiers_and_distribution_names_pass(name: str) -> None:
    problem = check_name(name)
    if problem is None:
        assert f"dudao_{name}".isidentifier() and name.isascii()
        # PEP 508 / packaging: a distribution name
        assert re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", f"dudao-{name}")
    else:
        assert problem.code == "invalid-name" and repr(name) in problem.message
        assert not problem.message.endswith("不合适：")  # always says why


BAD_NAMES = [
    ("a_", "不能以下划线结尾"),
    ("liuzhou_", "不能以下划线结尾"),
    ("_a", "须以小写字母开头"),
    ("-a", "须以小写字母开头"),
    (".a", "须以小写字母开头"),
    ("a-", "只能用小写字母、数字和下划线"),
    ("a.", "只能用小写字母、数字和下划线"),
    ("liu-zhou", "只能用小写字母、数字和下划线"),
]


@pytest.mark.parametrize(("name", "reason"), BAD_NAMES, ids=[repr(n) for n, _ in BAD_NAMES])
def test_a_name_that_is_no_distribution_name_is_refused_saying_why(
    name: str, reason: str, tmp_path: Path
) -> None:
    # check_name accepted "a_" (hypothesis found it): dudao-a_ is no PEP 508 name,
    # which must start and end with a letter or digit, so pip refused the scaffold
    problem = check_name(name)
    assert problem is not None and problem.code == "invalid-name"
    assert repr(name) in problem.message and reason in problem.message
    assert problem.hint is not None and "字母或数字结尾" in problem.hint
    out = tmp_path / "p"
    with pytest.raises(DudaoError):
        new_plugin(name, "450200", out, HIERARCHY)
    assert not out.exists()


def test_the_cli_refuses_a_name_ending_in_an_underscore_with_exit_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dudao.cli import cli

    out = tmp_path / "p"
    r = CliRunner().invoke(cli, ["new-plugin", "a_", "--scope", "450200", "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert "插件名 'a_' 不合适" in r.output and "不能以下划线结尾" in r.output
    assert "dudao-a_" in r.output  # says which name would be invalid
    assert not out.exists()


@pytest.mark.parametrize("name", ["ab", "a1", "liuzhou", "hunan_yueyang", "a_b_2", "a" * 31])
def test_names_that_start_with_a_letter_and_end_with_a_letter_or_digit_pass(name: str) -> None:
    assert check_name(name) is None


def test_a_name_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    # NAME_RE.match accepted "liuzhou\n" ($ matches before a final newline) and the
    # newline went into pyproject.toml
    out = tmp_path / "p"
    with pytest.raises(DudaoError) as err:
        new_plugin("liuzhou\n", "450200", out, HIERARCHY, builds_on=("guangxi\n",))
    assert err.value.codes == ["invalid-name", "invalid-name"]
    assert not out.exists()


def test_the_cli_refuses_a_multi_line_title_with_exit_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dudao.cli import cli

    out = tmp_path / "p"
    title = '柳州"""\nimport os; os.system("touch PWNED")\n"""'
    r = CliRunner().invoke(
        cli, ["new-plugin", "liuzhou", "--scope", "450200", "--title", title, "--out", str(out)]
    )
    assert r.exit_code == 2, r.output
    assert "--title 中有换行" in r.output and "U+000A" in r.output
    assert not out.exists()
