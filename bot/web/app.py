"""The ASGI app: ``create_app(runtime)`` wires the API, the channel webhooks, the chat page and operations routes."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request, Response

from bot.channels import inbox, telegram, zalo_oa
from bot.channels import zalo_bot as zalo_bot_channel
from bot.channels.gateway import Gateway, Runtime
from bot.channels.registration import FIRST_DELAY, ChannelStartup
from bot.channels.zalo_bot import CHANNEL as ZALO_BOT_CHANNEL
from bot.channels.zalo_bot import ZaloBotAdapter, ZaloBotClient
from bot.channels.zalo_oa import ZaloOAAdapter, ZaloOAClient
from bot.web.admin import admin_router
from bot.web.api import address_limits, api_router, operations_router
from bot.web.chat.routes import STATIC_PATH, chat_router, static_files
from bot.web.hardening import install as install_hardening
from bot.web.metrics import Metrics

logger = logging.getLogger(__name__)


def create_app(runtime: Runtime, *, retry_delay: float = 0.5, startup_delay: float = FIRST_DELAY) -> FastAPI:
    """One app per runtime. ``retry_delay`` is the first backoff step of outgoing platform calls,
    ``startup_delay`` the first backoff step of a channel's start-up retries (see ``bot.channels.registration``)."""
    settings = runtime.settings
    metrics = Metrics()
    gateway = Gateway(runtime, metrics)
    processors: dict[str, inbox.Processor] = {}
    worker = inbox.InboxWorker(runtime.session_factory, processors)
    http = httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0))
    telegram_app = (telegram.build_application(settings, gateway, retry_delay=retry_delay)
                    if settings.telegram_token.get_secret_value() else None)
    zalo_bot = (ZaloBotClient(settings, http, metrics, retry_delay=retry_delay)
                if settings.zalo_bot_token.get_secret_value() else None)

    startup = ChannelStartup(metrics, first_delay=startup_delay)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if telegram_app is not None:
            startup.start(telegram.CHANNEL, lambda: start_telegram(telegram_app))
        if zalo_bot is not None and settings.public_url:
            public_url, secret = settings.public_url, settings.zalo_bot_webhook_secret.get_secret_value()
            startup.start(ZALO_BOT_CHANNEL, lambda: register_zalo_bot_webhook(zalo_bot, public_url, secret))
        worker.start()  # its first pass is the restart sweep: every row a crash left pending
        try:
            yield
        finally:
            await startup.stop()
            await worker.stop()
            if telegram_app is not None:
                if telegram_app.running:
                    await telegram_app.stop()
                await telegram_app.shutdown()
            await http.aclose()

    app = FastAPI(title="Loa", summary="Hỏi đáp chính sách giảm nghèo, có căn cứ văn bản.", version="0.1.0",
                  lifespan=lifespan, docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.runtime = runtime
    app.state.metrics = metrics
    app.state.gateway = gateway
    app.state.inbox_worker = worker
    install_hardening(app, settings)

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.http_seconds.labels(path, request.method, str(response.status_code)).observe(
            time.perf_counter() - started)
        return response

    app.state.channels = startup
    app.include_router(operations_router(gateway, metrics, startup.snapshot))
    limits = address_limits(gateway)  # one window per address across the API and the chat page
    app.include_router(api_router(gateway, limits))
    app.include_router(chat_router(gateway, limits))
    app.mount(STATIC_PATH, static_files(), name="chat-static")
    if telegram_app is not None:
        app.include_router(telegram.webhook_router(telegram_app, settings.telegram_webhook_secret.get_secret_value(),
                                                   runtime.session_factory, metrics, worker))
        processors[telegram.CHANNEL] = telegram.processor(telegram_app)
    if settings.zalo_oa_app_id and settings.zalo_oa_secret_key.get_secret_value():
        oa_client = ZaloOAClient(settings, runtime.session_factory, http, metrics, retry_delay=retry_delay)
        oa_adapter = ZaloOAAdapter(settings, gateway, oa_client, worker)
        app.include_router(oa_adapter.router())
        processors[zalo_oa.CHANNEL] = oa_adapter.process
    if zalo_bot is not None:
        bot_adapter = ZaloBotAdapter(settings, gateway, zalo_bot, worker)
        app.include_router(bot_adapter.router())
        processors[zalo_bot_channel.CHANNEL] = bot_adapter.process

    # ---- Routers of other parts of Loa: add them here, one line each (e.g. the officer console under /admin). ----
    app.include_router(admin_router(runtime))

    return app


async def start_telegram(application: telegram.TelegramApplication) -> None:
    """PTB's start-up (``getMe``); safe to call again after a failure, since PTB only marks itself initialised
    once it succeeded."""
    await application.initialize()
    await application.start()


async def register_zalo_bot_webhook(client: ZaloBotClient, public_url: str, secret: str) -> None:
    """Zalo Bot Platform has no operator command here: the app (re)registers its webhook at every start-up,
    which is idempotent. A failure raises; ``ChannelStartup`` keeps the channel degraded and tries again."""
    url = f"{public_url.rstrip('/')}/webhooks/zalo-bot"
    await client.set_webhook(url, secret)
    logger.info("Zalo Bot webhook registered: %s", url)
