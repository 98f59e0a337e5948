"""Supervision bodies: the education supervision committee (教育督导委员会) and its
member units (成员单位).

厅发〔2020〕26号 二（一） sets the committee up at every level: a chair, vice chairs,
member units, an office (办公室) in the education department, and a 总督学 and
副总督学; 二（二） gives every member unit a liaison (联络员).

>>> c = Committee(
...     jurisdiction="450100", name="南宁市人民政府教育督导委员会",
...     chair=Officer("分管教育工作的副市长"),
...     vice_chairs=(Officer("市教育局局长"),),
...     members=(Membership("市教育局", liaison="张三"), Membership("市财政局")),
...     office_host="市教育局")
>>> [m.unit for m in c.members_without_liaison()]
['市财政局']
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Officer:
    """A post on the committee, optionally with the person holding it."""

    post: str
    name: str | None = None


@attrs.frozen
class MemberUnit:
    """A unit that may sit on a committee, as a region's documents name it.

    ``aliases`` are other names seen in the texts (e.g. a short form).
    """

    name: str
    aliases: tuple[str, ...] = ()


@attrs.frozen
class Membership:
    """A member unit on a particular committee, with its liaison."""

    unit: str
    liaison: str | None = None


@attrs.frozen
class Committee:
    """An education supervision committee of one jurisdiction."""

    jurisdiction: str
    name: str
    chair: Officer | None = None
    vice_chairs: tuple[Officer, ...] = ()
    members: tuple[Membership, ...] = ()
    office_host: str | None = None
    chief_inspector: Officer | None = None
    deputy_chief_inspectors: tuple[Officer, ...] = ()

    def member_names(self) -> tuple[str, ...]:
        return tuple(m.unit for m in self.members)

    def members_without_liaison(self) -> tuple[Membership, ...]:
        return tuple(m for m in self.members if not m.liaison)


@attrs.frozen
class MemberUnitsFile:
    """``member_units.yaml``: units that may sit on committees in the plugin's scope."""

    units: tuple[MemberUnit, ...] = ()
