"""The hooks a dudao plugin may implement.

Every hook is called once per plugin, separately, so that each contribution is
attributed to its plugin and a plugin whose hook raises is reported by name
while the others still load. Hooks take no arguments: contributions are data,
resolved later by scope and date. Each hook is documented in ``docs/hooks.md``
(a test checks that the two agree).
"""

from __future__ import annotations

from collections.abc import Iterable

from dudao.evaluation.model import IndicatorSet
from dudao.evaluation.programmes import Programme
from dudao.law.parameters import Parameter
from dudao.model.bodies import MemberUnit
from dudao.model.jurisdiction import Jurisdiction
from dudao.plans.model import WorkPlan
from dudao.plugins.info import PluginInfo, Sourced
from dudao.plugins.markers import hookspec
from dudao.rules.base import Rule
from dudao.rules.statements import RuleStatement
from dudao.workflow.situations import AccountabilitySituation


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

    @hookspec
    def dudao_indicator_sets(self) -> Iterable[IndicatorSet | Sourced[IndicatorSet]]:
        """Add indicator sets (指标体系), or replace a set of the same id inside the
        plugin's scope.

        Called when the law book is assembled: each set becomes an entry of kind
        ``indicator_set`` at the plugin's scope (or a ``scope`` inside it; a set
        left at the default ``000000`` takes the plugin's scope), dated by its
        ``since``/``until`` and cited by its ``cite``. ``dudao evaluate --set ID``
        resolves the id for the units evaluated, so a region's set of the same id
        wins inside the region while it is in force. Two sets of one id at one
        scope with overlapping dates are an error naming both. A set may instead be
        an :class:`~dudao.evaluation.extend.IndicatorSetExtension` (``extends``):
        changes to another set, indicator by indicator, merged when resolved. A
        YAML plugin reads ``indicator_sets/*.yaml``, one set per file.

        Example::

            @hookimpl
            def dudao_indicator_sets(self):
                return [load_indicator_set(Path(__file__).parent / "sets" / "kindergarten.yaml")]
        """

    @hookspec
    def dudao_accountability_situations(
        self,
    ) -> Iterable[AccountabilitySituation | Sourced[AccountabilitySituation]]:
        """State accountability situations (问责情景): when a unit is held to account,
        by which forms, and whether the case goes straight to 问责.

        Called when the law book is assembled: each situation becomes an entry of
        kind ``accountability_situation`` at the plugin's scope (or a ``scope``
        inside it), so a region refines a situation by stating the same id and
        adds its own. Every situation must cite its clause. A ``direct``
        situation names the 二（十四） ``trigger`` a case is opened on;
        ``dudao cases open --situation ID`` opens such a case straight to 问责.
        A YAML plugin reads ``accountability.yaml``.

        Example::

            @hookimpl
            def dudao_accountability_situations(self):
                return [AccountabilitySituation(
                    "retaliation", "威胁恐吓、打击报复教育督导人员",
                    forms=("interview", "supervision_notice"), direct=True,
                    trigger="retaliation", cite="厅发〔2020〕26号 二（十四）",
                    since=date(2020, 5, 14))]
        """

    @hookspec
    def dudao_work_plans(self) -> Iterable[WorkPlan | Sourced[WorkPlan]]:
        """State the year's work points (工作要点) as a work plan: numbered items,
        their tasks in the text's words, responsible units (the first leads),
        deadlines and measurable targets.

        Called when the law book is assembled: each plan becomes an entry of kind
        ``work_plan`` at the plugin's scope (or a ``scope`` inside it), in force for
        its ``year``. ``dudao plan status [DATASET] --plugin NAME`` measures every
        task against a dataset: met, not met or not measurable. A YAML plugin reads
        ``plans/*.yaml``, one plan per file.

        Example::

            @hookimpl
            def dudao_work_plans(self):
                return [yamlio.load(Path(__file__).parent / "plans" / "2022.yaml", WorkPlan)]
        """

    @hookspec
    def dudao_programmes(self) -> Iterable[Programme | Sourced[Programme]]:
        """Declare programmes (评估认定项目) units work through stage by stage: 优质均衡,
        普及普惠, a province's school evaluation, 集团化办学评估 …

        Called when the law book is assembled: each programme becomes an entry of
        kind ``programme`` at the plugin's scope (or a ``scope`` inside it), dated by
        ``since``/``until``; a region restates an id to give it its own stages or
        indicator set inside the region. Every programme must cite its document
        (or be ``sample``). Its ``stages`` (default 县级自评 → 市级复核 → 省级评估 →
        国家认定) are what a dataset's ``programmes`` table may record, and
        ``indicator_set`` names the set its evaluations score with. A YAML plugin
        reads ``programmes/*.yaml``, one programme per file.

        Example::

            @hookimpl
            def dudao_programmes(self):
                return [Programme("group_schooling", "集团化办学评估",
                                  cite="南府督委办〔2022〕7号", sample=True,
                                  stages=(Stage("self_assessment", "集团自评"),
                                          Stage("city_assessment", "市级评估")))]
        """
