"""Loading reads each installed distribution's metadata once and resolves each plugin
folder once, and says exactly what it said before: the distribution and version of
each plugin, both distributions of a name registered twice, and every file's path as
``display_path`` shows it.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.plugins import manager
from dudao.plugins.yaml_plugin import YamlPlugin, display_path

PLUGIN_MODULE = """
from dudao.plugins.info import PluginInfo
from dudao.plugins.markers import hookimpl

class Plugin:
    def __init__(self, name):
        self.name = name

    @hookimpl
    def dudao_plugin_info(self):
        return PluginInfo(name=self.name, title="测试", scope="450100")

first = Plugin("first")
second = Plugin("second")
"""


def _distribution(site: Path, name: str, version: str, points: dict[str, str]) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = "".join(f"{k} = {v}\n" for k, v in points.items())
    (info / "entry_points.txt").write_text(f"[dudao]\n{lines}", encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Installed distributions in a folder of their own (and only those): the METADATA
    reads of each, counted."""
    (tmp_path / "dudao_load_paths_probe.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    probe = "dudao_load_paths_probe"
    _distribution(tmp_path, "dudao-first", "1.2.3", {"first": f"{probe}:first"})
    _distribution(tmp_path, "dudao-second", "0.4", {"second": f"{probe}:second"})
    _distribution(tmp_path, "dudao-twin-a", "1", {"twin": f"{probe}:first"})
    _distribution(tmp_path, "dudao-twin-b", "2", {"twin": f"{probe}:second"})
    # one distribution per name, as md.entry_points gives them (another metadata finder
    # on sys.meta_path, importlib_metadata's, may find the folders again)
    dists = {d.metadata["Name"]: d for d in md.distributions(path=[str(tmp_path)])}
    reads: Counter[str] = Counter()
    for cls in {type(d) for d in dists.values()}:
        read_text = cls.read_text

        def counted(self: Any, filename: str, read_text: Any = read_text) -> str | None:
            if filename in ("METADATA", "PKG-INFO"):
                reads[Path(str(self._path)).name] += 1
            return read_text(self, filename)  # type: ignore[no-any-return]

        monkeypatch.setattr(cls, "read_text", counted)

    def entry_points(group: str) -> list[md.EntryPoint]:
        return [ep for d in dists.values() for ep in d.entry_points if ep.group == group]

    monkeypatch.setattr(manager.md, "entry_points", entry_points)
    return reads


def test_each_distribution_is_named_and_versioned_from_one_read(site: Counter[str]) -> None:
    plugins = manager.load_plugins(national=False)
    shown = {p.name: (p.distribution, p.version, p.state) for p in plugins}
    assert shown["first"] == ("dudao-first", "1.2.3", "loaded")
    assert shown["second"] == ("dudao-second", "0.4", "loaded")
    assert site["dudao_first-1.2.3.dist-info"] == 1
    assert site["dudao_second-0.4.dist-info"] == 1


def test_a_name_two_distributions_register_names_both(site: Counter[str]) -> None:
    twin = manager.load_plugins(national=False).get("twin")
    assert twin.distribution == "dudao-twin-a、dudao-twin-b"
    (problem,) = twin.problems
    assert problem.code == "duplicate-plugin"
    assert "dudao-twin-a、dudao-twin-b" in problem.message


LAYOUTS = st.fixed_dictionaries(
    {
        "folder_linked": st.booleans(),  # the plugin folder is a symlink to another
        "sub_linked": st.booleans(),  # rules/ is a symlink
        "file_linked": st.booleans(),  # the file is a symlink to a file elsewhere
        "cwd": st.sampled_from(["root", "folder", "target", "elsewhere", "sub"]),
        "sub": st.sampled_from(["rules", "plans"]),
    }
)


@given(LAYOUTS)
def test_every_file_is_shown_as_display_path_shows_it(layout: dict[str, Any]) -> None:
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        real = root / "real"
        (real / layout["sub"]).parent.mkdir(parents=True)
        elsewhere = root / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "x.yaml").write_text("a: 1\n", encoding="utf-8")
        if layout["sub_linked"]:
            (elsewhere / "sub").mkdir()
            (real / layout["sub"]).symlink_to(elsewhere / "sub")
        else:
            (real / layout["sub"]).mkdir()
        folder = real
        if layout["folder_linked"]:
            folder = root / "link"
            folder.symlink_to(real)
        for name in ("plugin.yaml", f"{layout['sub']}/a.yaml"):
            path = folder / name
            if layout["file_linked"]:
                path.symlink_to(elsewhere / "x.yaml")
            else:
                path.write_text("a: 1\n", encoding="utf-8")
        cwd = {
            "root": root,
            "folder": folder,
            "target": real,
            "elsewhere": elsewhere,
            "sub": folder / layout["sub"],
        }[layout["cwd"]]
        plugin = YamlPlugin(folder, check_layout=False)
        try:
            os.chdir(cwd)
            for path in (folder / "plugin.yaml", folder / layout["sub"] / "a.yaml"):
                assert plugin._shown(path) == display_path(path)
                assert plugin._shown(path) == display_path(path)  # and again, cached
            doc = plugin._read(f"{layout['sub']}/a.yaml")
            assert doc is not None
            assert doc.source == display_path(folder / layout["sub"] / "a.yaml")
            assert plugin.manifest == display_path(folder / "plugin.yaml")
        finally:
            os.chdir(here)
