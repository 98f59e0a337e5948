"""The hooks a dudao plugin may implement.

Every hook is called once per plugin, separately, so that each contribution is
attributed to its plugin and a plugin whose hook raises is reported by name
while the others still load. Hooks take no arguments: contributions are data,
resolved later by scope and date. Each hook is documented in ``docs/hooks.md``
(a test checks that the two agree).
"""

from __future__ import annotations

from collections.abc import Iterable

from dudao.law.parameters import Parameter
from dudao.model.bodies import MemberUnit
from dudao.model.jurisdiction import Jurisdiction
from dudao.plugins.info import PluginInfo, Sourced
from dudao.plugins.markers import hookspec
from dudao.rules.base import Rule
from dudao.rules.statements import RuleStatement


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

    @hookspec
    def dudao_parameters(self) -> Iterable[Parameter | Sourced[Parameter]]:
        """State parameters of the law: named numbers and settings, each value dated
        and cited (the inspector ratio, a supervision cycle, a filing deadline).

        Called when the law book is assembled. A parameter applies in the plugin's
        scope (or a ``scope`` inside it); for a target the value from the most
        specific scope in force wins, so a region refines the national value by
        stating the same id. Two values of one id at one scope with overlapping
        dates are an error naming both. A number no document gives must carry
        ``sample=True``.

        Example::

            @hookimpl
            def dudao_parameters(self):
                return [Parameter("inspector.schools_per_inspector", "每名督学负责的学校数",
                                  values=(ParameterValue(5, cite=Citation.parse(
                                      "厅发〔2020〕26号 三（一）"), since=date(2020, 5, 14)),))]
        """

    @hookspec
    def dudao_rules(self) -> Iterable[Rule | Sourced[Rule]]:
        """Add rules, or replace a rule of the same id inside the plugin's scope.

        Called when the law book is assembled. A rule is a :class:`~dudao.rules.Rule`
        instance; it runs over every dataset whose scope meets the plugin's, and the
        engine keeps only the targets in the region it governs. Most regions need
        no rule of their own: national rules read parameters, which YAML sets.

        Example::

            @hookimpl
            def dudao_rules(self):
                return [TownshipEvaluationCoverage()]
        """

    @hookspec
    def dudao_rule_statements(self) -> Iterable[RuleStatement | Sourced[RuleStatement]]:
        """Adopt an existing rule in the plugin's scope with the region's own citation,
        dates and severity, or switch it off there.

        Called when the law book is assembled, after every plugin's
        :func:`dudao_rules`. The statement becomes a version of that rule at the
        plugin's scope, so inside the scope findings cite the region's clause.

        Example::

            @hookimpl
            def dudao_rule_statements(self):
                return [RuleStatement("zone-coverage",
                                      cite=(Citation.parse("厅发〔2020〕26号 二（四）"),),
                                      since=date(2020, 5, 14))]
        """
