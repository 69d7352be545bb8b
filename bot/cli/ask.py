"""``loa ask`` (one question) and ``loa chat`` (a conversation in the terminal, buttons as numbered choices)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict

import typer
from rich.markup import escape

from bot.cli.common import console, err_console, settings
from bot.engine.contracts import IncomingMessage, Reply


def reply_json(reply: Reply) -> dict[str, object]:
    """The reply as ``loa ask --json`` and ``POST /api/v1/ask`` print it."""
    return {
        "decision": str(reply.decision),
        "text": reply.text,
        "citations": [asdict(citation) for citation in reply.citations],
        "buttons": [{"label": button.label, "payload": button.payload} for button in reply.buttons],
        "latency_ms": round(reply.latency_ms, 1),
        "message_id": reply.message_id,
    }


def _print_reply(reply: Reply, numbered: bool) -> None:
    for block in reply.blocks or (reply.text,):
        console.print(escape(block))
    if reply.buttons:
        if numbered:
            for number, button in enumerate(reply.buttons, start=1):
                console.print(f"  [bold]{number}[/bold]. {escape(button.label)}")
        else:
            console.print("Nút: " + " · ".join(f"[{escape(b.label)}]" for b in reply.buttons))


def ask_command(
    question: str = typer.Argument(..., help="The question, in Vietnamese."),
    as_json: bool = typer.Option(False, "--json", help="Print the reply as JSON."),
    user: str = typer.Option("cli", "--user", help="User key (the conversation memory is per user)."),
) -> None:
    """Ask Loa one question and print the reply, decision, citations and timing."""
    from bot.runtime import Runtime

    runtime = Runtime.create(settings())
    try:
        reply = runtime.engine.handle(IncomingMessage(channel="cli", user_key=user, text=question))
    finally:
        runtime.close()
    if as_json:
        print(json.dumps(reply_json(reply), ensure_ascii=False, indent=2))
        return
    _print_reply(reply, numbered=False)
    console.print(f"[dim]Quyết định: {reply.decision} · {reply.latency_ms:.0f} ms[/dim]")


def chat_command(
    user: str = typer.Option("", "--user", help="User key; default: a new one per session."),
) -> None:
    """Talk to Loa in the terminal. Type a number to press a button; Ctrl-D or "/q" to leave."""
    from bot.runtime import Runtime

    runtime = Runtime.create(settings())
    user_key = user or f"chat-{uuid.uuid4().hex[:8]}"
    console.print("[dim]Loa đã sẵn sàng. Gõ câu hỏi; gõ số để bấm nút; /q để thoát.[/dim]")
    buttons: tuple[tuple[str, str], ...] = ()
    try:
        while True:
            try:
                line = console.input("[bold green]Bạn:[/bold green] ").strip()
            except EOFError:
                break
            if line in ("/q", "/quit"):
                break
            if not line:
                continue
            callback = None
            if line.isdigit() and 1 <= int(line) <= len(buttons):
                callback = buttons[int(line) - 1][1]
            message = IncomingMessage(
                channel="cli", user_key=user_key, text=None if callback else line, callback=callback
            )
            reply = runtime.engine.handle(message)
            console.print("[bold cyan]Loa:[/bold cyan]", end=" ")
            _print_reply(reply, numbered=True)
            buttons = tuple((b.label, b.payload) for b in reply.buttons)
    except KeyboardInterrupt:
        err_console.print("")
    finally:
        runtime.close()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("ask")(ask_command)
    app.command("chat")(chat_command)
