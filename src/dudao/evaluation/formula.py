"""Measures: a column of the measurement table or ``+ - * /`` over columns.

A tiny recursive-descent parser, so authored YAML never reaches Python's
``eval``. Division by zero gives a missing value (NaN), not an error: a school
with no students has no per-student value.

>>> import pandas as pd
>>> f = Formula.parse("teachers / students * 100")
>>> f.columns
('teachers', 'students')
>>> f.evaluate(pd.DataFrame({"teachers": [5, 3], "students": [100, 0]})).tolist()
[5.0, nan]
>>> Formula.parse("a +* b")
Traceback (most recent call last):
...
ValueError: 公式 'a +* b' 无法解析：第 4 个字符处 '*' 不应出现在这里
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

import attrs

from dudao.lazyimports import np

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?|\.\d+)|(?P<name>[^\W\d]\w*)|(?P<op>[-+*/()]))")

Node = tuple[Any, ...]  # ("num", v) | ("col", name) | ("neg", n) | (op, left, right)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(
                f"公式 '{text}' 无法解析：第 {pos + 1} 个字符处 '{text[pos:].strip()[:1]}' 无法识别"
            )
        kind = m.lastgroup or ""
        start = m.start(kind)
        out.append((kind, m.group(kind), start))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0

    def fail(self) -> ValueError:
        if self.i >= len(self.tokens):
            return ValueError(f"公式 '{self.text}' 无法解析：公式不完整")
        _, value, start = self.tokens[self.i]
        return ValueError(
            f"公式 '{self.text}' 无法解析：第 {start + 1} 个字符处 '{value}' 不应出现在这里"
        )

    def peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def parse(self) -> Node:
        if not self.tokens:
            raise ValueError("公式为空")
        node = self.expr()
        if self.i != len(self.tokens):
            raise self.fail()
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.peek() in ("+", "-"):
            op = self.tokens[self.i][1]
            self.i += 1
            node = (op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.peek() in ("*", "/"):
            op = self.tokens[self.i][1]
            self.i += 1
            node = (op, node, self.factor())
        return node

    def factor(self) -> Node:
        if self.i >= len(self.tokens):
            raise self.fail()
        kind, value, _ = self.tokens[self.i]
        if value == "-":
            self.i += 1
            return ("neg", self.factor())
        if value == "(":
            self.i += 1
            node = self.expr()
            if self.peek() != ")":
                raise self.fail()
            self.i += 1
            return node
        if kind == "num":
            self.i += 1
            return ("num", float(value))
        if kind == "name":
            self.i += 1
            return ("col", value)
        raise self.fail()


def _columns(node: Node, out: list[str]) -> None:
    if node[0] == "col":
        if node[1] not in out:
            out.append(node[1])
    elif node[0] != "num":
        for child in node[1:]:
            _columns(child, out)


@attrs.frozen
class Formula:
    """A parsed measure; ``str`` gives back the text as written."""

    text: str
    tree: Node = attrs.field(eq=False, repr=False)

    @classmethod
    def parse(cls, text: str | Formula) -> Formula:
        if isinstance(text, Formula):
            return text
        return cls(text.strip(), _Parser(text.strip()).parse())

    @property
    def columns(self) -> tuple[str, ...]:
        out: list[str] = []
        _columns(self.tree, out)
        return tuple(out)

    @property
    def is_column(self) -> bool:
        return cast(bool, self.tree[0] == "col")

    def evaluate(self, data: Mapping[str, Any]) -> np.ndarray:
        """Evaluate over columns (a DataFrame or a dict of arrays) as float64."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.asarray(_eval(self.tree, data), dtype=np.float64)
        return np.where(np.isfinite(out), out, np.nan)

    def __str__(self) -> str:
        return self.text


def _eval(node: Node, data: Mapping[str, Any]) -> Any:
    tag = node[0]
    if tag == "num":
        return node[1]
    if tag == "col":
        return np.asarray(data[node[1]], dtype=np.float64)
    if tag == "neg":
        return -_eval(node[1], data)
    left, right = _eval(node[1], data), _eval(node[2], data)
    if tag == "+":
        return left + right
    if tag == "-":
        return left - right
    if tag == "*":
        return left * right
    return np.divide(left, right)
