"""Accounts bound to the jurisdiction tree, their passwords, tokens and sign-in.

An account belongs to one unit (e.g. 450103 青秀区督导室) and holds roles; where it
may act is that unit's subtree (:mod:`dudao.server.access`), as a DHIS2 user's
organisation units are. Passwords are hashed with argon2id (argon2-cffi's defaults);
bearer tokens for scripts are random and stored only as their SHA-256; sign-in is
throttled per user name and per address (:func:`authenticate`).

Every function takes an open connection and leaves committing to the caller, so a
change and its audit row are written in one transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
import secrets
from collections.abc import Iterable
from typing import Any

import attrs
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dudao.errors import DudaoError, Problem
from dudao.model.hierarchy import Hierarchy
from dudao.server.db import accounts, login_attempts, tokens
from dudao.server.problems import fail


class Role(enum.StrEnum):
    """What an account may do (where: its unit's subtree)."""

    STAFF = "staff"  # 督导办工作人员：写案件、审核报送、发布
    INSPECTOR = "inspector"  # 督学：在责任区内记录督导与发现
    VIEWER = "viewer"  # 只读
    ADMIN = "admin"  # 管理本单位及下级单位的账号

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.STAFF: "督导办工作人员",
    Role.INSPECTOR: "督学",
    Role.VIEWER: "查看",
    Role.ADMIN: "管理员",
}


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Roles by English value or Chinese label; a clear problem for anything else.

    >>> sorted(parse_roles(["staff", "督学"]))
    [<Role.STAFF: 'staff'>, <Role.INSPECTOR: 'inspector'>]
    """
    out = set()
    by_label = {r.label: r for r in Role}
    for v in values:
        text = str(v).strip()
        role = by_label.get(text) or next((r for r in Role if r.value == text), None)
        if role is None:
            raise fail(
                "invalid-value",
                f"未知的角色 '{text}'",
                hint="可选：" + "、".join(f"{r.label}（{r.value}）" for r in Role),
                path=("roles",),
            )
        out.add(role)
    if not out:
        raise fail("invalid-value", "账号至少要有一个角色", path=("roles",))
    return frozenset(out)


@attrs.frozen
class Account:
    """A signed-in user: who, of which unit, with which roles."""

    id: int
    username: str
    display_name: str
    unit: str
    roles: frozenset[Role]
    active: bool = True
    sessions_after: dt.datetime | None = None

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "unit": self.unit,
            "roles": sorted(r.value for r in self.roles),
            "active": self.active,
        }


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(t: dt.datetime | None) -> dt.datetime | None:
    """A time read back from SQLite (which drops the zone) as UTC."""
    if t is None or t.tzinfo is not None:
        return t
    return t.replace(tzinfo=dt.UTC)


def hasher(cheap: bool = False) -> PasswordHasher:
    """argon2id with argon2-cffi's defaults; ``cheap``: its cheapest profile (tests)."""
    if cheap:
        from argon2.profiles import CHEAPEST

        return PasswordHasher.from_parameters(CHEAPEST)
    return PasswordHasher()


USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
MIN_PASSWORD = 8


def _check_username(username: str) -> str:
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise fail(
            "invalid-value",
            f"用户名 {username!r} 不合规",
            hint="1–64 个字母、数字、点、下划线或连字符，以字母或数字开头",
            path=("username",),
        )
    return username


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD or len(password) > 1024:
        raise fail(
            "invalid-value",
            f"密码至少 {MIN_PASSWORD} 个字符（最多 1024 个）",
            path=("password",),
        )


def _check_unit(unit: str, hierarchy: Hierarchy) -> None:
    if not isinstance(unit, str) or unit not in hierarchy:
        raise fail(
            "invalid-value",
            f"未知的单位代码 {unit!r}",
            hint="给出行政区划代码，如 450103",
            path=("unit",),
        )


def _check_text(value: str, field: str, limit: int = 200) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit or "\x00" in value:
        raise fail("invalid-value", f"{field} 须为 1–{limit} 个字符", path=(field,))
    return value.strip()


def _from_row(row: Any) -> Account:
    m = row._mapping
    return Account(
        id=m["id"],
        username=m["username"],
        display_name=m["display_name"],
        unit=m["unit"],
        roles=frozenset(Role(r) for r in m["roles"].split(",") if r),
        active=bool(m["active"]),
        sessions_after=aware(m["sessions_after"]),
    )


def create_account(
    conn: sa.Connection,
    *,
    username: str,
    password: str,
    unit: str,
    roles: Iterable[str],
    hierarchy: Hierarchy,
    display_name: str | None = None,
    password_hasher: PasswordHasher | None = None,
) -> Account:
    """Add an account; refused (``account-exists``) if the user name is taken."""
    _check_username(username)
    _check_password(password)
    _check_unit(unit, hierarchy)
    parsed = parse_roles(roles)
    name = _check_text(display_name or f"{hierarchy.get(unit).name} {username}", "display_name")
    if find_account(conn, username) is not None:
        raise fail("account-exists", f"用户名 {username} 已被使用", path=("username",))
    digest = (password_hasher or hasher()).hash(password)
    new_id = conn.execute(
        accounts.insert().values(
            username=username,
            display_name=name,
            unit=unit,
            roles=",".join(sorted(r.value for r in parsed)),
            password_hash=digest,
            active=True,
            created_at=now(),
        )
    ).inserted_primary_key
    assert new_id is not None
    return Account(int(new_id[0]), username, name, unit, parsed)


def get_account(conn: sa.Connection, account_id: int) -> Account | None:
    row = conn.execute(sa.select(accounts).where(accounts.c.id == account_id)).first()
    return _from_row(row) if row else None


def find_account(conn: sa.Connection, username: str) -> Account | None:
    row = conn.execute(sa.select(accounts).where(accounts.c.username == username)).first()
    return _from_row(row) if row else None


def list_accounts(conn: sa.Connection) -> list[Account]:
    return [_from_row(r) for r in conn.execute(sa.select(accounts).order_by(accounts.c.id))]


def update_account(
    conn: sa.Connection,
    account: Account,
    *,
    hierarchy: Hierarchy,
    display_name: str | None = None,
    roles: Iterable[str] | None = None,
    active: bool | None = None,
    password: str | None = None,
    password_hasher: PasswordHasher | None = None,
) -> tuple[Account, dict[str, Any]]:
    """Change an account; returns it and what changed (for the audit log; a new
    password shows only as changed). Deactivating or a new password signs it out."""
    values: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    if display_name is not None:
        values["display_name"] = _check_text(display_name, "display_name")
        changed["display_name"] = [account.display_name, values["display_name"]]
    if roles is not None:
        parsed = parse_roles(roles)
        values["roles"] = ",".join(sorted(r.value for r in parsed))
        changed["roles"] = [sorted(account.roles), sorted(parsed)]
    if active is not None:
        values["active"] = bool(active)
        changed["active"] = [account.active, bool(active)]
    if password is not None:
        _check_password(password)
        values["password_hash"] = (password_hasher or hasher()).hash(password)
        changed["password"] = "changed"
    if active is False or password is not None:
        values["sessions_after"] = now()
        conn.execute(tokens.update().where(tokens.c.account_id == account.id).values(revoked=True))
    if values:
        conn.execute(accounts.update().where(accounts.c.id == account.id).values(**values))
    found = get_account(conn, account.id)
    assert found is not None
    return found, changed


# ------------------------------------------------------------------ sign-in


def _failures(conn: sa.Connection, column: sa.Column[Any], value: str, since: dt.datetime) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(login_attempts)
        .where(column == value, login_attempts.c.at >= since, login_attempts.c.ok == sa.false())
    )
    return int(conn.execute(query).scalar_one())


_DUMMY: dict[bool, str] = {}


def authenticate(
    conn: sa.Connection,
    username: str,
    password: str,
    *,
    address: str,
    max_failures: int = 5,
    window: int = 300,
    password_hasher: PasswordHasher | None = None,
) -> Account | None:
    """The account if the password is right, else None (the caller commits the
    attempt, then refuses with :func:`bad_credentials`). Refused (``too-many-attempts``) once
    ``max_failures`` failed sign-ins for this user name, or four times as many from
    this address, fall within ``window`` seconds; every attempt is recorded. A wrong
    user name and a wrong password get the same answer, in about the same time."""
    ph = password_hasher or hasher()
    username = str(username)[:64]
    address = str(address)[:64]
    since = now() - dt.timedelta(seconds=window)
    if (
        _failures(conn, login_attempts.c.username, username, since) >= max_failures
        or _failures(conn, login_attempts.c.address, address, since) >= 4 * max_failures
    ):
        raise fail(
            "too-many-attempts",
            "登录失败次数过多，请稍后再试",
            hint=f"{window // 60} 分钟后重试，或请管理员重设密码",
        )
    row = conn.execute(sa.select(accounts).where(accounts.c.username == username)).first()
    ok = False
    if row is None:
        cheap = ph.time_cost == 1
        if cheap not in _DUMMY:
            _DUMMY[cheap] = ph.hash("not-a-password")
        _verify(ph, _DUMMY[cheap], str(password))
    else:
        ok = bool(row.active) and _verify(ph, row.password_hash, str(password))
        if ok and ph.check_needs_rehash(row.password_hash):
            conn.execute(
                accounts.update()
                .where(accounts.c.id == row.id)
                .values(password_hash=ph.hash(str(password)))
            )
    conn.execute(
        login_attempts.insert().values(username=username, address=address, at=now(), ok=ok)
    )
    if not ok or row is None:
        return None
    return _from_row(row)


def bad_credentials() -> DudaoError:
    return fail("bad-credentials", "用户名或密码不正确", hint="检查后重试")


def _verify(ph: PasswordHasher, digest: str, password: str) -> bool:
    try:
        return ph.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# ------------------------------------------------------------------ tokens

TOKEN_PREFIX = "dd_"


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(conn: sa.Connection, account: Account, *, days: int = 30, name: str = "") -> str:
    """A new bearer token for ``account``; only its hash is stored, so this is the
    one moment it can be read."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        tokens.insert().values(
            account_id=account.id,
            token_hash=_token_hash(raw),
            name=name[:200],
            created_at=now(),
            expires_at=now() + dt.timedelta(days=days),
            revoked=False,
        )
    )
    return raw


def account_for_token(conn: sa.Connection, raw: str) -> Account | None:
    """The active account a live token belongs to, else None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    row = conn.execute(
        sa.select(tokens.c.account_id, tokens.c.expires_at, tokens.c.revoked).where(
            tokens.c.token_hash == _token_hash(raw)
        )
    ).first()
    if row is None or row.revoked:
        return None
    expires = aware(row.expires_at)
    if expires is None or expires <= now():
        return None
    account = get_account(conn, row.account_id)
    return account if account is not None and account.active else None


def revoke_token(conn: sa.Connection, raw: str) -> bool:
    result = conn.execute(
        tokens.update().where(tokens.c.token_hash == _token_hash(raw)).values(revoked=True)
    )
    return bool(result.rowcount)


def require(account: Account | None, username: str) -> Account:
    if account is None:
        raise DudaoError(Problem(f"没有账号 {username}", code="unknown-account"))
    return account
