"""Guangxi plugin: the 2020 implementing opinions (厅发〔2020〕26号) and the
2023 work points (桂教督委办〔2023〕11号) — manifest and committee member units.

The data lives in ``data/``; :class:`~dudao.plugins.yaml_plugin.YamlPlugin` reads it.
"""

from pathlib import Path

from dudao.plugins.yaml_plugin import YamlPlugin

plugin = YamlPlugin(Path(__file__).parent / "data")
