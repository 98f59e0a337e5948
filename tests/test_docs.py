"""The docs stay in step with the code: every hook documented with its signature, every
enum in the glossary, and every code example in docs/ runs.

Code examples: each page's fenced ``python`` blocks run in order in one namespace, in a
scratch folder that sees the repository's ``docs/``, ``plugins/`` and ``src/``; each
``dudao …`` line of its ``sh``/``bash``/``console`` blocks runs through the command line
(in process, as the ``dudao`` script would) and must exit 0 or 1 (1: findings) without a
traceback. A block that cannot run says so and why on the line before it::

    <!-- docs-test: skip 需要真实的全国数据 / needs the real national data -->
"""

from __future__ import annotations

import glob
import inspect
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy
import pytest

from dudao.model.labels import LabelledEnum
from dudao.plugins import hookspecs

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def _hook_names() -> list[str]:
    return [n for n, _ in inspect.getmembers(hookspecs.DudaoSpec) if n.startswith("dudao_")]


def test_every_hook_is_documented_and_nothing_else() -> None:
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    documented = re.findall(r"^## `(dudao_\w+)\(\)`$", text, flags=re.MULTILINE)
    assert sorted(documented) == sorted(_hook_names())
    # and nothing else that looks like a hook: no dudao_* name the specs lack
    mentioned = set(re.findall(r"\b(dudao_[a-z_]+)\(", text))
    assert mentioned <= set(_hook_names()), mentioned - set(_hook_names())


def _signature(name: str) -> str:
    fn = getattr(hookspecs.DudaoSpec, name)
    params = ", ".join(inspect.signature(fn).parameters)
    return f"def {name}({params}) -> {fn.__annotations__['return']}"


@pytest.mark.parametrize("name", _hook_names())
def test_every_hook_section_states_the_specs_signature(name: str) -> None:
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    section = text.split(f"## `{name}()`", 1)[1].split("\n## ", 1)[0]
    stated = re.findall(r"^\*\*签名 / signature\*\*：`([^`]+)`$", section, flags=re.MULTILINE)
    assert stated == [_signature(name)]


def test_signature_check_fails_on_a_drifted_signature() -> None:
    """The check above compares text: a changed return type would not match."""
    assert _signature("dudao_parameters") == (
        "def dudao_parameters(self) -> Iterable[Parameter | Sourced[Parameter]]"
    )
    assert _signature("dudao_plugin_info") != "def dudao_plugin_info(self) -> Iterable[PluginInfo]"


@pytest.mark.regional
def test_hook_examples_implement_real_hooks_returning_what_the_spec_says() -> None:
    """Every class the hook reference defines registers with pluggy against the specs
    (a misspelled hook or a wrong argument fails ``check_pending``), and each of its
    hooks returns what its spec's annotation names."""
    import typing

    from dudao.plugins.info import Sourced

    hosts = [
        v
        for v in run_python_examples(DOCS / "hooks.md")
        if isinstance(v, type) and any(n.startswith("dudao_") for n in vars(v))
    ]
    assert len(hosts) >= len(_hook_names())
    hints = {n: typing.get_type_hints(getattr(hookspecs.DudaoSpec, n)) for n in _hook_names()}
    called = set()
    for host in hosts:
        pm = pluggy.PluginManager("dudao")
        pm.add_hookspecs(hookspecs.DudaoSpec)
        pm.register(host())
        pm.check_pending()
        for name in (n for n in vars(host) if n.startswith("dudao_")):
            answer = getattr(host(), name)()
            wanted = hints[name]["return"]
            if typing.get_origin(wanted) is None:  # PluginInfo
                assert isinstance(answer, wanted), (host, name)
            else:  # Iterable[X | Sourced[X]]
                (item,) = typing.get_args(wanted)
                plain = next(a for a in typing.get_args(item) if typing.get_origin(a) is None)
                assert answer and all(isinstance(a, plain | Sourced) for a in answer), (host, name)
            called.add(name)
    assert called == set(_hook_names())


@pytest.mark.parametrize("name", _hook_names())
def test_every_hook_spec_has_a_docstring_with_an_example(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs.DudaoSpec, name)) or ""
    assert "Example::" in doc and "@hookimpl" in doc


def _enums() -> list[type[LabelledEnum]]:
    import importlib
    import pkgutil

    import dudao

    # every module, so that no enum escapes by not having been imported yet
    for info in pkgutil.walk_packages(dudao.__path__, "dudao."):
        importlib.import_module(info.name)
    out, stack = [], list(LabelledEnum.__subclasses__())
    while stack:
        cls = stack.pop()
        out.append(cls)
        stack += cls.__subclasses__()
    return sorted(out, key=lambda c: c.__name__)


@pytest.mark.parametrize("enum", _enums(), ids=lambda c: c.__name__)
def test_glossary_lists_every_enum_value_with_its_chinese_label(enum: type[LabelledEnum]) -> None:
    text = (DOCS / "glossary.md").read_text(encoding="utf-8")
    section = text.split(f"### `{enum.__name__}`", 1)
    assert len(section) == 2, f"docs/glossary.md lacks a section for {enum.__name__}"
    table = section[1].split("###", 1)[0]
    rows = {
        tuple(c.strip() for c in line.strip("|").split("|")[:2])
        for line in table.splitlines()
        if line.startswith("|")
    }
    assert {(m.value, m.label) for m in enum} <= rows


def test_datasets_doc_lists_every_table_and_column() -> None:
    from dudao.model.tables import COMMITTEE_MEMBERS, COMMITTEES, TABLES, UNITS

    text = (DOCS / "datasets.md").read_text(encoding="utf-8")
    specs = {**TABLES, **{t.name: t for t in (UNITS, COMMITTEES, COMMITTEE_MEMBERS)}}
    for name, spec in specs.items():
        section = text.split(f"### `{name}`", 1)
        assert len(section) == 2, f"docs/datasets.md lacks the table {name}"
        body = section[1].split("###", 1)[0]
        for column in spec.columns:
            assert f"| `{column.name}` | {column.label_zh} |" in body, (name, column.name)


@pytest.mark.regional
def test_rules_reference_is_current() -> None:
    import importlib.util

    path = DOCS.parent / "tools" / "make_rules_doc.py"
    spec = importlib.util.spec_from_file_location("make_rules_doc", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert current == module.render(), "run: .venv/bin/python tools/make_rules_doc.py"


@pytest.mark.parametrize("plugin", ["guangxi", "nanning", "weinan", "yueyang"])
def test_plugin_readme_coverage_is_current(plugin: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each plugin README's generated part (counts, programmes, cases, example results,
    every plan task) is what the plugin's data says: tools/plugin_readmes.py writes it."""
    import importlib.util

    pytest.importorskip(f"dudao_{plugin}")
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("DUDAO_NO_PLUGIN_AUTOLOAD", raising=False)
    path = DOCS.parent / "tools" / "plugin_readmes.py"
    spec = importlib.util.spec_from_file_location("plugin_readmes", path)
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    current = tool.readme(plugin).read_text(encoding="utf-8")
    assert current == tool.updated(plugin), "run: .venv/bin/python tools/plugin_readmes.py"


# ---------------------------------------------------------------- code examples

SKIP = re.compile(r"^<!-- docs-test: skip (?P<reason>\S.*?) -->$")
SHELLS = {"sh", "bash", "shell", "console"}


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    code: str
    skip: str | None  # the reason given, or None: the block runs


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page (fences may be indented, as in lists)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = re.match(r"^(?P<indent> *)(?P<fence>`{3,})(?P<lang>[\w+-]*)", lines[i])
        if not m:
            i += 1
            continue
        indent, fence = len(m["indent"]), m["fence"]
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        body = "\n".join(line[indent:] for line in lines[i + 1 : end])
        before = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        skip = SKIP.match(before)
        out.append(Block(page, i + 1, m["lang"], body + "\n", skip["reason"] if skip else None))
        i = end + 1
    return out


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def _ids(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


def _with(langs: set[str]) -> list[Path]:
    return [p for p in pages() if any(b.lang in langs for b in blocks(p))]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working folder that sees the repository's docs/, plugins/, src/ and .venv/
    (examples name them relative to the repository root) and keeps what they write."""
    for name in ("docs", "plugins", "src", ".venv"):
        if (ROOT / name).exists():
            (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUDAO_STORE", raising=False)
    monkeypatch.delenv("DUDAO_NO_PLUGIN_AUTOLOAD", raising=False)
    yield tmp_path


def run_python_examples(page: Path) -> list[Any]:
    """Run a page's python blocks in order, in one namespace; return every object a
    block bound or rebound (a later block may reuse a name, as the hook pages do)."""
    namespace: dict[str, Any] = {"__name__": f"docs.{page.stem}"}
    made: list[Any] = []
    for b in blocks(page):
        if b.lang == "python" and b.skip is None:
            before = dict(namespace)
            padded = "\n" * (b.line) + b.code  # tracebacks name the page's own line numbers
            exec(compile(padded, str(page.relative_to(ROOT)), "exec"), namespace)
            made += [v for k, v in namespace.items() if before.get(k, made) is not v]
    return made


#: pages whose examples use the regional plugins' examples, plans, bodies or hooks
REGIONAL_PAGES = {
    "getting-started.md",
    "hooks.md",
    "workflow.md",
    "evaluation.md",
    "plugins.md",
    "plugins.en.md",
    "start/policy.md",
}


def _pages(langs: set[str]) -> list[Any]:
    """The pages with examples in ``langs``, those of REGIONAL_PAGES marked regional."""
    return [
        pytest.param(p, marks=pytest.mark.regional) if _ids(p) in REGIONAL_PAGES else p
        for p in _with(langs)
    ]


@pytest.mark.parametrize("page", _pages({"python"}), ids=_ids)
def test_python_examples_run(page: Path, scratch: Path) -> None:
    run_python_examples(page)


def commands(block: Block) -> list[str]:
    """The ``dudao`` command lines of a shell block, continuation lines joined."""
    joined = re.sub(r" *\\\n\s*", " ", block.code)
    out = []
    for raw in joined.splitlines():
        line = raw.strip().removeprefix("$ ").strip()
        words = shlex.split(line, comments=True) if line else []
        if words and words[0] in ("dudao", ".venv/bin/dudao"):
            out.append(line)
    return out


def run_command(line: str, cwd: Path) -> tuple[int, str]:
    """One ``dudao …`` line through the command line, in process: globs expanded and a
    ``> file`` redirection honoured, as the shell would."""
    from click.testing import CliRunner

    from dudao.cli import cli

    words = shlex.split(line, comments=True)[1:]
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], words[at + 1]
    args: list[str] = []
    for w in words:
        matched = sorted(glob.glob(w)) if any(c in w for c in "*?[") else []
        args += matched or [w]
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{line}: {result.exception!r}") from result.exception
    if target:
        (cwd / target).write_text(result.stdout, encoding="utf-8")
    return result.exit_code, result.output


@pytest.mark.parametrize("page", _pages(SHELLS), ids=_ids)
def test_shell_examples_run(page: Path, scratch: Path) -> None:
    """Every ``dudao`` line of the page, in order (later lines may use what earlier ones
    wrote); all failures are reported together."""
    run_shell_examples(page, scratch)


@pytest.mark.regional
def test_readme_examples_run(scratch: Path) -> None:
    """README's Python example and its ``dudao`` lines (command 1's checks included)."""
    readme = ROOT / "README.md"
    run_python_examples(readme)
    run_shell_examples(readme, scratch)


def run_shell_examples(page: Path, scratch: Path) -> None:
    failures = []
    for b in blocks(page):
        if b.lang not in SHELLS or b.skip is not None:
            continue
        for line in commands(b):
            code, output = run_command(line, scratch)
            if code not in (0, 1) or "Traceback" in output:
                where = f"{page.relative_to(ROOT)}:{b.line}"
                failures.append(f"{where}: `{line}` exited {code}:\n{output[-1500:]}")
    assert not failures, "\n\n".join(failures)


def test_example_blocks_are_found_and_skips_give_a_reason(tmp_path: Path) -> None:
    """The block reader finds indented fences, joins nothing it should not, and takes a
    skip marker only with a reason, only from the line just before the fence."""
    page = tmp_path / "p.md"
    page.write_text(
        "# t\n\n- 列表\n\n  ```python\n  x = 1\n  ```\n\n"
        "<!-- docs-test: skip 需要全国数据 -->\n```sh\ndudao check a \\\n  --as-of 2023-03-01\n"
        "pip install x\n```\n\n<!-- docs-test: skip -->\n```sh\ndudao plugins  # 注释\n```\n",
        encoding="utf-8",
    )
    found = blocks(page)
    assert [(b.lang, b.line, b.skip) for b in found] == [
        ("python", 5, None),
        ("sh", 10, "需要全国数据"),
        ("sh", 17, None),
    ]
    assert found[0].code == "x = 1\n"
    assert commands(found[1]) == ["dudao check a --as-of 2023-03-01"]
    assert commands(found[2]) == ["dudao plugins  # 注释"]


def test_no_skip_marker_is_left_dangling() -> None:
    """A skip marker must sit right before a fence: otherwise it skips nothing and misleads."""
    for page in pages():
        lines = page.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.strip().startswith("<!-- docs-test:"):
                assert SKIP.match(line.strip()), f"{page}:{i + 1}: a skip needs a reason"
                nxt = next((x for x in lines[i + 1 :] if x.strip()), "")
                assert nxt.lstrip().startswith("```"), f"{page}:{i + 1}: no fence follows"
