"""A Loa web process for the kill -9 tests: the real app and inbox worker over the scripted engine, which takes a
little CPU time per answer so a kill lands while answers are in flight.

Run as ``python -m tests.channels.crash_server <settings json> <port>``.
"""

from __future__ import annotations

import json
import sys
import time

import uvicorn

from bot.engine.contracts import IncomingMessage, Reply
from bot.settings import Settings
from bot.web.app import create_app
from knowledge_base.db import make_engine, make_session_factory
from tests.channels.support import ScriptedEngine, ScriptedRuntime

ANSWER_SECONDS = 0.03


class SlowEngine(ScriptedEngine):
    def handle(self, message: IncomingMessage) -> Reply:
        time.sleep(ANSWER_SECONDS)
        return super().handle(message)


def main() -> None:
    settings = Settings(**json.loads(sys.argv[1]))
    factory = make_session_factory(make_engine(settings.database_url))
    runtime = ScriptedRuntime(settings, factory, SlowEngine(factory))
    uvicorn.run(create_app(runtime, retry_delay=0.05), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")


if __name__ == "__main__":
    main()
