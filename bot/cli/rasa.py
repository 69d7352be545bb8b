"""``loa rasa-actions``: Loa's engine as a Rasa action server."""

from __future__ import annotations

import logging

import typer
import uvicorn

from bot.cli.common import console, settings


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""

    @app.command("rasa-actions")
    def rasa_actions(port: int = typer.Option(5055, help="TCP port (Rasa's endpoints.yml points here)."),
                     host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 in a container).")
                     ) -> None:
        """Serve action_answer_policy_question, action_eligibility_check and action_restart for a Rasa deployment;
        each call is logged."""
        from bot.rasa_actions import create_action_server
        from bot.runtime import Runtime

        # force: an imported library has already put a WARNING-level handler on the root logger
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
        runtime = Runtime.create(settings())
        console.print(f"Máy chủ hành động Rasa của Loa: http://{host}:{port}/webhook")
        try:
            uvicorn.run(create_action_server(runtime.engine, runtime.engine.memory), host=host, port=port,
                        log_level="info")
        finally:
            runtime.close()
