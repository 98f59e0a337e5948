"""Datasets bundled with dudao. Their schools, inspectors and records are sample data
(示例数据), labelled so in ``dataset.yaml``; the jurisdictions are real."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent


def example_names() -> list[str]:
    return sorted(p.name for p in FOLDER.iterdir() if (p / "dataset.yaml").exists())


def example_path(name: str = "nanning") -> Path:
    """The folder of a bundled example dataset.

    >>> example_path("nanning").name
    'nanning'
    """
    path = FOLDER / name
    if not (path / "dataset.yaml").exists():
        from dudao.errors import DudaoError, Problem

        raise DudaoError(
            Problem(
                f"没有名为 '{name}' 的示例数据集",
                code="unknown-example",
                hint="可选：" + "、".join(example_names()),
            )
        )
    return path
