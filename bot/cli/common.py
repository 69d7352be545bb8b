"""What every command needs: the settings, read once, and a console to print to."""

from __future__ import annotations

from functools import cache

import typer
from pydantic import ValidationError
from rich.console import Console

from bot.settings import Settings

console = Console()
err_console = Console(stderr=True)


@cache
def settings() -> Settings:
    """Read ``LOA_*`` once; a bad value stops the command with a clear message."""
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"]) or "settings"
            err_console.print(f"[red]Cấu hình sai[/red] LOA_{where.upper()}: {problem['msg']}")
        raise typer.Exit(2) from error
