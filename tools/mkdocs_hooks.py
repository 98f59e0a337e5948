"""mkdocs build hooks (``hooks:`` in mkdocs.yml): pages generated on every build.

- ``catalogue/*.md``: the legislation catalogue, from the loaded plugins
  (``tools/make_catalogue.py``), so it is never stale;
- ``notebooks/researcher/``: the researcher's notebook as a page: it is run (nbclient,
  a few seconds) and its Markdown, code, tables and plots shown; without nbclient or
  ipykernel the page shows the code only. ``notebooks/researcher.ipynb`` itself is
  copied beside it, to download.

Nothing here is fetched from the network.
"""

from __future__ import annotations

import base64
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


def execute(path: Path = NOTEBOOK, timeout: int = 120) -> Any | None:
    """The notebook run top to bottom (nbclient, kernel ``python3``), or None when
    nbclient or ipykernel is not installed (the page then shows the code only)."""
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError:
        return None
    if importlib.util.find_spec("ipykernel") is None:
        return None
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3").execute()
    return nb


def _outputs(cell: Any, n: int, images: dict[str, bytes]) -> list[str]:
    """A code cell's outputs as Markdown: text as a text block, a DataFrame as its HTML
    table, a plot as a PNG file beside the page."""
    out: list[str] = []
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        if o.get("output_type") == "stream" and o.get("name") == "stdout":
            out += ["```text", "".join(o["text"]).rstrip(), "```", ""]
        elif "image/png" in data:
            name = f"researcher-{n}-{len(images) + 1}.png"
            images[name] = base64.b64decode(data["image/png"])
            out += [f"![图 / figure {len(images)}]({name})", ""]
        elif "text/html" in data:
            table = "".join(data["text/html"]).strip()
            out += ['<div class="notebook-output" markdown="0">', table, "</div>", ""]
        elif "text/plain" in data:
            out += ["```text", "".join(data["text/plain"]).rstrip(), "```", ""]
    return out


def notebook_page(path: Path = NOTEBOOK, nb: Any | None = None) -> tuple[str, dict[str, bytes]]:
    """The notebook as Markdown: its Markdown cells as they are, its code cells as
    Python blocks followed by their outputs when ``nb`` (the executed notebook) is
    given, and a link to download it. Returns the page and its plots by file name."""
    cells = nb.cells if nb is not None else json.loads(path.read_text(encoding="utf-8"))["cells"]
    ran = nb is not None
    images: dict[str, bytes] = {}
    note = (
        "构建站点时运行了本笔记本，下面是它的输出。/ Run at build time: the outputs are below."
        if ran
        else "本页只显示代码；运行笔记本可看到表格和图。/ Code only: run it to see the outputs."
    )
    out = [
        '!!! info "笔记本 / notebook"',
        f"    本页由 `notebooks/{path.name}` 生成。[下载笔记本](../{path.name})，在装好 dudao 的"
        "环境中用 Jupyter 打开并运行。测试中用 nbclient 完整运行它（`tests/test_site.py`）。",
        f"    Generated from `notebooks/{path.name}`; [download it](../{path.name}) and run it in "
        "Jupyter. The test suite executes it.",
        f"    {note}",
        "",
    ]
    for i, c in enumerate(cells):
        text = "".join(c["source"]).rstrip()
        if c["cell_type"] == "markdown":
            if i == 0 and text.startswith("# "):
                out.insert(0, text + "\n")  # the title first, then the note
                continue
            out += [text, ""]
        elif c["cell_type"] == "code" and text:
            out += ["```python", text, "```", ""]
            if ran:
                out += _outputs(c, i, images)
    return "\n".join(out), images


def on_files(files: Files, config: Any) -> Files:
    catalogue = _tool("make_catalogue")
    for name, text in catalogue.pages().items():
        files.append(File.generated(config, name, content=text))
    if NOTEBOOK.exists():
        page, images = notebook_page(NOTEBOOK, execute(NOTEBOOK))
        files.append(File.generated(config, "notebooks/researcher/index.md", content=page))
        for name, png in images.items():
            files.append(File.generated(config, f"notebooks/researcher/{name}", content=png))
        ipynb = File.generated(config, "notebooks/researcher.ipynb", abs_src_path=str(NOTEBOOK))
        files.append(ipynb)
    return files
