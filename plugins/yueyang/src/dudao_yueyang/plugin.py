"""Yueyang plugin: the 2023 work points of 岳阳市 (Hunan) — manifest only so far.

The data lives in ``data/``; :class:`~dudao.plugins.yaml_plugin.YamlPlugin` reads it.
"""

from pathlib import Path

from dudao.plugins.yaml_plugin import YamlPlugin

plugin = YamlPlugin(Path(__file__).parent / "data")
