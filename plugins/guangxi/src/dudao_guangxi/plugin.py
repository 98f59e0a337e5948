"""Guangxi plugin: the 2020 implementing opinions (厅发〔2020〕26号) and the
2023 work points (桂教督委办〔2023〕11号).

Most of it is data in ``data/``, read by :class:`~dudao.plugins.yaml_plugin.YamlPlugin`;
the three rules YAML cannot state are Python (:mod:`dudao_guangxi.rules`).
"""

from pathlib import Path

from dudao.plugins import hookimpl
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.rules.base import Rule
from dudao_guangxi.rules import RULES


class GuangxiPlugin(YamlPlugin):
    """The YAML folder plus Guangxi's own rules."""

    @hookimpl
    def dudao_rules(self) -> list[Rule]:
        return list(RULES)


plugin = GuangxiPlugin(Path(__file__).parent / "data")
