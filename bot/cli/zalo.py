"""``loa zalo``: install the Zalo Official Account's first token pair, and show the stored one.

Zalo hands the first access/refresh token pair to the OA administrator after the OAuth consent (or from the
developer console); from then on Loa refreshes it itself before expiry, storing each new single-use refresh token.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer

from bot.channels.state import load_token, store_token
from bot.channels.zalo_oa import CHANNEL
from bot.cli.common import console, err_console, settings
from knowledge_base.db import make_engine, make_session_factory

app = typer.Typer(help="Zalo Official Account: the access and refresh tokens Loa keeps.", no_args_is_help=True)


@app.command("set-token")
def set_token(
    access_token: str = typer.Option(..., prompt="Access token", hide_input=True, envvar="LOA_ZALO_OA_ACCESS_TOKEN",
                                     help="Hỏi khi chạy nếu không truyền vào."),
    refresh_token: str = typer.Option(..., prompt="Refresh token", hide_input=True,
                                      envvar="LOA_ZALO_OA_REFRESH_TOKEN", help="Hỏi khi chạy nếu không truyền vào."),
    expires_in: int = typer.Option(90000, min=60, help="Seconds the access token is valid (Zalo: 90000 = 25 h)."),
) -> None:
    """Store the token pair obtained by the OA administrator, replacing any previous pair."""
    if not access_token.strip() or not refresh_token.strip():
        err_console.print("[red]Thiếu mã:[/red] cần cả access token và refresh token.")
        raise typer.Exit(2)
    factory = make_session_factory(make_engine(settings().database_url))
    expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
    store_token(factory, CHANNEL, access_token.strip(), refresh_token.strip(), expires_at)
    console.print(f"Đã lưu mã truy cập Zalo OA, hết hạn lúc {expires_at:%H:%M %d/%m/%Y} (UTC); "
                  "Loa tự làm mới trước đó.")


@app.command("token-status")
def token_status() -> None:
    """Whether a token pair is stored and when the access token expires (the tokens themselves are not shown)."""
    factory = make_session_factory(make_engine(settings().database_url))
    stored = load_token(factory, CHANNEL)
    if stored is None:
        err_console.print("Chưa có mã truy cập Zalo OA: chạy `loa zalo set-token`.")
        raise typer.Exit(1)
    remaining = stored.expires_at - datetime.now(UTC)
    state = "còn hiệu lực" if remaining.total_seconds() > 0 else "đã hết hạn (sẽ làm mới ở lần gửi tiếp theo)"
    console.print(f"Mã truy cập Zalo OA {state}; hết hạn lúc {stored.expires_at:%H:%M %d/%m/%Y} (UTC); "
                  f"lần cập nhật mã thứ {stored.generation}.")
