"""A griffe extension for the API reference: dudao's docstrings are written in the
reStructuredText manner (``literal``, :class:`~dudao.x.Y` roles, ``Example::`` blocks,
doctests); mkdocstrings renders Markdown. This rewrites each docstring before it is
rendered:

- ````code```` → ```code```; ``:role:`~a.b.C``` → ```C```, ``:role:`a.b.C``` → ```a.b.C```;
- a run of doctest lines (``>>>``, ``...`` and their output) → a fenced ``pycon`` block;
- ``Text::`` and the indented block after it → ``Text:`` and a fenced ``python`` block.

Used by mkdocs.yml (``extensions`` of the python handler); :func:`to_markdown` is what
tests/test_site.py checks.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

_ROLE = re.compile(
    r":(?:py:)?(?:class|func|mod|meth|data|attr|exc|obj|ref):`(~?)([^`<]*?)(?:\s*<([^`>]+)>)?`"
)
_LITERAL = re.compile(r"``(.+?)``")


def _role(match: re.Match[str]) -> str:
    short, text, target = match.group(1), match.group(2).strip(), match.group(3)
    if target:  # :role:`shown text <target>`
        return f"`{text}`"
    if short:
        text = text.rsplit(".", 1)[-1]
    return f"`{text}`"


def _inline(line: str) -> str:
    return _LITERAL.sub(lambda m: f"`{m.group(1)}`", _ROLE.sub(_role, line))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def to_markdown(text: str) -> str:
    """One docstring, reST manner → Markdown (tests/test_site.py has examples)."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith(">>>"):
            base = _indent(line)
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i][base:] if _indent(lines[i]) >= base else lines[i].strip())
                i += 1
            out += [" " * base + "```pycon", *(" " * base + b for b in block), " " * base + "```"]
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            base = _indent(line)
            head = stripped[:-2].rstrip()
            if head:
                out.append(" " * base + _inline(head) + ":")
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            block = []
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > base):
                block.append(lines[j])
                j += 1
            while block and not block[-1].strip():
                block.pop()
            if block:
                body = textwrap.dedent("\n".join(block)).splitlines()
                out += ["", " " * base + "```python", *(" " * base + b for b in body)]
                out += [" " * base + "```", ""]
                i = j
                continue
        out.append(_inline(line))
        i += 1
    return "\n".join(out)


class RestToMarkdown(griffe.Extension):
    """Rewrite every docstring with :func:`to_markdown` once it is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
