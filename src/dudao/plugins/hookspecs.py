"""The hooks a dudao plugin may implement.

Every hook is called once per plugin, separately, so that each contribution is
attributed to its plugin and a plugin whose hook raises is reported by name
while the others still load. Hooks take no arguments: contributions are data,
resolved later by scope and date. Each hook is documented in ``docs/hooks.md``
(a test checks that the two agree).
"""

from __future__ import annotations

from collections.abc import Iterable

from dudao.model.bodies import MemberUnit
from dudao.model.jurisdiction import Jurisdiction
from dudao.plugins.info import PluginInfo, Sourced
from dudao.plugins.markers import hookspec


class DudaoSpec:
    """Hook specifications (pluggy requires the ``self`` argument)."""

    @hookspec
    def dudao_plugin_info(self) -> PluginInfo:
        """Say who the plugin is: name, Chinese title, scope code, what it builds on,
        the source documents it cites.

        Called first, when the plugin is loaded. Required: a plugin that does not
        answer is reported as broken.

        Example::

            @hookimpl
            def dudao_plugin_info(self):
                return PluginInfo(name="nanning", title="南宁市", scope="450100",
                                  builds_on=("guangxi",))
        """

    @hookspec
    def dudao_jurisdictions(self) -> Iterable[Jurisdiction | Sourced[Jurisdiction]]:
        """Add units to the jurisdiction tree: development zones, townships.

        Called when the hierarchy is assembled (after the national divisions
        shipped with dudao are loaded). Each unit must lie inside the plugin's
        scope; a code another plugin also contributes is an error naming both.
        Wrap a unit in :class:`~dudao.plugins.info.Sourced` to let errors name
        the file and line it came from.

        Example::

            @hookimpl
            def dudao_jurisdictions(self):
                return [Jurisdiction("610500-gaoxin", "渭南高新技术产业开发区",
                                     "development_zone", parent="610500")]
        """

    @hookspec
    def dudao_member_units(self) -> Iterable[MemberUnit | Sourced[MemberUnit]]:
        """Name the units that may sit on supervision committees in the plugin's scope.

        Called when committee files are validated: a committee member not in the
        catalogue of its jurisdiction (this plugin's and those it builds on) is
        reported as unknown.

        Example::

            @hookimpl
            def dudao_member_units(self):
                return [MemberUnit("自治区教育厅", aliases=("教育厅",))]
        """
