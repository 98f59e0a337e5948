"""Who may do what where: pure functions of an account, a unit and the tree.

The model is DHIS2's: an account's unit bounds where it acts, and access to a unit
implies its whole subtree — never a unit above or beside it. Roles say what
(:class:`~dudao.server.accounts.Role`). Two rules come from the documents' level-by-level
structure (厅发〔2020〕26号 三（四） “上下连接、分级使用”):

* a submission is approved by the level directly above the unit that submitted it
  (a unit never approves its own data);
* a case's steps are recorded by a level above the case's unit — 督办单, 约谈, 通报
  and 问责 go from the level above to the level below — except 报告整改, which the
  unit itself reports.

>>> from dudao.server.accounts import Account, Role
>>> from dudao.plugins.manager import load_plugins
>>> h = load_plugins().hierarchy()
>>> city = Account(1, "nn", "南宁", "450100", frozenset({Role.STAFF}))
>>> can_view(city, "450103", h), can_view(city, "450000", h), can_view(city, "450200", h)
(True, False, False)
>>> can_approve(city, "450103", h), can_approve(city, "450100", h)
(True, False)
"""

from __future__ import annotations

from dudao.model.hierarchy import Hierarchy
from dudao.server.accounts import Account, Role
from dudao.workflow.steps import Step

#: The one case step a unit records about itself.
SELF_REPORTED = frozenset({Step.RECTIFICATION_REPORTED})


def within(account: Account, unit: str, hierarchy: Hierarchy) -> bool:
    """Whether ``unit`` is the account's unit or lies below it."""
    if not account.active or unit not in hierarchy or account.unit not in hierarchy:
        return False
    return hierarchy.contains(account.unit, unit)


def below(account: Account, unit: str, hierarchy: Hierarchy) -> bool:
    """Whether ``unit`` lies strictly below the account's unit."""
    return within(account, unit, hierarchy) and unit != account.unit


def can_view(account: Account, unit: str, hierarchy: Hierarchy) -> bool:
    """Read anything of ``unit``: any role, inside the account's subtree."""
    return within(account, unit, hierarchy)


def can_capture(account: Account, unit: str, hierarchy: Hierarchy) -> bool:
    """Submit data for ``unit``: 督导办 staff or 督学, inside the subtree."""
    return account.has(Role.STAFF, Role.INSPECTOR) and within(account, unit, hierarchy)


def can_approve(account: Account, unit: str, hierarchy: Hierarchy) -> bool:
    """Approve or return ``unit``'s submission: 督导办 staff of the unit directly above."""
    if not account.has(Role.STAFF) or not below(account, unit, hierarchy):
        return False
    parent = hierarchy.parent(unit)
    return parent is not None and parent.code == account.unit


def can_write_case(
    account: Account, unit: str, hierarchy: Hierarchy, step: Step | None = None
) -> bool:
    """Open a case on ``unit`` (``step`` None or 立案) or record ``step`` in one: staff
    of a level above; 报告整改 also by the unit's own staff."""
    if not account.has(Role.STAFF):
        return False
    if step in SELF_REPORTED:
        return within(account, unit, hierarchy)
    return below(account, unit, hierarchy)


def can_administer(account: Account, unit: str, hierarchy: Hierarchy) -> bool:
    """Manage accounts of ``unit``: an administrator, inside the subtree."""
    return account.has(Role.ADMIN) and within(account, unit, hierarchy)


def can_read_audit(account: Account, unit: str, hierarchy: Hierarchy) -> bool:
    """Read the audit log of ``unit``: an administrator, inside the subtree."""
    return can_administer(account, unit, hierarchy)
