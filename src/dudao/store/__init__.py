"""A durable case store: cases and their append-only events, through SQLAlchemy Core.

SQLite by default (give a file path); any SQLAlchemy URL (``postgresql://…``)
works unchanged (PostgreSQL through psycopg 3: ``pip install 'dudao[postgres]'``).
See :class:`CaseStore`.
"""

from dudao.store.cases import CasePage, CaseRecord, CaseStore, PolicySource
from dudao.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "CasePage", "CaseRecord", "CaseStore", "PolicySource"]
