"""The docs stay in step with the code: every hook documented, every enum in the glossary."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from dudao.model.labels import LabelledEnum
from dudao.plugins import hookspecs

DOCS = Path(__file__).parent.parent / "docs"


def _hook_names() -> list[str]:
    return [n for n, _ in inspect.getmembers(hookspecs.DudaoSpec) if n.startswith("dudao_")]


def test_every_hook_is_documented_and_nothing_else() -> None:
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    documented = re.findall(r"^## `(dudao_\w+)\(\)`$", text, flags=re.MULTILINE)
    assert sorted(documented) == sorted(_hook_names())


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
