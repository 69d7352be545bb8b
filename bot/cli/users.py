"""``loa users``: console accounts (the first administrator is created here)."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select

from bot.cli.common import console, err_console, settings
from knowledge_base.db import make_engine, make_session_factory
from knowledge_base.models import Role, User
from knowledge_base.services.users import UserError, create_user, list_users, set_password

app = typer.Typer(help="Tài khoản đăng nhập bảng điều khiển (/admin).", no_args_is_help=True)


@app.command("create")
def create_command(
    username: str = typer.Argument(..., help="Tên đăng nhập."),
    role: Role = typer.Option(Role.OFFICER, "--role", help="officer (cán bộ) hoặc admin (quản trị viên)."),
    name: str = typer.Option("", "--name", help="Họ tên hiển thị."),
    password: str = typer.Option(..., prompt="Mật khẩu", hide_input=True, confirmation_prompt=True,
                                 envvar="LOA_NEW_USER_PASSWORD", help="Hỏi khi chạy nếu không truyền vào."),
) -> None:
    """Create an account with an argon2-hashed password."""
    factory = make_session_factory(make_engine(settings().database_url))
    try:
        with factory.begin() as session:
            user = create_user(session, username=username, password=password, role=role, display_name=name)
            created = user.username
    except UserError as error:
        err_console.print(f"[red]Không tạo được tài khoản:[/red] {error}")
        raise typer.Exit(1) from error
    console.print(f"Đã tạo tài khoản [bold]{created}[/bold] ({'quản trị viên' if role is Role.ADMIN else 'cán bộ'}).")


@app.command("password")
def password_command(
    username: str = typer.Argument(..., help="Tên đăng nhập."),
    password: str = typer.Option(..., prompt="Mật khẩu mới", hide_input=True, confirmation_prompt=True,
                                 envvar="LOA_NEW_USER_PASSWORD", help="Hỏi khi chạy nếu không truyền vào."),
) -> None:
    """Set a new password; every console session of the account ends at once."""
    factory = make_session_factory(make_engine(settings().database_url))
    try:
        with factory.begin() as session:
            user = session.scalar(select(User).where(User.username == username.strip().lower()))
            if user is None:
                raise UserError("Không tìm thấy tài khoản.")
            set_password(session, user.id, password, actor="cli", actor_id=None)
    except UserError as error:
        err_console.print(f"[red]Không đổi được mật khẩu:[/red] {error}")
        raise typer.Exit(1) from error
    console.print(f"Đã đổi mật khẩu của [bold]{username.strip().lower()}[/bold]; mọi phiên đăng nhập đã kết thúc.")


@app.command("list")
def list_command() -> None:
    """List console accounts."""
    factory = make_session_factory(make_engine(settings().database_url))
    with factory() as session:
        rows = list_users(session)
    table = Table("Tên đăng nhập", "Họ tên", "Vai trò", "Hoạt động")
    for user in rows:
        table.add_row(user.username, user.display_name, user.role.value, "có" if user.active else "bị khoá")
    console.print(table)
