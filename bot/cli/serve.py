"""``loa serve``: the web app (API, webhooks, chat page, console) under uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from bot.cli.common import console, settings


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""

    @app.command("serve")
    def serve(host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 in a container)."),
              port: int = typer.Option(8000, help="TCP port.")) -> None:
        """Run Loa's web app: /api/v1/ask, /webhooks/*, /chat, /healthz, /readyz, /metrics.

        X-Forwarded-For is read by the app itself, only from LOA_TRUSTED_PROXIES (uvicorn's own handling, which
        trusts loopback, is off)."""
        from bot.runtime import Runtime
        from bot.web.app import create_app

        runtime = Runtime.create(settings())
        runtime.warm()
        console.print(f"Loa đang chạy tại http://{host}:{port} (trang hỏi đáp: /chat, tài liệu API: /api/docs)")
        try:
            uvicorn.run(create_app(runtime), host=host, port=port, proxy_headers=False, log_level="info")
        finally:
            runtime.close()
