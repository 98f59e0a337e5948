"""Nanning plugin: the 2022 work points (南府督委办〔2022〕7号).

The data lives in ``data/`` (read by :class:`~dudao.plugins.yaml_plugin.YamlPlugin`);
the two rules YAML cannot state live in :mod:`dudao_nanning.rules` and are offered
through the ``dudao_rules`` hook.
"""

from pathlib import Path

from dudao.plugins import hookimpl
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.rules.base import Rule
from dudao_nanning.rules import RULES


class NanningPlugin(YamlPlugin):
    """The YAML folder plus Nanning's own rules."""

    @hookimpl
    def dudao_rules(self) -> list[Rule]:
        return list(RULES)


plugin = NanningPlugin(Path(__file__).parent / "data")
