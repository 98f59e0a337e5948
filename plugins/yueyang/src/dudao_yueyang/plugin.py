"""Yueyang plugin: the 2023 work points of 岳阳市 (Hunan).

The data lives in ``data/`` (read by :class:`~dudao.plugins.yaml_plugin.YamlPlugin`):
parameters, rule adoptions, indicator sets and the 2023 work plan. The rules YAML
cannot state live in :mod:`dudao_yueyang.rules` and are offered through the
``dudao_rules`` hook.
"""

from pathlib import Path

from dudao.plugins import hookimpl
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.rules.base import Rule
from dudao_yueyang.rules import RULES


class YueyangPlugin(YamlPlugin):
    """The YAML folder plus Yueyang's own rules."""

    @hookimpl
    def dudao_rules(self) -> list[Rule]:
        return list(RULES)


plugin = YueyangPlugin(Path(__file__).parent / "data")
