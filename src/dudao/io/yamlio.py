"""Reading authored YAML safely, with errors that point at the line to fix.

The loader is PyYAML's ``SafeLoader`` made strict for hand-written policy files:

* a key written twice in one mapping is an error (PyYAML keeps the last);
* only ``true``/``false`` are booleans, so ``no``, ``on``, ``yes`` stay text
  (YAML 1.1's "Norway problem");
* only plain decimal numbers are numbers: ``000000`` and ``0450`` stay text
  (YAML 1.1 would read octal) and ``1:30`` is not sexagesimal 90.

:func:`load` parses a file and structures it into a model class; every problem
comes back as a :class:`~dudao.errors.Problem` naming file, line and field path.

>>> import tempfile, pathlib
>>> from dudao.model.bodies import Membership
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "m.yaml").write_text("unit: 市教育局\\nliason: 张三\\n", encoding="utf-8")
>>> load(d / "m.yaml", Membership)
Traceback (most recent call last):
...
dudao.errors.DudaoError: .../m.yaml:2 liason: 未知字段 'liason'（是否是 'liaison'？）
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import attrs
import yaml
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from dudao.errors import DudaoError, PathStep, Problem
from dudao.io.convert import converter

T = TypeVar("T")


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping names the same key twice."""


class _NoDuplicateKeys:
    """Constructor mixin: a key written twice in one mapping is an error."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise DuplicateKeyError(
                    None, None, f"键 '{key}' 重复（第 {first} 行已定义）", key_node.start_mark
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class StrictLoader(_NoDuplicateKeys, yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like scalars and duplicate-key detection."""

    yaml_implicit_resolvers: dict = {}  # noqa: RUF012 - PyYAML's class-level table


for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    ("float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (
        "timestamp",
        r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
        r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$",
        "0123456789",
    ),
]:
    StrictLoader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first)
    )


# libyaml's parser (when PyYAML has it) with the same resolvers and constructor: plugin
# folders hold a hundred files, and the pure-Python scanner took ~0.6 s per process.
_CLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(_NoDuplicateKeys, yaml.CSafeLoader):  # type: ignore[no-redef]
        yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers


class StrictDumper(yaml.SafeDumper):
    """Writes YAML that :class:`StrictLoader` and YAML 1.1 readers both read back unchanged.

    It knows both sets of scalar rules and quotes any string that either would
    read as a number, boolean or date (``'000000'``, ``'no'``, ``'1.5e3'``).
    """

    yaml_implicit_resolvers = {
        first: [*yaml.SafeDumper.yaml_implicit_resolvers.get(first, []), *resolvers]
        for first, resolvers in StrictLoader.yaml_implicit_resolvers.items()
    } | {
        first: resolvers
        for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
        if first not in StrictLoader.yaml_implicit_resolvers
    }


def dump(data: Any) -> str:
    """Plain data (e.g. ``converter.unstructure(obj)``) as block-style UTF-8 YAML."""
    return yaml.dump(data, Dumper=StrictDumper, allow_unicode=True, sort_keys=False)


@attrs.frozen
class YamlDocument:
    """Parsed YAML data together with its node tree, for locating errors."""

    data: Any
    node: yaml.Node | None
    source: str

    def line_of(self, path: Iterable[PathStep]) -> int | None:
        """1-based line of the deepest node along ``path`` that exists."""
        node = self.node
        if node is None:
            return None
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1

    def locate(self, problem: Problem) -> Problem:
        """Fill in this file and the line of the problem's path."""
        return problem.located(source=self.source, line=self.line_of(problem.path))


def _child(node: yaml.Node, step: PathStep) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(step):
                return value
    elif (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        return node.value[step]
    return None


def parse(text: str, source: str) -> YamlDocument:
    """Parse YAML text; syntax errors become a Problem with the line."""
    if _CLoader is not None:
        fast = _CLoader(text)
        try:
            node = fast.get_single_node()
            data = fast.construct_document(node) if node is not None else None
            return YamlDocument(data, node, source)
        except yaml.YAMLError:
            pass  # read again below, so every message is the pure-Python loader's
        finally:
            fast.dispose()
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = exc.problem or str(exc)
        if isinstance(exc, DuplicateKeyError):
            problem = Problem(
                message,
                source=source,
                line=line,
                code="duplicate-key",
                hint="同一层级的每个键只能写一次，删去或合并其中一处",
            )
        else:
            problem = Problem(
                f"YAML 语法错误：{_translate_yaml(message)}",
                source=source,
                line=line,
                hint="检查缩进、冒号后的空格和引号是否成对",
                code="yaml-syntax",
            )
        raise DudaoError(problem) from None
    except yaml.YAMLError as exc:
        raise DudaoError(
            Problem(f"YAML 无法解析：{exc}", source=source, code="yaml-syntax")
        ) from None
    finally:
        loader.dispose()
    return YamlDocument(data, node, source)


def _translate_yaml(message: str) -> str:
    known = {
        "mapping values are not allowed here": "此处不允许出现“键: 值”（可能缺少缩进或引号）",
        "could not find expected ':'": "缺少冒号 ':'",
        "found character '\\t' that cannot start any token": "不能用制表符缩进，请用空格",
        "expected <block end>, but found": "缩进不一致",
        "found undefined alias": "引用了未定义的锚点",
    }
    for english, chinese in known.items():
        if message.startswith(english):
            return chinese
    return message


def read(path: str | Path) -> YamlDocument:
    """Read and parse one YAML file (UTF-8)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DudaoError(Problem("文件不存在", source=str(path), code="missing-file")) from None
    except UnicodeDecodeError as exc:
        raise DudaoError(
            Problem(
                f"文件不是 UTF-8 编码（第 {exc.start + 1} 个字节）",
                source=str(path),
                hint="用编辑器另存为 UTF-8",
                code="bad-encoding",
            )
        ) from None
    return parse(text, str(path))


def structure(doc: YamlDocument, cls: type[T], *, root: tuple[PathStep, ...] = ()) -> T:
    """Structure the data (or the part at ``root``) into ``cls``; locate every error."""
    data = doc.data
    if data is None and not root:
        raise DudaoError(
            Problem(
                "文件是空的",
                source=doc.source,
                code="empty-file",
                hint="按 dudao schema 给出的结构填写内容",
            )
        )
    for step in root:
        data = data[step]
    try:
        return converter.structure(data, cls)
    except Exception as exc:  # cattrs wraps everything it meets; we translate all of it
        found = list(_explain(exc))
        # A misspelt field is one mistake, not an unknown field plus a missing one.
        typos = {(*path[:-1], hint_for) for path, _, _, _, hint_for in found if hint_for}
        problems = [
            doc.locate(Problem(message, path=(*root, *path), hint=hint, code=code))
            for path, message, hint, code, _ in found
            if not (code == "missing-field" and path in typos)
        ]
        problems.sort(key=lambda p: p.line or 0)
        raise DudaoError(problems) from None


def load(
    path: str | Path,
    cls: type[T],
    *,
    validate: Callable[[T], Iterable[Problem]] | None = None,
) -> T:
    """Read ``path`` as ``cls``; run ``validate`` (domain checks) and locate its problems."""
    doc = read(path)
    obj = structure(doc, cls)
    if validate is not None:
        problems = [doc.locate(p) for p in validate(obj)]
        if problems:
            raise DudaoError(problems)
    return obj


# (path, message, hint, code, the field a misspelt key probably meant)
Explained = tuple[tuple[PathStep, ...], str, str | None, str, str | None]


def _explain(exc: BaseException, path: tuple[PathStep, ...] = ()) -> Iterator[Explained]:
    """Flatten cattrs' exception groups into (path, message, hint, code)."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            step = note.name if isinstance(exc, ClassValidationError) else note.index
            yield from _explain(sub, (*path, step))
        for sub in without:
            yield from _explain(sub, path)
    elif isinstance(exc, ForbiddenExtraKeysError):
        fields = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        for key in sorted(exc.extra_fields, key=str):
            close = difflib.get_close_matches(str(key), fields, n=1)
            hint = f"是否是 '{close[0]}'？" if close else f"可用的字段：{', '.join(fields)}"
            meant = close[0] if close else None
            yield (*path, key), f"未知字段 '{key}'", hint, "unknown-field", meant
    elif isinstance(exc, KeyError):
        yield path, "缺少必填字段", None, "missing-field", None
    elif isinstance(exc, DudaoError):
        for p in exc.problems:
            yield (*path, *p.path), p.message, p.hint, p.code or "invalid", None
    elif isinstance(exc, TypeError | ValueError):
        message = str(exc)
        if not re.search(r"[\u4e00-\u9fff]", message):
            message = f"取值无效：{message}"
        yield path, message, None, "invalid-value", None
    else:
        yield path, f"{type(exc).__name__}: {exc}", None, "invalid-value", None
