"""Example datasets: the one dudao ships, and those the installed plugins ship.

Their schools, inspectors and records are sample data (示例数据), labelled so in
``dataset.yaml``; the jurisdictions are real.

* dudao itself ships :data:`DEFAULT` (``yichang``, 湖北省宜昌市): no bundled plugin
  covers Hubei, so it loads and checks with no regional plugin installed, under the
  national rules alone.
* Evaluation data (county measurements, school resources) goes with an example in a
  folder of its own here: ``yichang_evaluation`` with Yichang, ``nanning_evaluation``
  with Nanning (:func:`evaluation_path`).
* A plugin ships examples in its package's ``examples/<name>/`` folder (the Nanning
  plugin: ``dudao_nanning/examples/nanning``). :func:`example_path` finds them through
  the plugins' entry points (group ``dudao``) without importing the plugin, so the
  name works wherever the plugin is installed and says what to install where not.

Both are written by ``tools/make_example_nanning.py``.
"""

from __future__ import annotations

import importlib.metadata as md
import importlib.util
from pathlib import Path

FOLDER = Path(__file__).parent
#: The example of the core alone: ``dudao check`` with no dataset argument checks it.
DEFAULT = "yichang"
#: The entry-point group of dudao plugins (:data:`dudao.plugins.manager.GROUP`).
PLUGIN_GROUP = "dudao"
#: Examples that bundled plugins ship, and the distribution to install for each.
SHIPPED_BY = {"nanning": "dudao-nanning"}
#: The evaluation data folder (here, beside the examples) that goes with an example.
EVALUATIONS = {"yichang": "yichang_evaluation", "nanning": "nanning_evaluation"}


def _plugin_examples() -> dict[str, Path]:
    """Example folders of the installed plugins: ``examples/<name>/`` beside each
    plugin package's ``__init__``, found without importing it."""
    out: dict[str, Path] = {}
    for ep in sorted(md.entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        top = ep.module.split(".", 1)[0]
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            folder = Path(location) / "examples"
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if (path / "dataset.yaml").exists():
                    out.setdefault(path.name, path)
    return out


def example_names() -> list[str]:
    """The examples available here: dudao's own and the installed plugins'.

    >>> "yichang" in example_names()
    True
    """
    own = {p.name for p in FOLDER.iterdir() if (p / "dataset.yaml").exists()}
    return sorted(own | set(_plugin_examples()))


def evaluation_path(name: str = DEFAULT) -> Path | None:
    """The evaluation data that goes with example ``name`` (county measurements and
    school resources: the scores ``dudao simulate`` compares); None if it has none.

    >>> evaluation_path().name
    'yichang_evaluation'
    """
    folder = EVALUATIONS.get(name)
    return FOLDER / folder if folder else None


def example_path(name: str = DEFAULT) -> Path:
    """The folder of an example dataset: dudao's own, else an installed plugin's.

    >>> example_path().name
    'yichang'
    """
    path = FOLDER / name
    if (path / "dataset.yaml").exists():
        return path
    found = _plugin_examples().get(name)
    if found is not None:
        return found
    from dudao.errors import DudaoError, Problem

    dist = SHIPPED_BY.get(name)
    hint = (
        f"示例 '{name}' 随插件 {dist} 提供：pip install {dist}（仓库中为 plugins/{name}）；"
        if dist
        else ""
    )
    raise DudaoError(
        Problem(
            f"没有名为 '{name}' 的示例数据集",
            code="unknown-example",
            hint=hint + "现有示例：" + "、".join(example_names()),
        )
    )
