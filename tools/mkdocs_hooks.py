"""mkdocs build hooks (``hooks:`` in mkdocs.yml): pages generated on every build.

- ``catalogue/*.md``: the legislation catalogue, from the loaded plugins
  (``tools/make_catalogue.py``), so it is never stale;
- ``notebooks/researcher.md``: the researcher's notebook as a page (its Markdown and
  code cells; run the notebook for the outputs), and ``notebooks/researcher.ipynb``
  itself, to download.

Nothing here is fetched from the network.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "researcher.ipynb"


def _tool(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def notebook_page(path: Path = NOTEBOOK) -> str:
    """The notebook as Markdown: its Markdown cells as they are, its code cells as
    Python blocks, and a link to download it."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = [
        '!!! info "笔记本 / notebook"',
        f"    本页由 `notebooks/{path.name}` 生成。[下载笔记本]({path.name})，在装好 dudao 的"
        "环境中用 Jupyter 打开并运行，即可看到表格和图。测试中用 nbclient 完整运行它"
        "（`tests/test_site.py`）。",
        f"    Generated from `notebooks/{path.name}`; [download it]({path.name}) and run it "
        "in Jupyter to see the tables and plots. The test suite executes it.",
        "",
    ]
    for i, c in enumerate(nb["cells"]):
        text = "".join(c["source"]).rstrip()
        if c["cell_type"] == "markdown":
            if i == 0 and text.startswith("# "):
                out.insert(0, text + "\n")  # the title first, then the note
                continue
            out += [text, ""]
        elif c["cell_type"] == "code" and text:
            out += ["```python", text, "```", ""]
    return "\n".join(out)


def on_files(files: Files, config: Any) -> Files:
    catalogue = _tool("make_catalogue")
    for name, text in catalogue.pages().items():
        files.append(File.generated(config, name, content=text))
    if NOTEBOOK.exists():
        files.append(File.generated(config, "notebooks/researcher.md", content=notebook_page()))
        ipynb = File.generated(config, "notebooks/researcher.ipynb", abs_src_path=str(NOTEBOOK))
        files.append(ipynb)
    return files
