"""``dudao serve`` and ``dudao accounts``: run the information system, manage its
accounts from the command line (the first administrator, demo accounts).

The service's libraries (FastAPI, uvicorn, SQLAlchemy, Alembic) are imported inside
the commands, so ``dudao --help`` does not load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dudao.cli.output import ReportingGroup, format_option, print_json, stderr, stdout
from dudao.errors import DudaoError, Problem

if TYPE_CHECKING:
    from dudao.server.settings import Settings

DATA_HELP = "数据文件夹（SQLite 数据库、会话密钥；默认 ./dudao-data，或环境变量 DUDAO_DATA）"
DB_HELP = (
    "数据库：SQLite 文件路径或 URL，如 postgresql://用户@主机/库"
    "（默认数据文件夹中的 dudao.db，或 DUDAO_DB）"
)

#: The demo accounts ``dudao accounts demo [EXAMPLE]`` creates for each example dataset
#: (dudao's own, 宜昌市, by default): user name, unit, roles, name. Each set spans the
#: province, the city and one county, so access by subtree and approval up the levels
#: can be tried.
DEMO_ACCOUNTS = {
    "yichang": (
        ("hb-admin", "420000", ("admin", "staff"), "湖北省教育督导室（示例管理员）"),
        ("hb-staff", "420000", ("staff",), "湖北省教育督导室（示例）"),
        ("yc-admin", "420500", ("admin",), "宜昌市政府教育督导室管理员（示例）"),
        ("yc-staff", "420500", ("staff",), "宜昌市政府教育督导室（示例）"),
        ("xl-staff", "420502", ("staff",), "西陵区政府教育督导室（示例）"),
        ("xl-inspector", "420502", ("inspector",), "西陵区督学（示例）"),
        ("yc-viewer", "420500", ("viewer",), "宜昌市查看账号（示例）"),
    ),
    "nanning": (
        ("gx-admin", "450000", ("admin", "staff"), "广西壮族自治区教育督导室（示例管理员）"),
        ("gx-staff", "450000", ("staff",), "广西壮族自治区教育督导室（示例）"),
        ("nn-admin", "450100", ("admin",), "南宁市政府教育督导室管理员（示例）"),
        ("nn-staff", "450100", ("staff",), "南宁市政府教育督导室（示例）"),
        ("qx-staff", "450103", ("staff",), "青秀区政府教育督导室（示例）"),
        ("qx-inspector", "450103", ("inspector",), "青秀区督学（示例）"),
        ("nn-viewer", "450100", ("viewer",), "南宁市查看账号（示例）"),
    ),
}
#: The demo accounts' password: printed, and for a demonstration only.
DEMO_PASSWORD = "dudao-demo"


def _settings(data: str | None, db: str | None, **extra: Any) -> Settings:
    from dudao.server.settings import Settings

    return Settings.from_env(data=data, db=db, **extra)


@click.command()
@click.argument("dataset", required=False)
@click.option("--data", help=DATA_HELP)
@click.option("--db", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="会话 Cookie 只经 HTTPS 发送（经反向代理提供 HTTPS 时）",
)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    help="信任其 X-Forwarded-For 的反向代理地址（如 127.0.0.1），审计日志记录真实客户端地址",
)
def serve(
    dataset: str | None,
    data: str | None,
    db: str | None,
    host: str,
    port: int,
    secure_cookies: bool,
    forwarded_allow_ips: str | None,
) -> None:
    """启动教育督导信息管理系统（网页与 API），地址打印在屏幕上。

    DATASET（可选）：启动时导入的数据集文件夹（或示例名，如 yichang、nanning），作为其
    范围单位已审核的数据；同一内容只导入一次。首次使用先创建管理员：dudao accounts
    create …，或演示账号：dudao accounts demo。
    """
    import uvicorn

    from dudao.server.submissions import import_dataset
    from dudao.web.app import create_app

    settings = _settings(data, db, secure_cookies=secure_cookies)
    if dataset:
        _import(settings, dataset, import_dataset)
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else shown
    stderr.print(f"dudao 教育督导信息管理系统：http://{shown}:{port}/（Ctrl+C 停止）")
    stderr.print(f"API：http://{shown}:{port}/api/v1/openapi.json")
    stderr.print(f"数据库：{_shown_db(settings)}")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
    )


def _shown_db(settings: Settings) -> str:
    from dudao.server.db import shown_url

    return shown_url(settings.database_url)


def _import(settings: Settings, dataset: str, import_dataset: Any) -> None:
    from dudao.examples import example_names, example_path
    from dudao.server.service import Service

    folder = example_path(dataset) if dataset in example_names() else Path(dataset)
    service = Service(settings)
    try:
        result = import_dataset(service, folder)
    finally:
        service.close()
    if result is None:
        stderr.print(f"数据集 {folder} 已导入过（内容相同），未重复导入。")
    else:
        stderr.print(
            f"已导入数据集 {folder}：单位 {result['unit']}，"
            f"{result['year']} 年第 {result['version']} 版（已审核）。"
        )


@click.group(cls=ReportingGroup)
@click.option("--data", help=DATA_HELP)
@click.option("--db", help=DB_HELP)
@click.pass_context
def accounts(ctx: click.Context, data: str | None, db: str | None) -> None:
    """信息管理系统的账号：创建首个管理员、演示账号，列出、停用账号。"""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = _settings(data, db)


def _service(ctx: click.Context) -> Any:
    from dudao.server.service import Service

    return Service(ctx.obj["settings"])


@accounts.command("create")
@click.argument("username")
@click.option("--unit", required=True, help="所属单位的行政区划代码，如 450103")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="角色（可多次给出）：staff 督导办工作人员、inspector 督学、viewer 查看、admin 管理员",
)
@click.option("--name", "display_name", help="显示名称（默认：单位名 + 用户名）")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="DUDAO_PASSWORD",
    help="密码（不给时提示输入；也可用环境变量 DUDAO_PASSWORD）",
)
@click.pass_context
def create(
    ctx: click.Context,
    username: str,
    unit: str,
    roles: tuple[str, ...],
    display_name: str | None,
    password: str,
) -> None:
    """创建账号 USERNAME（如首个管理员：--unit 450000 --role admin）。"""
    from dudao.server import accounts as acc
    from dudao.server.audit import record

    service = _service(ctx)
    try:
        with service.begin() as conn:
            account = acc.create_account(
                conn,
                username=username,
                password=password,
                unit=unit,
                roles=roles,
                display_name=display_name,
                hierarchy=service.hierarchy,
                password_hasher=service.password_hasher,
            )
            record(
                conn,
                None,
                username="(命令行)",
                address="cli",
                action="create",
                resource="account",
                resource_id=account.id,
                unit=account.unit,
                detail={"username": account.username, "roles": sorted(account.roles)},
            )
    finally:
        service.close()
    stdout.print(f"已创建账号 {account.username}（{account.unit}，{_roles(account.roles)}）")


def _roles(roles: Any) -> str:
    return "、".join(sorted(r.label for r in roles))


@accounts.command("list")
@format_option("table", "json")
@click.pass_context
def list_(ctx: click.Context, fmt: str) -> None:
    """列出全部账号。"""
    from rich.table import Table

    from dudao.server import accounts as acc

    service = _service(ctx)
    try:
        with service.read() as conn:
            rows = acc.list_accounts(conn)
    finally:
        service.close()
    if fmt == "json":
        print_json({"accounts": [a.json() for a in rows]})
        return
    table = Table(title=f"账号（{len(rows)} 个）", title_justify="left")
    for header in ("用户名", "名称", "单位", "角色", "状态"):
        table.add_column(header)
    for a in rows:
        table.add_row(
            a.username, a.display_name, a.unit, _roles(a.roles), "启用" if a.active else "停用"
        )
    stdout.print(table)


@accounts.command("disable")
@click.argument("username")
@click.pass_context
def disable(ctx: click.Context, username: str) -> None:
    """停用账号 USERNAME（其令牌与会话随即失效）。"""
    from dudao.server import accounts as acc
    from dudao.server.audit import record

    service = _service(ctx)
    try:
        with service.begin() as conn:
            account = acc.require(acc.find_account(conn, username), username)
            acc.update_account(conn, account, hierarchy=service.hierarchy, active=False)
            record(
                conn,
                None,
                username="(命令行)",
                address="cli",
                action="update",
                resource="account",
                resource_id=account.id,
                unit=account.unit,
                detail={"active": [True, False]},
            )
    finally:
        service.close()
    stdout.print(f"已停用账号 {username}")


@accounts.command("demo")
@click.argument("example", required=False)
@click.option("--no-data", is_flag=True, help="不导入示例数据集")
@click.pass_context
def demo(ctx: click.Context, example: str | None, no_data: bool) -> None:
    """创建演示账号（密码 dudao-demo，仅供演示），并导入示例数据集 EXAMPLE（示例数据）。

    不给 EXAMPLE 时用 dudao 自带的宜昌市示例（不需要地区插件）：账号 yc-staff（宜昌市
    督导办）、xl-staff（西陵区）等；nanning 是南宁插件的示例：账号 nn-staff（南宁市
    督导办）、qx-staff（青秀区）等。
    """
    from dudao.examples import DEFAULT, example_path
    from dudao.server import accounts as acc
    from dudao.server.audit import record
    from dudao.server.submissions import import_dataset

    name = example or DEFAULT
    if name not in DEMO_ACCOUNTS:
        raise DudaoError(
            Problem(
                f"没有为示例 '{name}' 准备的演示账号",
                code="unknown-demo",
                hint="可选：" + "、".join(DEMO_ACCOUNTS),
            )
        )
    folder = None if no_data else example_path(name)  # a missing example: before any write
    service = _service(ctx)
    made = []
    try:
        with service.begin() as conn:
            for username, unit, roles, display_name in DEMO_ACCOUNTS[name]:
                if acc.find_account(conn, username) is not None:
                    continue
                account = acc.create_account(
                    conn,
                    username=username,
                    password=DEMO_PASSWORD,
                    unit=unit,
                    roles=roles,
                    display_name=display_name,
                    hierarchy=service.hierarchy,
                    password_hasher=service.password_hasher,
                )
                record(
                    conn,
                    None,
                    username="(命令行)",
                    address="cli",
                    action="create",
                    resource="account",
                    resource_id=account.id,
                    unit=unit,
                    detail={"username": username, "roles": list(roles), "demo": True},
                )
                made.append(account)
        imported = None if folder is None else import_dataset(service, folder)
    finally:
        service.close()
    for a in made:
        stdout.print(f"演示账号 {a.username:<14} {a.unit}  {_roles(a.roles)}")
    if made:
        stdout.print(f"演示账号的密码均为 {DEMO_PASSWORD}（仅供演示，正式使用前请停用）")
    else:
        stdout.print("演示账号已存在。")
    if imported is not None:
        stdout.print(
            f"已导入示例数据集 {name}（示例数据）：单位 {imported['unit']}，"
            f"{imported['year']} 年，已审核"
        )
