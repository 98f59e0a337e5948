"""``composition``: a body has the posts its text names, or a zone the inspectors.

The autonomous region's committee (厅发〔2020〕26号 二（一）): a chair who is the vice
chairman, vice chairs including the deputy secretary-general and the head of the
education department, and deputy chief inspectors::

    - id: region-committee-leadership
      template: composition
      title: 自治区教育督导委员会主任、副主任和副总督学按规定设置
      cite: [厅发〔2020〕26号 二（一）]
      body: committee
      units: {level: province}
      posts:
        - id: chair
          field: chair
          contains: 副主席
          text: 主任由自治区人民政府分管教育工作的副主席担任
        - id: deputy_secretary_general
          field: vice_chairs
          contains: 副秘书长
          text: 副主任含协助分管教育工作的副秘书长
        - id: deputy_chief_inspector
          field: deputy_chief_inspectors     # no `contains`: any deputy chief inspector
          text: 自治区教育厅设立副总督学
      message:
        zh: "委员会领导职务与二（一）规定不符：{missing_posts}"

A post counts when the committee file's post text (``chair``, ``vice_chairs``,
``chief_inspector``, ``deputy_chief_inspectors``) contains ``contains`` (any post
when it is not given); ``not_contains`` excludes a text (教育厅厅长, not 副厅长).

Yueyang's zones (《岳阳市2023年教育督导工作要点》 14: 2 full-time and 2–3 part-time
inspectors per zone) are ``body: zone`` with a number of serving inspectors of each
kind between two bounds, each a number or a parameter::

      body: zone
      members:
        - {kind: full_time, at_least: {parameter: zone.full_time_inspectors_min}}
        - {kind: part_time, at_least: 2, at_most: 3}

Evidence: ``committee``, ``chair``, ``vice_chairs``, ``deputy_chief_inspectors``,
``missing`` (committees); ``full_time``, ``part_time``, ``missing`` (zones).
A message may also use ``{missing_posts}`` (the missing posts' texts, joined with ；)
and ``{missing_posts_en}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import attrs

from dudao.errors import Problem
from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.bodies import Committee, Officer
from dudao.model.findings import TargetKind
from dudao.rules.base import Context, empty_checks, row_citations
from dudao.rules.templates.common import Amount, Message, TemplateRule, TemplateSpec
from dudao.rules.templates.selection import Units

PostField = Literal["chair", "vice_chairs", "chief_inspector", "deputy_chief_inspectors"]


@attrs.frozen(kw_only=True)
class Post:
    """One post a committee must have (see the module docstring)."""

    id: str
    field: PostField
    text: str
    text_en: str = ""
    contains: str | None = None
    not_contains: str | None = None

    def held(self, committee: Committee) -> bool:
        value = getattr(committee, self.field)
        officers: Sequence[Officer | None] = value if isinstance(value, tuple) else (value,)
        posts = [o.post for o in officers if o is not None]
        return any(
            (self.contains is None or self.contains in p)
            and (self.not_contains is None or self.not_contains not in p)
            for p in posts
        )


@attrs.frozen(kw_only=True)
class Members:
    """Serving inspectors of one ``kind`` a zone must have."""

    kind: str
    at_least: Amount | None = None
    at_most: Amount | None = None


@attrs.frozen(kw_only=True)
class Composition(TemplateSpec):
    """See the module docstring."""

    name: ClassVar[str] = "composition"
    summary: ClassVar[str] = "机构（督导委员会）设有规定职务，或责任区配备规定人数的督学"

    body: Literal["committee", "zone"]
    units: Units | None = None
    posts: tuple[Post, ...] = ()
    members: tuple[Members, ...] = ()

    @property
    def target_kind(self) -> TargetKind:  # type: ignore[override]
        return TargetKind.COMMITTEE if self.body == "committee" else TargetKind.ZONE

    def evidence(self) -> tuple[str, ...]:
        if self.body == "committee":
            return ("committee", "chair", "vice_chairs", "deputy_chief_inspectors", "missing")
        return (*dict.fromkeys(m.kind for m in self.members), "missing")

    def derived(self) -> tuple[str, ...]:
        return ("missing_posts", "missing_posts_en")

    def derive(self, row: dict[str, Any]) -> dict[str, Any]:
        by_id = {p.id: p for p in self.posts}
        missing = list(row.get("missing") or [])
        zh = [by_id[m].text if m in by_id else m for m in missing]
        en = [(by_id[m].text_en or by_id[m].text) if m in by_id else m for m in missing]
        return {**row, "missing_posts": "；".join(zh), "missing_posts_en": "; ".join(en)}

    def default_message(self) -> Message:
        return Message("不符合规定：{missing_posts}", "Not as required: {missing_posts_en}")

    def parameters(self) -> tuple[str, ...]:
        return tuple(
            a.parameter
            for m in self.members
            for a in (m.at_least, m.at_most)
            if a is not None and a.parameter
        )

    def needs(self) -> tuple[str, ...]:
        return ("committees",) if self.body == "committee" else ("zones", "inspectors")

    def levels(self) -> tuple[Any, ...]:
        return (self.units.level,) if self.units and self.units.level else ()

    def problems(self) -> list[Problem]:
        out = []
        if self.body == "committee" and not self.posts:
            out.append(Problem("body: committee 须列出 posts", path=("posts",), code="bad-body"))
        if self.body == "zone" and not self.members:
            out.append(Problem("body: zone 须列出 members", path=("members",), code="bad-body"))
        return out + super().problems()

    def check(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        if self.body == "committee":
            return self._committees(rule, ctx, region)
        return self._zones(rule, ctx, region)

    def _committees(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        from dudao.rules.national.governance import government_committees

        wanted = None
        if self.units is not None and self.units.level is not None:
            wanted = {u.code for u in ctx.units([self.units.level], region)}
        committees = [
            c
            for c in government_committees(ctx, region)
            if wanted is None or c.jurisdiction in wanted
        ]
        if not committees:
            return empty_checks(*self.evidence())
        missing = [[p.id for p in self.posts if not p.held(c)] for c in committees]
        codes = [c.jurisdiction for c in committees]
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": [not m for m in missing],
                "citation": "；".join(rule.cite),
                "committee": [c.name for c in committees],
                "chair": [c.chair.post if c.chair else None for c in committees],
                "vice_chairs": [[v.post for v in c.vice_chairs] for c in committees],
                "deputy_chief_inspectors": [len(c.deputy_chief_inspectors) for c in committees],
                "missing": missing,
            }
        )

    def _zones(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        zones = ctx.within(ctx.dataset.zones, "county", region)
        if not len(zones):
            return empty_checks(*self.evidence())
        ids = zones["zone_id"].astype(object).to_numpy()
        county = zones["county"].astype(object).to_numpy()
        ins = ctx.dataset.inspectors
        day = pd.Timestamp(ctx.as_of)
        serving = (ins["term_start"] <= day) & (ins["term_end"].isna() | (ins["term_end"] >= day))
        ins = ins.loc[serving.to_numpy(dtype=bool)]
        missing: list[list[str]] = [[] for _ in ids]
        columns: dict[str, Any] = {}
        cites: list[Any] = []
        for m in self.members:
            n = (
                ins.loc[(ins["kind"].astype(object) == m.kind).to_numpy(), "zone"]
                .astype(object)
                .value_counts()
                .reindex(ids, fill_value=0)
                .to_numpy(dtype=int)
            )
            columns[m.kind] = n
            for bound, label in ((m.at_least, "at_least"), (m.at_most, "at_most")):
                if bound is None:
                    continue
                col = bound.column(ctx, county)
                cites.append(col)
                limit = col.numbers()
                bad = (n < limit if label == "at_least" else n > limit) & ~np.isnan(limit)
                for i in np.flatnonzero(bad):
                    missing[i].append(f"{m.kind} {label} {int(limit[i])}")
        ok = np.array([not m for m in missing], dtype=bool)
        return pd.DataFrame(
            {
                "target": ids,
                "target_name": zones["name"].astype(object).to_numpy(),
                "jurisdiction": county,
                "ok": ok,
                "citation": row_citations(rule.cite, *cites) if cites else "；".join(rule.cite),
                **columns,
                "missing": missing,
            }
        )
