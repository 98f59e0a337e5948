"""The law as data: scoped, dated, cited entries and their resolution.

Every parameter and rule is an entry with a scope (a jurisdiction subtree), a
validity (``since``/``until``) and a citation. For a target J on date D the entry
from the most specific scope containing J that is in force on D wins.
"""
