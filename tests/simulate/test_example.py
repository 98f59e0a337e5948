"""The worked example in docs/examples runs end to end (small: few runs, few schools)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "docs" / "examples" / "guangxi_reforms.py"


def test_guangxi_reforms_example(tmp_path: Path, capsys) -> None:
    spec = importlib.util.spec_from_file_location("guangxi_reforms", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = ["--out", str(tmp_path), "--scale", "0.02", "--runs", "4", "--years", "2"]
    out = module.main([*args, "--executor", "serial"])  # no process start-up in CI

    required = out["required"]
    assert len(required) == 14  # Guangxi's 14 prefectures
    ratio = required["ratio-1-4-guangxi_change"]
    # ⌈n / 4⌉ ≥ ⌈n / 5⌉ for every county (equal for n ≤ 4 or n = 5, …), more somewhere
    assert (ratio >= 0).all() and ratio.sum() > 0
    assert (required["yueyang-zones-guangxi_change"] == 0).all()
    assert (out["staffing"]["ratio-1-4-guangxi_change"] >= 0).all()

    rules = ["inspector-staffing", "zone-composition"]
    names = ["baseline", "ratio-1-4-guangxi", "yueyang-zones-guangxi"]
    findings = out["findings"].set_index("rule")[names].reindex(rules, fill_value=0)
    # zone composition is checked only where the reform adopts it
    assert findings.loc["zone-composition", "baseline"] == 0
    assert findings.loc["zone-composition", "ratio-1-4-guangxi"] == 0
    staff = findings.loc["inspector-staffing"]
    assert staff["yueyang-zones-guangxi"] == staff["baseline"] <= staff["ratio-1-4-guangxi"]

    runs = out["runs"]
    assert runs.groupby("scenario")["run"].nunique().to_dict() == {
        "baseline": 4,
        "ratio-1-4-guangxi": 4,
        "yueyang-zones-guangxi": 4,
    }
    assert (tmp_path / "plots" / "staffing.svg").exists()
    assert (tmp_path / "static" / "staffing.parquet").exists()
    assert "督学缺口（按地市）" in capsys.readouterr().out
