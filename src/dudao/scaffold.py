"""``dudao new-plugin``: a working regional plugin from nothing but a name and a scope.

The folder it writes installs with ``pip install -e`` and shows up in ``dudao
plugins`` at once: a pyproject whose entry point names the package (no Python),
``plugin.yaml``, commented skeletons of the parameters and rules files (adoptions and
rules written from templates), a note on work plans, one passing YAML test case and a
README with an empty coverage table — exactly the files the guide (docs/plugins.md,
第一步) lists. Nothing official is invented: the skeletons state no value, and the
test case checks a national rule.

>>> import tempfile, pathlib
>>> from dudao.plugins.manager import load_plugins
>>> out = pathlib.Path(tempfile.mkdtemp()) / "dudao-liuzhou"
>>> written = new_plugin("liuzhou", "450200", out, load_plugins(autoload=False).hierarchy())
>>> sorted(p.relative_to(out).as_posix() for p in written)[:3]
['README.md', 'pyproject.toml', 'src/dudao_liuzhou/__init__.py']
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from dudao.errors import DudaoError, Problem
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Level
from dudao.report.text import markdown_cell

# a Python identifier once prefixed with dudao_, and a distribution name once prefixed
# with dudao- (PEP 508: letters, digits, ``-_.``, starting and ending with a letter or
# digit, so no trailing underscore): nothing to quote anywhere it is written
NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,29}[a-z0-9]")
NAME_MIN, NAME_MAX = 2, 31
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
TITLE_MAX = 60


def _name_reason(name: str) -> str:
    """Why ``name`` fails :data:`NAME_RE`, every reason, in the words the user needs
    to fix it."""
    if not name:
        return "为空"
    reasons = []
    if not ("a" <= name[0] <= "z"):
        reasons.append("须以小写字母开头")
    bad = sorted({c for c in name if c not in _NAME_CHARS})
    if bad:
        shown = "、".join(repr(c) for c in bad[:5])
        reasons.append(f"含有 {shown}，只能用小写字母、数字和下划线")
    if name.endswith("_"):
        reasons.append(f"不能以下划线结尾（发行包名 dudao-{name} 须以字母或数字结尾，PEP 508）")
    if not NAME_MIN <= len(name) <= NAME_MAX:
        reasons.append(f"有 {len(name)} 个字符，须为 {NAME_MIN}–{NAME_MAX} 个")
    return "；".join(reasons)


def check_name(name: str, what: str = "插件名") -> Problem | None:
    """The problem with a plugin name, or None. ``fullmatch``: ``$`` would let a
    trailing newline through.

    >>> print(check_name("a_").message)
    插件名 'a_' 不合适：不能以下划线结尾（发行包名 dudao-a_ 须以字母或数字结尾，PEP 508）
    """
    if NAME_RE.fullmatch(name):
        return None
    return Problem(
        f"{what} {name!r} 不合适：{_name_reason(name)}",
        code="invalid-name",
        hint=f"用小写拼音或英文字母、数字和下划线，字母开头、字母或数字结尾，"
        f"{NAME_MIN}–{NAME_MAX} 个字符，如 liuzhou、hunan_yueyang",
    )


def check_title(title: str) -> Problem | None:
    """The problem with a plugin title, or None: one line of visible text (spaces
    allowed), at most :data:`TITLE_MAX` characters."""
    bad = sorted({c for c in title if not (c.isprintable() or unicodedata.category(c) == "Zs")})
    if title.strip() and len(title) <= TITLE_MAX and not bad:
        return None
    if bad:
        found = "、".join(f"U+{ord(c):04X}" for c in bad[:5])
        message = f"--title 中有换行、制表或其他控制字符（{found}）"
    elif not title.strip():
        message = "--title 为空"
    else:
        message = f"--title 有 {len(title)} 个字符，超过 {TITLE_MAX} 个"
    return Problem(
        message,
        code="invalid-title",
        hint=f"写一行中文名称，不超过 {TITLE_MAX} 个字符，如 --title 柳州市；不给则取区划名称",
    )


def new_plugin(
    name: str,
    scope: str,
    out: Path,
    hierarchy: Hierarchy,
    *,
    title: str | None = None,
    builds_on: tuple[str, ...] = (),
) -> list[Path]:
    """Write the plugin folder ``out``; refuses to touch an existing non-empty folder.

    Every value is written by a serialiser (TOML strings, ``yaml.safe_dump``,
    ``repr``), never pasted into code: a title is text in every file it reaches."""
    checks = [
        check_name(name),
        *(check_name(b, "--builds-on 插件名") for b in builds_on),
        None if title is None else check_title(title),
    ]
    problems = [p for p in checks if p is not None]
    if scope not in hierarchy:
        problems.append(
            Problem(
                f"未知的区划代码 {scope!r}",
                code="unknown-code",
                hint="dudao hierarchy show 000000 可查看区划树；开发区等先由上级插件登记",
            )
        )
    if out.exists() and any(out.iterdir()):
        problems.append(
            Problem(
                f"{out} 已存在且不为空，不会覆盖其中的文件",
                code="exists",
                hint="换一个 --out 目录，或先移走原有文件",
            )
        )
    if problems:
        raise DudaoError(problems)
    unit = hierarchy.get(scope)
    title = title or unit.name
    county = _a_county(hierarchy, scope)
    package = f"dudao_{name}"
    data = out / "src" / package / "data"
    files = {
        out / "pyproject.toml": _PYPROJECT.format(
            name=_toml(f"dudao-{name}"),
            description=_toml(f"dudao 插件：{title}"),
            entry=_toml(name),
            target=_toml(package),
            packages=_toml(f"src/{package}"),
        ),
        out / "README.md": _README.format(
            name=name, title=markdown_cell(title), scope=markdown_cell(scope)
        ),
        out / "src" / package / "__init__.py": f"{f'dudao 插件：{title}。'!r}\n",
        data / "plugin.yaml": _PLUGIN_YAML_HEAD
        + _yaml(
            {
                "name": name,
                "title": title,
                "scope": scope,
                "builds_on": list(builds_on),
                "description": "在这里写一两句话：本插件依据哪些文件、管哪些事。",
                "documents": [],
            }
        )
        + _PLUGIN_YAML_DOCUMENTS,
        data / "parameters" / "local.yaml": _PARAMETERS,
        data / "rules" / "local.yaml": _RULES,
        data / "plans" / "README.md": _PLANS,
        out / "tests" / "cases" / "zone_without_inspector.yaml": _CASE.format(
            county=_yaml_scalar(county), county_name=_comment(hierarchy.get(county).name)
        ),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def _toml(text: str) -> str:
    """A TOML basic string: JSON's string escapes are TOML's, and TOML also wants DEL
    escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)


def _yaml_scalar(value: str) -> str:
    """One double-quoted YAML scalar, to place inside a template."""
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10**9).rstrip()


def _comment(text: str) -> str:
    """``text`` safe inside a ``#`` comment: one line of printable characters."""
    return "".join(c if c.isprintable() else " " for c in text)


def _a_county(hierarchy: Hierarchy, scope: str) -> str:
    """A county-level unit inside ``scope`` for the example case (the scope itself
    when it is one)."""
    unit = hierarchy.get(scope)
    if unit.level is Level.COUNTY:
        return scope
    counties = hierarchy.at_level(Level.COUNTY, within=scope)
    if not counties:
        raise DudaoError(
            Problem(
                f"{scope} 之下没有县级单位，无法生成示例用例",
                code="no-county",
                hint="插件的范围应为省、市或县级单位",
            )
        )
    return counties[0].code


_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = {name}
version = "0.1.0"
description = {description}
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["dudao>=0.1"]

# dudao 通过这个入口点找到插件
[project.entry-points.dudao]
{entry} = {target}

[tool.hatch.build.targets.wheel]
packages = [{packages}]
"""

_PLUGIN_YAML_HEAD = "# 插件清单（dudao schema plugin 输出其 JSON Schema）\n"
_PLUGIN_YAML_DOCUMENTS = """\
#  - number: 某教督〔2025〕1号      # 文号，照原件填写
#    issuer: 发文机关
#    date: 2025-03-01              # 成文日期；原件看不清就写 null，不要猜
#    title: 文件标题
#    public: null                  # 原件标“此件公开发布”写 true，“不予公开”写 false，未标注写 null
"""

_PARAMETERS = """\
# 参数（dudao schema parameters）。每个文件一个主题，如 staffing.yaml；本文件只是说明，
# 可以删去。每个取值必须写依据（文号 + 条款）；文件没有给出的数字只能作为示例，写 sample: true。
#
# parameters:
#   - id: inspector.schools_per_inspector     # dudao rules 列出各规则读取的参数
#     title: 每名督学负责的学校数
#     values:
#       - value: 5
#         cite: 某教督〔2025〕1号 三（一）
#         since: 2025-03-01
parameters: []
"""

_RULES = """\
# 规则（dudao schema rules；模板参考 docs/templates.md）。本文件只是说明，可以删去。
# 两种条目：采用或停用已有规则；有 template: 的条目是按模板写的本地区规则。
#
# rules:
#   - id: zone-coverage                     # dudao rules 列出全部规则
#     cite: [某教督〔2025〕1号 二（四）]      # 本地依据：本地区的问题引用这一条
#     since: 2025-03-01
#   - id: committee-meetings
#     enabled: false                        # 在本地区停用
#   - id: kindergarten-visits-per-year      # 按模板写的规则
#     template: count-per-period            # 每个单位在一个期间内的记录数不少于目标数
#     title: 每所幼儿园每年接受经常性督导不少于规定次数
#     cite: [某教督〔2025〕1号 二]
#     units: {schools: [kindergarten]}
#     records: {table: visits, unit_column: school_id}
#     at_least: {parameter: 某地.kindergarten_visits_per_year}
rules: []
"""

_PLANS = """\
# 工作要点

每个年度一个文件，如 `2025.yaml`（`dudao schema plan`）：逐项写任务原文、牵头单位、期限，
原文给出可度量目标的写 `target`。写好后运行 `dudao plan show --plugin 插件名` 查看，
`dudao plan status 数据集 --plugin 插件名` 检查完成情况。格式见 docs/plugins.md。
"""

_CASE = """\
# YAML 测试用例：一个小数据集、检查日期和预期结果。dudao test tests/cases 运行；pytest 也会运行。
name: 责任区没有责任督学时，区内学校均被指出
as_of: 2025-03-01
dataset:
  scope: {county}        # {county_name}
  tables:
    schools:
      - {{school_id: S1, name: 示例小学, stage: primary, ownership: public, students: 600,
         county: {county}, zone: Z1}}
    zones:
      - {{zone_id: Z1, name: 第一责任区, county: {county}}}
    inspectors: []         # 有督学表、表中没有人（没有督学表时，需要它的规则不运行）
rules: [zone-coverage]
expect:
  findings:
    - {{rule: zone-coverage, target: S1, severity: error}}
"""

_README = """\
# dudao-{name}：{title}（{scope}）

## 安装与检查

```sh
pip install -e .                 # 安装后 dudao plugins 即可看到 {name}
dudao validate src/dudao_{name}/data   # 像加载时一样检查整个插件
dudao test tests/cases           # 运行 YAML 测试用例
```

## 覆盖情况

依据文件的每一条，写明由什么实现（规则、参数、项目、工作要点任务、测试用例），或为什么不能建模。

| 条款 | 内容 | 实现 | 测试 |
|---|---|---|---|
| | | | |
"""
