"""The rule engine and the national rules every region shares.

A rule reads a dataset as of a date and returns one row per target it checked:
whether the target passes and the numbers it used. The engine keeps the rows in
the region each version of the rule governs and turns failing rows into
findings with messages and citations.
"""

from dudao.rules.base import Context, Rule

__all__ = ["Context", "Rule"]
