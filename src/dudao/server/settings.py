"""The service's settings: where its data lives, which database, which secret.

Defaults suit one machine: a data folder (``./dudao-data``) holding a SQLite file
``dudao.db`` and a generated secret; a PostgreSQL URL (``postgresql://user@host/db``)
takes the place of the SQLite file for a shared deployment (docs/deployment.md).
Environment variables ``DUDAO_DATA``, ``DUDAO_DB`` and ``DUDAO_SECRET`` fill what the
command line does not give.

>>> s = Settings(data=Path("/srv/dudao"))
>>> s.database_url
'sqlite:////srv/dudao/dudao.db'
>>> Settings(data=Path("x"), db="postgresql://u@h/d").database_url
'postgresql+psycopg://u@h/d'
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from dudao.errors import DudaoError, Problem

if TYPE_CHECKING:
    from dudao.plugins.manager import PluginSet

#: The data folder when none is given.
DEFAULT_DATA = Path("dudao-data")


def _url(db: str | None, data: Path) -> str:
    if not db:
        return f"sqlite:///{(data / 'dudao.db').absolute()}"
    if "://" not in db:  # a file path
        return f"sqlite:///{Path(db).absolute()}"
    if db.startswith("postgresql://"):  # dudao's driver is psycopg 3, not psycopg2
        return "postgresql+psycopg://" + db.removeprefix("postgresql://")
    return db


@attrs.frozen
class Settings:
    """What a running service needs to know.

    ``db``: a SQLAlchemy URL or a SQLite file path (default: ``dudao.db`` in ``data``).
    ``secret``: signs browser sessions; default: read from ``data/secret.key``,
    generated there (mode 600) on first use. ``plugins``: the plugins in force
    (default: the installed ones). ``dataset``: a dataset folder imported on start as
    its scope's approved data (once per content). ``cheap_hashing`` makes password
    hashing fast — for tests only. ``login_failures``/``login_window``: how many failed
    logins per user name and address within how many seconds before logins are refused.
    """

    data: Path = attrs.field(default=DEFAULT_DATA, converter=Path)
    db: str | None = None
    secret: str | None = None
    plugins: PluginSet | None = None
    dataset: Path | None = None
    cheap_hashing: bool = False
    login_failures: int = 5
    login_window: int = 300
    token_days: int = 30
    session_hours: int = 12
    secure_cookies: bool = False

    @classmethod
    def from_env(cls, **given: object) -> Settings:
        """Settings from keyword arguments, falling back on ``DUDAO_DATA``,
        ``DUDAO_DB`` and ``DUDAO_SECRET``."""
        values = {k: v for k, v in given.items() if v is not None}
        env = {"data": "DUDAO_DATA", "db": "DUDAO_DB", "secret": "DUDAO_SECRET"}
        for key, var in env.items():
            if key not in values and os.environ.get(var):
                values[key] = os.environ[var]
        return cls(**values)  # type: ignore[arg-type]

    @property
    def database_url(self) -> str:
        return _url(self.db, self.data)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def ensure_data(self) -> Path:
        """The data folder, created if absent; a clear error if it cannot be."""
        try:
            self.data.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DudaoError(
                Problem(
                    f"无法创建数据文件夹 '{self.data}'：{exc.strerror}",
                    source=str(self.data),
                    code="bad-data-folder",
                    hint="用 --data 指定一个可写的文件夹",
                )
            ) from None
        return self.data

    def session_secret(self) -> str:
        """The secret signing browser sessions (see the class docstring)."""
        if self.secret:
            return self.secret
        path = self.ensure_data() / "secret.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

    def plugin_set(self) -> PluginSet:
        if self.plugins is not None:
            return self.plugins
        from dudao.plugins.manager import load_plugins

        return load_plugins()
