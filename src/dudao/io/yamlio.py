"""Reading authored YAML safely, with errors that point at the line to fix.

The loader is PyYAML's ``SafeLoader`` made strict for hand-written policy files:

* a key written twice in one mapping is an error (PyYAML keeps the last);
* only ``true``/``false`` are booleans, so ``no``, ``on``, ``yes`` stay text
  (YAML 1.1's "Norway problem");
* only plain decimal numbers are numbers: ``000000`` and ``0450`` stay text
  (YAML 1.1 would read octal) and ``1:30`` is not sexagesimal 90;
* a date that does not exist (``2023-02-30``) stays text, so the field expecting a
  date says what is wrong with it and where;
* what a hostile or broken file could do to every reader is refused with its line:
  characters YAML forbids (a NUL byte), nesting deeper than :data:`MAX_DEPTH`, and
  aliases that expand the document beyond :data:`MAX_ALIAS_GROWTH` nodes (a
  "billion laughs" of a few hundred bytes) or into a cycle.

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
from typing import Any, TypeVar, cast

import attrs
import yaml
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from dudao.errors import DudaoError, PathStep, Problem
from dudao.model.convert import converter

T = TypeVar("T")


MAX_DEPTH = 100
"""Collections nested deeper than this are refused: no authored file comes near it, and
a deeper one would exhaust the recursion of every reader after the parser."""

MAX_ALIAS_GROWTH = 10_000
"""Nodes that aliases may add to a document when expanded, beyond the nodes written
(or as many as written, for a larger file): an alias reads as a copy wherever the
data goes next, and 614 bytes of nested aliases grew past 3 GiB."""


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping names the same key twice."""


class LimitError(yaml.MarkedYAMLError):
    """The document is nested too deep or its aliases expand too far."""

    def __init__(self, message: str, mark: yaml.Mark | None, code: str, hint: str) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.code, self.hint = code, hint


class _DepthLimited:
    """Composer mixin: nesting beyond :data:`MAX_DEPTH` is an error, not a RecursionError
    (the pure-Python composer recurses once per level)."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _too_deep(self.peek_event().start_mark)  # type: ignore[attr-defined]
            node: yaml.Node = super().compose_node(parent, index)  # type: ignore[misc]
            return node
        finally:
            self._depth -= 1


def _too_deep(mark: yaml.Mark | None) -> LimitError:
    return LimitError(
        f"嵌套超过 {MAX_DEPTH} 层",
        mark,
        "yaml-too-deep",
        "按 dudao schema 给出的结构填写；列表和映射不会嵌套这么深",
    )


def _check_graph(root: yaml.Node, text: str) -> None:
    """Refuse documents nested deeper than :data:`MAX_DEPTH`, aliases that expand beyond
    :data:`MAX_ALIAS_GROWTH` and aliases that contain themselves, before anything reads
    the data. One pass without recursion; aliases need an anchor (``&``), so a file
    without one is only measured for depth."""
    if "&" not in text:
        stack: list[tuple[yaml.Node, int]] = [(root, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise _too_deep(node.start_mark)
            if isinstance(node, yaml.SequenceNode):
                stack += ((n, depth + 1) for n in node.value)
            elif isinstance(node, yaml.MappingNode):
                stack += ((n, depth + 1) for pair in node.value for n in pair)
        return
    # An alias is the anchored node itself, shared: sizes and heights are worked out
    # once per node (post-order), a node met again while still open is a cycle.
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_: set[int] = set()
    todo: list[tuple[yaml.Node, bool]] = [(root, False)]
    while todo:
        node, done = todo.pop()
        key = id(node)
        kids = _children(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            height[key] = 1 + max((height[id(k)] for k in kids), default=0)
            if height[key] > MAX_DEPTH:
                raise _too_deep(node.start_mark)
            written = len(size)
            allowed = written + max(MAX_ALIAS_GROWTH, written)
            if size[key] > allowed:
                raise LimitError(
                    f"别名（*锚点）层层展开后超过 {allowed:,} 项（文件只写了约 {written:,} 项）",
                    node.start_mark,
                    "yaml-alias-bomb",
                    "不要层层引用锚点；需要重复的内容请直接写出",
                )
            continue
        if key in size:
            continue
        if key in open_:
            raise LimitError(
                "锚点通过别名引用了它自身",
                node.start_mark,
                "yaml-alias-cycle",
                "删去该别名，或直接写出要重复的内容",
            )
        open_.add(key)
        todo.append((node, True))
        todo += ((k, False) for k in kids if id(k) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return cast(list[yaml.Node], node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


class _NoDuplicateKeys:
    """Constructor mixin: a key written twice in one mapping is an error."""

    construct_object: Callable[..., Any]  # the loader's, which this mixes into

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise DuplicateKeyError(
                    None, None, f"键 '{key}' 重复（第 {first} 行已定义）", key_node.start_mark
                )
            seen[key] = key_node
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)  # type: ignore[misc]
        return mapping


class StrictLoader(_DepthLimited, _NoDuplicateKeys, yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like scalars, duplicate-key detection and a depth limit."""

    yaml_implicit_resolvers: dict[str, Any] = {}  # noqa: RUF012 - PyYAML's class-level table


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


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:  # 2023-02-30: text, so the field wanting a date says what is wrong
        return loader.construct_scalar(node)


StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


# libyaml's parser (when PyYAML has it) with the same resolvers and constructor: plugin
# folders hold a hundred files, and the pure-Python scanner took ~0.6 s per process.
_CLoader: type | None = None

#: StrictLoader's implicit resolvers by the first character of a plain scalar, in order.
_FIRST: dict[str | None, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(pairs) for first, pairs in StrictLoader.yaml_implicit_resolvers.items()
}
# what _CLoader.resolve leaves out: resolvers for any first character, and path resolvers
assert None not in _FIRST and not StrictLoader.yaml_path_resolvers
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(_NoDuplicateKeys, yaml.CSafeLoader):  # type: ignore[no-redef]
        yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers
        yaml_constructors = StrictLoader.yaml_constructors

        # libyaml's composer calls these three for every node (some 11,000 in the
        # plugins' files). PyYAML's resolve builds a list of candidate resolvers per
        # call and each looks for path resolvers; StrictLoader has no path resolvers
        # and no wildcard (None) resolvers, so the same tags come from one lookup.
        # (test_yaml_loaders compares every tag with PyYAML's own resolve.)
        def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
            if kind is yaml.ScalarNode:
                if implicit[0]:
                    assert value is not None  # a scalar's text
                    for tag, regexp in _FIRST.get(value[:1], ()):
                        if regexp.match(value):
                            return tag
                return _STR
            return _SEQ if kind is yaml.SequenceNode else _MAP

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))
_SCALARS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "null", "timestamp")
)


class _Unusual(Exception):
    """The fast constructor met something it leaves to PyYAML's (see :func:`_plain`)."""


def _plain(root: yaml.Node, loader: Any) -> Any:
    """The data of a document with no anchors, as ``loader.construct_document`` builds it,
    and measured for depth as :func:`_check_graph` does, in one walk.

    PyYAML's constructor is general (aliases, merge keys, recursive structures built
    through generators) and was most of the time the parse takes once libyaml has
    composed the nodes. Only plain maps, lists and the scalars our resolvers give are
    built here, the scalars by the loader's own constructors; anything else (a merge
    key, a tag, a key written twice, a collection as a key, nesting too deep, a scalar
    its constructor refuses) raises :class:`_Unusual`, and the caller reads the
    document the general way, which gives the data or the error it always gave.
    """
    constructors = loader.yaml_constructors

    def build(node: yaml.Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _Unusual
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR:
                return node.value
            if tag not in _SCALARS:
                raise _Unusual
            try:
                return constructors[tag](loader, node)
            except Exception:
                raise _Unusual from None
        if isinstance(node, yaml.MappingNode) and tag == _MAP:
            out = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Unusual
                key = build(key_node, depth + 1)
                if key in out:
                    raise _Unusual
                out[key] = build(value_node, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode) and tag == _SEQ:
            return [build(child, depth + 1) for child in node.value]
        raise _Unusual

    return build(root, 1)


def _plain_shared(root: yaml.Node, loader: Any) -> Any:
    """:func:`_plain` for a document with anchors: an alias is the anchored node itself,
    built once and shared, as PyYAML shares it. The document is read this way only
    when :func:`_check_graph` would pass it for certain: no cycle, no deeper than
    :data:`MAX_DEPTH`, and no more than :data:`MAX_ALIAS_GROWTH` nodes once every alias
    is expanded (so no node is larger than the bound it is checked against)."""
    constructors = loader.yaml_constructors
    built: dict[int, tuple[Any, int]] = {}  # id(node): its data, its size expanded
    open_: set[int] = set()

    def build(node: yaml.Node, depth: int) -> tuple[Any, int]:
        key = id(node)
        if key in built:
            return built[key]
        if depth > MAX_DEPTH or key in open_:  # too deep, or holds itself
            raise _Unusual
        tag = node.tag
        out: Any
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR:
                out = node.value
            elif tag not in _SCALARS:
                raise _Unusual
            else:
                try:
                    out = constructors[tag](loader, node)
                except Exception:
                    raise _Unusual from None
            built[key] = (out, 1)
            return built[key]
        open_.add(key)
        size = 1
        if isinstance(node, yaml.MappingNode) and tag == _MAP:
            out = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Unusual
                name, key_size = build(key_node, depth + 1)
                if name in out:
                    raise _Unusual
                out[name], value_size = build(value_node, depth + 1)
                size += key_size + value_size
        elif isinstance(node, yaml.SequenceNode) and tag == _SEQ:
            out = []
            for child in node.value:
                item, item_size = build(child, depth + 1)
                out.append(item)
                size += item_size
        else:
            raise _Unusual
        if size > MAX_ALIAS_GROWTH:
            raise _Unusual
        open_.discard(key)
        built[key] = (out, size)
        return built[key]

    return build(root, 1)[0]


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
                return cast(yaml.Node, value)
    elif (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        return cast(yaml.Node, node.value[step])
    return None


def parse(text: str, source: str) -> YamlDocument:
    """Parse YAML text; syntax errors and the limits above become a Problem with the line."""
    if _CLoader is not None:
        try:
            fast = _CLoader(text)
        except yaml.YAMLError:
            fast = None  # read again below, so every message is the pure-Python loader's
        if fast is not None:
            try:
                node = fast.get_single_node()
                if node is None:
                    return YamlDocument(None, None, source)
                # no anchor, no alias: every node is met once
                plain = _plain if "&" not in text else _plain_shared
                try:
                    return YamlDocument(plain(node, fast), node, source)
                except _Unusual:
                    pass
                _check_graph(node, text)
                data = fast.construct_document(node)
                return YamlDocument(data, node, source)
            except yaml.YAMLError:
                pass  # as above
            finally:
                fast.dispose()
    try:
        loader = StrictLoader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, e.g. a NUL byte
        raise DudaoError(_bad_character(exc, text, source)) from None
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_graph(node, text)
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
        elif isinstance(exc, LimitError):
            problem = Problem(message, source=source, line=line, code=exc.code, hint=exc.hint)
        else:
            problem = Problem(
                f"YAML 语法错误：{_translate_yaml(message)}",
                source=source,
                line=line,
                hint="检查缩进、冒号后的空格和引号是否成对",
                code="yaml-syntax",
            )
        raise DudaoError(problem) from None
    except yaml.reader.ReaderError as exc:
        raise DudaoError(_bad_character(exc, text, source)) from None
    except yaml.YAMLError as exc:
        raise DudaoError(
            Problem(f"YAML 无法解析：{exc}", source=source, code="yaml-syntax")
        ) from None
    finally:
        loader.dispose()
    return YamlDocument(data, node, source)


def _bad_character(exc: yaml.reader.ReaderError, text: str, source: str) -> Problem:
    """A character YAML does not allow in a file (NUL, other control characters)."""
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    name = "（NUL）" if char == "\0" else ""
    return Problem(
        f"文件含有不允许的控制字符 U+{ord(char):04X}{name}",
        source=source,
        line=text.count("\n", 0, exc.position) + 1,
        code="bad-character",
        hint="删去该字符；它常由其他软件复制粘贴或错误的编码转换带入，用文本编辑器另存为 UTF-8",
    )


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
            step = note.name if isinstance(note, AttributeValidationNote) else note.index
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
