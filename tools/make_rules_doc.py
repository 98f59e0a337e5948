"""Write docs/rules.md from the law book: every rule, its citations, where and since when.

Run: .venv/bin/python tools/make_rules_doc.py   (tests/test_docs.py checks it is current)
"""

from __future__ import annotations

from pathlib import Path

from dudao.plugins.manager import load_plugins
from dudao.plugins.national import national_rule_classes

OUT = Path(__file__).parent.parent / "docs" / "rules.md"

HEADER = """\
# 规则参考 / Rule reference

由 `tools/make_rules_doc.py` 根据内置的全国插件和仓库自带的四个地区插件生成，请勿手改。
每条规则列出它的各个版本：适用范围、来源插件、依据（文号 + 条款）和有效期。地区版本在其
范围内取代国家版本（最具体的范围优先）。“模板”规则在国家层面不生效，只在地区采用后生效。
`dudao rules --for 区划代码 --as-of 日期` 列出某地某日实际有效的规则和参数。

Generated from the law book (built-in national plugin + the four bundled regional plugins);
do not edit by hand. A regional version replaces the national one inside its scope.
"""


def render() -> str:
    book = load_plugins().law_book()
    out = [HEADER]
    for cls in national_rule_classes():
        out.append(f"## `{cls.id}` {cls.title}\n")
        line = f"{cls.title_en}. 对象：{cls.target_kind.label}。"
        if cls.needs:
            line += f" 需要：{'、'.join(cls.needs)}。"
        if cls.parameters:
            line += f" 参数：{'、'.join(f'`{p}`' for p in cls.parameters)}。"
        out += [line, "", "| 范围 | 来源 | 依据 | 有效期 |", "|---|---|---|---|"]
        for e in book.versions("rule", cls.id):
            scope = f"{e.scope} {book.hierarchy.get(e.scope).name}"
            if e.value is None and e.origin.plugin == "national":
                out.append(f"| {scope} | national | 模板：仅在地区采用后生效 | — |")
                continue
            dated = e.validity.since or e.validity.until
            out.append(
                f"| {scope} | {e.origin.plugin} | {e.citation_text() or '—'} | "
                f"{e.validity.describe() if dated else '—'} |"
            )
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
