"""``loa db``: database schema."""

from __future__ import annotations

import typer

from bot.cli.common import console, settings
from knowledge_base.db import upgrade

app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(revision: str = typer.Argument("head", help="Target Alembic revision.")) -> None:
    """Create or migrate the database schema to the newest revision."""
    url = settings().database_url
    upgrade(url, revision)
    console.print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({url.split('@')[-1]}).")
