"""Regional plugins: pluggy hooks, entry-point loading and the contributions registry.

A plugin is an installable distribution with an entry point in the group
``dudao`` pointing at an object that implements some of the hooks in
:mod:`dudao.plugins.hookspecs`. Most regions need no Python at all: a
:class:`~dudao.plugins.yaml_plugin.YamlPlugin` reads the plugin's YAML folder.
"""

from dudao.plugins.info import PluginInfo, Sourced
from dudao.plugins.markers import hookimpl, hookspec

__all__ = ["PluginInfo", "Sourced", "hookimpl", "hookspec"]
