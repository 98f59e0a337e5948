"""Weinan plugin: the 2023 work points (渭政教督办〔2023〕1号) as forwarded by 蒲城县
(蒲政教督办函〔2023〕3号).

The data lives in ``data/`` (read by :class:`~dudao.plugins.yaml_plugin.YamlPlugin`):
parameters, rule adoptions, programmes, the work plan and 渭南高新区. The rules YAML
cannot state (annual creation tasks, monitoring rectification) live in
:mod:`dudao_weinan.rules` and are offered through the ``dudao_rules`` hook.
"""

from pathlib import Path

from dudao.plugins import hookimpl
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.rules.base import Rule
from dudao_weinan.rules import RULES


class WeinanPlugin(YamlPlugin):
    """The YAML folder plus Weinan's own rules."""

    @hookimpl
    def dudao_rules(self) -> list[Rule]:
        return list(RULES)


plugin = WeinanPlugin(Path(__file__).parent / "data")
