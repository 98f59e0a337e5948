"""Nanning plugin: the 2022 work points (南府督委办〔2022〕7号) — manifest and the
development zones the city's supervision office addresses.

The data lives in ``data/``; :class:`~dudao.plugins.yaml_plugin.YamlPlugin` reads it.
"""

from pathlib import Path

from dudao.plugins.yaml_plugin import YamlPlugin

plugin = YamlPlugin(Path(__file__).parent / "data")
