"""The national plugin: what the national texts say, at scope 000000.

It is built in and always loaded first: the national parameters (YAML under
``dudao/data/national``) and the national rules (every :class:`Rule` subclass in
the modules of :mod:`dudao.rules.national`). Regions refine it by stating the
same ids in their own scope.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from dudao import __version__
from dudao.plugins.info import PluginInfo
from dudao.plugins.markers import hookimpl
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.rules import national as national_rules
from dudao.rules.base import Rule

NAME = "national"
FOLDER = Path(__file__).parent.parent / "data" / "national"


def national_rule_classes() -> list[type[Rule]]:
    """Every concrete Rule subclass defined in a module of dudao.rules.national."""
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(national_rules.__path__):
        module = importlib.import_module(f"{national_rules.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, Rule)
                and not inspect.isabstract(cls)
                and cls.__module__ == module.__name__
            ):
                found[cls.id] = cls
    return [found[k] for k in sorted(found)]


class NationalPlugin(YamlPlugin):
    def __init__(self) -> None:
        super().__init__(FOLDER)

    @hookimpl
    def dudao_plugin_info(self) -> PluginInfo:
        info = self.info
        return PluginInfo(
            info.name,
            info.title,
            info.scope,
            info.builds_on,
            __version__,
            info.description,
            info.documents,
        )

    @hookimpl
    def dudao_rules(self) -> list[Rule]:
        return [cls() for cls in national_rule_classes()]
