"""Load benchmark of the web app over loopback: ``/api/v1/ask`` and the Telegram webhook, beside the engine alone.

``run(settings)`` starts the real app (uvicorn, in this process, on a free 127.0.0.1 port) on the real runtime (the
database and index snapshot ``settings`` name), a fake Telegram Bot API on another port, then drives each route with
a fixed number of concurrent clients for a fixed time (bounded: it stops by itself) and returns the figures.
``python -m bench.http`` (or ``loa bench http``) prints them.
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from pydantic import SecretStr

from bot.settings import Settings

QUESTIONS = (
    "Chuẩn hộ nghèo ở nông thôn giai đoạn 2022-2025 là bao nhiêu?",
    "Hộ cận nghèo được hỗ trợ bảo hiểm y tế thế nào?",
    "Rà soát hộ nghèo hằng năm làm vào lúc nào?",
    "Thu nhập bao nhiêu thì là hộ nghèo ở thành thị?",
    "Các chỉ số đo lường mức độ thiếu hụt dịch vụ xã hội cơ bản gồm những gì?",
    "Hộ nghèo được vay vốn ưu đãi ở đâu?",
)
WEBHOOK_SECRET = "bench-secret"


@contextmanager
def running_server(app: Any) -> Iterator[str]:
    """Serve an ASGI ``app`` with uvicorn in a background thread on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@dataclass
class _TelegramSink:
    """A fake Telegram Bot API that answers every call and notes when each chat got its sendMessage."""

    delivered: dict[int, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                body = json.loads(raw) if raw.startswith("{") else dict(parse_qsl(raw))
                method = self.path.rsplit("/", 1)[-1]
                result: Any = True
                if method == "getMe":
                    result = {"id": 1, "is_bot": True, "first_name": "Loa", "username": "loa_bench_bot"}
                elif method == "sendMessage":
                    chat = int(body["chat_id"])
                    with sink.lock:
                        sink.delivered.setdefault(chat, time.perf_counter())
                    result = {"message_id": 1, "date": int(time.time()), "chat": {"id": chat, "type": "private"},
                              "text": body.get("text", "")}
                data = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                return

        return Handler


def _percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"p50_ms": float("nan"), "p95_ms": float("nan")}
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 2)}


async def _drive(base_url: str, route: str, body_for: Any, headers: dict[str, str], seconds: float,
                 concurrency: int, max_requests: int) -> tuple[list[float], dict[int, float], float, int]:
    """``concurrency`` clients post back to back until ``seconds`` pass or ``max_requests`` are sent."""
    latencies: list[float] = []
    started_at: dict[int, float] = {}
    errors = 0
    counter = iter(range(1, max_requests + 1))
    deadline = time.perf_counter() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        for number in counter:
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            started_at[number] = started
            response = await http.post(route, json=body_for(number), headers=headers)
            latencies.append(time.perf_counter() - started)
            errors += response.status_code != 200

    began = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
    return latencies, started_at, time.perf_counter() - began, errors


def run(settings: Settings | None = None, *, seconds: float = 8.0, concurrency: int = 8,
        max_requests: int = 2000) -> dict[str, Any]:
    """Sustained req/s and p50/p95 for ``/api/v1/ask`` and ``/webhooks/telegram``, the engine alone, and ratios."""
    from bot.runtime import Runtime
    from bot.web.app import create_app

    base = settings or Settings()
    sink = _TelegramSink()
    fake = ThreadingHTTPServer(("127.0.0.1", 0), sink.handler())
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    config = base.model_copy(update={
        "telegram_token": SecretStr("1:bench"), "telegram_webhook_secret": SecretStr(WEBHOOK_SECRET),
        "telegram_api_url": f"http://127.0.0.1:{fake.server_address[1]}", "rate_limit_per_minute": 10**9,
        "rate_limit_per_address_per_minute": 10**9,
        "zalo_oa_app_id": "", "zalo_bot_token": SecretStr(""),
    })
    runtime = Runtime.create(config)
    readiness = runtime.readiness()
    if not all(readiness.values()):
        runtime.close()
        raise SystemExit(f"Loa is not ready to be measured ({readiness}): run `loa db upgrade`, "
                         "`loa kb import …`/`loa kb starter` and `loa index build` for this LOA_DATA_DIR first.")
    try:
        engine_samples = _engine_only(runtime, rounds=5)
        with running_server(create_app(runtime)) as url:
            ask_lat, _, ask_time, ask_errors = asyncio.run(_drive(
                url, "/api/v1/ask", lambda n: {"user": f"bench-{n % 50}", "text": QUESTIONS[n % len(QUESTIONS)]},
                {}, seconds, concurrency, max_requests))

            first_update = int(time.time()) * 100_000  # never an update id an earlier run left in seen_delivery

            def update(n: int) -> dict[str, Any]:
                chat = first_update + n
                return {"update_id": chat, "message": {"message_id": n, "date": int(time.time()),
                                                       "text": QUESTIONS[n % len(QUESTIONS)],
                                                       "chat": {"id": chat, "type": "private"},
                                                       "from": {"id": chat, "is_bot": False, "first_name": "B"}}}

            hook_lat, hook_start, hook_time, hook_errors = asyncio.run(_drive(
                url, "/webhooks/telegram", update, {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
                seconds, concurrency, max_requests))
            drain_deadline = time.perf_counter() + 60
            while len(sink.delivered) < len(hook_start) and time.perf_counter() < drain_deadline:
                time.sleep(0.05)
            replied_by = max(sink.delivered.values(), default=time.perf_counter())
            first_post = min(hook_start.values(), default=replied_by)
    finally:
        runtime.close()
        fake.shutdown()
        fake.server_close()
    end_to_end = [sink.delivered[first_update + n] - started for n, started in hook_start.items()
                  if first_update + n in sink.delivered]
    engine = _percentiles(engine_samples)
    ask = _percentiles(ask_lat)
    return {
        "concurrency": concurrency,
        "seconds_per_route": seconds,
        "engine_only": {**engine, "messages": len(engine_samples)},
        "api_ask": {**ask, "requests": len(ask_lat), "errors": ask_errors,
                    "requests_per_s": round(len(ask_lat) / ask_time, 2),
                    "p50_ratio_to_engine": round(ask["p50_ms"] / engine["p50_ms"], 2) if engine_samples else None},
        "telegram_webhook": {
            "ack": {**_percentiles(hook_lat), "requests": len(hook_lat), "errors": hook_errors,
                    "requests_per_s": round(len(hook_lat) / hook_time, 2)},
            "reply": {**_percentiles(end_to_end), "replied": len(end_to_end),
                      "replies_per_s": round(len(end_to_end) / max(replied_by - first_post, 1e-9), 2)},
        },
    }


def _engine_only(runtime: Any, rounds: int) -> list[float]:
    from bot.engine.contracts import IncomingMessage

    for index, question in enumerate(QUESTIONS):  # a question's first sight fills the engine's caches
        runtime.engine.handle(IncomingMessage(channel="cli", user_key=f"engine-warm-up-{index}", text=question))
    samples: list[float] = []
    for round_number in range(rounds):
        for index, question in enumerate(QUESTIONS):
            started = time.perf_counter()
            runtime.engine.handle(IncomingMessage(channel="cli", user_key=f"engine-{round_number}-{index}",
                                                  text=question))
            samples.append(time.perf_counter() - started)
    return samples


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
