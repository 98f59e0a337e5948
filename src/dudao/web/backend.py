"""What the pages need from the service, in one place.

The pages never reach into the service's tables: they ask a :class:`Backend` for
the signed-in account, whether it may see or change a unit, the data that applies
to a unit, the case store and the submissions. ``app.state.web_backend`` holds the
backend in use; :func:`backend` reads it.

:class:`LocalBackend` runs the pages on the library alone (accounts given in code,
the bundled sample dataset, a case store at a path): for the tests of the pages and
for a demonstration without a database. The service's backend implements the same
methods over its accounts, sessions and submissions.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs
from starlette.requests import Request

from dudao.examples import example_path
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.store.cases import CaseStore

#: Roles as the pages name them (issue 14: 督导办 staff, 督学, viewer, administrator).
ROLE_LABELS = {
    "staff": "督导办工作人员",
    "inspector": "督学",
    "viewer": "查看",
    "admin": "管理员",
}


@attrs.frozen
class Account:
    """The signed-in person as the pages see them."""

    username: str
    name: str
    unit: str  # the jurisdiction code the account belongs to
    roles: frozenset[str] = frozenset({"viewer"})

    @property
    def role_text(self) -> str:
        return "、".join(ROLE_LABELS.get(r, r) for r in sorted(self.roles))


@attrs.frozen
class DataSource:
    """The dataset folder that applies to a unit, and whether it is sample data."""

    folder: Path
    sample: bool
    label: str  # where it came from, for the page (e.g. "自带示例数据集")
    evaluation: Path | None = None  # county measurements for the indicator sets


@attrs.frozen
class Submission:
    """A dataset submitted by a unit, as the pages list it."""

    id: str
    unit: str
    year: int
    status: str  # Chinese: 待审核、已通过、已退回
    submitted_by: str
    submitted_at: str
    note: str = ""


class Backend(Protocol):
    """The service as the pages use it."""

    def plugins(self) -> PluginSet: ...

    def hierarchy(self) -> Hierarchy: ...

    def sign_in(self, request: Request, username: str, password: str) -> Account | None: ...

    def sign_out(self, request: Request) -> None: ...

    def account(self, request: Request) -> Account | None: ...

    def can_view(self, account: Account, code: str) -> bool: ...

    def can_capture(self, account: Account, code: str) -> bool: ...

    def can_approve(self, account: Account, code: str) -> bool: ...

    def data_for(self, code: str) -> DataSource: ...

    def cases(self) -> CaseStore: ...

    def waiting(self, account: Account, code: str) -> Sequence[Submission]: ...


def backend(request: Request) -> Backend:
    """The backend of the app serving ``request``."""
    b: Backend = request.app.state.web_backend
    return b


# ----------------------------------------------------------------- CSRF
CSRF_KEY = "csrf_token"


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); every form carries it."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def csrf_ok(request: Request, sent: str | None) -> bool:
    """Whether a form's token is the session's (compared in constant time)."""
    token = request.session.get(CSRF_KEY)
    return (
        isinstance(token, str)
        and bool(token)
        and isinstance(sent, str)
        and secrets.compare_digest(token.encode(), sent.encode())
    )


# ------------------------------------------------------- local backend
def _digest(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**12, r=8, p=1)


@functools.cache
def _plugins() -> PluginSet:
    return load_plugins()


def _evaluation_example() -> Path:
    import dudao.examples

    return Path(dudao.examples.__file__).parent / "nanning_evaluation"


class LocalBackend:
    """The pages' backend on the library alone: accounts given as
    ``{username: (password, Account)}`` (passwords kept as scrypt digests), the
    bundled Nanning sample dataset for every unit, a case store at ``store``."""

    def __init__(
        self,
        accounts: Mapping[str, tuple[str, Account]],
        store: str | Path,
        *,
        data: DataSource | None = None,
        submissions: Sequence[Submission] = (),
    ) -> None:
        self._accounts: dict[str, tuple[bytes, bytes, Account]] = {}
        for username, (password, account) in accounts.items():
            salt = secrets.token_bytes(16)
            self._accounts[username] = (salt, _digest(password, salt), account)
        self._store_path = store
        self._store: CaseStore | None = None
        self._data = data or DataSource(
            example_path("nanning"), True, "自带示例数据集（南宁）", _evaluation_example()
        )
        self._submissions = list(submissions)

    def plugins(self) -> PluginSet:
        return _plugins()

    def hierarchy(self) -> Hierarchy:
        return self.plugins().hierarchy()

    def sign_in(self, request: Request, username: str, password: str) -> Account | None:
        found = self._accounts.get(username)
        if found is None:
            _digest(password, b"0" * 16)  # the same work for an unknown name
            return None
        salt, digest, account = found
        if not hmac.compare_digest(_digest(password, salt), digest):
            return None
        request.session.clear()  # a new session on sign-in (no fixation)
        request.session["account"] = username
        csrf_token(request)
        return account

    def sign_out(self, request: Request) -> None:
        request.session.clear()

    def account(self, request: Request) -> Account | None:
        username = request.session.get("account")
        found = self._accounts.get(username) if isinstance(username, str) else None
        return None if found is None else found[2]

    def can_view(self, account: Account, code: str) -> bool:
        h = self.hierarchy()
        return code in h and account.unit in h and h.contains(account.unit, code)

    def can_capture(self, account: Account, code: str) -> bool:
        return self.can_view(account, code) and bool(account.roles & {"staff", "inspector"})

    def can_approve(self, account: Account, code: str) -> bool:
        # approval is the level above's: never one's own unit
        return code != account.unit and self.can_view(account, code) and "staff" in account.roles

    def data_for(self, code: str) -> DataSource:
        return self._data

    def cases(self) -> CaseStore:
        if self._store is None:
            self._store = CaseStore.open(self._store_path)
        return self._store

    def waiting(self, account: Account, code: str) -> Sequence[Submission]:
        h = self.hierarchy()
        return [
            s
            for s in self._submissions
            if s.status == "待审核"
            and s.unit in h
            and h.contains(code, s.unit)
            and self.can_approve(account, s.unit)
        ]

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def today() -> dt.date:
    """Today's date (one place, so tests may fix it)."""
    return dt.date.today()


def as_json(account: Account) -> dict[str, Any]:
    return {"username": account.username, "unit": account.unit, "roles": sorted(account.roles)}
