"""Weinan plugin: the 2023 work points (渭政教督办〔2023〕1号) as forwarded by 蒲城县 —
manifest and 渭南高新区.

The data lives in ``data/``; :class:`~dudao.plugins.yaml_plugin.YamlPlugin` reads it.
"""

from pathlib import Path

from dudao.plugins.yaml_plugin import YamlPlugin

plugin = YamlPlugin(Path(__file__).parent / "data")
