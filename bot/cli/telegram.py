"""``loa telegram``: polling for local use, and the operator's webhook commands."""

from __future__ import annotations

import asyncio

import typer

from bot.channels import telegram
from bot.cli.common import console, err_console, settings

app = typer.Typer(help="Telegram: polling mode and webhook registration.", no_args_is_help=True)


def _require_token() -> None:
    if not settings().telegram_token.get_secret_value():
        err_console.print("Chưa đặt LOA_TELEGRAM_TOKEN (mã bot do @BotFather cấp).")
        raise typer.Exit(2)


@app.command("poll")
def poll() -> None:
    """Answer Telegram by long polling (no public URL needed); removes any webhook first."""
    _require_token()
    from bot.channels.gateway import Gateway
    from bot.runtime import Runtime
    from bot.web.metrics import Metrics

    runtime = Runtime.create(settings())
    application = telegram.build_application(runtime.settings, Gateway(runtime, Metrics()), webhook=False)
    console.print("Loa đang nhận tin nhắn Telegram (thoát: Ctrl+C).")
    try:
        application.run_polling(allowed_updates=telegram.ALLOWED_UPDATES)
    finally:
        runtime.close()


@app.command("set-webhook")
def set_webhook(url: str = typer.Option("", help="Public https URL; default: LOA_PUBLIC_URL + /webhooks/telegram."),
                drop_pending: bool = typer.Option(False, help="Discard updates Telegram is still holding.")) -> None:
    """Register Loa's webhook with Telegram, with the secret token and only the updates Loa handles."""
    _require_token()
    config = settings()
    secret = config.telegram_webhook_secret.get_secret_value()
    if not secret:
        err_console.print("Chưa đặt LOA_TELEGRAM_WEBHOOK_SECRET: Loa từ chối webhook không có mã bí mật.")
        raise typer.Exit(2)
    target = url or (f"{config.public_url.rstrip('/')}/webhooks/telegram" if config.public_url else "")
    if not target.startswith("https://"):
        err_console.print("Cần địa chỉ https công khai: đặt LOA_PUBLIC_URL hoặc dùng --url.")
        raise typer.Exit(2)

    async def register() -> bool:
        async with telegram.bot_for(config) as bot:
            return await bot.set_webhook(target, secret_token=secret, allowed_updates=telegram.ALLOWED_UPDATES,
                                         drop_pending_updates=drop_pending)

    if not asyncio.run(register()):
        err_console.print("Telegram không chấp nhận webhook.")
        raise typer.Exit(1)
    console.print(f"Đã đăng ký webhook: {target} (cập nhật: {', '.join(telegram.ALLOWED_UPDATES)})")


@app.command("webhook-info")
def webhook_info() -> None:
    """Show what Telegram knows of Loa's webhook: URL, pending updates, last error."""
    _require_token()
    config = settings()

    async def fetch() -> dict[str, object]:
        async with telegram.bot_for(config) as bot:
            return (await bot.get_webhook_info()).to_dict()

    info = asyncio.run(fetch())
    labels = {"url": "Địa chỉ", "pending_update_count": "Cập nhật đang chờ", "last_error_date": "Lỗi gần nhất lúc",
              "last_error_message": "Lỗi gần nhất", "allowed_updates": "Loại cập nhật", "ip_address": "IP"}
    for key, label in labels.items():
        if info.get(key) not in (None, "", []):
            console.print(f"{label}: {info[key]}")
    if not info.get("url"):
        console.print("Chưa có webhook (Loa đang dùng chế độ poll hoặc chưa đăng ký).")
