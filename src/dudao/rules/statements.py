"""Rules stated in YAML: a region adopts an existing rule in its own scope.

A region's text often restates a national rule (Guangxi's 1:5 ratio restates the
2013 national measure) or sets one aside. ``rules.yaml`` says so without Python::

    rules:
      - id: zone-coverage
        cite: [厅发〔2020〕26号 二（四）]
        since: 2020-05-14
      - id: committee-meetings
        enabled: false        # not required here

The adopted rule runs the same check, but inside the plugin's scope it cites the
region's clause and takes its dates and severity.
"""

from __future__ import annotations

import copy
import datetime as dt

import attrs

from dudao.model.documents import Citation
from dudao.model.findings import Severity
from dudao.rules.base import Rule


@attrs.frozen
class RuleStatement:
    id: str
    cite: tuple[Citation, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    severity: Severity | None = None
    enabled: bool = True

    def apply(self, template: Rule) -> Rule | None:
        """The template rule with this statement's citation and severity (None if off)."""
        if not self.enabled:
            return None
        rule = copy.copy(template)
        if self.cite:
            rule.cite = tuple(str(c) for c in self.cite)  # type: ignore[misc]
        if self.severity is not None:
            rule.severity = self.severity  # type: ignore[misc]
        return rule


@attrs.frozen
class RulesFile:
    """``rules.yaml``."""

    rules: tuple[RuleStatement, ...] = ()
