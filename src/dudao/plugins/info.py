"""What a plugin says about itself, and contributions that remember where they came from."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

from dudao.model.documents import Document

T = TypeVar("T")


@attrs.frozen
class PluginInfo:
    """A plugin's identity: the manifest (``plugin.yaml``) of a YAML plugin.

    ``scope`` is the jurisdiction code the plugin governs: everything it
    contributes applies inside that subtree only. ``builds_on`` names plugins
    whose entries this one refines (南宁 builds on 广西). ``documents`` are the
    source documents its entries cite. ``version`` is filled in from the
    installed distribution when the manifest leaves it out. ``rules`` names a
    Python module (``dudao_nanning.rules``) whose ``RULES`` list holds the rules
    YAML cannot state; a plugin without one is YAML only.
    """

    name: str
    title: str
    scope: str
    builds_on: tuple[str, ...] = ()
    version: str | None = None
    description: str | None = None
    documents: tuple[Document, ...] = ()
    rules: str | None = None


@attrs.frozen
class Sourced(Generic[T]):
    """A contributed item with the file and line it was written at (for errors)."""

    value: T
    source: str | None = None
    line: int | None = None
