"""The ``loa`` command line: thin typer commands that parse, call a service and print with rich."""

from __future__ import annotations

import typer

from bot.cli import ask, bench, db, evaluate, index, kb, rasa, serve, telegram, users, zalo

app = typer.Typer(help="Loa: Vietnamese poverty-reduction policy chatbot.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
app.add_typer(db.app, name="db")
app.add_typer(kb.app, name="kb")
app.add_typer(index.app, name="index")
app.add_typer(telegram.app, name="telegram")
app.add_typer(users.app, name="users")
app.add_typer(zalo.app, name="zalo")
app.add_typer(evaluate.app, name="eval")
app.add_typer(bench.app, name="bench")
ask.register(app)
serve.register(app)
rasa.register(app)
